package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/employees"
	"portal/internal/oidctest"
	"portal/internal/testapp"
)

const ssoCallback = "https://jobb.example.se/personal/sso/klar"

// ssoApp is a portal whose staff log in at a real OpenID provider that
// knows Eva (on staff), Lars (who has left) and Okänd (not on staff).
func ssoApp(t *testing.T) (*testApp, *oidctest.Provider) {
	t.Helper()
	op := oidctest.Start(t, oidctest.Options{RedirectURIs: []string{ssoCallback}, Users: []oidctest.User{
		{ID: "1", Username: "evaryl01@exempelkommunen.se", First: "Eva", Last: "Rylander"},
		{ID: "2", Username: "larsol02@exempelkommunen.se", First: "Lars", Last: "Olsson"},
		{ID: "3", Username: "okand99@exempelkommunen.se", First: "Okänd", Last: "Person"},
	}})
	cfg := op.Config()
	cfg.StripDomain = "exempelkommunen.se"
	a := appOf(testapp.New(t, testapp.Options{Now: testNow, TrustedProxies: []string{"10.0.0.0/8", "127.0.0.1"}, SSO: cfg}))
	ctx := context.Background()
	for _, p := range []employees.Person{
		{ID: "evaryl01", FirstName: "Eva", LastName: "Rylander", WorkEmail: "eva.rylander@exempelkommunen.se", Active: true},
		{ID: "larsol02", FirstName: "Lars", LastName: "Olsson", WorkEmail: "lars.olsson@exempelkommunen.se", Active: false},
	} {
		if err := a.db.Employees().SavePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := a.db.Employees().SaveEmployment(ctx, employees.Employment{ID: "E-" + p.ID, PersonID: p.ID, UnitID: "EXK", Title: "Handläggare", Active: p.Active}); err != nil {
			t.Fatal(err)
		}
	}
	return a, op
}

// startSSO starts a login in the visitor's browser and returns the
// provider's address it was sent to.
func startSSO(t *testing.T, v *visitor, next string) string {
	t.Helper()
	res := v.get("/personal/sso?next=" + url.QueryEscape(next))
	loc := res.Header.Get("Location")
	if res.StatusCode != 303 || !strings.HasPrefix(loc, "https://127.0.0.1:") {
		t.Fatalf("start: %d %q\n%s", res.StatusCode, loc, res.body)
	}
	return loc
}

// answer is the path and query the provider sent the browser back to.
func answer(t *testing.T, back *url.URL) string {
	t.Helper()
	if back.Scheme+"://"+back.Host+back.Path != ssoCallback {
		t.Fatalf("sent back to %s", back)
	}
	return back.RequestURI()
}

// A login by single sign-on ends in a staff session, on the page asked
// for; a page elsewhere is not followed.
func TestSingleSignOnLogsIn(t *testing.T) {
	t.Parallel()
	a, op := ssoApp(t)
	v := a.visitor(t)
	auth := startSSO(t, v, "/personal")
	u, _ := url.Parse(auth)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || len(q.Get("state")) != 64 ||
		q.Get("redirect_uri") != ssoCallback || q.Get("client_id") != op.ClientID {
		t.Fatalf("authorization request: %s", auth)
	}
	if v.cookies["__Host-sso"] == "" {
		t.Fatal("no binding cookie")
	}
	res := v.get(answer(t, op.Authorize(t, auth, "evaryl01@exempelkommunen.se")))
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("callback: %d %q %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Header.Get("Referrer-Policy"), res.body)
	}
	s, err := a.StaffSessions.Load(context.Background(), v.cookies["__Host-staff"])
	if err != nil || s.AccountID != "evaryl01" || s.Stage != "" || s.Restricted {
		t.Fatalf("staff session %+v %v", s, err)
	}
	if res := v.get("/personal"); res.StatusCode != 200 || !strings.Contains(res.body, `action="/personal/logga-ut"`) {
		t.Fatalf("staff start page: %d", res.StatusCode)
	}

	// Only pages of the staff surface are gone on to.
	for _, next := range []string{"https://evil.example/", "//evil.example/personal", "/jobb", "/personal/sso"} {
		v := a.visitor(t)
		auth := startSSO(t, v, next)
		res := v.get(answer(t, op.Authorize(t, auth, "evaryl01@exempelkommunen.se")))
		if res.StatusCode != 303 || res.Header.Get("Location") != "/personal" {
			t.Errorf("next %q: %d %q", next, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// What does not belong to a login begun in this browser is refused and
// opens no session: a made-up state, a state used before, another
// browser's state, a code for another nonce.
func TestSingleSignOnRefusesForeignAnswers(t *testing.T) {
	t.Parallel()
	a, op := ssoApp(t)
	refused := func(t *testing.T, v *visitor, path, what string) {
		t.Helper()
		res := v.get(path)
		if res.StatusCode != 400 || !strings.Contains(res.body, "Inloggningen kunde inte slutföras") || v.cookies["__Host-staff"] != "" {
			t.Errorf("%s: %d, staff cookie %v\n%s", what, res.StatusCode, v.cookies["__Host-staff"] != "", res.body)
		}
	}

	v := a.visitor(t)
	back := op.Authorize(t, startSSO(t, v, ""), "evaryl01@exempelkommunen.se")
	q := back.Query()
	refused(t, v, "/personal/sso/klar?code="+q.Get("code")+"&state="+strings.Repeat("ab", 32), "a made-up state")
	refused(t, v, "/personal/sso/klar?code="+q.Get("code")+"&state=x", "a malformed state")
	refused(t, v, "/personal/sso/klar?code="+q.Get("code"), "no state")
	refused(t, v, "/personal/sso/klar?state="+q.Get("state"), "no code")

	// Another browser's answer: refused there, and still good in the
	// browser that began the login.
	v = a.visitor(t)
	path := answer(t, op.Authorize(t, startSSO(t, v, ""), "evaryl01@exempelkommunen.se"))
	other := a.visitor(t)
	refused(t, other, path, "another browser's answer")
	startSSO(t, other, "") // with a binding of its own
	refused(t, other, path, "another browser's answer, with a binding of its own")
	if res := v.get(path); res.StatusCode != 303 || v.cookies["__Host-staff"] == "" {
		t.Fatalf("the right browser after another tried: %d", res.StatusCode)
	}
	// The same answer again, in the same browser: a state works once.
	delete(v.cookies, "__Host-staff")
	refused(t, v, path, "a used state")

	// A code the provider issued for the login's state and PKCE challenge
	// but another nonce (an injected code) is refused.
	v = a.visitor(t)
	u, _ := url.Parse(startSSO(t, v, ""))
	q = u.Query()
	q.Set("nonce", "the-attackers-nonce")
	u.RawQuery = q.Encode()
	refused(t, v, answer(t, op.Authorize(t, u.String(), "evaryl01@exempelkommunen.se")), "another nonce")

	// An expired login: ten minutes are allowed.
	v = a.visitor(t)
	path = answer(t, op.Authorize(t, startSSO(t, v, ""), "evaryl01@exempelkommunen.se"))
	a.clock.Add(11 * time.Minute)
	refused(t, v, path, "an expired login")
}

// The same answer sent many times at once by its browser logs in once.
func TestSingleSignOnAnswerWorksOnceAtOnce(t *testing.T) {
	t.Parallel()
	a, op := ssoApp(t)
	v := a.visitor(t)
	path := answer(t, op.Authorize(t, startSSO(t, v, ""), "evaryl01@exempelkommunen.se"))
	res := a.together(t, times(10, func(int) *http.Request {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		v.addCookies(req)
		return req
	})...)
	logins := 0
	for _, r := range res {
		switch r.StatusCode {
		case 303:
			logins++
		case 400:
		default:
			t.Errorf("answer at once: %d", r.StatusCode)
		}
	}
	if logins != 1 {
		t.Fatalf("%d logins from one answer", logins)
	}
}

// Someone the provider knows but the staff directory does not, or no
// longer, gets a clear page in their language and no session; so does a
// user who refuses at the provider, and the provider's own trouble.
func TestSingleSignOnWithoutAStaffLogin(t *testing.T) {
	t.Parallel()
	a, op := ssoApp(t)
	for _, tc := range []struct {
		user, lang string
		status     int
		want       string
	}{
		{"okand99@exempelkommunen.se", "sv", 403, "Ditt konto finns inte i personalregistret"},
		{"larsol02@exempelkommunen.se", "sv", 403, "Ditt konto finns inte i personalregistret"},
		{"okand99@exempelkommunen.se", "en", 403, "Your account is not in the staff register"},
		{"", "sv", 403, "Inloggningen avbröts"},
		{"", "en", 403, "The login was cancelled"},
	} {
		v := a.visitor(t)
		v.lang = tc.lang
		back := op.Authorize(t, startSSO(t, v, ""), tc.user)
		if tc.user == "" && back.Query().Get("error") != "access_denied" {
			t.Fatalf("the provider's refusal: %s", back)
		}
		res := v.get(answer(t, back))
		if res.StatusCode != tc.status || !strings.Contains(res.body, tc.want) || v.cookies["__Host-staff"] != "" ||
			!strings.Contains(res.body, `href="/personal/sso"`) {
			t.Errorf("%q in %s: %d\n%s", tc.user, tc.lang, res.StatusCode, res.body)
		}
	}
	// The provider's other answers, for a login of this browser.
	for _, tc := range []struct {
		query  string
		status int
		want   string
	}{
		{"error=temporarily_unavailable", 503, "Inloggningstjänsten svarar inte"},
		{"error=invalid_scope&error_description=x", 400, "Felkod från inloggningstjänsten: invalid_scope"},
		{"error=%3Cscript%3E", 400, "Felkod från inloggningstjänsten: invalid"},
	} {
		v := a.visitor(t)
		u, _ := url.Parse(startSSO(t, v, ""))
		res := v.get("/personal/sso/klar?" + tc.query + "&state=" + u.Query().Get("state"))
		if res.StatusCode != tc.status || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s: %d\n%s", tc.query, res.StatusCode, res.body)
		}
	}
}

// A provider that does not answer leaves the portal running and the
// login page says so, in both languages, soon.
func TestSingleSignOnProviderDown(t *testing.T) {
	t.Parallel()
	a, op := ssoApp(t)
	op.Stop()
	for lang, want := range map[string]string{"sv": "Inloggningstjänsten svarar inte", "en": "The login service does not answer"} {
		v := a.visitor(t)
		v.lang = lang
		began := time.Now()
		res := v.get("/personal/sso")
		if res.StatusCode != 503 || !strings.Contains(res.body, want) || res.Header.Get("Retry-After") == "" || time.Since(began) > 6*time.Second {
			t.Errorf("%s: %d after %v\n%s", lang, res.StatusCode, time.Since(began), res.body)
		}
	}
	if res := a.get(t, "/jobb"); res.StatusCode != 200 {
		t.Fatalf("the portal with its provider down: %d", res.StatusCode)
	}
}

// Without single sign-on configured its pages are not found.
func TestSingleSignOnOff(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	for _, path := range []string{"/personal/sso", "/personal/sso/klar?code=x&state=y"} {
		if res := a.get(t, path); res.StatusCode != 404 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}
