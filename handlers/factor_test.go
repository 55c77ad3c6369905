package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"portal/employees"
	"portal/factors"
	"portal/internal/testapp"
	"portal/mail"
	"portal/mail/elks"
	"portal/sessions"
)

// factorApp is a test portal whose inside is the given ranges (nil: the
// address of app.Test requests and loopback).
func factorApp(t *testing.T, networks []string) *testApp {
	t.Helper()
	return appOf(testapp.New(t, testapp.Options{Now: testNow, TrustedNetworks: networks, TrustedProxies: []string{"10.0.0.0/8"}}))
}

// staffPerson stores an active person with a work address.
func staffPerson(t *testing.T, a *testApp, id, email string) {
	t.Helper()
	err := a.db.Employees().SavePerson(context.Background(), employees.Person{ID: id, FirstName: "Eva", LastName: "Rydberg",
		WorkEmail: email, Active: true, CreatedAt: testNow, UpdatedAt: testNow})
	if err != nil {
		t.Fatal(err)
	}
}

// sessionVisitor is a browser with a staff session opened as o says.
func sessionVisitor(t *testing.T, a *testApp, personID string, o sessions.Options) *visitor {
	t.Helper()
	token, _, err := a.StaffSessions.Open(context.Background(), personID, o)
	if err != nil {
		t.Fatal(err)
	}
	v := a.visitor(t)
	v.cookies["__Host-staff"] = token
	return v
}

// atFactor is a browser whose login from outside lacks its second step.
func atFactor(t *testing.T, a *testApp, personID string) *visitor {
	return sessionVisitor(t, a, personID, sessions.Options{Stage: "factor", Outside: true})
}

const stepPath = "/personal/logga-in/steg-tva"

var codeInText = regexp.MustCompile(`: ([A-Z0-9]{8})\b`)

// lastCode reads the code from the newest message of the channel to to.
func lastCode(t *testing.T, a *testApp, channel, to string) string {
	t.Helper()
	recs, err := a.db.Outbox().RecentOn(context.Background(), channel, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.To == to {
			m := codeInText.FindStringSubmatch(r.Text)
			if m == nil {
				t.Fatalf("no code in %q", r.Text)
			}
			return m[1]
		}
	}
	t.Fatalf("no message to %s", to)
	return ""
}

// sendCode chooses the way and sends its code.
func sendCode(t *testing.T, v *visitor, choice string) response {
	t.Helper()
	res := v.post(stepPath, stepPath+"/skicka", url.Values{"method": {choice}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "skickad=1") {
		t.Fatalf("send %s: %d %s\n%s", choice, res.StatusCode, res.Header.Get("Location"), res.body)
	}
	return res
}

func typeCode(v *visitor, choice, code string) response {
	v.t.Helper()
	return v.post(stepPath+"?metod="+url.QueryEscape(choice), stepPath, url.Values{"method": {choice}, "code": {code}})
}

// loggedInWhole checks that the browser's session is a whole login from
// outside, with the outside idle time.
func loggedInWhole(t *testing.T, a *testApp, v *visitor) {
	t.Helper()
	s, err := a.StaffSessions.Load(context.Background(), v.cookies["__Host-staff"])
	if err != nil {
		t.Fatalf("no session: %v", err)
	}
	if s.Stage != "" || !s.Outside || s.Idle != 15*time.Minute {
		t.Fatalf("session after the second step: %+v", s)
	}
	if res := v.get("/personal"); res.StatusCode != 200 {
		t.Fatalf("start page after the second step: %d", res.StatusCode)
	}
}

// The whole second step by e-mail: the work address is offered without
// any setup, a code typed in lower case passes once, and a new session
// replaces the one of the attempt.
func TestSecondStepByEmail(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := atFactor(t, a, "evaryl01")
	attempt := v.cookies["__Host-staff"]

	if res := v.get("/personal"); res.StatusCode != 303 || res.Header.Get("Location") != stepPath {
		t.Fatalf("start page at the factor stage: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// "Continue" in the time-out warning works at this stage too.
	ext := httptest.NewRequest(http.MethodPost, "/personal/session/forlang", nil)
	ext.Header.Set("X-Requested-With", "fetch")
	if res := v.send(ext); res.StatusCode != 200 || !strings.Contains(res.body, "remaining_ms") {
		t.Fatalf("continue at the factor stage: %d %s", res.StatusCode, res.body)
	}
	page := v.get(stepPath)
	if page.StatusCode != 200 || !strings.Contains(page.body, "E-post till e…@exempel.se") || strings.Contains(page.body, "eva.rydberg@") {
		t.Fatalf("second step: %d\n%s", page.StatusCode, page.body)
	}
	sendCode(t, v, "email")
	code := lastCode(t, a, mail.ChannelEmail, "eva.rydberg@exempel.se")
	if strings.ContainsAny(code, "0OIL1B8S5Z2G6Q") {
		t.Errorf("code %q has look-alike signs", code)
	}
	if res := typeCode(v, "email", "AAAAAAAA"); res.StatusCode != 422 || !strings.Contains(res.body, "Koden stämmer inte") {
		t.Fatalf("wrong code: %d\n%s", res.StatusCode, res.body)
	}
	res := typeCode(v, "email", strings.ToLower(code[:4])+" "+strings.ToLower(code[4:]))
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal" {
		t.Fatalf("right code: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	loggedInWhole(t, a, v)
	if _, err := a.StaffSessions.Load(context.Background(), attempt); err == nil {
		t.Error("the attempt's session lives on")
	}
	// The code worked once: another attempt, or the same code again, fails.
	w := atFactor(t, a, "evaryl01")
	if res := typeCode(w, "email", code); res.StatusCode != 422 {
		t.Errorf("a spent code on another attempt: %d", res.StatusCode)
	}
}

// A code belongs to its attempt: typed at another login of the same
// person it is refused.
func TestSecondStepCodeOfAnotherAttempt(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	first, second := atFactor(t, a, "evaryl01"), atFactor(t, a, "evaryl01")
	sendCode(t, first, "email")
	code := lastCode(t, a, mail.ChannelEmail, "eva.rydberg@exempel.se")
	if res := typeCode(second, "email", code); res.StatusCode != 422 || !strings.Contains(res.body, "Ingen giltig kod") {
		t.Fatalf("code of another attempt: %d\n%s", res.StatusCode, res.body)
	}
	sendCode(t, second, "email")
	if res := typeCode(second, "email", code); res.StatusCode != 422 {
		t.Fatalf("the other attempt's code after a code of its own: %d", res.StatusCode)
	}
	// A new code voids the earlier one of the same attempt.
	sendCode(t, first, "email")
	if res := typeCode(first, "email", code); res.StatusCode != 422 {
		t.Fatalf("a code replaced by a newer one: %d", res.StatusCode)
	}
	if res := typeCode(first, "email", lastCode(t, a, mail.ChannelEmail, "eva.rydberg@exempel.se")); res.StatusCode != 303 {
		t.Fatalf("the newest code: %d", res.StatusCode)
	}
}

// A code expires after 10 minutes.
func TestSecondStepCodeExpires(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := atFactor(t, a, "evaryl01")
	sendCode(t, v, "email")
	code := lastCode(t, a, mail.ChannelEmail, "eva.rydberg@exempel.se")
	a.clock.Add(10*time.Minute + time.Second)
	res := typeCode(v, "email", code) // the session's 15 minutes idle are not over
	if res.StatusCode != 422 || !strings.Contains(res.body, "Koden har gått ut") {
		t.Fatalf("expired code: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
}

// Five wrong tries void the attempt: the session ends, and the right code
// does nothing after.
func TestSecondStepFiveWrongTries(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := atFactor(t, a, "evaryl01")
	token := v.cookies["__Host-staff"]
	sendCode(t, v, "email")
	code := lastCode(t, a, mail.ChannelEmail, "eva.rydberg@exempel.se")
	for i := 1; i <= 4; i++ {
		if res := typeCode(v, "email", "AAAAAAAA"); res.StatusCode != 422 {
			t.Fatalf("wrong try %d: %d", i, res.StatusCode)
		}
	}
	res := typeCode(v, "email", "AAAAAAAA")
	if res.StatusCode != 429 || !strings.Contains(res.body, "För många felaktiga försök") {
		t.Fatalf("fifth wrong try: %d\n%s", res.StatusCode, res.body)
	}
	if _, err := a.StaffSessions.Load(context.Background(), token); err == nil {
		t.Fatal("the attempt's session lives on after five wrong tries")
	}
	w := a.visitor(t)
	w.cookies["__Host-staff"] = token
	if res := w.get(stepPath); res.StatusCode != 303 || res.Header.Get("Location") != "/personal/logga-in" {
		t.Fatalf("the void attempt's page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if err := a.Factors.CheckLogin(context.Background(), sessions.Key(token), "evaryl01", "email", code); !errors.Is(err, factors.ErrTooManyTries) {
		t.Fatalf("the right code after the attempt is void: %v", err)
	}
}

// Twenty wrong tries sent at once over real connections: exactly five are
// judged, whatever the order they arrive in.
func TestSecondStepParallelTries(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := atFactor(t, a, "evaryl01")
	sendCode(t, v, "email")
	reqs := times(20, func(int) *http.Request {
		return v.formRequest(stepPath+"?metod=email", stepPath, url.Values{"method": {"email"}, "code": {"AAAAAAAA"}})
	})
	wrong, void := 0, 0
	for _, res := range a.together(t, reqs...) {
		switch {
		case res.StatusCode == 422:
			wrong++
		case res.StatusCode == 429 || (res.StatusCode == 303 && res.Header.Get("Location") == "/personal/logga-in"):
			void++
		default:
			t.Errorf("answer %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	}
	if wrong != 4 || void != 16 {
		t.Fatalf("judged as wrong: %d (want 4, the fifth voids), void: %d", wrong, void)
	}
}

// A person with no way to get a code is told how and where to set one up.
func TestSecondStepNothingSetUp(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "utan01", "")
	v := atFactor(t, a, "utan01")
	page := v.get(stepPath)
	if page.StatusCode != 200 || !strings.Contains(page.body, "Inställningar – Inloggning") || strings.Contains(page.body, `name="method"`) {
		t.Fatalf("nothing set up: %d\n%s", page.StatusCode, page.body)
	}
	if res := v.post(stepPath, stepPath+"/skicka", url.Values{"method": {"email"}}); res.StatusCode != 422 {
		t.Fatalf("a way the person lacks: %d", res.StatusCode)
	}
}

var secretOnPage = regexp.MustCompile(`<code class="secret">([A-Z2-7 ]+)</code>`)

// The authenticator app: registered from inside with a first code, then
// offered first at the second step; a code works once.
func TestSecondStepWithApp(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	inside := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	page := inside.get("/personal/installningar/inloggning/app")
	m := secretOnPage.FindStringSubmatch(page.body)
	if page.StatusCode != 200 || m == nil || !strings.Contains(page.body, `src="data:image/png;base64,`) {
		t.Fatalf("app setup: %d\n%s", page.StatusCode, page.body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if res := inside.post("/personal/installningar/inloggning/app", "/personal/installningar/inloggning/app", url.Values{"code": {"000000"}}); res.StatusCode != 422 {
		t.Fatalf("wrong first code: %d", res.StatusCode)
	}
	first, _ := totp.GenerateCode(secret, a.Now())
	if res := inside.post("/personal/installningar/inloggning/app", "/personal/installningar/inloggning/app", url.Values{"code": {first}}); res.StatusCode != 303 {
		t.Fatalf("first code: %d\n%s", res.StatusCode, res.body)
	}

	v := atFactor(t, a, "evaryl01")
	page = v.get(stepPath)
	app, mail := strings.Index(page.body, `value="app"`), strings.Index(page.body, `value="email"`)
	if app < 0 || mail < 0 || app > mail || !strings.Contains(page.body[app-60:app], `id="method-0"`) {
		t.Fatalf("the app is not offered first:\n%s", page.body)
	}
	// The step of the registration's code is spent: the next one works.
	if res := typeCode(v, "app", first); res.StatusCode != 422 {
		t.Fatalf("the registration's code again: %d", res.StatusCode)
	}
	a.clock.Add(30 * time.Second)
	code, _ := totp.GenerateCode(secret, a.Now())
	if res := typeCode(v, "app", code); res.StatusCode != 303 {
		t.Fatalf("app code: %d\n%s", res.StatusCode, res.body)
	}
	loggedInWhole(t, a, v)
	w := atFactor(t, a, "evaryl01")
	if res := typeCode(w, "app", code); res.StatusCode != 422 {
		t.Fatalf("the same app code at another login: %d", res.StatusCode)
	}
}

// elksServer speaks the 46elks API: POST /a1/sms with basic auth and the
// fields from, to and message.
type elksServer struct {
	*httptest.Server
	mu   sync.Mutex
	sent []url.Values
}

func startElks(t *testing.T) *elksServer {
	e := &elksServer{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "u123" || pass != "hemligt" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/a1/sms" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("from") == "" || r.PostForm.Get("message") == "" ||
			!regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`).MatchString(r.PostForm.Get("to")) {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.sent = append(e.sent, r.PostForm)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "created", "id": "s17a6dafb12d6b1cabc053d57dac2b9d8",
			"from": r.PostForm.Get("from"), "to": r.PostForm.Get("to"), "message": r.PostForm.Get("message"), "parts": 1})
	}))
	t.Cleanup(e.Close)
	return e
}

// deliver runs the outbox worker once, text messages through 46elks.
func (e *elksServer) deliver(t *testing.T, a *testApp, password string) []url.Values {
	t.Helper()
	w := &mail.Worker{Store: a.db.Outbox(), Owner: "test", MaxAttempts: 3, Lease: time.Minute, BaseDelay: time.Minute, MaxDelay: time.Hour,
		Sender: mail.Channels{mail.ChannelSMS: elks.New(elks.Config{BaseURL: e.URL + "/a1", User: "u123", Password: password, From: "Exempel"}),
			mail.ChannelEmail: mail.Keep{}},
		Now: a.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.sent
	e.sent = nil
	return out
}

var smsCode = regexp.MustCompile(`: ([A-Z0-9]{8})\.`)

// Mobile numbers: registered from inside, confirmed by a code that goes
// through the 46elks API to +46..., then offered at the second step.
func TestSecondStepBySMS(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	gw := startElks(t)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	inside := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	const settings = "/personal/installningar/inloggning"
	if res := inside.post(settings, settings+"/mobil", url.Values{"number": {"0701234567"}}); res.StatusCode != 303 {
		t.Fatalf("add number: %d\n%s", res.StatusCode, res.body)
	}
	// A wrong password at the gateway: the message waits for a retry.
	if sent := gw.deliver(t, a, "fel"); len(sent) != 0 {
		t.Fatalf("sent with a wrong password: %v", sent)
	}
	a.clock.Add(2 * time.Minute)
	sent := gw.deliver(t, a, "hemligt")
	if len(sent) != 1 || sent[0].Get("to") != "+46701234567" || sent[0].Get("from") != "Exempel" {
		t.Fatalf("sent through 46elks: %v", sent)
	}
	m := smsCode.FindStringSubmatch(sent[0].Get("message"))
	if m == nil {
		t.Fatalf("no code in %q", sent[0].Get("message"))
	}
	page := inside.get(settings)
	if !strings.Contains(page.body, "väntar på bekräftelse") {
		t.Fatalf("waiting number:\n%s", page.body)
	}
	// Until confirmed, the number is not offered.
	if page := atFactor(t, a, "evaryl01").get(stepPath); strings.Contains(page.body, "sms:0") {
		t.Fatal("an unconfirmed number is offered")
	}
	confirm := url.Values{"number": {"0701234567"}, "code": {strings.ToLower(m[1])}}
	if res := inside.post(settings, settings+"/mobil/bekrafta", confirm); res.StatusCode != 303 {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, res.body)
	}

	v := atFactor(t, a, "evaryl01")
	page = v.get(stepPath)
	if !strings.Contains(page.body, `value="sms:0"`) || !strings.Contains(page.body, "slutar på 567") {
		t.Fatalf("the number is not offered:\n%s", page.body)
	}
	sendCode(t, v, "sms:0")
	a.clock.Add(time.Second)
	sent = gw.deliver(t, a, "hemligt")
	if len(sent) != 1 || sent[0].Get("to") != "+46701234567" {
		t.Fatalf("login code through 46elks: %v", sent)
	}
	code := smsCode.FindStringSubmatch(sent[0].Get("message"))[1]
	if res := typeCode(v, "sms:0", code); res.StatusCode != 303 {
		t.Fatalf("SMS code: %d\n%s", res.StatusCode, res.body)
	}
	loggedInWhole(t, a, v)
}

// Numbers: digits only with the seed's message, at most two, and nothing
// stored by a refused form.
func TestFactorSettingsNumbers(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	const settings = "/personal/installningar/inloggning"
	res := v.post(settings, settings+"/mobil", url.Values{"number": {"070-123 45 67"}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Endast siffror är tillåtna. T.ex: 0701234567") ||
		!strings.Contains(res.body, `href="#number"`) || !strings.Contains(res.body, `aria-invalid="true"`) {
		t.Fatalf("not digits: %d\n%s", res.StatusCode, res.body)
	}
	v.lang = "en"
	if res := v.post(settings, settings+"/mobil", url.Values{"number": {"070 1234567"}}); !strings.Contains(res.body, "Only digits are allowed") {
		t.Fatalf("not digits, in English: %d", res.StatusCode)
	}
	v.lang = ""
	for _, n := range []string{"0701234567", "0731234567"} {
		if res := v.post(settings, settings+"/mobil", url.Values{"number": {n}}); res.StatusCode != 303 {
			t.Fatalf("add %s: %d\n%s", n, res.StatusCode, res.body)
		}
	}
	if page := v.get(settings); strings.Contains(page.body, `action="/personal/installningar/inloggning/mobil"`) {
		t.Error("the add form is offered with two numbers")
	}
	res = v.post(settings+"/app", settings+"/mobil", url.Values{"number": {"0761234567"}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "som mest två mobilnummer") {
		t.Fatalf("a third number: %d\n%s", res.StatusCode, res.body)
	}
	st, err := a.Factors.Settings(context.Background(), "evaryl01")
	if err != nil || len(st.Phones) != 2 {
		t.Fatalf("numbers stored: %+v %v", st.Phones, err)
	}
	// Removing asks first, without script: a page with the same request
	// and confirm=1; until then nothing goes.
	res = v.post(settings, settings+"/mobil/ta-bort", url.Values{"number": {"0701234567"}})
	if res.StatusCode != 200 || !strings.Contains(res.body, "Ta bort mobilnumret 0701234567?") ||
		!strings.Contains(res.body, `name="confirm" value="1"`) || !strings.Contains(res.body, `href="/personal/installningar/inloggning"`) {
		t.Fatalf("remove without confirming: %d\n%s", res.StatusCode, res.body)
	}
	if st, _ := a.Factors.Settings(context.Background(), "evaryl01"); len(st.Phones) != 2 {
		t.Fatalf("removed before confirming: %+v", st.Phones)
	}
	if res := v.post(settings, settings+"/mobil/ta-bort", url.Values{"number": {"0761234567"}}); res.StatusCode != 404 {
		t.Fatalf("remove a number not there: %d", res.StatusCode)
	}
	if res := v.post(settings, settings+"/mobil/ta-bort", url.Values{"number": {"0701234567"}, "confirm": {"1"}}); res.StatusCode != 303 {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if st, _ := a.Factors.Settings(context.Background(), "evaryl01"); len(st.Phones) != 1 || st.Phones[0].Number != "0731234567" {
		t.Fatalf("after removing: %+v", st.Phones)
	}
	// The person is told at the work address, so that a change they did
	// not make does not go unseen; adding a number not yet confirmed is no
	// change of the login yet.
	var told []string
	for _, m := range a.mails(t, "eva.rydberg@exempel.se") {
		if strings.Contains(m.Subject, "har ändrats") {
			told = append(told, m.Text)
		}
	}
	if len(told) != 1 || !strings.Contains(told[0], "Mobilnumret 0701234567 har tagits bort") || !strings.Contains(told[0], "Var det inte du?") {
		t.Fatalf("mails of the changes: %q", told)
	}
}

// From outside, nothing can be registered: neither by a login that began
// outside nor by a request from outside; the page says where instead.
func TestFactorSettingsOnlyFromInside(t *testing.T) {
	t.Parallel()
	const settings = "/personal/installningar/inloggning"
	check := func(t *testing.T, a *testApp, v *visitor) {
		t.Helper()
		page := v.get(settings)
		if page.StatusCode != 200 || !strings.Contains(page.body, "Ändringar görs från kommunens nätverk") ||
			strings.Contains(page.body, `action="/personal/installningar/inloggning/mobil"`) {
			t.Fatalf("settings from outside: %d\n%s", page.StatusCode, page.body)
		}
		for _, path := range []string{"/mobil", "/app"} {
			if res := v.post(settings, settings+path, url.Values{"number": {"0701234567"}, "code": {"123456"}}); res.StatusCode != 403 {
				t.Errorf("POST %s from outside: %d", path, res.StatusCode)
			}
		}
		if page := v.get(settings + "/app"); strings.Contains(page.body, "data:image/png") {
			t.Error("app secret shown from outside")
		}
		if st, err := a.Factors.Settings(context.Background(), "evaryl01"); err != nil || len(st.Phones) != 0 || st.HasApp() || len(st.PendingApp) != 0 {
			t.Errorf("stored from outside: %+v %v", st, err)
		}
	}
	t.Run("login from outside", func(t *testing.T) {
		t.Parallel()
		a := factorApp(t, nil)
		staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
		check(t, a, sessionVisitor(t, a, "evaryl01", sessions.Options{Outside: true}))
	})
	t.Run("request from outside", func(t *testing.T) {
		t.Parallel()
		a := factorApp(t, []string{"none"})
		staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
		check(t, a, sessionVisitor(t, a, "evaryl01", sessions.Options{}))
	})
}

// The SMS outbox of development, as a page and as JSON.
func TestDevSMS(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, true)
	if err := a.Outbox.Send(context.Background(), mail.Message{Channel: mail.ChannelSMS, To: "+46701234567", Text: "Din kod: ABCD3479."}); err != nil {
		t.Fatal(err)
	}
	j := a.get(t, "/dev/sms.json")
	if j.StatusCode != 200 || !strings.Contains(j.body, `"to":"+46701234567"`) || !strings.Contains(j.body, "ABCD3479") {
		t.Fatalf("sms.json: %d %s", j.StatusCode, j.body)
	}
	// Nothing is sent in development without a gateway: the page says so
	// instead of calling the messages sent.
	if page := a.get(t, "/dev/sms"); !strings.Contains(page.body, "ABCD3479") || !strings.Contains(page.body, "<h1>SMS i utkorgen</h1>") ||
		!strings.Contains(page.body, "skickas inga SMS") || !strings.Contains(page.body, "inte skickat ännu") {
		t.Fatalf("dev SMS page:\n%s", page.body)
	}
	if m := a.get(t, "/dev/mail.json"); strings.Contains(m.body, "ABCD3479") {
		t.Error("a text message among the e-mail")
	}
	if res := newTestApp(t, false).get(t, "/dev/sms"); res.StatusCode != 404 {
		t.Errorf("/dev/sms outside development: %d", res.StatusCode)
	}
}

// In development a browser can ask to count as outside.
func TestDevNetwork(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, true)
	v := a.visitor(t)
	if page := v.get("/dev/natverk"); !strings.Contains(page.body, "räknas som innanför nätverket") {
		t.Fatalf("dev network: %s", page.body)
	}
	if res := v.post("/dev/natverk", "/dev/natverk", url.Values{"outside": {"1"}}); res.StatusCode != 303 || v.cookies["dev_outside"] != "1" {
		t.Fatalf("set outside: %d %v", res.StatusCode, v.cookies)
	}
	if page := v.get("/dev/natverk"); !strings.Contains(page.body, "räknas som utanför") {
		t.Fatalf("dev network after: %s", page.body)
	}
	if res := newTestApp(t, false).get(t, "/dev/natverk"); res.StatusCode != 404 {
		t.Errorf("/dev/natverk outside development: %d", res.StatusCode)
	}
}

// The password login ends in the one entry: from inside it is whole at
// once, from outside it goes on to the second step, which keeps the page
// asked for.
func TestPasswordLoginFromOutsideNeedsSecondStep(t *testing.T) {
	t.Parallel()
	eva := employees.Person{ID: "evaryl01", FirstName: "Eva", LastName: "Rydberg", WorkEmail: "eva.rydberg@exempel.se", Active: true,
		CreatedAt: testNow, UpdatedAt: testNow}
	inside := factorApp(t, nil)
	addStaff(t, inside, eva)
	if res := staffLogin(inside.visitor(t), "evaryl01", goodPassword); res.StatusCode != 303 || res.Header.Get("Location") != "/personal" {
		t.Fatalf("login from inside: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	outside := factorApp(t, []string{"10.20.0.0/16"})
	addStaff(t, outside, eva)
	v := outside.visitor(t)
	res := v.post("/personal/logga-in?next=/personal/installningar", "/personal/logga-in?next=/personal/installningar",
		url.Values{"user": {"evaryl01"}, "password": {goodPassword}, "next": {"/personal/installningar"}})
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), stepPath) {
		t.Fatalf("login from outside: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := v.get("/personal"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), stepPath) {
		t.Fatalf("a page before the second step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	next := ""
	if u, err := url.Parse(res.Header.Get("Location")); err == nil {
		next = u.Query().Get("next")
	}
	send := v.post(res.Header.Get("Location"), stepPath+"/skicka", url.Values{"method": {"email"}, "next": {next}})
	if send.StatusCode != 303 {
		t.Fatalf("send: %d", send.StatusCode)
	}
	code := lastCode(t, outside, mail.ChannelEmail, "eva.rydberg@exempel.se")
	done := v.post(send.Header.Get("Location"), stepPath, url.Values{"method": {"email"}, "code": {code}, "next": {next}})
	want := "/personal"
	if next != "" {
		want = next
	}
	if done.StatusCode != 303 || done.Header.Get("Location") != want {
		t.Fatalf("second step: %d %s, want %s", done.StatusCode, done.Header.Get("Location"), want)
	}
	loggedInWhole(t, outside, v)
}

// A login not yet whole (the second step, or a new password to choose)
// is offered only the logout in the header: the other links would lead
// back to the step. A whole login has them all.
func TestStaffHeaderOfALoginNotYetWhole(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	links := []string{`href="/personal/behorigheter"`, `href="/personal/installningar"`, `>Översikt</a>`} // the menu's first entry
	for name, tc := range map[string]struct {
		o    sessions.Options
		path string
	}{
		"second step":  {sessions.Options{Stage: "factor", Outside: true}, stepPath},
		"new password": {sessions.Options{Restricted: true}, "/personal/byt-losenord"},
	} {
		page := sessionVisitor(t, a, "evaryl01", tc.o).get(tc.path)
		if page.StatusCode != 200 || !strings.Contains(page.body, `action="/personal/logga-ut"`) {
			t.Fatalf("%s: %d\n%s", name, page.StatusCode, page.body)
		}
		for _, l := range links {
			if strings.Contains(page.body, l) {
				t.Errorf("%s: the header offers %s", name, l)
			}
		}
	}
	home := sessionVisitor(t, a, "evaryl01", sessions.Options{}).get("/personal")
	for _, l := range append(links, `action="/personal/logga-ut"`) {
		if !strings.Contains(home.body, l) {
			t.Errorf("a whole login lacks %s", l)
		}
	}
	// The start page's title does not repeat the surface's name.
	if !strings.Contains(home.body, "<title>Översikt – Personalwebben – Exempelkommunen</title>") {
		t.Errorf("start page title:\n%s", home.body[:400])
	}
}

// The first code sent says so once; a new one says the earlier one no
// longer works; wrong codes say how many tries are left; the hint about
// lower case is for codes with letters only.
func TestSecondStepSaysWhatWasSentAndTriesLeft(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := atFactor(t, a, "evaryl01")
	res := sendCode(t, v, "email")
	page := v.get(res.Header.Get("Location"))
	if !strings.Contains(page.body, "En kod är skickad: E-post till e…@exempel.se. Den gäller i 10 minuter.") ||
		strings.Contains(page.body, "Skriv koden som skickades") || strings.Contains(page.body, "En ny kod") ||
		!strings.Contains(page.body, "små bokstäver") {
		t.Fatalf("after the first code:\n%s", page.body)
	}
	res = v.post(stepPath, stepPath+"/skicka", url.Values{"method": {"email"}, "again": {"1"}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "skickad=2") {
		t.Fatalf("a new code: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := v.get(res.Header.Get("Location")); !strings.Contains(page.body, "En ny kod är skickad") ||
		!strings.Contains(page.body, "Den tidigare koden gäller inte längre.") {
		t.Fatalf("after a new code:\n%s", page.body)
	}
	for _, left := range []string{"4 försök kvar", "3 försök kvar", "2 försök kvar", "1 försök kvar"} {
		if res := typeCode(v, "email", "AAAAAAAA"); res.StatusCode != 422 || !strings.Contains(res.body, "Koden stämmer inte. Kontrollera den och försök igen. Du har "+left+".") {
			t.Fatalf("want %q:\n%s", left, res.body)
		}
	}
	w := atFactor(t, a, "evaryl01")
	w.lang = "en"
	sendCode(t, w, "email")
	if res := typeCode(w, "email", "AAAAAAAA"); !strings.Contains(res.body, "You have 4 tries left.") {
		t.Fatalf("tries left in English:\n%s", res.body)
	}
}

// App codes are six digits: anything else is told so, spends no try,
// and the app's page has no hint about letters.
func TestAppCodesAreSixDigits(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	inside := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	const app = "/personal/installningar/inloggning/app"
	page := inside.get(app)
	secret := strings.ReplaceAll(secretOnPage.FindStringSubmatch(page.body)[1], " ", "")
	for range MaxTriesAndMore {
		for _, bad := range []string{"12ab56", "1234567890123"} {
			res := inside.post(app, app, url.Values{"code": {bad}})
			if res.StatusCode != 422 || !strings.Contains(res.body, "Koden ska vara sex siffror") || strings.Contains(res.body, "klocka") {
				t.Fatalf("%q: %d\n%s", bad, res.StatusCode, res.body)
			}
		}
	}
	if res := inside.post(app, app, url.Values{"code": {"000000"}}); res.StatusCode != 422 || !strings.Contains(res.body, "Du har 4 försök kvar.") {
		t.Fatalf("a wrong six digits after many badly formed: %d\n%s", res.StatusCode, res.body)
	}
	first, _ := totp.GenerateCode(secret, a.Now())
	if res := inside.post(app, app, url.Values{"code": {first[:3] + " " + first[3:]}}); res.StatusCode != 303 {
		t.Fatalf("the right code: %d\n%s", res.StatusCode, res.body)
	}
	v := atFactor(t, a, "evaryl01")
	page = v.get(stepPath + "?metod=app")
	if strings.Contains(page.body, "små bokstäver") || !strings.Contains(page.body, "Sex siffror.") {
		t.Fatalf("app step:\n%s", page.body)
	}
	if res := typeCode(v, "app", "12ab56"); res.StatusCode != 422 || !strings.Contains(res.body, "Koden ska vara sex siffror") {
		t.Fatalf("a badly formed app code at login: %d\n%s", res.StatusCode, res.body)
	}
	if res := typeCode(v, "app", "000000"); !strings.Contains(res.body, "Du har 4 försök kvar.") {
		t.Fatalf("tries after a badly formed app code at login:\n%s", res.body)
	}
	// Removing the app asks first.
	res := inside.post("/personal/installningar/inloggning", app+"/ta-bort", nil)
	if res.StatusCode != 200 || !strings.Contains(res.body, "Ta bort autentiseringsappen?") {
		t.Fatalf("remove the app unasked: %d\n%s", res.StatusCode, res.body)
	}
	if st, _ := a.Factors.Settings(context.Background(), "evaryl01"); !st.HasApp() {
		t.Fatal("the app went before confirming")
	}
	if res := inside.post("/personal/installningar/inloggning", app+"/ta-bort", url.Values{"confirm": {"1"}}); res.StatusCode != 303 {
		t.Fatalf("remove the app: %d", res.StatusCode)
	}
	if st, _ := a.Factors.Settings(context.Background(), "evaryl01"); st.HasApp() {
		t.Fatal("the app stays after confirming")
	}
}

// MaxTriesAndMore is more badly formed codes than an attempt has tries.
const MaxTriesAndMore = factors.MaxTries + 1

// A new number gets a text message that says it confirms the number, not
// the login's; a landline's shape is refused; a new code says the earlier
// one no longer works; wrong codes say the tries left.
func TestFactorSettingsConfirmingANumber(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	const settings = "/personal/installningar/inloggning"
	res := v.post(settings, settings+"/mobil", url.Values{"number": {"0123456789"}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "10 siffror som börjar med 07") {
		t.Fatalf("a landline's shape: %d\n%s", res.StatusCode, res.body)
	}
	if res := v.post(settings, settings+"/mobil", url.Values{"number": {"0701234567"}}); res.StatusCode != 303 {
		t.Fatalf("add: %d\n%s", res.StatusCode, res.body)
	}
	recs, _ := a.db.Outbox().RecentOn(context.Background(), mail.ChannelSMS, 5)
	if len(recs) != 1 || !strings.Contains(recs[0].Text, "bekräfta mobilnumret i Exempelkommunen") || strings.Contains(recs[0].Text, "logga in?") {
		t.Fatalf("confirming SMS: %+v", recs)
	}
	first := lastCode(t, a, mail.ChannelSMS, "+46701234567")
	res = v.post(settings, settings+"/mobil/skicka", url.Values{"number": {"0701234567"}})
	if res.StatusCode != 303 {
		t.Fatalf("a new code: %d", res.StatusCode)
	}
	if page := v.get(res.Header.Get("Location")); !strings.Contains(page.body, "Den tidigare koden gäller inte längre.") {
		t.Fatalf("after a new code:\n%s", page.body)
	}
	res = v.post(settings, settings+"/mobil/bekrafta", url.Values{"number": {"0701234567"}, "code": {first}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Du har 4 försök kvar.") {
		t.Fatalf("the earlier code: %d\n%s", res.StatusCode, res.body)
	}
	v.lang = "en"
	if res := v.post(settings, settings+"/mobil", url.Values{"number": {"0731234567"}}); res.StatusCode != 303 {
		t.Fatalf("add in English: %d", res.StatusCode)
	}
	if recs, _ := a.db.Outbox().RecentOn(context.Background(), mail.ChannelSMS, 1); len(recs) != 1 || !strings.Contains(recs[0].Text, "confirm this mobile number") {
		t.Fatalf("confirming SMS in English: %+v", recs)
	}
}
