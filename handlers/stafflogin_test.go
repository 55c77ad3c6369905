package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/employees"
	"portal/internal/app"
	"portal/internal/testapp"
	"portal/sso"
)

// newStaffApp is a test portal with a staff member, Eva Rylander
// (evaryl01), with a password and two employments in two units.
func newStaffApp(t *testing.T, staff app.Staff, login ...*sso.Config) *testApp {
	t.Helper()
	o := testapp.Options{Now: testNow, TrustedProxies: []string{"10.0.0.0/8", "127.0.0.1"}, Staff: staff}
	if len(login) > 0 {
		o.SSO = login[0]
	}
	a := appOf(testapp.New(t, o))
	ctx := context.Background()
	store := a.db.Employees()
	for _, u := range []employees.Unit{{ID: "EXK-SOC", Name: "Socialförvaltningen", Active: true},
		{ID: "EXK-HEM", Name: "Hemtjänst Norr", ParentID: "EXK-SOC", Active: true}} {
		if err := store.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	addStaff(t, a, employees.Person{ID: "evaryl01", FirstName: "Eva", LastName: "Rylander", WorkEmail: "eva.rylander@example.se", Active: true},
		employees.Employment{ID: "100201", UnitID: "EXK-HEM", Title: "Undersköterska", Active: true},
		employees.Employment{ID: "100202", UnitID: "EXK-SOC", Title: "Handläggare", Active: true})
	return a
}

// addStaff stores the person with the employments and goodPassword, set
// at testNow.
func addStaff(t *testing.T, a *testApp, p employees.Person, emps ...employees.Employment) {
	t.Helper()
	ctx := context.Background()
	if err := a.db.Employees().SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, e := range emps {
		e.PersonID = p.ID
		if err := a.db.Employees().SaveEmployment(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	setStaffPassword(t, a, p.ID, goodPassword, testNow)
}

func setStaffPassword(t *testing.T, a *testApp, id, password string, at time.Time) {
	t.Helper()
	hash, err := testapp.FastHasher.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.StaffCredentials().SetPassword(context.Background(), id, hash, at); err != nil {
		t.Fatal(err)
	}
}

// staffLogin posts the staff login form.
func staffLogin(v *visitor, user, password string) response {
	v.t.Helper()
	return v.post("/personal/logga-in", "/personal/logga-in", url.Values{"user": {user}, "password": {password}})
}

const staffLoginError = "Inloggning misslyckades eftersom du angivit ett felaktigt användarnamn eller lösenord."

var staffCode = regexp.MustCompile(`Tillfälligt lösenord: (\d{8})\nAnvändarnamn: ([A-Z0-9]+)\n`)

// staffTempCode is the temporary password of the newest reset mail to addr.
func staffTempCode(t *testing.T, a *testApp, addr string) string {
	t.Helper()
	for _, m := range a.mails(t, addr) {
		if mm := staffCode.FindStringSubmatch(m.Text); mm != nil {
			return mm[1]
		}
	}
	t.Fatalf("no temporary password to %s", addr)
	return ""
}

func TestStaffLoginPageAndOneMessage(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{OrgCode: "EXK_PP01"})
	addStaff(t, a, employees.Person{ID: "slutat01", FirstName: "Sven", LastName: "Slutat", WorkEmail: "sven@example.se", Active: false})
	v := a.visitor(t)
	res := v.get("/personal/logga-in")
	for _, w := range []string{"Exempelkommunen [EXK_PP01] Produktion", "Användarnamn", "Lösenord", `href="/personal/glomt-losenord"`, "Glömt ditt lösenord?", `autocomplete="current-password"`} {
		if !strings.Contains(res.body, w) {
			t.Errorf("login page lacks %q", w)
		}
	}
	if strings.Contains(res.body, "/personal/sso") {
		t.Error("single sign-on offered though not set up")
	}
	// Wrong password, unknown user, a person who has left: one answer.
	for _, tc := range [][2]string{{"evaryl01", "inte rätt lösenord"}, {"finnsinte01", goodPassword}, {"slutat01", goodPassword}} {
		w := a.visitor(t)
		res := staffLogin(w, tc[0], tc[1])
		if res.StatusCode != 422 || !strings.Contains(res.body, staffLoginError) || w.cookies["__Host-staff"] != "" {
			t.Errorf("%s: %d, message %v", tc[0], res.StatusCode, strings.Contains(res.body, staffLoginError))
		}
	}
	// In upper case, as the seed's mail writes it, to the page asked for
	// but only within the staff surface.
	for next, want := range map[string]string{"/personal/installningar": "/personal/installningar", "/jobb": "/personal",
		"https://evil.example/personal": "/personal", "//evil.example/": "/personal"} {
		w := a.visitor(t)
		res := w.post("/personal/logga-in?next="+url.QueryEscape(next), "/personal/logga-in",
			url.Values{"user": {" EVARYL01 "}, "password": {goodPassword}, "next": {next}})
		if res.StatusCode != 303 || res.Header.Get("Location") != want {
			t.Errorf("next %q: %d %s", next, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Logged in: the header names the person; logging out says so.
	res = staffLogin(v, "evaryl01", goodPassword)
	if res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	home := v.get("/personal")
	for _, w := range []string{"Inloggad som", "Eva Rylander", "ID-nummer 100201, avdelning Hemtjänst Norr", `aria-describedby="staff-who-info"`, "Byt anställning"} {
		if !strings.Contains(home.body, w) {
			t.Errorf("header lacks %q", w)
		}
	}
	res = v.post("/personal", "/personal/logga-ut", nil)
	if res.Header.Get("Location") != "/personal/logga-in?utloggad=1" {
		t.Fatalf("logout: %s", res.Header.Get("Location"))
	}
	if page := v.get(res.Header.Get("Location")); !strings.Contains(page.body, "Du är utloggad") {
		t.Error("no logged-out notice")
	}
	// A page asked for without a login comes back after it.
	if res := v.get("/personal/installningar"); res.Header.Get("Location") != "/personal/logga-in?next=%2Fpersonal%2Finstallningar" {
		t.Errorf("settings without a login: %s", res.Header.Get("Location"))
	}
	// English.
	v.lang = "en"
	if res := v.get("/personal/logga-in"); !strings.Contains(res.body, "Exempelkommunen [EXK_PP01] Production") || !strings.Contains(res.body, "User name") {
		t.Error("login page in English")
	}
	if res := staffLogin(v, "evaryl01", "fel"); !strings.Contains(res.body, "Login failed because you entered a wrong user name or password.") {
		t.Error("login error in English")
	}
}

// Empty fields are said at each field, in the words of the field; that
// tells nothing of anyone, and no login is tried.
func TestStaffLoginEmptyFields(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	for _, tc := range []struct{ user, password, userErr, passwordErr string }{
		{"", "", "Skriv ditt användarnamn.", "Skriv ditt lösenord."},
		{"evaryl01", "", "", "Skriv ditt lösenord."},
		{"  ", goodPassword, "Skriv ditt användarnamn.", ""},
	} {
		v := a.visitor(t)
		res := staffLogin(v, tc.user, tc.password)
		if res.StatusCode != 422 || strings.Contains(res.body, staffLoginError) || v.cookies["__Host-staff"] != "" {
			t.Fatalf("%q %q: %d\n%s", tc.user, tc.password, res.StatusCode, res.body)
		}
		for field, want := range map[string]string{"user": tc.userErr, "password": tc.passwordErr} {
			got := regexp.MustCompile(`id="` + field + `-error">([^<]*)<`).FindStringSubmatch(res.body)
			if (want == "") != (got == nil) || (got != nil && got[1] != want) {
				t.Errorf("%q %q: field %s says %v, want %q", tc.user, tc.password, field, got, want)
			}
		}
	}
	v := a.visitor(t)
	v.lang = "en"
	if res := staffLogin(v, "", ""); !strings.Contains(res.body, "Enter your user name.") || !strings.Contains(res.body, "Enter your password.") {
		t.Errorf("empty fields in English:\n%s", res.body)
	}
}

// Forgotten password: a temporary password goes to the work address on
// file, never to one typed in; it leads only to choosing a new password,
// which needs the temporary one as the old; it works once.
func TestStaffForgottenPassword(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	v := a.visitor(t)
	if res := v.get("/personal/glomt-losenord"); !strings.Contains(res.body, "<h1>Återställ lösenord</h1>") || !strings.Contains(res.body, ">Återställ<") {
		t.Fatal("forgot page")
	}
	res := v.post("/personal/glomt-losenord", "/personal/glomt-losenord", url.Values{"user": {""}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Skriv ditt användarnamn.") {
		t.Fatalf("empty user: %d", res.StatusCode)
	}
	sent := func(user string) string {
		res := v.post("/personal/glomt-losenord", "/personal/glomt-losenord",
			url.Values{"user": {user}, "email": {"angripare@example.com"}, "work_email": {"angripare@example.com"}})
		if res.StatusCode != 200 {
			t.Fatalf("reset %s: %d", user, res.StatusCode)
		}
		i := strings.Index(res.body, `role="status"`)
		return res.body[i : i+200]
	}
	if known, unknown := sent("evaryl01"), sent("finnsinte01"); known != unknown {
		t.Errorf("the answer tells whether a user exists:\n%s\n%s", known, unknown)
	}
	if ms := a.mails(t, "angripare@example.com"); len(ms) != 0 {
		t.Fatal("a typed address got mail")
	}
	m := a.mailAbout(t, "eva.rylander@example.se", "Nytt lösenord")
	mm := staffCode.FindStringSubmatch(m.Text)
	if mm == nil || mm[2] != "EVARYL01" || !strings.Contains(m.Text, "Hej!\n\nDu har fått ett nytt lösenord i Personalwebben.\n") ||
		!strings.Contains(m.Text, "https://jobb.example.se/personal/logga-in") || !strings.Contains(m.Text, "Hälsningar Exempelkommunen") {
		t.Fatalf("reset mail:\n%s", m.Text)
	}
	code := mm[1]

	// The temporary password leads only to choosing a new one.
	res = staffLogin(v, "evaryl01", code)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/byt-losenord" {
		t.Fatalf("temporary login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	for _, p := range []string{"/personal", "/personal/installningar"} {
		if res := v.get(p); res.StatusCode != 303 || res.Header.Get("Location") != "/personal/byt-losenord" {
			t.Errorf("%s with a temporary login: %d %s", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	page := v.get("/personal/byt-losenord")
	for _, w := range []string{"Varning! Ditt lösenord har gått ut eller så har du ett tillfälligt lösenord. Var vänlig och byt det.",
		"Gammalt lösenord", "Nytt lösenord", "Bekräfta lösenord"} {
		if !strings.Contains(page.body, w) {
			t.Errorf("new password page lacks %q", w)
		}
	}
	newPassword := "vinter sol och varm choklad"
	for _, tc := range []struct {
		old, new, confirm, want string
	}{
		{"99999999", newPassword, newPassword, "Det nuvarande lösenordet stämmer inte."},
		{code, newPassword, "något annat helt och hållet", "Lösenorden är inte likadana."},
		{code, "kort", "kort", "Lösenordet måste ha minst 12 tecken."},
		{code, code, code, "Lösenordet måste ha minst 12 tecken."},
	} {
		res := v.post("/personal/byt-losenord", "/personal/byt-losenord", url.Values{"old_password": {tc.old}, "new_password": {tc.new}, "confirm": {tc.confirm}})
		if res.StatusCode != 422 || !strings.Contains(res.body, tc.want) {
			t.Errorf("%q/%q: %d, want %q", tc.old, tc.new, res.StatusCode, tc.want)
		}
	}
	before := v.cookies["__Host-staff"]
	res = v.post("/personal/byt-losenord", "/personal/byt-losenord", url.Values{"old_password": {code}, "new_password": {newPassword}, "confirm": {newPassword}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/installningar?losenord=1" {
		t.Fatalf("new password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if v.cookies["__Host-staff"] == before {
		t.Error("the session id did not change")
	}
	if _, err := a.StaffSessions.Load(context.Background(), before); err == nil {
		t.Error("the temporary session lives on")
	}
	if res := v.get("/personal"); res.StatusCode != 200 {
		t.Fatalf("home after the new password: %d", res.StatusCode)
	}
	for _, pw := range []string{code, goodPassword} {
		if res := staffLogin(a.visitor(t), "evaryl01", pw); res.StatusCode != 422 {
			t.Errorf("an old password still works: %d", res.StatusCode)
		}
	}
	if res := staffLogin(a.visitor(t), "evaryl01", newPassword); res.StatusCode != 303 || res.Header.Get("Location") != "/personal" {
		t.Errorf("the new password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if n := len(a.mails(t, "eva.rylander@example.se")); n != 2 {
		t.Errorf("%d mails to the work address, want the reset and the notice of the change", n)
	}
}

// Of logins at once with one temporary password exactly one wins.
func TestStaffTemporaryPasswordOnceUnderParallelLogins(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	a.visitor(t).post("/personal/glomt-losenord", "/personal/glomt-losenord", url.Values{"user": {"evaryl01"}})
	code := staffTempCode(t, a, "eva.rylander@example.se")
	v := a.visitor(t)
	logins := a.together(t, times(6, func(int) *http.Request {
		return v.formRequest("/personal/logga-in", "/personal/logga-in", url.Values{"user": {"evaryl01"}, "password": {code}})
	})...)
	won := 0
	for _, res := range logins {
		switch {
		case res.StatusCode == 303 && res.Header.Get("Location") == "/personal/byt-losenord":
			won++
		case res.StatusCode != 422:
			t.Errorf("a login answered %d", res.StatusCode)
		}
	}
	if won != 1 {
		t.Fatalf("one temporary password gave %d sessions", won)
	}
}

// Failures from one address at once each count: past the limit the
// address is refused even with the right password; others are not.
func TestStaffLoginLimitHoldsUnderParallelRequests(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	a.StaffAuth.Limits.FailsPerAddress = 5
	v := a.visitor(t)
	from := func(req *http.Request, ip string) *http.Request { req.Header.Set("X-Forwarded-For", ip); return req }
	a.together(t, times(10, func(int) *http.Request {
		return from(v.formRequest("/personal/logga-in", "/personal/logga-in", url.Values{"user": {"evaryl01"}, "password": {"fel lösenord"}}), "192.0.2.7")
	})...)
	right := func(ip string) int {
		return a.together(t, from(v.formRequest("/personal/logga-in", "/personal/logga-in",
			url.Values{"user": {"evaryl01"}, "password": {goodPassword}}), ip))[0].StatusCode
	}
	if status := right("192.0.2.7"); status != 422 {
		t.Fatalf("the limited address logged in: %d", status)
	}
	if status := right("192.0.2.8"); status != 303 {
		t.Fatalf("another address was refused: %d", status)
	}
	// Reset requests are limited per user name, quietly.
	a.StaffAuth.Limits.ResetsPerUser = 2
	for range 4 {
		a.visitor(t).post("/personal/glomt-losenord", "/personal/glomt-losenord", url.Values{"user": {"evaryl01"}})
	}
	if n := len(a.mails(t, "eva.rylander@example.se")); n != 2 {
		t.Errorf("%d reset mails, want 2", n)
	}
}

// An expired password leads to the seed's message and the change form.
func TestStaffExpiredPassword(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{PasswordMaxAge: 90 * 24 * time.Hour})
	setStaffPassword(t, a, "evaryl01", goodPassword, testNow.Add(-91*24*time.Hour))
	v := a.visitor(t)
	res := staffLogin(v, "evaryl01", goodPassword)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/byt-losenord" {
		t.Fatalf("expired login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := v.get("/personal/byt-losenord"); !strings.Contains(page.body, "Ditt lösenord har gått ut. Du måste byta lösenord.") {
		t.Fatal("no expiry message")
	}
	res = v.post("/personal/byt-losenord", "/personal/byt-losenord", url.Values{"old_password": {goodPassword}, "new_password": {goodPassword}, "confirm": {goodPassword}})
	if !strings.Contains(res.body, "Välj ett annat lösenord än det gamla.") {
		t.Fatalf("the old password again: %d", res.StatusCode)
	}
	fresh := "en helt ny vår i mars"
	res = v.post("/personal/byt-losenord", "/personal/byt-losenord", url.Values{"old_password": {goodPassword}, "new_password": {fresh}, "confirm": {fresh}})
	if res.StatusCode != 303 {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res := staffLogin(a.visitor(t), "evaryl01", fresh); res.Header.Get("Location") != "/personal" {
		t.Fatalf("after the change: %s", res.Header.Get("Location"))
	}
	// Off by default.
	b := newStaffApp(t, app.Staff{})
	setStaffPassword(t, b, "evaryl01", goodPassword, testNow.Add(-5000*24*time.Hour))
	if res := staffLogin(b.visitor(t), "evaryl01", goodPassword); res.Header.Get("Location") != "/personal" {
		t.Fatalf("expiry without a maximum age: %s", res.Header.Get("Location"))
	}
}

// Changing the password under Settings needs the old one and the new one
// twice; the other tab's session ends, this one goes on under a new id in
// the employment it worked in.
func TestStaffChangePasswordInSettings(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	v, other := a.visitor(t), a.visitor(t)
	staffLogin(v, "evaryl01", goodPassword)
	staffLogin(other, "evaryl01", goodPassword)
	v.post("/personal", "/personal/anstallning", url.Values{"employment": {"100202"}, "next": {"/personal"}})
	page := v.get("/personal/installningar")
	for _, w := range []string{"Konto – Byt lösenord", "Gammalt lösenord", "Bekräfta lösenord", "Välj anställning", "Sätt vald anställning som standard"} {
		if !strings.Contains(page.body, w) {
			t.Errorf("settings lack %q", w)
		}
	}
	newPassword := "vinter sol och varm choklad"
	res := v.post("/personal/installningar", "/personal/installningar/losenord", url.Values{"old_password": {"fel"}, "new_password": {newPassword}, "confirm": {newPassword}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Det nuvarande lösenordet stämmer inte.") || !strings.Contains(res.body, `href="#old_password"`) {
		t.Fatalf("wrong old password: %d", res.StatusCode)
	}
	res = v.post("/personal/installningar", "/personal/installningar/losenord", url.Values{"old_password": {goodPassword}, "new_password": {newPassword}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Lösenorden är inte likadana.") {
		t.Fatalf("no confirmation: %d", res.StatusCode)
	}
	if res := staffLogin(a.visitor(t), "evaryl01", goodPassword); res.StatusCode != 303 {
		t.Fatal("a refused change changed the password")
	}
	before := v.cookies["__Host-staff"]
	res = v.post("/personal/installningar", "/personal/installningar/losenord", url.Values{"old_password": {goodPassword}, "new_password": {newPassword}, "confirm": {newPassword}})
	if res.StatusCode != 303 || v.cookies["__Host-staff"] == before {
		t.Fatalf("change: %d, new id %v", res.StatusCode, v.cookies["__Host-staff"] != before)
	}
	if page := v.get("/personal/installningar?losenord=1"); !strings.Contains(page.body, "Ditt lösenord är bytt.") ||
		!strings.Contains(page.body, "ID-nummer 100202") {
		t.Error("after the change: no notice, or the employment was lost")
	}
	if res := other.get("/personal"); !toStaffLogin(res) {
		t.Errorf("the other tab's session lives on: %d", res.StatusCode)
	}
}

// The header's switcher changes the session's employment without a new
// login, and with the box ticked the one every login starts in.
func TestStaffSwitchEmployment(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	addStaff(t, a, employees.Person{ID: "annand01", FirstName: "Anna", LastName: "Andersson", WorkEmail: "anna@example.se", Active: true},
		employees.Employment{ID: "200301", UnitID: "EXK-SOC", Title: "Chef", Active: true})
	v, tab := a.visitor(t), a.visitor(t)
	staffLogin(v, "evaryl01", goodPassword)
	staffLogin(tab, "evaryl01", goodPassword)
	res := v.post("/personal", "/personal/anstallning", url.Values{"employment": {"100202"}, "next": {"/personal"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal" {
		t.Fatalf("switch: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := v.get("/personal"); !strings.Contains(page.body, "ID-nummer 100202, avdelning Socialförvaltningen") {
		t.Error("the switch did not take")
	}
	if page := tab.get("/personal"); !strings.Contains(page.body, "ID-nummer 100201") {
		t.Error("the switch in one login changed another")
	}
	p, _ := a.db.Employees().PersonByID(context.Background(), "evaryl01")
	if p.DefaultEmployment != "" {
		t.Fatal("a switch without the box set the default")
	}
	// Someone else's employment, or none: a message, nothing changes.
	for _, e := range []string{"200301", "", "nope"} {
		res := v.post("/personal", "/personal/anstallning", url.Values{"employment": {e}})
		if res.StatusCode != 422 || !strings.Contains(res.body, "Välj en av dina anställningar i listan.") {
			t.Errorf("employment %q: %d", e, res.StatusCode)
		}
	}
	v.post("/personal", "/personal/anstallning", url.Values{"employment": {"100202"}, "default": {"1"}})
	if p, _ := a.db.Employees().PersonByID(context.Background(), "evaryl01"); p.DefaultEmployment != "100202" {
		t.Fatalf("default %q", p.DefaultEmployment)
	}
	w := a.visitor(t)
	staffLogin(w, "evaryl01", goodPassword)
	if page := w.get("/personal"); !strings.Contains(page.body, "ID-nummer 100202") {
		t.Error("a new login does not start in the default")
	}
	// One employment: nothing to switch.
	one := a.visitor(t)
	staffLogin(one, "annand01", goodPassword)
	if page := one.get("/personal"); strings.Contains(page.body, "Byt anställning") || !strings.Contains(page.body, "ID-nummer 200301") {
		t.Error("header of a person with one employment")
	}
	// Settings too: the one employment is named, with no list to choose
	// from; with two, the box sits inside its label, which wraps beside it.
	if page := one.get("/personal/installningar"); strings.Contains(page.body, `name="employment"`) || strings.Contains(page.body, "som standard") ||
		!strings.Contains(page.body, "Du arbetar i anställningen 200301") {
		t.Errorf("settings with one employment:\n%s", page.body)
	}
	if page := v.get("/personal/installningar"); !strings.Contains(page.body, `id="employment" name="employment"`) ||
		!strings.Contains(page.body, `<label><input type="checkbox" id="default" name="default" value="1"> Sätt vald anställning som standard</label>`) {
		t.Errorf("settings with two employments:\n%s", page.body)
	}
}

// With local passwords off only single sign-on is offered.
func TestStaffPasswordsOff(t *testing.T) {
	t.Parallel()
	// The provider is asked only at the first single sign-on.
	a := newStaffApp(t, app.Staff{PasswordsOff: true}, &sso.Config{Issuer: "https://idp.example.invalid", ClientID: "portal", ClientSecret: "s"})
	v := a.visitor(t)
	page := v.get("/personal/logga-in?next=%2Fpersonal%2Finstallningar")
	if strings.Contains(page.body, `name="password"`) || strings.Contains(page.body, "glomt-losenord") ||
		!strings.Contains(page.body, `href="/personal/sso?next=%2Fpersonal%2Finstallningar"`) || !strings.Contains(page.body, "Logga in med Exempelkommunens inloggning") {
		t.Fatalf("login page with passwords off:\n%s", page.body)
	}
	if res := v.post("/support", "/personal/logga-in", url.Values{"user": {"evaryl01"}, "password": {goodPassword}}); res.StatusCode != 404 {
		t.Errorf("password login with passwords off: %d", res.StatusCode)
	}
	if res := v.get("/personal/glomt-losenord"); res.StatusCode != 404 {
		t.Errorf("forgot page with passwords off: %d", res.StatusCode)
	}
	token, _, err := a.StaffSessions.Start(context.Background(), "evaryl01", false, false)
	if err != nil {
		t.Fatal(err)
	}
	v.cookies["__Host-staff"] = token
	if page := v.get("/personal/installningar"); page.StatusCode != 200 || strings.Contains(page.body, "Byt lösenord") {
		t.Errorf("settings with passwords off: %d", page.StatusCode)
	}
}

// The answer to a form has an address that takes only the form: its
// language link leads back to the page the form was on, not to a page
// that is not found.
func TestLanguageLinkOfAFormsAnswer(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	v := a.visitor(t)
	staffLogin(v, "evaryl01", goodPassword)
	req := v.formRequest("/personal/installningar", "/personal/installningar/losenord",
		url.Values{"old_password": {"fel"}, "new_password": {"Ett nytt långt lösenord 2026"}, "confirm": {"Ett nytt långt lösenord 2026"}})
	req.Header.Set("Referer", "http://example.com/personal/installningar")
	res := v.send(req)
	if res.StatusCode != 422 || !strings.Contains(res.body, `href="/sprak/en?next=%2Fpersonal%2Finstallningar"`) {
		t.Fatalf("language link of the answer: %d\n%s", res.StatusCode, res.body)
	}
	// Without a page it came from (or from another site): the start page.
	req = v.formRequest("/personal/installningar", "/personal/installningar/losenord", url.Values{"old_password": {"fel"}})
	req.Header.Set("Referer", "https://elsewhere.example/phish")
	if res := v.send(req); !strings.Contains(res.body, `href="/sprak/en?next=%2Fpersonal"`) {
		t.Fatalf("language link without a page of ours: %d", res.StatusCode)
	}
}

// A whole login records its language, for the e-mail the person gets
// later; a login not yet whole records nothing.
func TestStaffLoginRecordsItsLanguage(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	v := a.visitor(t)
	v.get("/sprak/en?next=/personal/logga-in")
	if res := staffLogin(v, "evaryl01", goodPassword); res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	if p, err := a.db.Employees().PersonByID(context.Background(), "evaryl01"); err != nil || p.Lang != "en" {
		t.Fatalf("language on record %q %v", p.Lang, err)
	}
}
