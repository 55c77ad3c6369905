package views

import (
	"fmt"

	"portal/applicants"
)

// Kept says how long an application is kept, in the words of the keys
// under prefix (prefix + "." + the state): the last day for an application
// kept through a day, the years after the decision for one undecided.
func (l *Localizer) Kept(prefix string, k applicants.Keeping) string {
	switch k.State {
	case applicants.KeepThrough, applicants.KeepHeld, applicants.KeepDue:
		return l.T(prefix+"."+k.State, l.Date(k.Through))
	case applicants.KeepArchived:
		return l.T(prefix + "." + k.State)
	}
	return l.T(prefix+"."+applicants.KeepUndecided, l.Years(k.Years))
}

// Years writes a number of years in words up to ten ("två år"), else in
// digits.
func (l *Localizer) Years(n int) string {
	if n >= 1 && n <= 10 {
		return l.T(fmt.Sprintf("accounts.years.%d", n))
	}
	return l.T("accounts.years.n", n)
}
