package handlers_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/mail"
)

// visitor is a browser for app.Test: it keeps cookies and posts forms with
// the CSRF token of the page they are on.
type visitor struct {
	a       *testApp
	t       *testing.T
	cookies map[string]string
	lang    string
	// mu guards cookies while requests of one visitor run at once (two
	// tabs).
	mu sync.Mutex
}

func (a *testApp) visitor(t *testing.T) *visitor {
	return &visitor{a: a, t: t, cookies: map[string]string{}}
}

func (v *visitor) send(req *http.Request) response {
	v.t.Helper()
	req.Header.Del("Cookie")
	v.mu.Lock()
	for k, val := range v.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: val})
	}
	v.mu.Unlock()
	if v.lang != "" {
		req.Header.Set("Accept-Language", v.lang)
	}
	res := v.a.do(v.t, req)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(v.cookies, c.Name)
		} else {
			v.cookies[c.Name] = c.Value
		}
	}
	return res
}

// accountID is the account the visitor is logged in to.
func (v *visitor) accountID() string {
	v.t.Helper()
	s, err := v.a.Sessions.Load(context.Background(), v.cookies["__Host-sid"])
	if err != nil {
		v.t.Fatalf("not logged in: %v", err)
	}
	return s.AccountID
}

func (v *visitor) get(path string) response {
	v.t.Helper()
	return v.send(httptest.NewRequest(http.MethodGet, path, nil))
}

// post submits values to action from the form on page.
func (v *visitor) post(page, action string, values url.Values) response {
	v.t.Helper()
	return v.send(v.formRequest(page, action, values))
}

const goodPassword = "korrekt häst batteri häftklammer"

func (a *testApp) mails(t *testing.T, to string) []mail.Record {
	t.Helper()
	recs, err := a.db.Outbox().Recent(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Record
	for _, r := range recs {
		if r.To == to {
			out = append(out, r)
		}
	}
	return out
}

// mailAbout is the newest message to the address whose subject begins so.
func (a *testApp) mailAbout(t *testing.T, to, subject string) mail.Record {
	t.Helper()
	for _, m := range a.mails(t, to) {
		if strings.HasPrefix(m.Subject, subject) {
			return m
		}
	}
	t.Fatalf("no mail to %s about %q", to, subject)
	return mail.Record{}
}

var (
	verifyLink = regexp.MustCompile(`/konto/verifiera\?token=[0-9a-f]+`)
	tempCode   = regexp.MustCompile(`: (\d{8})\n`)
)

// register creates an account through the form and logs in to it, its
// address not yet confirmed.
func register(t *testing.T, v *visitor, email string) {
	t.Helper()
	res := v.post("/konto/ny", "/konto/ny", url.Values{"email": {email}, "password": {goodPassword}, "consent": {"1"}})
	if res.StatusCode != 200 || !strings.Contains(res.body, "Titta i din e-post") {
		t.Fatalf("register: %d", res.StatusCode)
	}
	res = v.post("/logga-in", "/logga-in", url.Values{"email": {email}, "password": {goodPassword}})
	if res.StatusCode != 303 {
		t.Fatalf("login after registering: %d", res.StatusCode)
	}
}

func TestRegisterVerifyLogoutLogin(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	// Bad input: a message next to each field, the address kept.
	res := v.post("/konto/ny", "/konto/ny", url.Values{"email": {"Åsa@Example.se"}, "password": {"kort"}})
	if res.StatusCode != 422 {
		t.Fatalf("bad registration: %d", res.StatusCode)
	}
	for _, w := range []string{"Lösenordet måste ha minst 12 tecken.", "godkänna att vi sparar", `value="Åsa@Example.se"`} {
		if !strings.Contains(res.body, w) {
			t.Errorf("registration errors lack %q", w)
		}
	}
	res = v.post("/konto/ny", "/konto/ny", url.Values{"email": {"asa@example.se"}, "password": {"password1234"}, "consent": {"1"}})
	if !strings.Contains(res.body, "för lätt att gissa") {
		t.Fatal("a common password was accepted")
	}

	// Registering tells to look in the mail; it logs no one in.
	res = v.post("/konto/ny", "/konto/ny", url.Values{"email": {"Asa@Example.se"}, "password": {goodPassword}, "consent": {"1"}})
	if res.StatusCode != 200 || !strings.Contains(res.body, "Vi har skickat ett meddelande till asa@example.se") {
		t.Fatalf("registered: %d", res.StatusCode)
	}
	if v.get("/mina-uppgifter").StatusCode != 303 {
		t.Fatal("registering logged in")
	}
	// One account per address, and the form tells no one whether an
	// address has one: the page is the same, the owner is told by mail.
	other := a.visitor(t)
	again := other.post("/konto/ny", "/konto/ny", url.Values{"email": {"asa@example.se"}, "password": {"en helt annan fras för hösten"}, "consent": {"1"}})
	mainOf := func(body string) string {
		_, m, _ := strings.Cut(body, "<main")
		m, _, _ = strings.Cut(m, "</main>")
		return m
	}
	if again.StatusCode != res.StatusCode || mainOf(again.body) != mainOf(res.body) || mainOf(res.body) == "" {
		t.Fatalf("a taken address answers otherwise: %d", again.StatusCode)
	}
	mails := a.mails(t, "asa@example.se")
	if len(mails) != 2 || mails[1].Subject != "Bekräfta din e-postadress" || mails[0].Subject != "Någon försökte skapa ett konto med din adress" {
		t.Fatalf("mail: %+v", mails)
	}
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"asa@example.se"}, "password": {"en helt annan fras för hösten"}}); res.StatusCode != 422 {
		t.Fatal("the second registration changed the password")
	}
	v.post("/logga-in", "/logga-in", url.Values{"email": {"asa@example.se"}, "password": {goodPassword}})
	page := v.get("/mina-uppgifter")
	if page.StatusCode != 200 || !strings.Contains(page.body, "Bekräfta din e-postadress asa@example.se") || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("my details before confirming: %d %q", page.StatusCode, page.Header.Get("Cache-Control"))
	}
	mails = mails[1:]
	link := verifyLink.FindString(mails[0].Text)
	// Opening the link (as a mail scanner does) confirms nothing; its button does.
	if res := other.get(link); res.StatusCode != 200 || !strings.Contains(res.body, "Bekräfta e-postadressen</button>") {
		t.Fatalf("verify page: %d", res.StatusCode)
	}
	if !strings.Contains(v.get("/mina-uppgifter").body, "Bekräfta din e-postadress asa") {
		t.Fatal("opening the link confirmed the address")
	}
	if res := other.post(link, link, url.Values{}); res.StatusCode != 200 || !strings.Contains(res.body, "Din e-postadress är bekräftad") {
		t.Fatalf("verify: %d", res.StatusCode)
	}
	if res := other.post(link, link, url.Values{}); res.StatusCode != 400 {
		t.Fatalf("a verification link worked twice: %d", res.StatusCode)
	}
	if strings.Contains(v.get("/mina-uppgifter").body, "Bekräfta din e-postadress asa") {
		t.Fatal("still unverified")
	}

	// Log out: the session ends on the server, so the old cookie is useless.
	old := v.cookies["__Host-sid"]
	if res := v.post("/logga-ut", "/logga-ut", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	replay := a.visitor(t)
	replay.cookies["__Host-sid"] = old
	if res := replay.get("/mina-uppgifter"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/logga-in?next=%2Fmina-uppgifter") {
		t.Fatalf("old session after logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// Wrong password and unknown address get the same answer.
	wrong := v.post("/logga-in", "/logga-in", url.Values{"email": {"asa@example.se"}, "password": {"fel lösenord igen"}})
	unknown := v.post("/logga-in", "/logga-in", url.Values{"email": {"nobody@example.se"}, "password": {"fel lösenord igen"}})
	if wrong.StatusCode != 422 || unknown.StatusCode != 422 || !strings.Contains(wrong.body, "Fel e-postadress eller lösenord.") ||
		!strings.Contains(unknown.body, "Fel e-postadress eller lösenord.") {
		t.Fatal("failed logins answer differently")
	}
	res = v.post("/logga-in?next=/jobb", "/logga-in", url.Values{"email": {" ASA@example.se "}, "password": {goodPassword}, "next": {"/jobb?q=kock"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/jobb?q=kock" {
		t.Fatalf("login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if v.cookies["__Host-sid"] == old || len(v.cookies["__Host-sid"]) != 43 {
		t.Fatal("the session id did not change at login")
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"httponly", "secure", "samesite=lax", "path=/"} {
		if !strings.Contains(strings.ToLower(cookie), want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	events := v.get("/mina-uppgifter").body
	for _, w := range []string{"Kontot skapades", "E-postadressen bekräftades", "Misslyckad inloggning", "Utloggning", "Inloggning"} {
		if !strings.Contains(events, w) {
			t.Errorf("security log lacks %q", w)
		}
	}
}

func TestUnknownSessionIDIsNotAdopted(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	v.cookies["__Host-sid"] = strings.Repeat("A", 43)
	res := v.get("/mina-uppgifter")
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "expired=1") {
		t.Fatalf("forged session: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, kept := v.cookies["__Host-sid"]; kept {
		t.Fatal("the forged cookie was kept")
	}
}

func TestLoginNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "per@example.se")
	body := url.Values{"email": {"per@example.se"}, "password": {goodPassword}}
	req := httptest.NewRequest(http.MethodPost, "/logga-in", strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := a.visitor(t).send(req); res.StatusCode != 403 {
		t.Fatalf("login without token: %d", res.StatusCode)
	}
}

func TestSessionsEndWhenIdleAndAtTheLatest(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "idle@example.se")
	a.clock.Add(29 * time.Minute)
	if res := v.get("/mina-uppgifter"); res.StatusCode != 200 {
		t.Fatalf("active within 30 minutes: %d", res.StatusCode)
	}
	a.clock.Add(30 * time.Minute)
	if res := v.get("/mina-uppgifter"); res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "expired=1") {
		t.Fatalf("after 30 idle minutes: %d", res.StatusCode)
	}
	// Busy all day: the session still ends after 12 hours.
	res := v.post("/logga-in", "/logga-in", url.Values{"email": {"idle@example.se"}, "password": {goodPassword}})
	if res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	for range 12 * 4 {
		a.clock.Add(15 * time.Minute)
		if res := v.get("/mina-uppgifter"); res.StatusCode != 200 {
			break
		}
	}
	if res := v.get("/mina-uppgifter"); res.StatusCode != 303 {
		t.Fatal("session outlived 12 hours")
	}
	// A public computer: 15 idle minutes, 60 in all, and a logout that clears the browser.
	res = v.post("/logga-in", "/logga-in", url.Values{"email": {"idle@example.se"}, "password": {goodPassword}, "public": {"1"}})
	if res.StatusCode != 303 {
		t.Fatalf("public login: %d", res.StatusCode)
	}
	a.clock.Add(16 * time.Minute)
	if res := v.get("/mina-uppgifter"); res.StatusCode != 303 {
		t.Fatal("public session outlived 15 idle minutes")
	}
	v.post("/logga-in", "/logga-in", url.Values{"email": {"idle@example.se"}, "password": {goodPassword}, "public": {"1"}})
	for range 5 {
		a.clock.Add(14 * time.Minute)
		v.get("/mina-uppgifter")
	}
	if res := v.get("/mina-uppgifter"); res.StatusCode != 303 {
		t.Fatal("public session outlived 60 minutes")
	}
	v.post("/logga-in", "/logga-in", url.Values{"email": {"idle@example.se"}, "password": {goodPassword}, "public": {"1"}})
	res = v.post("/logga-ut", "/logga-ut", url.Values{})
	if !strings.Contains(res.Header.Get("Clear-Site-Data"), `"cookies"`) {
		t.Fatal("public logout did not clear the browser")
	}
}

func TestForgottenPassword(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "eva@example.se")
	v.post("/logga-ut", "/logga-ut", url.Values{})

	known := v.post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {"eva@example.se"}})
	unknown := v.post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {"ingen@example.se"}})
	norm := func(s string) string {
		s = strings.ReplaceAll(s, "eva@example.se", "X")
		s = strings.ReplaceAll(s, "ingen@example.se", "X")
		return csrfField.ReplaceAllString(s, "")
	}
	if known.StatusCode != 200 || norm(known.body) != norm(unknown.body) {
		t.Fatal("the reset page tells whether an account exists")
	}
	if len(a.mails(t, "ingen@example.se")) != 0 {
		t.Fatal("mail sent to an address without account")
	}
	code := func() string {
		ms := a.mails(t, "eva@example.se")
		for _, m := range ms {
			if m.Subject == "Ditt tillfälliga lösenord" {
				return tempCode.FindStringSubmatch(m.Text)[1]
			}
		}
		t.Fatal("no temporary password mailed")
		return ""
	}
	first := code()

	// The old password keeps working: a stranger's request locks no one out.
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"eva@example.se"}, "password": {goodPassword}}); res.StatusCode != 303 {
		t.Fatal("old password stopped working after a reset request")
	}
	v.post("/logga-ut", "/logga-ut", url.Values{})

	// After 24 hours the temporary password is void.
	a.clock.Add(24*time.Hour + time.Second)
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"eva@example.se"}, "password": {first}}); res.StatusCode != 422 {
		t.Fatal("temporary password worked after 24 hours")
	}
	// A new request replaces the old one.
	v.post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {"eva@example.se"}})
	second := code()
	if second == first && len(a.mails(t, "eva@example.se")) < 3 {
		t.Fatal("no new temporary password")
	}
	res := v.post("/logga-in", "/logga-in", url.Values{"email": {"eva@example.se"}, "password": {second}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/nytt-losenord" {
		t.Fatalf("login with temporary password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The restricted session reaches only the page to choose a password.
	if res := v.get("/mina-uppgifter"); res.StatusCode != 303 || res.Header.Get("Location") != "/nytt-losenord" {
		t.Fatalf("restricted session reached my details: %d", res.StatusCode)
	}
	res = v.post("/nytt-losenord", "/nytt-losenord", url.Values{"password": {second + "0000"}, "confirm": {second + "0000"}})
	if res.StatusCode != 422 {
		t.Fatalf("weak new password: %d", res.StatusCode)
	}
	res = v.post("/nytt-losenord", "/nytt-losenord", url.Values{"password": {"en helt ny fras för våren"}, "confirm": {"en helt annan fras"}})
	if !strings.Contains(res.body, "Lösenorden är inte likadana.") {
		t.Fatal("mismatch not reported")
	}
	res = v.post("/nytt-losenord", "/nytt-losenord", url.Values{"password": {"en helt ny fras för våren"}, "confirm": {"en helt ny fras för våren"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/mina-uppgifter?losenord=1" {
		t.Fatalf("new password: %d", res.StatusCode)
	}
	if v.get("/mina-uppgifter").StatusCode != 200 {
		t.Fatal("not fully logged in after choosing a password")
	}
	ms := a.mails(t, "eva@example.se")
	if ms[0].Subject != "Ditt lösenord har ändrats" {
		t.Fatalf("no notice of the change: %s", ms[0].Subject)
	}
	// Used once.
	other := a.visitor(t)
	if res := other.post("/logga-in", "/logga-in", url.Values{"email": {"eva@example.se"}, "password": {second}}); res.StatusCode != 422 {
		t.Fatal("temporary password worked twice")
	}
}

func TestTemporaryPasswordVoidAfterFiveWrongTries(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "ola@example.se")
	v.post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {"ola@example.se"}})
	var code string
	for _, m := range a.mails(t, "ola@example.se") {
		if mm := tempCode.FindStringSubmatch(m.Text); mm != nil {
			code = mm[1]
		}
	}
	for i := range 5 {
		wrongCode := "0000000" + string(rune('0'+i))
		if wrongCode == code {
			wrongCode = "99999999"
		}
		v.post("/logga-in", "/logga-in", url.Values{"email": {"ola@example.se"}, "password": {wrongCode}})
	}
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"ola@example.se"}, "password": {code}}); res.StatusCode != 422 {
		t.Fatal("temporary password worked after five wrong tries")
	}
}

// Failures on an account slow it down but never shut its owner out: past
// the account's limit only the addresses that failed on it are refused.
func TestAccountLimitRefusesTheAttackerNotTheOwner(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	a.Accounts.Limits.FailsPerAccount, a.Accounts.Limits.FailsPerPair = 3, 2
	register(t, a.visitor(t), "lisa@example.se")
	login := func(password, ip string) int { // through the trusted proxy at 127.0.0.1
		t.Helper()
		req := a.visitor(t).formRequest("/logga-in", "/logga-in", url.Values{"email": {"lisa@example.se"}, "password": {password}})
		req.Header.Set("X-Forwarded-For", ip)
		return a.together(t, req)[0].StatusCode
	}
	for _, ip := range []string{"192.0.2.5", "192.0.2.6", "192.0.2.5", "192.0.2.6", "192.0.2.5"} {
		login("inte rätt lösenord", ip)
	}
	if status := login(goodPassword, "192.0.2.5"); status != 422 {
		t.Fatalf("an address that failed on the account logged in: %d", status)
	}
	if status := login(goodPassword, "192.0.2.9"); status != 303 {
		t.Fatalf("the owner was shut out: %d", status)
	}
	a.clock.Add(time.Hour)
	if status := login(goodPassword, "192.0.2.5"); status != 303 {
		t.Fatal("the limit is permanent")
	}
}

// The five tries of a temporary password hold against requests sent at
// once, and the password logs in once however many use it together.
func TestTemporaryPasswordHoldsUnderParallelTries(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	for _, email := range []string{"par@example.se", "fem@example.se"} {
		register(t, a.visitor(t), email)
		a.visitor(t).post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {email}})
	}
	code := func(email string) string {
		for _, m := range a.mails(t, email) {
			if mm := tempCode.FindStringSubmatch(m.Text); mm != nil {
				return mm[1]
			}
		}
		t.Fatal("no temporary password")
		return ""
	}
	v := a.visitor(t)
	right := code("par@example.se")
	wrong := a.together(t, times(20, func(i int) *http.Request {
		guess := fmt.Sprintf("%08d", i)
		if guess == right {
			guess = "99999999"
		}
		return v.formRequest("/logga-in", "/logga-in", url.Values{"email": {"par@example.se"}, "password": {guess}})
	})...)
	for _, res := range wrong {
		if res.StatusCode != 422 {
			t.Fatalf("a wrong code answered %d", res.StatusCode)
		}
	}
	if res := a.postForm(t, "/logga-in", url.Values{"email": {"par@example.se"}, "password": {right}}, ""); res.StatusCode != 422 {
		t.Fatalf("the right code after 20 wrong ones at once: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	right = code("fem@example.se")
	logins := a.together(t, times(5, func(int) *http.Request {
		return v.formRequest("/logga-in", "/logga-in", url.Values{"email": {"fem@example.se"}, "password": {right}})
	})...)
	sessions := 0
	for _, res := range logins {
		if res.StatusCode == 303 && res.Header.Get("Location") == "/nytt-losenord" {
			sessions++
		}
	}
	if sessions != 1 {
		t.Fatalf("one code gave %d sessions", sessions)
	}
}

// The current password guards changes of password and address and the
// deletion of the account; its tries are limited, also when sent at once.
func TestCurrentPasswordTriesAreLimited(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "gissa@example.se")
	for _, form := range []struct {
		path   string
		values url.Values
	}{
		{"/mina-uppgifter/losenord", url.Values{"current": {"fel fel fel fel"}, "password": {"en helt ny fras för våren"}, "confirm": {"en helt ny fras för våren"}}},
		{"/mina-uppgifter/e-post", url.Values{"new_email": {"ny@example.se"}, "email_password": {"fel fel fel fel"}}},
		{"/mina-uppgifter/radera", url.Values{"delete_password": {"fel fel fel fel"}}},
	} {
		for _, res := range a.together(t, times(4, func(int) *http.Request { return v.formRequest("/mina-uppgifter", form.path, form.values) })...) {
			if res.StatusCode != 422 {
				t.Fatalf("%s with a wrong password: %d", form.path, res.StatusCode)
			}
		}
	}
	// Twelve wrong tries in all: the right password is now refused too.
	res := v.post("/mina-uppgifter", "/mina-uppgifter/radera", url.Values{"delete_password": {goodPassword}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "för många gånger") {
		t.Fatalf("right password past the limit: %d", res.StatusCode)
	}
	if _, err := a.Accounts.Account(context.Background(), v.accountID()); err != nil {
		t.Fatal("the account went")
	}
	a.clock.Add(time.Hour)
	v.post("/logga-in", "/logga-in", url.Values{"email": {"gissa@example.se"}, "password": {goodPassword}})
	res = v.post("/mina-uppgifter", "/mina-uppgifter/losenord", url.Values{"current": {goodPassword}, "password": {"en helt ny fras för våren"}, "confirm": {"en helt ny fras för våren"}})
	if res.StatusCode != 303 {
		t.Fatalf("an hour later: %d", res.StatusCode)
	}
}

// The forgotten-password form is limited per address before any work is
// done.
func TestResetRouteIsLimited(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	statuses := map[int]int{}
	for _, res := range a.together(t, times(40, func(i int) *http.Request {
		return v.formRequest("/glomt-losenord", "/glomt-losenord", url.Values{"email": {fmt.Sprintf("x%d@example.se", i)}})
	})...) {
		statuses[res.StatusCode]++
	}
	// Requests at once each take a place of their own: exactly the limit
	// gets through.
	if statuses[200] != 30 || statuses[429] != 10 {
		t.Fatalf("answers: %v", statuses)
	}
}

func TestMyDetails(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "kim@example.se")
	details := url.Values{"first_name": {"Kim"}, "last_name": {"Öberg"}, "street": {"Storgatan 1"},
		"postal_code": {"35230"}, "town": {"Växjö"}, "country": {"Sverige"}, "phone": {"hej"}}
	res := v.post("/mina-uppgifter", "/mina-uppgifter", details)
	if res.StatusCode != 422 {
		t.Fatalf("bad phone: %d", res.StatusCode)
	}
	for _, w := range []string{`href="#phone"`, "Telefonnumret får bara innehålla", `value="Öberg"`, `value="Storgatan 1"`, `value="hej"`} {
		if !strings.Contains(res.body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	details.Set("phone", "070-123 45 67")
	if res := v.post("/mina-uppgifter", "/mina-uppgifter", details); res.StatusCode != 303 {
		t.Fatalf("save: %d", res.StatusCode)
	}
	page := v.get("/mina-uppgifter?sparat=1")
	if !strings.Contains(page.body, `value="352 30"`) || !strings.Contains(page.body, "Dina uppgifter är sparade.") {
		t.Fatal("postal code not formatted or not saved")
	}
	details.Set("postal_code", "3523")
	if res := v.post("/mina-uppgifter", "/mina-uppgifter", details); !strings.Contains(res.body, "Postnumret ska vara fem siffror") {
		t.Fatal("short postal code accepted")
	}
	if !strings.Contains(v.get("/mina-uppgifter").body, `value="352 30"`) {
		t.Fatal("a rejected form changed the stored details")
	}

	// Changing the password asks for the current one and ends other sessions.
	second := a.visitor(t)
	second.post("/logga-in", "/logga-in", url.Values{"email": {"kim@example.se"}, "password": {goodPassword}})
	res = v.post("/mina-uppgifter", "/mina-uppgifter/losenord", url.Values{"current": {"fel"}, "password": {"ett nytt och långt lösenord"}})
	if !strings.Contains(res.body, "Det nuvarande lösenordet stämmer inte.") {
		t.Fatal("current password not checked")
	}
	res = v.post("/mina-uppgifter", "/mina-uppgifter/losenord", url.Values{"current": {goodPassword}, "password": {"ett nytt och långt lösenord"}})
	if res.StatusCode != 303 {
		t.Fatalf("change password: %d", res.StatusCode)
	}
	if v.get("/mina-uppgifter").StatusCode != 200 {
		t.Fatal("this session ended")
	}
	if second.get("/mina-uppgifter").StatusCode != 303 {
		t.Fatal("the other session survived the password change")
	}
}

func TestExtendSession(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "sam@example.se")
	a.clock.Add(20 * time.Minute)
	if res := v.send(httptest.NewRequest(http.MethodPost, "/session/forlang", nil)); res.StatusCode != 403 {
		t.Fatalf("without the header: %d", res.StatusCode)
	}
	req := httptest.NewRequest(http.MethodPost, "/session/forlang", nil)
	req.Header.Set("X-Requested-With", "fetch")
	res := v.send(req)
	if res.StatusCode != 200 || !strings.Contains(res.body, `"remaining_ms":1800000`) {
		t.Fatalf("extend: %d %s", res.StatusCode, res.body)
	}
	a.clock.Add(20 * time.Minute)
	if v.get("/mina-uppgifter").StatusCode != 200 {
		t.Fatal("extended session ended")
	}
	anon := httptest.NewRequest(http.MethodPost, "/session/forlang", nil)
	anon.Header.Set("X-Requested-With", "fetch")
	if res := a.visitor(t).send(anon); res.StatusCode != 303 {
		t.Fatalf("extend without login: %d", res.StatusCode)
	}
}

// One address gets at most a few change links a day, however many
// accounts ask, and one account may ask only a few times a day.
func TestChangeEmailMailIsLimited(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	for i := range 7 {
		v := a.visitor(t)
		register(t, v, fmt.Sprintf("byte%d@example.se", i))
		if res := v.post("/mina-uppgifter", "/mina-uppgifter/e-post", url.Values{"new_email": {"offer@example.se"}, "email_password": {goodPassword}}); res.StatusCode != 303 {
			t.Fatalf("change %d: %d", i, res.StatusCode)
		}
	}
	if n := len(a.mails(t, "offer@example.se")); n != 5 {
		t.Fatalf("%d mails to one address", n)
	}
	v := a.visitor(t)
	register(t, v, "ofta@example.se")
	for i := range 6 {
		res := v.post("/mina-uppgifter", "/mina-uppgifter/e-post", url.Values{"new_email": {fmt.Sprintf("ny%d@example.se", i)}, "email_password": {goodPassword}})
		if i < 5 && res.StatusCode != 303 || i == 5 && (res.StatusCode != 422 || !strings.Contains(res.body, "för många gånger i dag")) {
			t.Fatalf("change %d: %d", i, res.StatusCode)
		}
	}
}

func TestChangeEmail(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "old@example.se")
	register(t, a.visitor(t), "taken@example.se")
	res := v.post("/mina-uppgifter", "/mina-uppgifter/e-post", url.Values{"new_email": {"inte en adress"}, "email_password": {"fel"}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Skriv en giltig e-postadress") || !strings.Contains(res.body, "Det nuvarande lösenordet stämmer inte.") {
		t.Fatalf("bad change: %d", res.StatusCode)
	}
	// An address with an account answers as any other: no link goes there,
	// its owner is told, and the change waits for a link that never comes.
	taken := v.post("/mina-uppgifter", "/mina-uppgifter/e-post", url.Values{"new_email": {"taken@example.se"}, "email_password": {goodPassword}})
	if taken.StatusCode != 303 || taken.Header.Get("Location") != "/mina-uppgifter?epost=1" {
		t.Fatalf("change to a taken address: %d %s", taken.StatusCode, taken.Header.Get("Location"))
	}
	if m := a.mails(t, "taken@example.se"); m[0].Subject != "Någon försökte byta till din e-postadress" || strings.Contains(m[0].Text, "byt-epost") {
		t.Fatalf("the owner of the taken address got %q", m[0].Subject)
	}
	res = v.post("/mina-uppgifter", "/mina-uppgifter/e-post", url.Values{"new_email": {"New@Example.se"}, "email_password": {goodPassword}})
	if res.StatusCode != 303 {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if len(a.mails(t, "old@example.se")) != 2 { // verification, then the notice
		t.Fatal("the old address was not told")
	}
	link := regexp.MustCompile(`/konto/byt-epost\?token=[0-9a-f]+`).FindString(a.mails(t, "new@example.se")[0].Text)
	if !strings.Contains(v.get("/mina-uppgifter").body, "old@example.se") {
		t.Fatal("address changed before the link was opened")
	}
	// Opening the link (as a mail scanner does) changes nothing; the button does.
	opener := a.visitor(t)
	if res := opener.get(link); res.StatusCode != 200 || !strings.Contains(res.body, "Byt e-postadress</button>") {
		t.Fatalf("confirm page: %d", res.StatusCode)
	}
	if !strings.Contains(v.get("/mina-uppgifter").body, "old@example.se") {
		t.Fatal("opening the link changed the address")
	}
	if res := opener.post(link, link, url.Values{}); res.StatusCode != 200 || !strings.Contains(res.body, "Din e-postadress är bytt.") {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if res := opener.post(link, link, url.Values{}); res.StatusCode != 400 {
		t.Fatal("the link worked twice")
	}
	v.post("/logga-ut", "/logga-ut", url.Values{})
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"new@example.se"}, "password": {goodPassword}}); res.StatusCode != 303 {
		t.Fatal("cannot log in with the new address")
	}
	if !strings.Contains(v.get("/mina-uppgifter").body, "E-postadressen byttes") {
		t.Fatal("change not in the security log")
	}
}

func TestDownloadAndDeleteAccount(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "del@example.se")
	res := v.get("/mina-uppgifter/hamta")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(strings.NewReader(res.body), int64(len(res.body)))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("zip: %v", err)
	}
	f, _ := zr.File[0].Open()
	b, _ := io.ReadAll(f)
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil || data["email"] != "del@example.se" || data["consent_version"] == "" {
		t.Fatalf("export: %s", b)
	}
	if strings.Contains(string(b), "argon2id") || strings.Contains(string(b), "hash") {
		t.Fatal("the export holds secrets")
	}

	page := v.get("/mina-uppgifter")
	if !strings.Contains(page.body, `href="/mina-uppgifter/radera"`) {
		t.Fatal("deletion not offered")
	}
	if page := v.get("/mina-uppgifter/radera"); page.StatusCode != 200 || !strings.Contains(page.body, "Du har inga inskickade ansökningar") {
		t.Fatalf("delete page: %d", page.StatusCode)
	}
	if res := v.post("/mina-uppgifter", "/mina-uppgifter/radera", url.Values{"delete_password": {"fel"}}); res.StatusCode != 422 {
		t.Fatalf("wrong password deleted: %d", res.StatusCode)
	}
	res = v.post("/mina-uppgifter", "/mina-uppgifter/radera", url.Values{"delete_password": {goodPassword}})
	if res.StatusCode != 200 || !strings.Contains(res.body, "Ditt konto och allt vi hade sparat om dig är raderat.") {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if v.get("/mina-uppgifter").StatusCode != 303 {
		t.Fatal("still logged in after deletion")
	}
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"del@example.se"}, "password": {goodPassword}}); res.StatusCode != 422 {
		t.Fatal("deleted account can log in")
	}
}

func TestResetRequestsAreLimited(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "max@example.se")
	for range 7 {
		res := v.post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {"max@example.se"}})
		if res.StatusCode != 200 || !strings.Contains(res.body, "Om det finns ett konto för max@example.se") {
			t.Fatalf("reset page: %d", res.StatusCode)
		}
	}
	resets := 0
	for _, m := range a.mails(t, "max@example.se") {
		if m.Subject == "Ditt tillfälliga lösenord" {
			resets++
		}
	}
	if resets != 5 {
		t.Fatalf("%d temporary passwords mailed for 7 requests, want 5", resets)
	}
	if res := v.post("/glomt-losenord", "/glomt-losenord", url.Values{"email": {"inte en adress"}}); res.StatusCode != 422 {
		t.Fatalf("malformed address: %d", res.StatusCode)
	}
}
