package retention

import (
	"testing"
	"time"

	"portal/jobs"
	"portal/recruiting"
)

func day(t *testing.T, s string) jobs.Day {
	t.Helper()
	d, err := jobs.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, jobs.Stockholm)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The dates: a decision posted 2027-01-11 can be appealed through
// 2027-02-01 (three weeks), is final 2027-02-02, is kept two years to
// 2029-02-01 and, with the day's margin, culled from 2029-02-03 00:00.
func TestCullingDates(t *testing.T) {
	r := DefaultRules()
	posted := day(t, "2027-01-11")
	appealUntil := posted.AddDays(recruiting.DefaultAppealDays)
	final := appealUntil.AddDays(1)
	if appealUntil.String() != "2027-02-01" || final.String() != "2027-02-02" {
		t.Fatalf("appeal until %s, final %s", appealUntil, final)
	}
	if got := r.CullFrom(final); !got.Equal(at(t, "2029-02-03 00:00:00")) {
		t.Errorf("cull from %s, want 2029-02-03 00:00 Swedish time", got)
	}
	if got := r.KeptThrough(final); got.String() != "2029-02-02" {
		t.Errorf("kept through %s, want 2029-02-02 (the margin's day is kept too)", got)
	}
	// No margin: the day two years after the decision became final.
	r0 := r
	r0.MarginDays = 0
	if got := r0.CullFrom(final); !got.Equal(at(t, "2029-02-02 00:00:00")) {
		t.Errorf("without margin, cull from %s", got)
	}
	// 29 February: two years on is 1 March, never 28 February.
	if got := r0.CullFrom(day(t, "2028-02-29")); !got.Equal(at(t, "2030-03-01 00:00:00")) {
		t.Errorf("from a leap day: %s", got)
	}
	// Configured durations are used.
	r3 := Rules{Years: 3, MarginDays: 2}
	if got := r3.CullFrom(final); !got.Equal(at(t, "2030-02-04 00:00:00")) {
		t.Errorf("three years and two days: %s", got)
	}
	// Undecided: listed six months after the last application day.
	if got := r.UndecidedFrom(day(t, "2027-03-31")); !got.Equal(at(t, "2027-10-01 00:00:00")) {
		t.Errorf("undecided from %s", got)
	}
}

// The rule per candidate, one second either side of each boundary.
func TestStatusTable(t *testing.T) {
	s := &Schedule{Rules: DefaultRules()}
	final := day(t, "2027-02-02")
	from := at(t, "2029-02-03 00:00:00")
	hired := recruiting.Decision{RecruitmentID: "r1", Outcome: recruiting.OutcomeHired, Hired: []string{"c-hired"}, FinalOn: final}
	cancelled := recruiting.Decision{RecruitmentID: "r1", Outcome: recruiting.OutcomeCancelled, FinalOn: final}
	other := recruiting.Candidate{ID: "c-other", RecruitmentID: "r1"}
	hiredC := recruiting.Candidate{ID: "c-hired", RecruitmentID: "r1"}
	hold := func(candidate, kind string, since time.Time, lifted bool) Hold {
		h := Hold{ID: "h", RecruitmentID: "r1", CandidateID: candidate, Kind: kind, Since: since}
		if lifted {
			h.LiftedAt = since.Add(time.Hour)
		}
		return h
	}
	claimDay := at(t, "2028-06-15 10:00:00")
	cases := []struct {
		name    string
		d       recruiting.Decision
		decided bool
		holds   []Hold
		c       recruiting.Candidate
		at      time.Time
		want    string
	}{
		{"undecided, years on", recruiting.Decision{}, false, nil, other, from.AddDate(10, 0, 0), StateUndecided},
		{"not hired, a second before", hired, true, nil, other, from.Add(-time.Second), StateKept},
		{"not hired, at the moment", hired, true, nil, other, from, StateDue},
		{"not hired, a second after", hired, true, nil, other, from.Add(time.Second), StateDue},
		{"hired, years on", hired, true, nil, hiredC, from.AddDate(10, 0, 0), StateArchived},
		{"cancelled, a second before", cancelled, true, nil, hiredC, from.Add(-time.Second), StateKept},
		{"cancelled, a second after", cancelled, true, nil, hiredC, from.Add(time.Second), StateDue},
		{"hold on the application", hired, true, []Hold{hold("c-other", HoldAppeal, claimDay, false)}, other, from.AddDate(5, 0, 0), StateHeld},
		{"hold on the recruitment", hired, true, []Hold{hold("", HoldRequest, claimDay, false)}, other, from.AddDate(5, 0, 0), StateHeld},
		{"hold on another application", hired, true, []Hold{hold("c-x", HoldAppeal, claimDay, false)}, other, from, StateDue},
		{"hold in another recruitment", hired, true, []Hold{{RecruitmentID: "r2", Kind: HoldOther}}, other, from, StateDue},
		{"appeal lifted", hired, true, []Hold{hold("c-other", HoldAppeal, claimDay, true)}, other, from, StateDue},
		// A claim made 2028-06-15 and lifted: two years from it, and the
		// margin: 2030-06-16.
		{"claim lifted, a second before the new date", hired, true, []Hold{hold("c-other", HoldClaim, claimDay, true)}, other, at(t, "2030-06-16 00:00:00").Add(-time.Second), StateKept},
		{"claim lifted, at the new date", hired, true, []Hold{hold("c-other", HoldClaim, claimDay, true)}, other, at(t, "2030-06-16 00:00:00"), StateDue},
		// A claim older than the decision does not shorten the period.
		{"early claim lifted", hired, true, []Hold{hold("", HoldClaim, at(t, "2026-01-01 10:00:00"), true)}, other, from, StateDue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := s.status(tc.d, tc.decided, tc.holds, tc.c, tc.at)
			if got.State != tc.want {
				t.Fatalf("state %s, want %s (%+v)", got.State, tc.want, got)
			}
		})
	}
	if st := s.status(hired, true, nil, other, from); st.KeptThrough.String() != "2029-02-02" || !st.CullFrom.Equal(from) {
		t.Errorf("status dates: %+v", st)
	}
}
