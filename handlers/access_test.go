package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"portal/access"
	"portal/employees"
	"portal/mail"
	"portal/sessions"
)

// staffOrg stores a small organisation: ORG with SOC (SOC-HEM under it)
// and UTB; chefanna manages SOC, evaryl01 works in SOC-HEM under her,
// otto in UTB under dirbo, admin01 is the system administrator.
func staffOrg(t *testing.T, a *testApp) {
	t.Helper()
	ctx := context.Background()
	st := a.db.Employees()
	for _, u := range []employees.Unit{{ID: "ORG", Name: "Kommunen", Active: true}, {ID: "SOC", Name: "Socialförvaltningen", ParentID: "ORG", Active: true},
		{ID: "SOC-HEM", Name: "Hemtjänsten", ParentID: "SOC", Active: true}, {ID: "UTB", Name: "Utbildning", ParentID: "ORG", Active: true}} {
		if err := st.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct{ id, first, last, emp, unit, manager string }{
		{"dirbo", "Dir", "Bo", "E-DIR", "ORG", ""},
		{"chefanna", "Anna", "Chef", "E-CHEF", "SOC", "E-DIR"},
		{"evaryl01", "Eva", "Rydberg", "E-EVA", "SOC-HEM", "E-CHEF"},
		{"otto", "Otto", "Lind", "E-OTTO", "UTB", "E-DIR"},
		{"admin01", "Ada", "Admin", "E-ADM", "ORG", "E-DIR"},
	} {
		if err := st.SavePerson(ctx, employees.Person{ID: p.id, FirstName: p.first, LastName: p.last, Active: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveEmployment(ctx, employees.Employment{ID: p.emp, PersonID: p.id, UnitID: p.unit, ManagerID: p.manager, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Access.AddAdmin(ctx, "admin01"); err != nil {
		t.Fatal(err)
	}
}

// staffVisitor is a browser logged in to the staff side as the person.
func staffVisitor(t *testing.T, a *testApp, personID string) *visitor {
	t.Helper()
	token, _, err := a.StaffSessions.Open(context.Background(), personID, sessions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := a.visitor(t)
	v.cookies["__Host-staff"] = token
	return v
}

func want(t *testing.T, what string, res response, status int, texts ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, res.body)
	}
	if strings.Contains(res.body, "error calling") || strings.Contains(res.body, "executing &#34;") {
		t.Fatalf("%s: the template failed:\n%s", what, res.body)
	}
	for _, s := range texts {
		if !strings.Contains(res.body, s) {
			t.Errorf("%s: page lacks %q", what, s)
		}
	}
}

// The seed's flow through the pages: a request, the manager's signature,
// a grant refused with the missing courses named until they are
// recorded, and the audit log.
func TestRolePagesFlow(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	eva, anna, admin := staffVisitor(t, a, "evaryl01"), staffVisitor(t, a, "chefanna"), staffVisitor(t, a, "admin01")

	want(t, "my roles", eva.get("/personal/behorigheter"), 200, "Mina behörigheter", "Hemtjänsten", `name="units"`, "Chef schema")
	bad := eva.post("/personal/behorigheter", "/personal/behorigheter", url.Values{"role": {"nope"}})
	want(t, "bad request", bad, 422, "Välj en roll.", "Välj minst en enhet.", "Skriv en motivering.", `href="#units"`, `href="#role"`)
	if reqs, _ := a.db.Access().RequestsOf(context.Background(), "evaryl01"); len(reqs) != 0 {
		t.Fatal("a bad request was stored")
	}
	res := eva.post("/personal/behorigheter", "/personal/behorigheter", url.Values{"role": {"manager"}, "units": {"SOC-HEM"}, "reason": {"Ny enhetschef"}})
	if res.StatusCode != 303 {
		t.Fatalf("request: %d %s", res.StatusCode, res.body)
	}
	want(t, "requested", eva.get(res.Header.Get("Location")), 200, "skickad till din chef", "Väntar på chefens underskrift")
	reqs, _ := a.db.Access().RequestsOf(context.Background(), "evaryl01")
	id := reqs[0].ID

	// Other staff see nothing of it, and cannot sign it.
	otto := staffVisitor(t, a, "otto")
	if res := otto.get("/personal/behorigheter/att-signera"); res.StatusCode != 200 || strings.Contains(res.body, id) {
		t.Fatalf("otto's list: %d", res.StatusCode)
	}
	for who, v := range map[string]*visitor{"otto": otto, "eva": eva, "admin": admin} {
		if res := v.post("/personal/behorigheter", "/personal/behorigheter/"+id+"/signera", nil); res.StatusCode != 404 {
			t.Errorf("%s signed: %d", who, res.StatusCode)
		}
	}
	want(t, "to sign", anna.get("/personal/behorigheter/att-signera"), 200, "Eva Rydberg: Chef", "Ny enhetschef")
	want(t, "decline without reason", anna.post("/personal/behorigheter/att-signera", "/personal/behorigheter/"+id+"/avsla", nil),
		422, "Skriv skälet till avslaget.", `href="#reason-`+id+`"`)
	if res := anna.post("/personal/behorigheter/att-signera", "/personal/behorigheter/"+id+"/signera", nil); res.StatusCode != 303 {
		t.Fatalf("sign: %d", res.StatusCode)
	}
	want(t, "signed twice", anna.post("/personal/behorigheter/att-signera", "/personal/behorigheter/"+id+"/signera", nil), 409, "Redan hanterad")

	// Only the administrator decides, and not before the courses.
	for who, v := range map[string]*visitor{"otto": otto, "eva": eva, "anna": anna} {
		if res := v.get("/personal/admin/behorigheter"); res.StatusCode != 403 || strings.Contains(res.body, "Ny enhetschef") {
			t.Errorf("%s on the admin page: %d", who, res.StatusCode)
		}
		if res := v.post("/personal", "/personal/admin/behorigheter/"+id+"/bevilja", nil); res.StatusCode != 403 {
			t.Errorf("%s granted: %d", who, res.StatusCode)
		}
	}
	want(t, "admin page", admin.get("/personal/admin/behorigheter"), 200, "Eva Rydberg (evaryl01): Chef", "Underskriven av Anna Chef")
	want(t, "refused grant", admin.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/"+id+"/bevilja", nil), 422,
		"Behörigheten kan inte tilldelas", "Kursen Introduktion saknas", "Kursen Chef webb saknas", "Kursen Personalöversikt saknas")
	en := staffVisitor(t, a, "admin01")
	en.lang = "en"
	want(t, "refused grant in English", en.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/"+id+"/bevilja", nil), 422,
		"The course Staff overview is missing")
	for _, course := range []string{"introduktion", "chef-webb", "personaloversikt"} {
		res := admin.post("/personal/admin/kurser", "/personal/admin/kurser", url.Values{"person": {"EVARYL01"}, "course": {course}, "date": {"2026-10-01"}})
		if res.StatusCode != 303 {
			t.Fatalf("course %s: %d %s", course, res.StatusCode, res.body)
		}
	}
	want(t, "courses", admin.get("/personal/admin/kurser?person=evaryl01"), 200, "Personalöversikt", "Registrerad av en administratör")
	if res := admin.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/"+id+"/bevilja", nil); res.StatusCode != 303 {
		t.Fatalf("grant: %d %s", res.StatusCode, res.body)
	}
	if ok, _ := a.Access.Policy.Can(context.Background(), "evaryl01", access.PermStaffOverview, "SOC-HEM"); !ok {
		t.Fatal("the grant does not count")
	}
	want(t, "eva's roles", eva.get("/personal/behorigheter"), 200, "Beviljad", "Tilldelad av Ada Admin")
	want(t, "admin's links", admin.get("/personal/behorigheter"), 200, `href="/personal/admin/logg"`, `href="/personal/admin/utskick"`)
	want(t, "audit log", admin.get("/personal/admin/logg?person=evaryl01"), 200, "Ansökan", "Underskrift", "Tilldelning stoppad av krav",
		"Kursen Personalöversikt saknas", "Kurs registrerad", "Roll tilldelad", "Av Anna Chef, gäller Eva Rydberg (evaryl01)",
		"Registrerad av en administratör · godkänd 1 oktober 2026")
	// Reading the log is itself on record, shown when asked for.
	want(t, "audit log read again", admin.get("/personal/admin/logg?visningar=1"), 200, "Loggen visad", "Av Ada Admin, gäller Eva Rydberg (evaryl01)", "Av Ada Admin")
	if res := admin.get("/personal/admin/logg"); strings.Contains(res.body, "Loggen visad") {
		t.Error("views of the log shown by default")
	}
	if res := anna.get("/personal/admin/logg"); res.StatusCode != 403 || !strings.Contains(res.body, "<h1>Ingen behörighet</h1>") {
		t.Errorf("a manager read the log: %d", res.StatusCode)
	}
}

// Objects of others and units outside one's own are refused without
// saying whether they exist.
func TestRolePagesRefuseOthers(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	r, err := a.Access.Submit(ctx, "evaryl01", "recruiter", []string{"SOC"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	otto := staffVisitor(t, a, "otto")
	for _, path := range []string{"/personal/behorigheter/" + r.ID + "/aterkalla", "/personal/behorigheter/" + r.ID + "/avsla",
		"/personal/behorigheter/nosuchid/aterkalla", "/personal/behorigheter/nosuchid/signera"} {
		if res := otto.post("/personal", path, url.Values{"reason": {"x"}}); res.StatusCode != 404 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	// A unit administrator sees and decides only in their units.
	if _, err := a.Access.GrantDirect(ctx, "admin01", "otto", access.RoleSystemAdmin, []string{"UTB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Access.Sign(ctx, "chefanna", r.ID); err != nil {
		t.Fatal(err)
	}
	if res := otto.get("/personal/admin/behorigheter"); res.StatusCode != 200 || strings.Contains(res.body, r.ID) {
		t.Fatalf("the unit admin's page: %d", res.StatusCode)
	}
	if res := otto.post("/personal", "/personal/admin/behorigheter/"+r.ID+"/bevilja", nil); res.StatusCode != 404 {
		t.Errorf("granted outside the units: %d", res.StatusCode)
	}
	want(t, "direct grant outside", otto.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/tilldela",
		url.Values{"person": {"evaryl01"}, "role": {"registrar"}, "units": {"SOC"}}), 422, "bara tilldela roller i dina egna enheter")
	adminGrants, _ := a.Access.GrantsOf(ctx, "admin01")
	if res := otto.post("/personal", "/personal/admin/tilldelning/"+adminGrants[0].ID+"/aterkalla", url.Values{"reason": {"x"}}); res.StatusCode != 404 {
		t.Errorf("revoked an org-wide grant: %d", res.StatusCode)
	}
	// The unit admin reads no org-wide log and no outbox.
	for _, path := range []string{"/personal/admin/logg", "/personal/admin/utskick"} {
		if res := otto.get(path); res.StatusCode != 403 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	// Courses only for people in one's units, said as "no such person".
	want(t, "course outside", otto.post("/personal/admin/kurser", "/personal/admin/kurser",
		url.Values{"person": {"evaryl01"}, "course": {"introduktion"}, "date": {"2026-10-01"}}), 422, "Det finns ingen sådan person")
	want(t, "course unknown", otto.post("/personal/admin/kurser", "/personal/admin/kurser",
		url.Values{"person": {"ghost"}, "course": {"introduktion"}, "date": {"2026-10-01"}}), 422, "Det finns ingen sådan person")
	// A staff login of someone not in the directory sees no role page.
	if res := staffVisitor(t, a, "nobody").get("/personal/behorigheter"); !toStaffLogin(res) {
		t.Errorf("unknown person: %d", res.StatusCode)
	}
}

// An applicant's login opens no staff page; a staff login is no login on
// the applicant's pages.
func TestRolePagesAndRealms(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	applicant := verifiedApplicant(t, a, "sokande@example.se")
	token := applicant.cookies["__Host-sid"]
	for _, path := range []string{"/personal/behorigheter", "/personal/behorigheter/att-signera", "/personal/admin/behorigheter",
		"/personal/admin/kurser", "/personal/admin/logg", "/personal/admin/utskick", "/admin/utskick"} {
		for _, cookie := range []string{"__Host-sid", "__Host-staff"} {
			v := a.visitor(t)
			v.cookies[cookie] = token
			if res := v.get(path); res.StatusCode != 404 && res.StatusCode != 303 {
				t.Errorf("applicant (%s) on %s: %d", cookie, path, res.StatusCode)
			}
		}
	}
	admin := staffVisitor(t, a, "admin01")
	for _, cookie := range []string{"__Host-sid", "__Host-staff"} {
		v := a.visitor(t)
		v.cookies[cookie] = admin.cookies["__Host-staff"]
		if res := v.get("/mina-uppgifter"); res.StatusCode != 303 {
			t.Errorf("staff token in %s on My details: %d", cookie, res.StatusCode)
		}
	}
	if res := admin.get("/admin/utskick"); res.StatusCode != 404 {
		t.Errorf("the old outbox page lives on: %d", res.StatusCode)
	}
}

// The page of failed e-mail, moved to the staff side behind its
// permission.
func TestOutboxAdminPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	if err := a.Outbox.Send(ctx, mail.Message{To: "trasig@example.se", Subject: "Nytt jobb: Kock", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	rec, err := a.db.Outbox().Claim(ctx, "w", testNow, testNow.Add(1e9))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.Outbox().Fail(ctx, rec.ID, "w", "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	v := staffVisitor(t, a, "evaryl01")
	if res := v.get("/personal/admin/utskick"); res.StatusCode != 403 || !strings.Contains(res.body, "inte behörighet") || strings.Contains(res.body, "trasig@") {
		t.Fatalf("staff without the permission: %d", res.StatusCode)
	}
	if res := v.post("/personal", "/personal/admin/utskick/"+rec.ID+"/forsok-igen", nil); res.StatusCode != 403 {
		t.Fatalf("retry without the permission: %d", res.StatusCode)
	}
	admin := staffVisitor(t, a, "admin01")
	page := admin.get("/personal/admin/utskick")
	if page.StatusCode != 200 || !strings.Contains(page.body, "trasig@example.se") || !strings.Contains(page.body, "550 mailbox unavailable") {
		t.Fatalf("admin page: %d", page.StatusCode)
	}
	retry := admin.post("/personal/admin/utskick", "/personal/admin/utskick/"+rec.ID+"/forsok-igen", url.Values{})
	if retry.StatusCode != 303 {
		t.Fatalf("retry: %d", retry.StatusCode)
	}
	again, err := a.db.Outbox().Claim(ctx, "w2", testNow, testNow.Add(1e9))
	if err != nil || again.ID != rec.ID || again.Attempts != 1 {
		t.Fatalf("requeued message: %+v %v", again, err)
	}
	if res := admin.post("/personal", "/personal/admin/utskick/"+rec.ID+"/forsok-igen", url.Values{}); res.StatusCode != 404 {
		t.Fatalf("retrying a message that has not failed: %d", res.StatusCode)
	}
	// Without a token the form is refused.
	req := httptest.NewRequest(http.MethodPost, "/personal/admin/utskick/"+rec.ID+"/forsok-igen", nil)
	if res := admin.send(req); res.StatusCode != 403 {
		t.Fatalf("retry without CSRF token: %d", res.StatusCode)
	}
}

// Two administrators granting the same request at once grant it once.
func TestGrantPageConcurrent(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	if _, err := a.Access.GrantDirect(ctx, "admin01", "dirbo", access.RoleSystemAdmin, []string{access.Everywhere}); err != nil {
		t.Fatal(err)
	}
	r, err := a.Access.Submit(ctx, "evaryl01", "recruiter", []string{"SOC"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Access.Sign(ctx, "chefanna", r.ID); err != nil {
		t.Fatal(err)
	}
	var reqs []*http.Request
	var vs []*visitor
	for i := range 6 {
		v := staffVisitor(t, a, []string{"admin01", "dirbo"}[i%2])
		vs = append(vs, v)
		reqs = append(reqs, v.formRequest("/personal/admin/behorigheter", "/personal/admin/behorigheter/"+r.ID+"/bevilja", nil))
	}
	codes := make([]int, len(reqs))
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = vs[i].send(reqs[i]).StatusCode
		}()
	}
	wg.Wait()
	granted := 0
	for _, c := range codes {
		switch c {
		case 303:
			granted++
		case 409:
		default:
			t.Errorf("status %d", c)
		}
	}
	gs, _ := a.Access.GrantsOf(ctx, "evaryl01")
	if granted != 1 || len(gs) != 1 {
		t.Fatalf("%d grants answered, %d stored: %v", granted, len(gs), codes)
	}
}

// The start page lists the pages a person may open: their own for
// everyone, signing for managers, the administration pages by role.
func TestStaffHomeListsWhatOneMayOpen(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	adminLinks := []string{`href="/personal/admin/behorigheter"`, `href="/personal/admin/kurser"`, `href="/personal/admin/logg"`, `href="/personal/admin/utskick"`}
	for _, tc := range []struct {
		who         string
		sign, admin bool
	}{{"evaryl01", false, false}, {"chefanna", true, false}, {"admin01", false, true}} {
		page := staffVisitor(t, a, tc.who).get("/personal")
		if page.StatusCode != 200 || !strings.Contains(page.body, `href="/personal/behorigheter"`) || !strings.Contains(page.body, `href="/personal/installningar"`) {
			t.Fatalf("%s: %d\n%s", tc.who, page.StatusCode, page.body)
		}
		if got := strings.Contains(page.body, `href="/personal/behorigheter/att-signera"`); got != tc.sign {
			t.Errorf("%s: signing link %v", tc.who, got)
		}
		for _, l := range adminLinks {
			if got := strings.Contains(page.body, l); got != tc.admin {
				t.Errorf("%s: %s %v", tc.who, l, got)
			}
		}
	}
}

// The courses a person has completed are shown only to someone who may
// record courses in the person's unit; for anyone else the person is as
// unknown as one who does not exist.
func TestCoursesPageOnlyInOnesUnits(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	if _, err := a.Access.RecordCourse(ctx, "admin01", "evaryl01", "introduktion", "2026-10-01"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Access.GrantDirect(ctx, "admin01", "otto", access.RoleSystemAdmin, []string{"UTB"}); err != nil {
		t.Fatal(err)
	}
	admin := staffVisitor(t, a, "admin01")
	seen := admin.get("/personal/admin/kurser?person=evaryl01")
	want(t, "admin", seen, 200, "Godkända kurser för Eva Rydberg (evaryl01)", "<strong>Introduktion</strong>")
	otto := staffVisitor(t, a, "otto")
	outside := otto.get("/personal/admin/kurser?person=evaryl01")
	unknown := otto.get("/personal/admin/kurser?person=ghost")
	want(t, "outside", outside, 422, "Det finns ingen sådan person")
	want(t, "unknown", unknown, 422, "Det finns ingen sådan person")
	if strings.Contains(outside.body, "Godkända kurser för") || strings.Contains(outside.body, "<strong>Introduktion</strong>") {
		t.Errorf("the courses of a person outside one's units are shown:\n%s", outside.body)
	}
}

// The only system administrator of the whole organisation cannot revoke
// the role, and is told so at the form.
func TestRolePagesLastAdmin(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	gs, _ := a.Access.GrantsOf(context.Background(), "admin01")
	admin := staffVisitor(t, a, "admin01")
	res := admin.post("/personal/admin/behorigheter", "/personal/admin/tilldelning/"+gs[0].ID+"/aterkalla", url.Values{"reason": {"Slutar"}})
	want(t, "last admin", res, 422, "ingen annan systemadministratör", `href="#reason-`+gs[0].ID+`"`, `id="reason-`+gs[0].ID+`-error"`, "Slutar")
	if ok, _ := a.Access.Policy.Can(context.Background(), "admin01", access.PermGrantRoles, access.Everywhere); !ok {
		t.Fatal("the last administrator lost the role")
	}
	want(t, "revoke without reason", admin.post("/personal/admin/behorigheter", "/personal/admin/tilldelning/"+gs[0].ID+"/aterkalla", nil),
		422, "Skriv skälet till att rollen återkallas.")
}

// The direct grant: problems in the order of the fields, an empty user
// name said as such, and refusals at the field they concern.
func TestGrantDirectFieldErrors(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	admin := staffVisitor(t, a, "admin01")
	page := admin.get("/personal/admin/behorigheter")
	want(t, "admin page", page, 200, "Kurser som rollerna kräver", `href="/personal/admin/kurser"`, `href="/personal/admin/logg"`, `href="/personal/admin/utskick"`,
		"Ada Admin (admin01): Systemadministratör")
	res := admin.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/tilldela", url.Values{"person": {""}})
	want(t, "empty", res, 422, "Skriv användarnamnet.", "Välj en roll.", "Välj minst en enhet.")
	p, r, u := strings.Index(res.body, `href="#person"`), strings.Index(res.body, `href="#role"`), strings.Index(res.body, `href="#units"`)
	if !(p >= 0 && p < r && r < u) {
		t.Errorf("summary order person %d, role %d, units %d", p, r, u)
	}
	res = admin.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/tilldela", url.Values{"person": {"evaryl01"}, "role": {"manager"}, "units": {"SOC-HEM"}})
	want(t, "courses missing", res, 422, `<ul class="field-error" id="person-error"><li>Kursen Introduktion saknas.</li>`)
	if _, err := a.Access.GrantDirect(context.Background(), "admin01", "evaryl01", "recruiter", []string{"SOC"}); err != nil {
		t.Fatal(err)
	}
	res = admin.post("/personal/admin/behorigheter", "/personal/admin/behorigheter/tilldela", url.Values{"person": {"evaryl01"}, "role": {"schedule-admin"}, "units": {"SOC-HEM"}})
	want(t, "conflict", res, 422, `<ul class="field-error" id="role-error"><li>Kan inte kombineras med Rekryterare.</li>`, `href="#role">Kan inte kombineras`)
}

// Grants at once of roles that cannot be combined store at most one.
func TestGrantDirectParallelConflicting(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	var reqs []*http.Request
	var vs []*visitor
	for i := range 6 {
		v := staffVisitor(t, a, "admin01")
		vs = append(vs, v)
		role := []string{"schedule-admin", "registrar", "schedule-admin"}[i%3]
		reqs = append(reqs, v.formRequest("/personal/admin/behorigheter", "/personal/admin/behorigheter/tilldela",
			url.Values{"person": {"otto"}, "role": {role}, "units": {"UTB"}}))
	}
	codes := make([]int, len(reqs))
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = vs[i].send(reqs[i]).StatusCode }()
	}
	wg.Wait()
	gs, _ := a.Access.GrantsOf(context.Background(), "otto")
	ok := 0
	for _, c := range codes {
		if c == 303 {
			ok++
		} else if c != 422 {
			t.Errorf("status %d", c)
		}
	}
	if len(gs) != 1 || ok != 1 {
		t.Fatalf("%d stored, %d answered granted: %v", len(gs), ok, codes)
	}
}

// "Mina behörigheter": active roles apart from ended ones, an interim
// role that ended said as such; the request form marks what is required
// and names the courses of the roles.
func TestRolePagesEndedRoles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	for _, co := range []string{"introduktion", "chef-webb", "personaloversikt"} {
		if _, err := a.Access.RecordCourse(ctx, "admin01", "evaryl01", co, "2026-10-01"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Access.GrantDirect(ctx, "admin01", "evaryl01", "manager-web", []string{"SOC-HEM"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Access.GrantDirect(ctx, "admin01", "evaryl01", "manager", []string{"SOC-HEM"}); err != nil {
		t.Fatal(err)
	}
	page := staffVisitor(t, a, "evaryl01").get("/personal/behorigheter")
	want(t, "roles", page, 200, "Tidigare roller", "när den ordinarie rollen tilldelades", "Kurser som rollerna kräver",
		"<strong>Chef webb</strong>: Introduktion, Chef webb", `Motivering <span aria-hidden="true">*</span>`)
	mine := page.body[strings.Index(page.body, `id="grants-heading"`):strings.Index(page.body, `id="ended-heading"`)]
	if strings.Contains(mine, "Chef webb") || strings.Contains(page.body, "Återkallad 2") {
		t.Errorf("the ended interim role is among the active ones or said revoked:\n%s", page.body)
	}
}

// The audit log: the filter is a user name or a message, garbage is not
// recorded.
func TestAuditFilter(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	admin := staffVisitor(t, a, "admin01")
	res := admin.get("/personal/admin/logg?person=" + url.QueryEscape("<script>"+strings.Repeat("a", 300)))
	want(t, "garbage", res, 422, "Skriv ett användarnamn, till exempel evaryl01.", `href="#person"`)
	events, _ := a.db.Access().Events(context.Background(), "", true, 100)
	for _, e := range events {
		if e.Action == access.ActionViewLog {
			t.Fatalf("a bad filter was recorded: %+v", e)
		}
	}
	want(t, "log", admin.get("/personal/admin/logg"), 200, `href="/personal/admin/behorigheter"`, "Visa även när loggen lästs")
}

// Courses: an empty user name said so, an old date refused, the success
// message names the course and the person, and a mistake can be removed.
func TestCoursesPageFixes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	admin := staffVisitor(t, a, "admin01")
	want(t, "empty lookup", admin.get("/personal/admin/kurser?person="), 422, "Skriv användarnamnet.")
	want(t, "empty", admin.post("/personal/admin/kurser", "/personal/admin/kurser", url.Values{"course": {"introduktion"}, "date": {"2026-10-01"}}),
		422, "Skriv användarnamnet.")
	want(t, "1900", admin.post("/personal/admin/kurser", "/personal/admin/kurser", url.Values{"person": {"evaryl01"}, "course": {"introduktion"}, "date": {"1900-01-01"}}),
		422, "före 1990-01-01")
	res := admin.post("/personal/admin/kurser", "/personal/admin/kurser", url.Values{"person": {"evaryl01"}, "course": {"introduktion"}, "date": {"2026-10-01"}})
	if res.StatusCode != 303 {
		t.Fatalf("record: %d", res.StatusCode)
	}
	want(t, "recorded", admin.get(res.Header.Get("Location")), 200, "Kursen Introduktion är registrerad för Eva Rydberg (evaryl01).", "/personal/admin/kurser/ta-bort")
	res = admin.post("/personal/admin/kurser?person=evaryl01", "/personal/admin/kurser/ta-bort", url.Values{"person": {"evaryl01"}, "course": {"introduktion"}})
	if res.StatusCode != 303 {
		t.Fatalf("remove: %d %s", res.StatusCode, res.body)
	}
	want(t, "removed", admin.get(res.Header.Get("Location")), 200, "Kursen Introduktion är borttagen för Eva Rydberg (evaryl01).", "Inga godkända kurser.")
	want(t, "log", admin.get("/personal/admin/logg?person=evaryl01"), 200, "Kurs borttagen")
	otto := staffVisitor(t, a, "otto")
	if res := otto.post("/personal", "/personal/admin/kurser/ta-bort", url.Values{"person": {"evaryl01"}, "course": {"introduktion"}}); res.StatusCode != 403 {
		t.Errorf("removed without the permission: %d", res.StatusCode)
	}
}

// The manager is mailed when a request awaits the signature, the
// requester when it is signed and granted, each with a link.
func TestRoleRequestMails(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	for _, id := range []string{"evaryl01", "chefanna"} {
		p, _ := a.db.Employees().PersonByID(ctx, id)
		p.WorkEmail = id + "@kommunen.se"
		if err := a.db.Employees().SavePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Anna last logged in in English: her mail is in English.
	if err := a.db.Employees().SetLanguage(ctx, "chefanna", "en"); err != nil {
		t.Fatal(err)
	}
	eva := staffVisitor(t, a, "evaryl01")
	if res := eva.post("/personal/behorigheter", "/personal/behorigheter", url.Values{"role": {"recruiter"}, "units": {"SOC-HEM"}, "reason": {"Rekryterar"}}); res.StatusCode != 303 {
		t.Fatalf("request: %d", res.StatusCode)
	}
	reqs, _ := a.db.Access().RequestsOf(ctx, "evaryl01")
	if res := staffVisitor(t, a, "chefanna").post("/personal/behorigheter/att-signera", "/personal/behorigheter/"+reqs[0].ID+"/signera", nil); res.StatusCode != 303 {
		t.Fatalf("sign: %d", res.StatusCode)
	}
	if res := staffVisitor(t, a, "admin01").post("/personal/admin/behorigheter", "/personal/admin/behorigheter/"+reqs[0].ID+"/bevilja", nil); res.StatusCode != 303 {
		t.Fatalf("grant: %d", res.StatusCode)
	}
	mails, _ := a.Outbox.Recent(ctx, 10)
	got := map[string]mail.Record{}
	for _, m := range mails {
		got[m.To+" "+m.Subject] = m
	}
	for key, texts := range map[string][]string{
		"chefanna@kommunen.se A role request awaits your signature":      {"Eva Rydberg", "Recruiter", "/personal/behorigheter/att-signera"},
		"evaryl01@kommunen.se Din ansökan om behörighet är underskriven": {"rollen Rekryterare för Hemtjänsten", "/personal/behorigheter"},
		"evaryl01@kommunen.se Du har fått en ny behörighet":              {"är beviljad", "/personal/behorigheter"},
	} {
		m, ok := got[key]
		if !ok {
			t.Errorf("no mail %q among %d", key, len(mails))
			continue
		}
		for _, s := range texts {
			if !strings.Contains(m.Text, s) {
				t.Errorf("%q lacks %q:\n%s", key, s, m.Text)
			}
		}
	}
}

// Every page of roles links to the others one may open; the outbox too.
func TestAdminPagesLinked(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	admin := staffVisitor(t, a, "admin01")
	for _, path := range []string{"/personal/behorigheter/att-signera", "/personal/admin/behorigheter", "/personal/admin/kurser", "/personal/admin/logg", "/personal/admin/utskick"} {
		want(t, path, admin.get(path), 200, `href="/personal/behorigheter"`, `href="/personal/admin/behorigheter"`, `href="/personal/admin/kurser"`,
			`href="/personal/admin/logg"`, `href="/personal/admin/utskick"`)
	}
}

// The request form names the manager who will sign; a person with no
// manager to sign is told so before filling in anything.
func TestRoleRequestNamesTheSigner(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	want(t, "with a manager", staffVisitor(t, a, "evaryl01").get("/personal/behorigheter"), 200,
		"Din chef Anna Chef skriver under ansökan", `action="/personal/behorigheter"`)
	top := staffVisitor(t, a, "dirbo").get("/personal/behorigheter")
	if top.StatusCode != 200 || !strings.Contains(top.body, "Du har ingen chef registrerad som kan skriva under") || strings.Contains(top.body, `<form method="post" action="/personal/behorigheter"`) {
		t.Fatalf("without a manager: %d\n%s", top.StatusCode, top.body)
	}
}

// The same role request sent twenty times at once (a double click, a
// form sent again) is stored once; the others are told a request is open,
// and the manager gets one mail.
func TestRoleRequestTwentyAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	p, _ := a.db.Employees().PersonByID(ctx, "chefanna")
	p.WorkEmail = "anna@kommunen.se"
	if err := a.db.Employees().SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	eva := staffVisitor(t, a, "evaryl01")
	form := url.Values{"role": {"recruiter"}, "units": {"SOC-HEM"}, "reason": {"Rekryterar"}}
	var reqs []*http.Request
	for range 20 {
		reqs = append(reqs, eva.formRequest("/personal/behorigheter", "/personal/behorigheter", form))
	}
	codes := make([]int, len(reqs))
	bodies := make([]string, len(reqs))
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := eva.send(reqs[i])
			codes[i], bodies[i] = res.StatusCode, res.body
		}()
	}
	wg.Wait()
	stored := 0
	for i, c := range codes {
		switch {
		case c == 303:
			stored++
		case c == 422 && strings.Contains(bodies[i], "Du har redan en ansökan om den här rollen"):
		default:
			t.Errorf("status %d", c)
		}
	}
	reqsOf, _ := a.db.Access().RequestsOf(ctx, "evaryl01")
	if stored != 1 || len(reqsOf) != 1 {
		t.Fatalf("%d answered stored, %d stored", stored, len(reqsOf))
	}
	if mails := a.mails(t, "anna@kommunen.se"); len(mails) != 1 {
		t.Fatalf("%d mails to the manager", len(mails))
	}
	// Once withdrawn, a new request for the role can be made.
	if _, err := a.Access.Withdraw(ctx, "evaryl01", reqsOf[0].ID); err != nil {
		t.Fatal(err)
	}
	if res := eva.post("/personal/behorigheter", "/personal/behorigheter", form); res.StatusCode != 303 {
		t.Fatalf("after withdrawing: %d", res.StatusCode)
	}
}
