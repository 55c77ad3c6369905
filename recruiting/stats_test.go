package recruiting_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"portal/applications"
	"portal/employees"
	"portal/jobs"
	"portal/recruiting"
)

// decided is a decision book for the tests: when each recruitment was
// decided.
type decided map[string]time.Time

func (d decided) DecidedAt(_ context.Context, id string) (time.Time, bool, error) {
	at, ok := d[id]
	return at, ok, nil
}

func stockholm(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, jobs.Stockholm)
}

func day(t *testing.T, s string) jobs.Day {
	t.Helper()
	d, err := jobs.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// statsWorld is the world with the statistics over it, its clock at
// clock, and a unit SOC-HEM under SOC.
func statsWorld(t *testing.T, clock time.Time, dec decided) (world, *recruiting.Statistics) {
	t.Helper()
	w := newWorld(t)
	if err := w.db.Employees().SaveUnit(context.Background(), employees.Unit{ID: "SOC-HEM", Name: "Hemtjänst", ParentID: "SOC", Active: true}); err != nil {
		t.Fatal(err)
	}
	dir := &employees.Directory{Store: w.db.Employees(), Now: func() time.Time { return clock }}
	st := &recruiting.Statistics{Candidates: w.db.Recruitments(), Ads: w.db.Ads(), Statuses: w.db.Applications(), Stages: w.stages,
		Recruitments: w.svc, Units: dir, Now: func() time.Time { return clock }}
	if dec != nil {
		st.Decisions = dec
	}
	return w, st
}

// arrive makes a candidate of the recruitment who applied at the time;
// withdrawn ones apply and withdraw through a real application.
func arrive(t *testing.T, w world, r recruiting.Recruitment, at time.Time, withdrawn bool) string {
	t.Helper()
	ctx := context.Background()
	apps := w.db.Applications()
	id, err := apps.CreateApplication(ctx, applications.Application{Applicant: "a" + at.UTC().Format("20060102150405.000000000"), AdRef: r.Ref,
		ClosesAt: at.Add(365 * 24 * time.Hour), Status: applications.StatusSubmitted, CreatedAt: at, UpdatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if withdrawn {
		if err := apps.MarkWithdrawn(ctx, id, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.cands.Arrived(ctx, applications.Application{ID: id, AdRef: r.Ref}, applications.Version{N: 1, At: at}, "sv"); err != nil {
		t.Fatal(err)
	}
	return id
}

func publish(t *testing.T, w world, r recruiting.Recruitment, at time.Time, lastDay string) {
	t.Helper()
	ad := jobs.Ad{Ref: r.Ref, Title: r.Title, PublishedAt: at, LastDay: day(t, lastDay), Positions: 1}
	if err := w.db.Ads().SaveAd(context.Background(), ad); err != nil {
		t.Fatal(err)
	}
}

// One recruitment: applications are counted on their Swedish day, also
// across the end of summer time; the days run from publication to the
// last application day; withdrawals and stages are counted; the days to
// the decision are calendar days.
func TestStatsOfRecruitment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := stockholm(2026, 11, 20, 12, 0)
	dec := decided{}
	w, st := statsWorld(t, clock, dec)
	r, err := w.svc.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC", Title: "Tjänst", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, v, err := w.svc.Open(ctx, "rekry01", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Before the ad exists: nothing, no days.
	s, err := st.Of(ctx, v, r)
	if err != nil || s.Published || s.Total != 0 || len(s.Days) != 0 || s.Decided || len(s.Stages) != 7 {
		t.Fatalf("empty: %v %+v", err, s)
	}

	// Summer time ends in the night to Sunday 25 October 2026.
	publish(t, w, r, stockholm(2026, 10, 23, 10, 0), "2026-10-28")
	a1 := arrive(t, w, r, stockholm(2026, 10, 23, 23, 59), false) // Friday, late
	arrive(t, w, r, stockholm(2026, 10, 25, 0, 30), false)        // summer time still
	arrive(t, w, r, stockholm(2026, 10, 25, 23, 30), true)        // winter time, withdrawn
	arrive(t, w, r, time.Date(2026, 10, 25, 23, 30, 0, 0, time.UTC), false)
	a5 := arrive(t, w, r, stockholm(2026, 10, 28, 23, 59), false)

	if _, err := w.stages.Move(ctx, v, r, []string{a1, a5}, recruiting.StageReview, ""); err != nil {
		t.Fatal(err)
	}
	s, err = st.Of(ctx, v, r)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Published || s.PublishedOn.String() != "2026-10-23" || s.Total != 5 || s.Withdrawn != 1 {
		t.Fatalf("stats: %+v", s)
	}
	want := map[string]int{"2026-10-23": 1, "2026-10-24": 0, "2026-10-25": 2, "2026-10-26": 1, "2026-10-27": 0, "2026-10-28": 1}
	if len(s.Days) != len(want) {
		t.Fatalf("days: %+v", s.Days)
	}
	for i, d := range s.Days {
		if want[d.Day.String()] != d.Count || (i > 0 && recruiting.DaysBetween(s.Days[i-1].Day, d.Day) != 1) {
			t.Errorf("day %d: %s %d, want %d", i, d.Day, d.Count, want[d.Day.String()])
		}
	}
	stages := map[string][2]int{}
	for _, sc := range s.Stages {
		stages[sc.Stage.ID] = [2]int{sc.Count, sc.Withdrawn}
	}
	if stages[recruiting.StageReceived] != [2]int{3, 1} || stages[recruiting.StageReview] != [2]int{2, 0} || stages[recruiting.StageHired] != [2]int{} ||
		s.Stages[0].Stage.Label("en") != "Received" {
		t.Errorf("stages: %+v", s.Stages)
	}
	if s.Decided {
		t.Error("decided without a decision")
	}

	// Decided on 9 November, across the change of clocks: 17 days.
	dec[r.ID] = stockholm(2026, 11, 9, 0, 10)
	s, err = st.Of(ctx, v, r)
	if err != nil || !s.Decided || s.DecidedOn.String() != "2026-11-09" || s.DaysToDecision != 17 {
		t.Fatalf("decided: %v %+v", err, s)
	}

	// A viewer who may not see is refused.
	if _, err := st.Of(ctx, recruiting.Viewer{PersonID: "other01"}, r); !errors.Is(err, recruiting.ErrNotFound) {
		t.Errorf("no right to see: %v", err)
	}
}

// While the ad is open the days run to today; with no decision book every
// recruitment is undecided.
func TestStatsRunToToday(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := stockholm(2026, 3, 30, 8, 0) // the day after summer time began
	w, st := statsWorld(t, clock, nil)
	r, err := w.svc.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC", Title: "Tjänst", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, v, _ := w.svc.Open(ctx, "rekry01", r.ID)
	publish(t, w, r, stockholm(2026, 3, 28, 9, 0), "2026-04-15")
	arrive(t, w, r, stockholm(2026, 3, 29, 3, 30), false)
	s, err := st.Of(ctx, v, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Days) != 3 || s.Days[0].Day.String() != "2026-03-28" || s.Days[2].Day.String() != "2026-03-30" || s.Days[1].Count != 1 || s.Decided {
		t.Fatalf("days: %+v", s)
	}
	// An ad scheduled for later is not published yet: no days to show.
	publish(t, w, r, stockholm(2026, 4, 2, 9, 0), "2026-04-15")
	if s, err := st.Of(ctx, v, r); err != nil || s.Published || len(s.Days) != 1 {
		t.Fatalf("scheduled: %v %+v", err, s)
	}
}

// A unit's figures take the recruitments the person sees within the
// unit, and no other.
func TestStatsOfUnit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := stockholm(2026, 12, 1, 9, 0)
	dec := decided{}
	w, st := statsWorld(t, clock, dec)
	open := func(unit string, group ...recruiting.Member) recruiting.Recruitment {
		r, err := w.svc.Create(ctx, "rekry01", recruiting.Draft{UnitID: unit, Title: "Tjänst " + unit, Positions: 1, Group: group})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	home := open("SOC-HEM", recruiting.Member{PersonID: "chef01", Role: recruiting.RoleHiringManager})
	soc := open("SOC")
	// A recruitment of another unit, which rekry01 may not see.
	if _, err := w.db.Recruitments().CreateRecruitment(ctx, recruiting.Recruitment{Ref: "UTB-1", UnitID: "UTB", Title: "Lärare", Positions: 1,
		Group: []recruiting.Member{{PersonID: "other01", Role: recruiting.RoleRecruiter}}}); err != nil {
		t.Fatal(err)
	}
	utb, err := w.db.Recruitments().RecruitmentByRef(ctx, "UTB-1")
	if err != nil {
		t.Fatal(err)
	}
	publish(t, w, home, stockholm(2026, 10, 1, 9, 0), "2026-10-20")
	publish(t, w, soc, stockholm(2026, 11, 2, 9, 0), "2026-11-20")
	publish(t, w, utb, stockholm(2026, 11, 2, 9, 0), "2026-11-20")
	arrive(t, w, home, stockholm(2025, 12, 31, 23, 0), false) // thirteen months ago: not in the months
	arrive(t, w, home, stockholm(2026, 10, 2, 9, 0), true)
	arrive(t, w, home, stockholm(2026, 10, 31, 23, 30), false)
	arrive(t, w, soc, stockholm(2026, 11, 3, 9, 0), false)
	for i := 0; i < 4; i++ {
		arrive(t, w, utb, stockholm(2026, 11, 3, 10, i), true)
	}
	dec[home.ID] = stockholm(2026, 10, 11, 9, 0) // 10 days
	dec[soc.ID] = stockholm(2026, 11, 7, 9, 0)   // 5 days
	dec[utb.ID] = stockholm(2026, 11, 3, 9, 0)   // 1 day, not rekry01's

	all, err := st.OfUnit(ctx, "rekry01", "")
	if err != nil {
		t.Fatal(err)
	}
	if all.Recruitments != 2 || all.Applications != 4 || all.Withdrawn != 1 || all.Average() != 2 || all.Decided != 2 || all.MedianDays != 7.5 {
		t.Fatalf("all: %+v", all)
	}
	if len(all.Months) != 12 || all.Months[0].Month.Format(time.DateOnly) != "2026-01-01" || all.Months[11].Month.Format(time.DateOnly) != "2026-12-01" ||
		all.Months[9].Count != 2 || all.Months[10].Count != 1 || all.Months[11].Count != 0 {
		t.Errorf("months: %+v", all.Months)
	}
	if all.Stages[0].Count != 4 || all.Stages[0].Withdrawn != 1 {
		t.Errorf("stages: %+v", all.Stages)
	}
	// Within the home care unit: its one recruitment.
	hem, err := st.OfUnit(ctx, "rekry01", "SOC-HEM")
	if err != nil || hem.Recruitments != 1 || hem.Applications != 3 || hem.MedianDays != 10 {
		t.Fatalf("SOC-HEM: %v %+v", err, hem)
	}
	// The hiring manager sees the one recruitment of their group.
	chef, err := st.OfUnit(ctx, "chef01", "")
	if err != nil || chef.Recruitments != 1 || chef.Applications != 3 {
		t.Fatalf("chef01: %v %+v", err, chef)
	}
	// Someone who sees none gets nothing, not zero divided by zero.
	none, err := st.OfUnit(ctx, "other01", "SOC")
	if err != nil || none.Recruitments != 0 || none.Average() != 0 || none.Decided != 0 {
		t.Fatalf("none: %v %+v", err, none)
	}
}
