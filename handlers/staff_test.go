package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"portal/employees"
)

// The staff surface has logins of its own: a staff session opens its
// pages in the staff layout, an applicant's session never does, and a
// staff session is no login on the applicant's pages.
func TestStaffRealmIsApart(t *testing.T) {
	a := newTestApp(t, false)
	ctx := context.Background()

	if res := a.get(t, "/personal"); !toStaffLogin(res) {
		t.Fatalf("staff start page without a login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	addStaff(t, a, employees.Person{ID: "kimpet01", FirstName: "Kim", LastName: "Petersson", WorkEmail: "kim.petersson@example.se", Active: true})
	staffToken, _, err := a.StaffSessions.Start(ctx, "kimpet01", false, false)
	if err != nil {
		t.Fatal(err)
	}
	staff := a.visitor(t)
	staff.cookies["__Host-staff"] = staffToken
	res := staff.get("/personal")
	if res.StatusCode != 200 || !strings.Contains(res.body, "Personalwebben") || !strings.Contains(res.body, `action="/personal/logga-ut"`) {
		t.Fatalf("staff start page: %d\n%s", res.StatusCode, res.body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("staff page Cache-Control %q", cc)
	}
	// The staff session is no applicant's login, under either cookie.
	for _, name := range []string{"__Host-staff", "__Host-sid"} {
		v := a.visitor(t)
		v.cookies[name] = staffToken
		if res := v.get("/mina-uppgifter"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/logga-in") {
			t.Errorf("staff token in %s on My details: %d %s", name, res.StatusCode, res.Header.Get("Location"))
		}
	}
	v := a.visitor(t)
	v.cookies["__Host-sid"] = staffToken
	if res := v.get("/personal"); !toStaffLogin(res) {
		t.Errorf("staff token in the applicant cookie opened the staff page: %d", res.StatusCode)
	}

	// An applicant's session opens no staff page, under either cookie.
	applicant := a.visitor(t)
	register(t, applicant, "sokande@example.se")
	appToken := applicant.cookies["__Host-sid"]
	for _, name := range []string{"__Host-staff", "__Host-sid"} {
		v := a.visitor(t)
		v.cookies[name] = appToken
		if res := v.get("/personal"); !toStaffLogin(res) {
			t.Errorf("applicant token in %s opened the staff page: %d", name, res.StatusCode)
		}
	}
	if res := applicant.get("/mina-uppgifter"); res.StatusCode != 200 {
		t.Fatalf("applicant's own page: %d", res.StatusCode)
	}
	// Nor under the staff prefix in other letters or run on: Fiber matches
	// those too, and no applicant login counts there.
	for _, path := range []string{"/PERSONAL", "/Personal/", "/personalx", "/PERSONAL/x"} {
		res := applicant.get(path)
		if (res.StatusCode != 404 && !toStaffLogin(res)) || strings.Contains(res.body, `action="/personal/logga-ut"`) {
			t.Errorf("applicant on %s: %d, logged in: %v", path, res.StatusCode, strings.Contains(res.body, "logga-ut"))
		}
	}
	ext := httptest.NewRequest(http.MethodPost, "/PERSONAL/session/forlang", nil)
	ext.Header.Set("X-Requested-With", "fetch")
	if res := applicant.send(ext); res.StatusCode == 200 {
		t.Errorf("the staff continue extended an applicant's login")
	}
	if res := applicant.post("/mina-uppgifter", "/PERSONAL/logga-ut", nil); res.StatusCode != 303 {
		t.Errorf("staff logout without a staff login: %d", res.StatusCode)
	}
	if res := applicant.get("/mina-uppgifter"); res.StatusCode != 200 {
		t.Fatalf("a staff logout ended the applicant's login: %d", res.StatusCode)
	}
	// A staff error page is not kept and its logout button has a token.
	if res := staff.get("/personal/finns-inte"); res.StatusCode != 404 || res.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(res.body, `action="/personal/logga-ut"`) {
		t.Errorf("staff 404: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if res := staff.post("/personal/finns-inte", "/personal/logga-ut", nil); res.StatusCode != 303 {
		t.Errorf("staff logout from an error page: %d", res.StatusCode)
	}
	if _, err := a.StaffSessions.Load(ctx, staffToken); err == nil {
		t.Fatal("staff session lives on after the logout from an error page")
	}
	staffToken, _, err = a.StaffSessions.Start(ctx, "kimpet01", false, false)
	if err != nil {
		t.Fatal(err)
	}
	staff.cookies["__Host-staff"] = staffToken

	// The staff "continue" and logout act on the staff session only.
	req := httptest.NewRequest(http.MethodPost, "/personal/session/forlang", nil)
	req.Header.Set("X-Requested-With", "fetch")
	if res := staff.send(req); res.StatusCode != 200 || !strings.Contains(res.body, "remaining_ms") {
		t.Fatalf("staff extend: %d %s", res.StatusCode, res.body)
	}
	if res := staff.post("/personal", "/personal/logga-ut", nil); res.StatusCode != 303 || res.Header.Get("Location") != "/personal/logga-in?utloggad=1" {
		t.Fatalf("staff logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, err := a.StaffSessions.Load(ctx, staffToken); err == nil {
		t.Error("staff session lives on after logout")
	}
	if res := staff.get("/personal"); !toStaffLogin(res) {
		t.Errorf("staff page after logout: %d", res.StatusCode)
	}
	if res := applicant.get("/mina-uppgifter"); res.StatusCode != 200 {
		t.Errorf("the staff logout ended the applicant's login: %d", res.StatusCode)
	}
}

// toStaffLogin reports whether the answer sends the browser to the staff
// login page, revealing nothing of the page asked for.
func toStaffLogin(res response) bool {
	return res.StatusCode == 303 && strings.HasPrefix(res.Header.Get("Location"), "/personal/logga-in") &&
		!strings.Contains(res.body, `action="/personal/logga-ut"`)
}

// A login counts only while its person is in the directory and has not
// left: a person the HR export deactivates is logged out at the next
// request, and a session of an id the directory does not know opens
// nothing.
func TestStaffLoginEndsWhenThePersonLeaves(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ctx := context.Background()
	p := employees.Person{ID: "kimpet01", FirstName: "Kim", LastName: "Petersson", WorkEmail: "kim.petersson@example.se", Active: true}
	addStaff(t, a, p)
	token, _, err := a.StaffSessions.Start(ctx, p.ID, false, false)
	if err != nil {
		t.Fatal(err)
	}
	v := a.visitor(t)
	v.cookies["__Host-staff"] = token
	if res := v.get("/personal"); res.StatusCode != 200 {
		t.Fatalf("before leaving: %d", res.StatusCode)
	}
	p.Active = false
	if err := a.db.Employees().SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if res := v.get("/personal"); !toStaffLogin(res) {
		t.Fatalf("after leaving: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, err := a.StaffSessions.Load(ctx, token); err == nil {
		t.Fatal("the session of a person who left lives on")
	}
	ghost, _, err := a.StaffSessions.Start(ctx, "ghost01", false, false)
	if err != nil {
		t.Fatal(err)
	}
	g := a.visitor(t)
	g.cookies["__Host-staff"] = ghost
	if res := g.get("/personal/behorigheter"); !toStaffLogin(res) {
		t.Fatalf("unknown person: %d", res.StatusCode)
	}
}

// A page the staff surface does not have says so without speaking of ads,
// and leads back to the staff start page, not to the job board.
func TestStaffNotFoundPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	addStaff(t, a, employees.Person{ID: "kimpet01", FirstName: "Kim", LastName: "Petersson", WorkEmail: "kim.petersson@example.se", Active: true})
	token, _, err := a.StaffSessions.Start(context.Background(), "kimpet01", false, false)
	if err != nil {
		t.Fatal(err)
	}
	v := a.visitor(t)
	v.cookies["__Host-staff"] = token
	res := v.get("/personal/finns-inte")
	if res.StatusCode != 404 || strings.Contains(res.body, "Annonser") || !strings.Contains(res.body, `href="/personal">Till personalwebbens startsida`) {
		t.Fatalf("staff 404: %d\n%s", res.StatusCode, res.body)
	}
	if res := a.get(t, "/jobb/finns-inte"); res.StatusCode != 404 || !strings.Contains(res.body, `href="/jobb">Till lediga jobb`) {
		t.Fatalf("public 404: %d", res.StatusCode)
	}
}
