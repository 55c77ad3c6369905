package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"portal/demo"
	"portal/employees"
	"portal/internal/testapp"
	"portal/mail"
)

// staffBrowser is one person's browser on the staff side, every page it
// reaches checked with axe.
type staffBrowser struct {
	t   *testing.T
	ctx context.Context
	p   *portal
}

// newStaffBrowser is a browser that has chosen Swedish.
func newStaffBrowser(t *testing.T, p *portal) *staffBrowser {
	t.Helper()
	b := &staffBrowser{t: t, ctx: browser(t), p: p}
	if err := chromedp.Run(b.ctx, chromedp.Navigate(p.URL+"/sprak/sv?next=/personal/logga-in"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	return b
}

// open loads a page, checks it with axe and at 320 px.
func (b *staffBrowser) open(path, name string) {
	b.t.Helper()
	visit(b.t, b.ctx, b.p.URL+path, name)
	notSideways(b.t, b.ctx, name)
}

// submit fills the fields (selector → value), sends the form of the
// button and waits for the page that answers, which it checks with axe.
func (b *staffBrowser) submit(name, button string, fields ...string) {
	b.t.Helper()
	var acts []chromedp.Action
	for i := 0; i+1 < len(fields); i += 2 {
		acts = append(acts, chromedp.SetValue(fields[i], fields[i+1], chromedp.ByQuery))
	}
	acts = append(acts, chromedp.Evaluate(`document.body.dataset.left = "1"`, nil),
		chromedp.Click(button, chromedp.ByQuery), chromedp.WaitNotPresent("body[data-left]", chromedp.ByQuery), chromedp.WaitReady("body"))
	if err := chromedp.Run(b.ctx, acts...); err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	checkAxe(b.t, b.ctx, name)
}

// sees fails unless the page says every one of the texts.
func (b *staffBrowser) sees(what string, texts ...string) {
	b.t.Helper()
	main := text(b.t, b.ctx, "body")
	for _, s := range texts {
		if !strings.Contains(main, s) {
			b.t.Fatalf("%s: %q not on the page:\n%s", what, s, main)
		}
	}
}

func (b *staffBrowser) path() string {
	b.t.Helper()
	var loc string
	if err := chromedp.Run(b.ctx, chromedp.Evaluate(`location.pathname`, &loc)); err != nil {
		b.t.Fatal(err)
	}
	return loc
}

var tempPassword = regexp.MustCompile(`(?:lösenord|password): ([0-9A-Za-z]{6,})\n`)

// logIn logs in with a temporary password asked for on the page, and
// chooses a new password.
func (b *staffBrowser) firstLogin(user, email, password string) {
	b.t.Helper()
	b.open("/personal", "staff login")
	b.submit("forgot link", `a[href="/personal/glomt-losenord"]`)
	b.submit("reset asked", `form[action="/personal/glomt-losenord"] button`, "#user", user)
	m := tempPassword.FindStringSubmatch(b.p.latestMail(b.t, email).Text)
	if m == nil {
		b.t.Fatalf("no temporary password to %s", email)
	}
	b.open("/personal/logga-in", "staff login")
	b.submit("login with the temporary password", `form[action="/personal/logga-in"] button`, "#user", user, "#password", m[1])
	if got := b.path(); got != "/personal/byt-losenord" {
		b.t.Fatalf("after the temporary password: at %s", got)
	}
	b.submit("new password", `form[action^="/personal/byt-losenord"] button`,
		"#old_password", m[1], "#new_password", password, "#confirm", password)
	if got := b.path(); got == "/personal/byt-losenord" || got == "/personal/logga-in" {
		b.t.Fatalf("after the new password: at %s", got)
	}
}

// logIn logs in with the password; from outside it ends at the second step.
func (b *staffBrowser) logIn(user, password string) {
	b.t.Helper()
	b.open("/personal/logga-in", "staff login")
	b.submit("login", `form[action="/personal/logga-in"] button`, "#user", user, "#password", password)
}

func (b *staffBrowser) logOut() {
	b.t.Helper()
	b.submit("logout", `form[action="/personal/logga-ut"] button`)
}

// The whole story in the browser, over HTTPS in the production
// configuration: the demo organisation imported and its first
// administrator made; a member of staff logs in from inside with a
// temporary password, registers two mobile numbers and an authenticator
// app; logs in from outside with an SMS code to the second number; asks
// for the manager role; the manager signs; the administrator's grant is
// refused until the courses are recorded, then made; the audit log shows
// each step.
func TestStaffJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 5, TrustedNetworks: []string{"127.0.0.0/8"}})
	ctx := context.Background()
	batch, err := demo.Organisation()
	if err != nil {
		t.Fatal(err)
	}
	dir := &employees.Directory{Store: p.DB.Employees(), Now: p.Now}
	if _, err := dir.Import(ctx, batch); err != nil {
		t.Fatal(err)
	}
	// What `portal staff add-admin erisan01 erik.sandberg@…` does.
	if _, err := p.Access.AddAdmin(ctx, "erisan01"); err != nil {
		t.Fatal(err)
	}
	const pw = "Sommarstugan vid sjön 2026"

	// Fatima, from inside: first login, two numbers and the app.
	fatima := newStaffBrowser(t, p)
	fatima.firstLogin("fatali01", "fatima.ali@exempelkommunen.se", pw)
	fatima.open("/personal/installningar/inloggning", "second factor settings")
	fatima.submit("bad number", `form[action="/personal/installningar/inloggning/mobil"] button`, "#number", "070-123 45 67")
	fatima.sees("bad number", "Endast siffror är tillåtna. T.ex: 0701234567")
	for i, number := range []string{"0701234567", "0739876543"} {
		fatima.submit("number added", `form[action="/personal/installningar/inloggning/mobil"] button`, "#number", number)
		code := p.latestCode(t, mail.ChannelSMS, "+46"+number[1:])
		fatima.submit("number confirmed", `form[action="/personal/installningar/inloggning/mobil/bekrafta"] button`,
			"#code-"+string(rune('0'+i)), strings.ToLower(code))
	}
	fatima.sees("two numbers", "0701234567", "0739876543")
	fatima.open("/personal/installningar/inloggning/app", "authenticator app")
	secret := strings.ReplaceAll(text(t, fatima.ctx, "code.secret"), " ", "")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fatima.submit("app confirmed", `form[action="/personal/installningar/inloggning/app"] button`, "#code", code)
	fatima.logOut()

	// From outside (an address the trusted proxy forwards), by SMS to the
	// second number.
	outside := newStaffBrowser(t, p)
	if err := chromedp.Run(outside.ctx, network.Enable(), network.SetExtraHTTPHeaders(network.Headers{"X-Forwarded-For": "203.0.113.7"})); err != nil {
		t.Fatal(err)
	}
	outside.logIn("fatali01", pw)
	if got := outside.path(); got != "/personal/logga-in/steg-tva" {
		t.Fatalf("login from outside: at %s", got)
	}
	outside.sees("methods", "543")
	var choice string
	if err := chromedp.Run(outside.ctx, chromedp.Evaluate(`(() => {
		const r = [...document.querySelectorAll('input[name="method"]')].find(r => r.parentElement.textContent.includes("543"));
		r.click(); return r.value })()`, &choice)); err != nil || choice == "" {
		t.Fatalf("choose the second number: %q %v", choice, err)
	}
	outside.submit("code sent", `form[action="/personal/logga-in/steg-tva/skicka"] button`)
	sms := p.latestCode(t, mail.ChannelSMS, "+46739876543")
	outside.submit("code typed", `form[action="/personal/logga-in/steg-tva"] button`, "#code", strings.ToLower(sms))
	if got := outside.path(); got != "/personal" {
		t.Fatalf("after the SMS code: at %s", got)
	}
	outside.sees("logged in from outside", "Fatima Ali")

	// She asks for the manager role for her unit.
	outside.open("/personal/behorigheter", "my roles")
	if err := chromedp.Run(outside.ctx, chromedp.SetValue("#role", "manager", chromedp.ByID),
		chromedp.Click(`input[name="units"][value="EXK-VOF-HEM"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	outside.submit("role requested", `form[action="/personal/behorigheter"] button`, `textarea[name="reason"]`, "Jag blir biträdande enhetschef.")
	outside.sees("role requested", "Chef")

	// Her manager signs.
	eva := newStaffBrowser(t, p)
	eva.firstLogin("evaryl01", "eva.rylander@exempelkommunen.se", pw)
	eva.open("/personal/behorigheter/att-signera", "requests to sign")
	eva.sees("to sign", "Fatima Ali")
	eva.submit("signed", `form[action$="/signera"] button`)

	// The administrator: refused for the courses, then granted.
	erik := newStaffBrowser(t, p)
	erik.firstLogin("erisan01", "erik.sandberg@exempelkommunen.se", pw)
	erik.open("/personal/admin/behorigheter", "grant roles")
	erik.submit("grant refused", `form[action$="/bevilja"] button`)
	erik.sees("grant refused", "Kursen Introduktion saknas", "Kursen Chef webb saknas", "Kursen Personalöversikt saknas")
	for _, course := range []string{"introduktion", "chef-webb", "personaloversikt"} {
		erik.open("/personal/admin/kurser", "record a course")
		if err := chromedp.Run(erik.ctx, chromedp.SetValue("#course", course, chromedp.ByID)); err != nil {
			t.Fatal(err)
		}
		erik.submit("course recorded", `form[action="/personal/admin/kurser"] button`, "#person", "fatali01", "#date", "2026-11-20")
	}
	erik.open("/personal/admin/behorigheter", "grant roles")
	erik.submit("granted", `form[action$="/bevilja"] button`)
	erik.open("/personal/admin/logg?person=fatali01", "audit log")
	erik.sees("audit log", "Ansökan", "Underskrift", "Tilldelning stoppad av krav", "Kurs registrerad", "Roll tilldelad", "Eva Rylander")

	// Fatima holds the role now.
	outside.open("/personal/behorigheter", "my roles")
	outside.sees("role held", "Chef")
}
