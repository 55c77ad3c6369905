package e2e

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"portal/employees"
	"portal/mail"
	"portal/sessions"
)

var factorCode = regexp.MustCompile(`: ([A-Z0-9]{8})\b`)

// latestCode is the code in the newest message of the channel to to.
func (p *portal) latestCode(t *testing.T, channel, to string) string {
	t.Helper()
	recs, err := p.DB.Outbox().RecentOn(context.Background(), channel, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if m := factorCode.FindStringSubmatch(r.Text); r.To == to && m != nil {
			return m[1]
		}
	}
	t.Fatalf("no code to %s", to)
	return ""
}

// The second factor in the browser: a mobile number registered from
// inside (a bad one first), the authenticator app's page, and the second
// step of a login from outside by SMS code; every page in both languages
// with axe and at 320 px.
func TestSecondFactorInTheBrowser(t *testing.T) {
	p := startPortal(t)
	ctx := context.Background()
	err := p.DB.Employees().SavePerson(ctx, employees.Person{ID: "evaryl01", FirstName: "Eva", LastName: "Rydberg",
		WorkEmail: "eva.rydberg@exempel.se", Active: true, CreatedAt: time.Now(), UpdatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	login := func(o sessions.Options) context.Context {
		token, _, err := p.StaffSessions.Open(ctx, "evaryl01", o)
		if err != nil {
			t.Fatal(err)
		}
		b := browser(t)
		if err := chromedp.Run(b, network.SetCookie("__Host-staff", token).WithURL(p.URL+"/").WithSecure(true).WithHTTPOnly(true)); err != nil {
			t.Fatal(err)
		}
		return b
	}

	inside := login(sessions.Options{})
	const settings = "/personal/installningar/inloggning"
	for _, lang := range []string{"en", "sv"} {
		step := stepper(t, inside, lang)
		step("factor settings", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+settings), chromedp.WaitVisible("#number", chromedp.ByID))
		notSideways(t, inside, lang+" factor settings")
		step("app setup", chromedp.Navigate(p.URL+settings+"/app"), chromedp.WaitVisible("img.qr", chromedp.ByQuery))
		notSideways(t, inside, lang+" app setup")
	}
	step := stepper(t, inside, "sv")
	step("settings again", chromedp.Navigate(p.URL+settings), chromedp.WaitVisible("#number", chromedp.ByID))
	step("number not digits", chromedp.SendKeys("#number", "070-123 45 67", chromedp.ByID),
		chromedp.Click(`form[action$="/mobil"] button`, chromedp.ByQuery), chromedp.WaitVisible("#error-summary", chromedp.ByID))
	if got := text(t, inside, "#number-error"); got != "Endast siffror är tillåtna. T.ex: 0701234567" {
		t.Fatalf("digits message %q", got)
	}
	notSideways(t, inside, "number error")
	step("number added", chromedp.Clear("#number", chromedp.ByID), chromedp.SendKeys("#number", "0701234567", chromedp.ByID),
		chromedp.Click(`form[action$="/mobil"] button`, chromedp.ByQuery), chromedp.WaitVisible("#code-0", chromedp.ByID))
	notSideways(t, inside, "number waiting")
	step("number confirmed", chromedp.SendKeys("#code-0", p.latestCode(t, mail.ChannelSMS, "+46701234567"), chromedp.ByID),
		chromedp.Click(`form[action$="/bekrafta"] button`, chromedp.ByQuery), chromedp.WaitVisible("main .notice.success", chromedp.ByQuery))

	outside := login(sessions.Options{Stage: "factor", Outside: true})
	for _, lang := range []string{"en", "sv"} {
		step := stepper(t, outside, lang)
		step("second step", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/logga-in/steg-tva"), chromedp.WaitVisible("#method-0", chromedp.ByID))
		notSideways(t, outside, lang+" second step")
		step("code field", chromedp.Navigate(p.URL+"/personal/logga-in/steg-tva?metod=sms:0"), chromedp.WaitVisible("#code", chromedp.ByID))
		notSideways(t, outside, lang+" code field")
	}
	step = stepper(t, outside, "sv")
	step("code sent", chromedp.Navigate(p.URL+"/personal/logga-in/steg-tva"), chromedp.WaitVisible("#method-0", chromedp.ByID), chromedp.Click("#method-0", chromedp.ByID), chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#code", chromedp.ByID))
	notSideways(t, outside, "code field")
	step("wrong code", chromedp.SendKeys("#code", "aaaaaaaa", chromedp.ByID),
		chromedp.Click(`form[action="/personal/logga-in/steg-tva"] button`, chromedp.ByQuery), chromedp.WaitVisible("#error-summary", chromedp.ByID))
	notSideways(t, outside, "wrong code")
	code := p.latestCode(t, mail.ChannelSMS, "+46701234567")
	step("logged in", chromedp.SendKeys("#code", code, chromedp.ByID),
		chromedp.Click(`form[action="/personal/logga-in/steg-tva"] button`, chromedp.ByQuery),
		chromedp.WaitNotPresent("#code", chromedp.ByID), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	var loc string
	if err := chromedp.Run(outside, chromedp.Location(&loc)); err != nil || loc != p.URL+"/personal" {
		t.Fatalf("after the second step at %s (%v)", loc, err)
	}
}

// The development pages of the second factor: the switch to count as
// outside (TestDevNetwork presses it), and the SMS outbox.
func TestSecondFactorDevPagesInTheBrowser(t *testing.T) {
	p := startDevPortal(t)
	if err := p.Outbox.Send(context.Background(), mail.Message{Channel: mail.ChannelSMS, To: "+46701234567", Text: "Din kod: ACDE3479."}); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, ctx, lang)
		step("dev network", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/dev/natverk"), chromedp.WaitVisible("main form button", chromedp.ByQuery))
		notSideways(t, ctx, lang+" dev network")
		step("dev sms", chromedp.Navigate(p.URL+"/dev/sms"), chromedp.WaitVisible("main .mail", chromedp.ByQuery))
		notSideways(t, ctx, lang+" dev sms")
	}
}
