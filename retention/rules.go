// Package retention keeps recruitment records as long as the archives'
// rule asks and culls them after: the applications of those not hired two
// years after the employment decision became final (RA-FS 2021:2, and the
// retention plans municipalities and regions adopt from it), unless a hold
// stops it. Ads, decisions, posted notices and the hired applicants'
// applications are kept.
package retention

import (
	"time"

	"portal/jobs"
)

// Rules are the durations of the retention rule; DefaultRules gives the
// archives' defaults.
type Rules struct {
	// Years the applications of those not hired are kept after the
	// employment decision became final.
	Years int
	// MarginDays are added to every culling date, so that a clock that is
	// wrong by hours never culls a day early.
	MarginDays int
	// UndecidedMonths after the last application day an undecided
	// recruitment is listed for the administrator to decide.
	UndecidedMonths int
	// AccountIdleYears without a login, and with no application left, an
	// applicant account is deleted after NoticeDays of notice.
	AccountIdleYears int
	NoticeDays       int
}

// DefaultRules are the rule's durations: two years, one day's margin, six
// months before an undecided recruitment is named, and two years of an
// unused account with 30 days' notice.
func DefaultRules() Rules {
	return Rules{Years: 2, MarginDays: 1, UndecidedMonths: 6, AccountIdleYears: 2, NoticeDays: 30}
}

// RuleText names the rule applied, for the culling records.
const (
	RuleNotHired  = "RA-FS 2021:2: ansökningar från sökande som inte anställts, två år efter att anställningsbeslutet vunnit laga kraft"
	RuleCancelled = "RA-FS 2021:2: avbruten rekrytering, två år efter att beslutet att avbryta vunnit laga kraft"
)

// CullFrom is the moment from which records whose decision became final
// on the given day may go: when the period of Years ends, and the margin.
func (r Rules) CullFrom(final jobs.Day) time.Time {
	return addYears(final, r.Years).AddDays(r.MarginDays).Start()
}

// KeptThrough is the last day records whose decision became final on the
// given day are kept: the day before CullFrom, as the applicant is told.
func (r Rules) KeptThrough(final jobs.Day) jobs.Day {
	return jobs.DayOf(r.CullFrom(final)).AddDays(-1)
}

// UndecidedFrom is when a recruitment whose last application day was the
// given day is listed as waiting for its decision.
func (r Rules) UndecidedFrom(lastDay jobs.Day) time.Time {
	return lastDay.End().In(jobs.Stockholm).AddDate(0, r.UndecidedMonths, 0)
}

// addYears moves a day whole years on; 29 February goes to 1 March, later
// rather than earlier.
func addYears(d jobs.Day, n int) jobs.Day {
	return jobs.DayOf(d.Start().AddDate(n, 0, 0))
}
