package access_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/access"
	"portal/employees"
	"portal/internal/testenv"
	"portal/storage"
	"portal/valid"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type org struct {
	db  *storage.DB
	svc *access.Service
	pol *access.Policy
}

// newOrg is a small organisation: ORG with SOC (and SOC-HEM under it)
// and UTB; dirbo heads it, chefanna manages SOC, evaryl01 works in
// SOC-HEM under chefanna, otto in UTB under dirbo, admin01 is the system
// administrator.
func newOrg(t *testing.T) *org {
	t.Helper()
	db := testenv.DB(t)
	ctx := context.Background()
	st := db.Employees()
	for _, u := range []employees.Unit{{ID: "ORG", Name: "Kommunen", Active: true}, {ID: "SOC", Name: "Socialförvaltningen", ParentID: "ORG", Active: true},
		{ID: "SOC-HEM", Name: "Hemtjänsten", ParentID: "SOC", Active: true}, {ID: "UTB", Name: "Utbildning", ParentID: "ORG", Active: true},
		{ID: "OLD", Name: "Nedlagd", ParentID: "ORG"}} {
		must(t, st.SaveUnit(ctx, u))
	}
	for _, p := range []struct{ id, first, last, emp, unit, manager string }{
		{"dirbo", "Dir", "Bo", "E-DIR", "ORG", ""},
		{"chefanna", "Anna", "Chef", "E-CHEF", "SOC", "E-DIR"},
		{"evaryl01", "Eva", "Rydberg", "E-EVA", "SOC-HEM", "E-CHEF"},
		{"otto", "Otto", "Lind", "E-OTTO", "UTB", "E-DIR"},
		{"admin01", "Ada", "Admin", "E-ADM", "ORG", "E-DIR"},
	} {
		must(t, st.SavePerson(ctx, employees.Person{ID: p.id, FirstName: p.first, LastName: p.last, Active: true}))
		must(t, st.SaveEmployment(ctx, employees.Employment{ID: p.emp, PersonID: p.id, UnitID: p.unit, ManagerID: p.manager, Active: true}))
	}
	dir := &employees.Directory{Store: st, Now: func() time.Time { return now }}
	roles := access.DefaultCatalogue()
	pol := &access.Policy{Grants: db.Access(), Dir: dir, Roles: roles}
	svc := &access.Service{Store: db.Access(), Dir: dir, Roles: roles, Policy: pol, Now: func() time.Time { return now }}
	if _, err := svc.AddAdmin(ctx, "admin01"); err != nil {
		t.Fatal(err)
	}
	return &org{db: db, svc: svc, pol: pol}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (o *org) courses(t *testing.T, person string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := o.svc.RecordCourse(context.Background(), "admin01", person, id, "2026-10-01"); err != nil {
			t.Fatal(err)
		}
	}
}

func reasons(err error) []string {
	var r *access.Refusal
	if !errors.As(err, &r) {
		return nil
	}
	var out []string
	for _, x := range r.Reasons {
		out = append(out, strings.TrimSpace(x.Kind+" "+x.Subject))
	}
	return out
}

func TestShippedCatalogue(t *testing.T) {
	c := access.DefaultCatalogue()
	for _, id := range []string{"manager", "manager-schedule", "payroll-reporter", "admin-support", "manager-web", "schedule-admin",
		"recruiter", "hiring-manager", "registrar", "system-admin"} {
		r, ok := c.Role(id)
		if !ok || r.Name.SV == "" || r.Name.EN == "" {
			t.Errorf("role %s missing or unnamed", id)
		}
		if strings.Contains(strings.ToLower(r.Name.SV+r.Name.EN), "heroma") {
			t.Errorf("role %s is named after the vendor", id)
		}
	}
	if r, _ := c.Role("manager-web"); !r.Interim() {
		t.Error("manager web is not interim")
	}
}

func TestCatalogueNamesBadEntries(t *testing.T) {
	_, err := access.ParseCatalogue([]byte(`{"courses":[{"id":"a","name":{"sv":"A","en":"A"}}],"roles":[
		{"id":"x","name":{"sv":"X","en":"X"},"courses":["nope"],"excludes":["ghost"],"permissions":["fly"]},
		{"id":"system-admin","name":{"sv":"S","en":"S"},"permissions":["access.grant"],"interim_for":["phantom"]}]}`))
	if err == nil {
		t.Fatal("a bad catalogue was accepted")
	}
	for _, want := range []string{`role "x": unknown course "nope"`, `role "x": excludes unknown role "ghost"`,
		`role "x": unknown permission "fly"`, `role "system-admin": interim for unknown role "phantom"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := access.ParseCatalogue([]byte(`{"roles":[], "extra": 1}`)); err == nil {
		t.Error("an unknown field was accepted")
	}
}

// The seed's flow: a request, the manager's signature, a grant refused
// for the missing courses until they are recorded; each step logged.
func TestRequestSignedAndGranted(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	if _, err := o.svc.Submit(ctx, "evaryl01", "manager", nil, ""); err == nil {
		t.Fatal("an empty request was accepted")
	} else if p, ok := err.(valid.Problems); !ok || len(p) != 2 {
		t.Fatalf("problems %v", err)
	}
	if _, err := o.svc.Submit(ctx, "evaryl01", "manager", []string{"OLD"}, "x"); err == nil {
		t.Fatal("a closed unit was accepted")
	}
	r, err := o.svc.Submit(ctx, "evaryl01", "manager", []string{"SOC-HEM"}, "Ny enhetschef")
	must(t, err)
	if r.State != access.StateAwaiting || r.EmploymentID != "E-EVA" {
		t.Fatalf("request %+v", r)
	}
	// Only her own manager signs: not another manager, not she herself.
	for _, who := range []string{"otto", "dirbo", "evaryl01", "admin01"} {
		if _, err := o.svc.Sign(ctx, who, r.ID); !errors.Is(err, access.ErrNotFound) {
			t.Errorf("%s signed: %v", who, err)
		}
	}
	if list, _ := o.svc.ToSign(ctx, "otto"); len(list) != 0 {
		t.Errorf("otto sees %d to sign", len(list))
	}
	if list, _ := o.svc.ToSign(ctx, "chefanna"); len(list) != 1 {
		t.Fatalf("the manager sees %d to sign", len(list))
	}
	// An unsigned request is not the administrator's yet.
	if _, err := o.svc.Grant(ctx, "admin01", r.ID); !errors.Is(err, access.ErrStale) {
		t.Fatalf("granted before signing: %v", err)
	}
	signed, err := o.svc.Sign(ctx, "chefanna", r.ID)
	must(t, err)
	if signed.SignedByName != "Anna Chef" || !signed.SignedAt.Equal(now) {
		t.Fatalf("signature %+v", signed)
	}
	// Nobody else may grant: the manager, the requester, a stranger.
	for _, who := range []string{"chefanna", "evaryl01", "otto"} {
		if _, err := o.svc.Grant(ctx, who, r.ID); !errors.Is(err, access.ErrNotFound) {
			t.Errorf("%s granted: %v", who, err)
		}
	}
	_, err = o.svc.Grant(ctx, "admin01", r.ID)
	if got := reasons(err); !slices.Equal(got, []string{"course introduktion", "course chef-webb", "course personaloversikt"}) {
		t.Fatalf("refusal %v (%v)", got, err)
	}
	o.courses(t, "evaryl01", "introduktion", "chef-webb")
	_, err = o.svc.Grant(ctx, "admin01", r.ID)
	if got := reasons(err); !slices.Equal(got, []string{"course personaloversikt"}) {
		t.Fatalf("refusal %v", got)
	}
	o.courses(t, "evaryl01", "personaloversikt")
	grants, err := o.svc.Grant(ctx, "admin01", r.ID)
	must(t, err)
	if len(grants) != 1 || grants[0].Unit != "SOC-HEM" || grants[0].GrantedByName != "Ada Admin" {
		t.Fatalf("grants %+v", grants)
	}
	if got, _ := o.db.Access().RequestByID(ctx, r.ID); got.State != access.StateGranted {
		t.Fatalf("state %s", got.State)
	}
	if _, err := o.svc.Grant(ctx, "admin01", r.ID); !errors.Is(err, access.ErrStale) {
		t.Fatalf("granted twice: %v", err)
	}
	events, err := o.svc.Log(ctx, "admin01", "evaryl01", true, 100)
	must(t, err)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	slices.Reverse(actions)
	want := []string{"request", "sign", "grant_blocked", "course", "course", "grant_blocked", "course", "grant"}
	if !slices.Equal(actions, want) {
		t.Fatalf("log %v, want %v", actions, want)
	}
	if _, err := o.svc.Log(ctx, "chefanna", "", true, 10); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("a manager read the log: %v", err)
	}
}

func TestDeclineWithdrawRefuse(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	r, err := o.svc.Submit(ctx, "evaryl01", "recruiter", []string{"SOC"}, "Rekryterar")
	must(t, err)
	if _, err := o.svc.Decline(ctx, "chefanna", r.ID, " "); err == nil {
		t.Fatal("declined without a reason")
	}
	if _, err := o.svc.Withdraw(ctx, "otto", r.ID); !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("someone else withdrew: %v", err)
	}
	d, err := o.svc.Decline(ctx, "chefanna", r.ID, "Inte nu")
	must(t, err)
	if d.State != access.StateDeclined || d.CloseReason != "Inte nu" {
		t.Fatalf("declined %+v", d)
	}
	if _, err := o.svc.Withdraw(ctx, "evaryl01", r.ID); !errors.Is(err, access.ErrStale) {
		t.Fatalf("withdrew a declined request: %v", err)
	}
	r2, _ := o.svc.Submit(ctx, "evaryl01", "recruiter", []string{"SOC"}, "Igen")
	_, err = o.svc.Sign(ctx, "chefanna", r2.ID)
	must(t, err)
	ref, err := o.svc.Refuse(ctx, "admin01", r2.ID, "Behövs inte")
	must(t, err)
	if ref.State != access.StateRefused {
		t.Fatal(ref.State)
	}
	r3, _ := o.svc.Submit(ctx, "evaryl01", "recruiter", []string{"SOC"}, "Tredje")
	w, err := o.svc.Withdraw(ctx, "evaryl01", r3.ID)
	must(t, err)
	if w.State != access.StateWithdrawn {
		t.Fatal(w.State)
	}
	if _, err := o.svc.Sign(ctx, "chefanna", r3.ID); !errors.Is(err, access.ErrStale) {
		t.Fatalf("signed a withdrawn request: %v", err)
	}
}

// Nobody signs their own request: a person whose employment is managed
// from another employment of their own has no one to sign.
func TestNoSelfSigning(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	must(t, o.db.Employees().SaveEmployment(ctx, employees.Employment{ID: "E-EVA2", PersonID: "evaryl01", UnitID: "SOC-HEM", ManagerID: "E-EVA", Active: true}))
	must(t, o.db.Employees().SetDefaultEmployment(ctx, "evaryl01", "E-EVA2"))
	if _, err := o.svc.Submit(ctx, "evaryl01", "recruiter", []string{"SOC"}, "x"); err == nil || !strings.Contains(err.Error(), "no_manager") {
		t.Fatalf("a request only its maker could sign: %v", err)
	}
	// A request that reached the store anyway is not theirs to sign.
	must(t, o.db.Access().InsertRequest(ctx, access.Request{ID: "r1", PersonID: "evaryl01", EmploymentID: "E-EVA2", Role: "recruiter",
		Units: []string{"SOC"}, State: access.StateAwaiting, CreatedAt: now}))
	if _, err := o.svc.Sign(ctx, "evaryl01", "r1"); !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("signed own request: %v", err)
	}
	// The director with no manager has no one to sign either.
	if _, err := o.svc.Submit(ctx, "dirbo", "recruiter", []string{"SOC"}, "x"); err == nil {
		t.Fatal("a request with no one to sign")
	}
	// And an administrator grants nothing to themselves.
	r, _ := o.svc.Submit(ctx, "admin01", "recruiter", []string{"SOC"}, "själv")
	_, err := o.svc.Sign(ctx, "dirbo", r.ID)
	must(t, err)
	if _, err := o.svc.Grant(ctx, "admin01", r.ID); !slices.Contains(reasons(err), "self") {
		t.Fatalf("granted to oneself: %v", err)
	}
}

func TestExclusions(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	o.courses(t, "evaryl01", "introduktion", "chef-webb", "personaloversikt")
	_, err := o.svc.GrantDirect(ctx, "admin01", "evaryl01", "schedule-admin", []string{"SOC"})
	must(t, err)
	_, err = o.svc.GrantDirect(ctx, "admin01", "evaryl01", "manager", []string{"SOC"})
	if got := reasons(err); !slices.Equal(got, []string{"conflict schedule-admin"}) {
		t.Fatalf("manager beside schedule admin: %v", got)
	}
	// Administrative support goes with no other role, and lists all.
	_, err = o.svc.GrantDirect(ctx, "admin01", "otto", "recruiter", []string{"UTB"})
	must(t, err)
	_, err = o.svc.GrantDirect(ctx, "admin01", "otto", "registrar", []string{"UTB"})
	must(t, err)
	_, err = o.svc.GrantDirect(ctx, "admin01", "otto", "admin-support", []string{"UTB"})
	if got := reasons(err); !slices.Equal(got, []string{"course introduktion", "course personaloversikt", "conflict recruiter", "conflict registrar"}) {
		t.Fatalf("admin support: %v", got)
	}
	// The same role again for a unit already covered.
	_, err = o.svc.GrantDirect(ctx, "admin01", "otto", "recruiter", []string{"UTB"})
	if got := reasons(err); !slices.Equal(got, []string{"held"}) {
		t.Fatalf("again: %v", got)
	}
	// The form's problems.
	_, err = o.svc.GrantDirect(ctx, "admin01", "nobody", "ghost", nil)
	if p, ok := err.(valid.Problems); !ok || len(p) != 3 {
		t.Fatalf("problems %v", err)
	}
}

// Manager web stands in while the courses of the full role are pending,
// and ends when the full role is granted.
func TestInterimRole(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	o.courses(t, "evaryl01", "introduktion", "chef-webb")
	if _, err := o.svc.GrantDirect(ctx, "admin01", "evaryl01", "manager", []string{"SOC-HEM"}); err == nil {
		t.Fatal("full role without its courses")
	}
	web, err := o.svc.GrantDirect(ctx, "admin01", "evaryl01", "manager-web", []string{"SOC-HEM"})
	must(t, err)
	if ok, _ := o.pol.Can(ctx, "evaryl01", access.PermApproveCases, "SOC-HEM"); !ok {
		t.Fatal("manager web cannot approve cases")
	}
	if ok, _ := o.pol.Can(ctx, "evaryl01", access.PermStaffOverview, "SOC-HEM"); ok {
		t.Fatal("manager web sees the staff overview")
	}
	o.courses(t, "evaryl01", "personaloversikt")
	_, err = o.svc.GrantDirect(ctx, "admin01", "evaryl01", "manager", []string{"SOC"})
	must(t, err)
	g, _ := o.db.Access().GrantByID(ctx, web[0].ID)
	if g.Active() || g.RevokedByName != "Ada Admin" || !g.Replaced {
		t.Fatalf("the interim role lives on: %+v", g)
	}
	// With the full role the interim one is needless.
	_, err = o.svc.GrantDirect(ctx, "admin01", "evaryl01", "manager-web", []string{"SOC-HEM"})
	if got := reasons(err); !slices.Equal(got, []string{"has_full manager"}) {
		t.Fatalf("interim beside full: %v", got)
	}
	events, _ := o.svc.Log(ctx, "admin01", "evaryl01", true, 1)
	if len(events) != 1 || events[0].Action != access.ActionGrantBlocked {
		t.Fatalf("latest %+v", events)
	}
}

// A grant for a unit covers the units under it, and nothing else.
func TestPolicyUnits(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	gs, err := o.svc.GrantDirect(ctx, "admin01", "otto", "recruiter", []string{"SOC"})
	must(t, err)
	for unit, want := range map[string]bool{"SOC": true, "SOC-HEM": true, "UTB": false, "ORG": false, access.Everywhere: false, "": true, "NOPE": false} {
		if got, err := o.pol.Can(ctx, "otto", access.PermRecruit, unit); got != want || err != nil {
			t.Errorf("recruit in %q: %v %v", unit, got, err)
		}
	}
	if ok, _ := o.pol.Can(ctx, "otto", access.PermGrantRoles, ""); ok {
		t.Error("a recruiter grants roles")
	}
	if ok, _ := o.pol.Can(ctx, "admin01", access.PermManageMail, access.Everywhere); !ok {
		t.Error("the administrator cannot manage mail")
	}
	if ok, _ := o.pol.Can(ctx, "admin01", access.PermRecruit, "SOC"); ok {
		t.Error("the administrator recruits")
	}
	// A unit-bound administrator grants only in its units.
	o.courses(t, "otto") // nothing
	_, err = o.svc.GrantDirect(ctx, "admin01", "chefanna", "system-admin", []string{"SOC"})
	must(t, err)
	if _, err := o.svc.GrantDirect(ctx, "chefanna", "evaryl01", "registrar", []string{"UTB"}); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("granted outside the units: %v", err)
	}
	if _, err := o.svc.GrantDirect(ctx, "chefanna", "evaryl01", "registrar", []string{"SOC-HEM"}); err != nil {
		t.Fatal(err)
	}
	if err := o.svc.Revoke(ctx, "chefanna", gs[0].ID, "x"); err != nil { // SOC is hers
		t.Fatal(err)
	}
	if ok, _ := o.pol.Can(ctx, "otto", access.PermRecruit, "SOC"); ok {
		t.Error("a revoked grant counts")
	}
	if err := o.svc.Revoke(ctx, "admin01", gs[0].ID, "again"); !errors.Is(err, access.ErrStale) {
		t.Errorf("revoked twice: %v", err)
	}
	adm, _ := o.svc.GrantsOf(ctx, "admin01")
	if err := o.svc.Revoke(ctx, "chefanna", adm[0].ID, "x"); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("revoked an org-wide grant from a unit: %v", err)
	}
	// People who left can do nothing.
	p, _ := o.db.Employees().PersonByID(ctx, "admin01")
	p.Active = false
	must(t, o.db.Employees().SavePerson(ctx, p))
	if ok, _ := o.pol.Can(ctx, "admin01", access.PermGrantRoles, "SOC"); ok {
		t.Error("someone who left grants roles")
	}
}

// Two managers' clicks, or two administrators', at once: one signature,
// one grant.
func TestConcurrentSignAndGrant(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	r, err := o.svc.Submit(ctx, "evaryl01", "recruiter", []string{"SOC", "SOC-HEM"}, "x")
	must(t, err)
	_, err = o.svc.GrantDirect(ctx, "admin01", "dirbo", "system-admin", []string{access.Everywhere})
	must(t, err)
	race := func(n int, f func(i int) error) (ok, stale int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := f(i)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, access.ErrStale):
					stale++
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		return
	}
	if ok, stale := race(8, func(int) error { _, err := o.svc.Sign(ctx, "chefanna", r.ID); return err }); ok != 1 || stale != 7 {
		t.Fatalf("signed %d times, %d stale", ok, stale)
	}
	admins := []string{"admin01", "dirbo"}
	if ok, stale := race(8, func(i int) error { _, err := o.svc.Grant(ctx, admins[i%2], r.ID); return err }); ok != 1 || stale != 7 {
		t.Fatalf("granted %d times, %d stale", ok, stale)
	}
	gs, _ := o.svc.GrantsOf(ctx, "evaryl01")
	if len(gs) != 2 {
		t.Fatalf("%d grants stored", len(gs))
	}
	if ok, stale := race(6, func(int) error { return o.svc.Revoke(ctx, "admin01", gs[0].ID, "x") }); ok != 1 || stale != 5 {
		t.Fatalf("revoked %d times", ok)
	}
}

func TestImportCourses(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	rows, err := access.ReadCourseRows(strings.NewReader("user,course,date\nevaryl01,Introduktion,2026-09-01\nnobody,Introduktion,2026-09-01\n" +
		"otto,Astrologi,2026-09-01\notto,personaloversikt,1 sept\nEVARYL01,introduktion,2026-09-02\notto,chef-webb,2027-01-01\n" +
		"otto,introduktion,1900-01-01\n"))
	must(t, err)
	_, err = o.svc.ImportCourses(ctx, rows)
	var ie *access.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("bad rows: %v", err)
	}
	// Rows count as `portal staff import` counts them: the header is row 1.
	for _, want := range []string{"row 3 (nobody), field user: no such person", `row 4 (otto), field course: no such course "Astrologi"`,
		"row 5 (otto), field date", "row 6 (EVARYL01), field course: the same as row 2", "row 7 (otto), field date: in the future",
		"row 8 (otto), field date: before 1990-01-01"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if got, _ := o.svc.CompletionsOf(ctx, "evaryl01"); len(got) != 0 {
		t.Fatal("a bad import stored rows")
	}
	rows, err = access.ReadCourseRows(strings.NewReader(`[{"user":"evaryl01","course":"Introduction","date":"2026-09-01"},{"user":"otto","course":"chef-webb","date":"2026-09-03"}]`))
	must(t, err)
	n, err := o.svc.ImportCourses(ctx, rows)
	if err != nil || n != (access.ImportSummary{New: 2}) {
		t.Fatalf("import: %+v %v", n, err)
	}
	// The same file again changes nothing, and says so; a new day is a change.
	if n, err := o.svc.ImportCourses(ctx, rows); err != nil || n != (access.ImportSummary{Unchanged: 2}) || n.String() != "courses recorded: 0 new, 0 changed, 2 already there" {
		t.Fatalf("import again: %+v %v", n, err)
	}
	rows[1].Date = "2026-09-04"
	if n, err := o.svc.ImportCourses(ctx, rows); err != nil || n != (access.ImportSummary{Changed: 1, Unchanged: 1}) {
		t.Fatalf("import changed: %+v %v", n, err)
	}
	got, _ := o.svc.CompletionsOf(ctx, "evaryl01")
	if len(got) != 1 || got[0].Course != "introduktion" || got[0].Source != access.SourceImport {
		t.Fatalf("stored %+v", got)
	}
	// Recording by hand: only within one's units, never in the future.
	if _, err := o.svc.RecordCourse(ctx, "otto", "evaryl01", "chef-webb", "2026-09-01"); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("a non-administrator recorded a course: %v", err)
	}
	for date, key := range map[string]string{"2030-01-01": "access.error.date_future", "1900-01-01": "access.error.date_past", "": "access.error.date_missing"} {
		_, err := o.svc.RecordCourse(ctx, "admin01", "evaryl01", "chef-webb", date)
		if p, _ := err.(valid.Problems).Field("date"); p.Key != key {
			t.Errorf("date %q: %v", date, err)
		}
	}
	if _, err := o.svc.RecordCourse(ctx, "admin01", " ", "chef-webb", "2026-01-01"); err == nil || !strings.Contains(err.Error(), "person: access.error.person_missing") {
		t.Errorf("no user name: %v", err)
	}
}
