package access_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"portal/access"
	"portal/valid"
)

// The last system administrator of the whole organisation keeps the
// role: revoking it is refused at the reason's field, and allowed once
// another holds it.
func TestRevokeLastAdmin(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	gs, _ := o.svc.GrantsOf(ctx, "admin01")
	err := o.svc.Revoke(ctx, "admin01", gs[0].ID, "fel")
	if p, _ := err.(valid.Problems).Field("reason"); p.Key != "access.error.last_admin" {
		t.Fatalf("the last administrator revoked: %v", err)
	}
	if g, _ := o.db.Access().GrantByID(ctx, gs[0].ID); !g.Active() {
		t.Fatal("the grant ended")
	}
	// A unit administrator is no administrator of the whole organisation.
	_, err = o.svc.GrantDirect(ctx, "admin01", "otto", access.RoleSystemAdmin, []string{"UTB"})
	must(t, err)
	if err := o.svc.Revoke(ctx, "admin01", gs[0].ID, "fel"); err == nil {
		t.Fatal("revoked with only a unit administrator left")
	}
	_, err = o.svc.GrantDirect(ctx, "admin01", "dirbo", access.RoleSystemAdmin, []string{access.Everywhere})
	must(t, err)
	dirbo, _ := o.svc.GrantsOf(ctx, "dirbo")
	// Two administrators revoking each other at once: one stays.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, pair := range [][2]string{{"admin01", dirbo[0].ID}, {"dirbo", gs[0].ID}} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = o.svc.Revoke(ctx, pair[0], pair[1], "byte") }()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("both or neither revoked: %v", errs)
	}
}

// Grants at once of roles that cannot be combined, or of one role twice,
// store one grant: the second is checked only after the first is stored.
func TestGrantRaceConflicting(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	o.courses(t, "evaryl01", "introduktion", "chef-webb", "personaloversikt")
	roles := []string{"manager", "schedule-admin", "admin-support", "manager", "schedule-admin", "admin-support", "recruiter", "recruiter"}
	errs := make([]error, len(roles))
	var wg sync.WaitGroup
	for i, role := range roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = o.svc.GrantDirect(ctx, "admin01", "evaryl01", role, []string{"SOC-HEM"})
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		var r *access.Refusal
		switch {
		case err == nil:
			ok++
		case !errors.As(err, &r):
			t.Errorf("%s: %v", roles[i], err)
		}
	}
	gs, _ := o.svc.GrantsOf(ctx, "evaryl01")
	held := map[string]int{}
	for _, g := range gs {
		held[g.Role]++
	}
	// Exclusive roles go with nothing: either one of them alone, or the
	// manager with the recruiter once each.
	if ok != len(gs) || held["recruiter"] > 1 || held["manager"] > 1 || (held["schedule-admin"]+held["admin-support"] > 0 && len(gs) != 1) {
		t.Fatalf("%d granted, stored %v (%v)", ok, held, errs)
	}
}

// The log's filter is a user name or nothing; the views of the log are
// kept but shown only when asked for.
func TestLogFilterAndViews(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	for _, bad := range []string{"<script>alert(1)</script>", strings.Repeat("a", 300), "a"} {
		_, err := o.svc.Log(ctx, "admin01", bad, false, 10)
		if p, _ := err.(valid.Problems).Field("person"); p.Key != "access.error.person_filter" {
			t.Errorf("filter %q: %v", bad, err)
		}
	}
	for range 3 {
		_, err := o.svc.Log(ctx, "admin01", "evaryl01", false, 10)
		must(t, err)
	}
	all, _ := o.svc.Log(ctx, "admin01", "", true, 100)
	views, grants := 0, 0
	for _, e := range all {
		switch e.Action {
		case access.ActionViewLog:
			views++
			if len(e.Person) > 32 {
				t.Errorf("garbage recorded: %q", e.Person)
			}
		case access.ActionGrant:
			grants++
		}
	}
	if views != 3 || grants != 1 {
		t.Fatalf("%d views, %d grants on record", views, grants)
	}
	plain, _ := o.svc.Log(ctx, "admin01", "", false, 100)
	for _, e := range plain {
		if e.Action == access.ActionViewLog {
			t.Fatal("views shown by default")
		}
	}
}

// A course entered by mistake can be removed, on record.
func TestRemoveCourse(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	_, err := o.svc.RecordCourse(ctx, "admin01", "evaryl01", "introduktion", "2026-09-01")
	must(t, err)
	if err := o.svc.RemoveCourse(ctx, "otto", "evaryl01", "introduktion"); !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("removed by someone outside: %v", err)
	}
	must(t, o.svc.RemoveCourse(ctx, "admin01", "evaryl01", "introduktion"))
	if got, _ := o.svc.CompletionsOf(ctx, "evaryl01"); len(got) != 0 {
		t.Fatalf("still there: %+v", got)
	}
	if err := o.svc.RemoveCourse(ctx, "admin01", "evaryl01", "introduktion"); !errors.Is(err, access.ErrStale) {
		t.Fatalf("removed twice: %v", err)
	}
	events, _ := o.svc.Log(ctx, "admin01", "evaryl01", false, 1)
	if src, on, ok := access.CourseDetail(events[0]); events[0].Action != access.ActionCourseRemoved || !ok || src != "admin" || on.Format("2006-01-02") != "2026-09-01" {
		t.Fatalf("latest %+v", events[0])
	}
}
