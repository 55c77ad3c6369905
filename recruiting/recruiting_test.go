package recruiting_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"portal/access"
	"portal/applications"
	"portal/employees"
	"portal/internal/testenv"
	"portal/recruiting"
	"portal/storage"
)

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// world is a small organisation with a recruiter for SOC and the
// services of recruiting over a fresh database.
type world struct {
	db     *storage.DB
	svc    *recruiting.Service
	cands  *recruiting.Candidates
	stages *recruiting.Stages
}

func newWorld(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	db := testenv.DB(t)
	st := db.Employees()
	for _, u := range []employees.Unit{{ID: "ORG", Name: "Kommunen", Active: true}, {ID: "SOC", Name: "Soc", ParentID: "ORG", Active: true}, {ID: "UTB", Name: "Utb", ParentID: "ORG", Active: true}} {
		if err := st.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"rekry01", "chef01", "other01"} {
		if err := st.SavePerson(ctx, employees.Person{ID: id, FirstName: id, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	dir := &employees.Directory{Store: st, Now: func() time.Time { return now }}
	roles := access.DefaultCatalogue()
	policy := &access.Policy{Grants: db.Access(), Dir: dir, Roles: roles}
	acc := &access.Service{Store: db.Access(), Dir: dir, Roles: roles, Policy: policy, Now: func() time.Time { return now }}
	if _, err := acc.GrantByCommand(ctx, "rekry01", "recruiter", "SOC"); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	return world{db: db,
		svc:    &recruiting.Service{Store: db.Recruitments(), Policy: policy, People: dir, Now: clock},
		cands:  &recruiting.Candidates{Recruitments: db.Recruitments(), Store: db.Recruitments(), Now: clock},
		stages: &recruiting.Stages{Candidates: db.Recruitments(), Store: db.Recruitments(), Apps: db.Applications(), Now: clock},
	}
}

// Rights follow the grant and the group; reference numbers are unique
// even when recruiters open recruitments at once.
func TestRightsAndReferenceNumbers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	refs := make([]string, 8)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := w.svc.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC", Title: "Tjänst", Positions: 1,
				Group: []recruiting.Member{{PersonID: "chef01", Role: recruiting.RoleHiringManager}}})
			if err != nil {
				t.Error(err)
				return
			}
			refs[i] = r.Ref
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, ref := range refs {
		if seen[ref] || ref == "" {
			t.Fatalf("reference numbers %v", refs)
		}
		seen[ref] = true
	}
	list, err := w.svc.List(ctx, "rekry01")
	if err != nil || len(list) != 8 {
		t.Fatalf("recruiter's list: %v %d", err, len(list))
	}
	r := list[0].Recruitment
	for _, c := range []struct {
		who  string
		want recruiting.Rights
	}{
		{"rekry01", recruiting.Rights{See: true, Review: true, Manage: true, Decide: true}},
		{"chef01", recruiting.Rights{See: true, Review: true, Decide: true}},
		{"other01", recruiting.Rights{}},
		{"nobody", recruiting.Rights{}},
	} {
		got, err := w.svc.RightsIn(ctx, c.who, r)
		if err != nil || got != c.want {
			t.Errorf("%s: %+v %v", c.who, got, err)
		}
	}
	if _, _, err := w.svc.Open(ctx, "other01", r.ID); !errors.Is(err, recruiting.ErrNotFound) {
		t.Errorf("outsider opens: %v", err)
	}
	if _, err := w.svc.Create(ctx, "rekry01", recruiting.Draft{UnitID: "UTB", Title: "X", Positions: 1}); err == nil {
		t.Error("a recruitment outside the grant")
	}
}

// An application is taken in once, however often it arrives, numbered in
// order; moving it to interview reveals it for good, and a withdrawn one
// cannot be moved.
func TestArrivalsAndStages(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	r, err := w.svc.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC", Title: "Tjänst", Positions: 1, Anonymised: true})
	if err != nil {
		t.Fatal(err)
	}
	apps := w.db.Applications()
	var ids []string
	for _, who := range []string{"a1", "a2", "a3"} {
		id, err := apps.CreateApplication(ctx, applications.Application{Applicant: who, AdRef: r.Ref, ClosesAt: now.Add(48 * time.Hour), Status: applications.StatusDraft, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := applications.Application{ID: ids[0], Applicant: "a1", AdRef: r.Ref}
			if err := w.cands.Arrived(ctx, a, applications.Version{N: 1, At: now, Applicant: applications.Snapshot{FirstName: "Åsa"}}, "sv"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, id := range ids[1:] {
		a := applications.Application{ID: id, Applicant: "a" + string(rune('2'+i)), AdRef: r.Ref}
		if err := w.cands.Arrived(ctx, a, applications.Version{N: 1, At: now.Add(time.Duration(i+1) * time.Minute)}, "en"); err != nil {
			t.Fatal(err)
		}
	}
	list, err := w.db.Recruitments().CandidatesOf(ctx, r.ID)
	if err != nil || len(list) != 3 || list[0].ID != ids[0] || list[0].Details.FirstName != "Åsa" || list[0].Stage != recruiting.StageReceived {
		t.Fatalf("candidates: %v %+v", err, list)
	}
	// An ad without a recruitment has no candidates.
	if err := w.cands.Arrived(ctx, applications.Application{ID: "x", AdRef: "IMPORTED-1"}, applications.Version{N: 1, At: now}, "sv"); err != nil {
		t.Fatal(err)
	}

	_, v, err := w.svc.Open(ctx, "rekry01", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !r.HidesIdentity(list[0]) {
		t.Fatal("anonymised from the start")
	}
	if n, err := w.stages.Move(ctx, v, r, []string{ids[0], ids[1]}, recruiting.StageInterview, ""); err != nil || n != 2 {
		t.Fatalf("move: %d %v", n, err)
	}
	if _, err := w.stages.Move(ctx, v, r, []string{ids[0]}, recruiting.StageNotSelected, ""); !errors.Is(err, recruiting.ErrNoReason) {
		t.Fatalf("not selected without a reason: %v", err)
	}
	if _, err := w.stages.Move(ctx, v, r, []string{ids[0]}, recruiting.StageNotSelected, "after-interview"); err != nil {
		t.Fatal(err)
	}
	c, _ := w.db.Recruitments().Candidate(ctx, ids[0])
	if c.Stage != recruiting.StageNotSelected || !c.Revealed || r.HidesIdentity(c) {
		t.Fatalf("after the interview: %+v", c)
	}
	events, err := w.db.Recruitments().StageEvents(ctx, ids[0])
	if err != nil || len(events) != 2 || events[1].Reason != "after-interview" || events[0].By != "rekry01" {
		t.Fatalf("events: %v %+v", err, events)
	}
	// A withdrawn application cannot be moved, and with it none of a batch.
	if err := apps.MarkSubmitted(ctx, ids[2], 1, 0, now); err != nil {
		t.Fatal(err)
	}
	if err := apps.MarkWithdrawn(ctx, ids[2], now); err != nil {
		t.Fatal(err)
	}
	if _, err := w.stages.Move(ctx, v, r, []string{ids[1], ids[2]}, recruiting.StageOffer, ""); !errors.Is(err, recruiting.ErrWithdrawn) {
		t.Fatalf("withdrawn moved: %v", err)
	}
	if c, _ := w.db.Recruitments().Candidate(ctx, ids[1]); c.Stage != recruiting.StageInterview {
		t.Fatalf("a batch with a withdrawn one moved others: %s", c.Stage)
	}
	// A reader may not move anyone.
	if _, err := w.stages.Move(ctx, recruiting.Viewer{PersonID: "x", Rights: recruiting.Rights{See: true}}, r, ids[:1], recruiting.StageReview, ""); !errors.Is(err, recruiting.ErrForbidden) {
		t.Fatalf("reader moved: %v", err)
	}
}
