package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/applicants"
	"portal/internal/testapp"
	"portal/sessions"
)

var (
	verifyPath  = regexp.MustCompile(`/konto/verifiera\?token=[0-9a-f]+`)
	eightDigits = regexp.MustCompile(`\b(\d{8})\b`)
)

// The whole account flow in a browser, in Swedish and in English, with
// axe on every page.
func TestAccountFlowInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		email := "sara." + lang + "@example.se"
		pw := "en lång mening om vårens första dag " + lang
		step := func(name string, actions ...chromedp.Action) {
			t.Helper()
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatalf("%s %s: %v", lang, name, err)
			}
			checkAxe(t, ctx, lang+" "+name)
		}
		step("register page",
			chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/konto/ny"),
			chromedp.WaitVisible("#email", chromedp.ByID))
		step("registered",
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.SendKeys("#password", pw, chromedp.ByID),
			chromedp.Click("#consent", chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible("main .notice.success", chromedp.ByQuery))
		sent := text(t, ctx, "main")
		link := verifyPath.FindString(p.latestMail(t, email).Text)
		step("confirm page", chromedp.Navigate(p.URL+link), chromedp.WaitVisible("main form button", chromedp.ByQuery))
		step("verified", chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		step("logged in after confirming",
			chromedp.Click("main p a", chromedp.ByQuery),
			chromedp.WaitVisible("#password", chromedp.ByID),
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.SendKeys("#password", pw, chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible("#first_name", chromedp.ByID))
		// Registering a taken address answers the same; the owner is told.
		step("registered again",
			chromedp.Navigate(p.URL+"/konto/ny"),
			chromedp.WaitVisible("#email", chromedp.ByID),
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.SendKeys("#password", "ett annat långt lösenord "+lang, chromedp.ByID),
			chromedp.Click("#consent", chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible("main .notice.success", chromedp.ByQuery))
		if again := text(t, ctx, "main"); again != sent {
			t.Fatalf("%s: a taken address answers %q, a free one %q", lang, again, sent)
		}
		if m := p.latestMail(t, email); !strings.Contains(m.Text, "/glomt-losenord") {
			t.Fatalf("%s: the owner was not told: %s", lang, m.Subject)
		}
		step("logout page", chromedp.Navigate(p.URL+"/logga-ut"), chromedp.WaitVisible("form button", chromedp.ByQuery))
		step("logged out", chromedp.Click("form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		step("forgot page", chromedp.Navigate(p.URL+"/glomt-losenord"), chromedp.WaitVisible("#email", chromedp.ByID))
		step("forgot sent",
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		code := eightDigits.FindStringSubmatch(p.latestMail(t, email).Text)[1]
		step("login page", chromedp.Navigate(p.URL+"/logga-in"), chromedp.WaitVisible("#password", chromedp.ByID))
		step("forced change",
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.SendKeys("#password", code, chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible("#confirm", chromedp.ByID))
		newPw := pw + " och sommarens"
		step("my details",
			chromedp.SendKeys("#password", newPw, chromedp.ByID),
			chromedp.SendKeys("#confirm", newPw, chromedp.ByID),
			chromedp.Submit("#password", chromedp.ByID),
			chromedp.WaitVisible("#first_name", chromedp.ByID))
		step("my details with an error",
			chromedp.SendKeys("#first_name", "Sara", chromedp.ByID),
			chromedp.SendKeys("#last_name", "Åström", chromedp.ByID),
			chromedp.SendKeys("#street", "Storgatan 1", chromedp.ByID),
			chromedp.SendKeys("#postal_code", "123", chromedp.ByID),
			chromedp.SendKeys("#town", "Växjö", chromedp.ByID),
			chromedp.SendKeys("#phone", "0701234567", chromedp.ByID),
			chromedp.Submit("#first_name", chromedp.ByID),
			chromedp.WaitVisible("#error-summary", chromedp.ByID))
		var last, town string
		_ = chromedp.Run(ctx, chromedp.Value("#last_name", &last, chromedp.ByID), chromedp.Value("#town", &town, chromedp.ByID))
		if last != "Åström" || town != "Växjö" {
			t.Fatalf("%s: typed details lost: %q %q", lang, last, town)
		}
		step("my details saved",
			chromedp.SetValue("#postal_code", "12345", chromedp.ByID),
			chromedp.Submit("#first_name", chromedp.ByID),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		var postal string
		_ = chromedp.Run(ctx, chromedp.Value("#postal_code", &postal, chromedp.ByID))
		if postal != "123 45" {
			t.Fatalf("%s: postal code %q", lang, postal)
		}
		if err := chromedp.Run(ctx, chromedp.Navigate(p.URL+"/logga-ut"), chromedp.Click("form button", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text(t, ctx, "main"), map[string]string{"sv": "utloggad", "en": "logged out"}[lang]) {
			t.Fatalf("%s: not logged out", lang)
		}
	}
}

// loginAs registers an account on p and logs the browser in with it.
func loginAs(t *testing.T, ctx context.Context, p *portal, email, pw string) {
	t.Helper()
	if err := p.Accounts.Register(context.Background(), applicants.Registration{Email: email, Password: pw, Consent: true, Lang: "sv"}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Run(ctx,
		chromedp.Navigate(p.URL+"/sprak/sv?next=/logga-in"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.SendKeys("#password", pw, chromedp.ByID),
		chromedp.Submit("#email", chromedp.ByID),
		chromedp.WaitVisible("#first_name", chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// Two minutes before the login ends a dialog warns and offers to continue.
func TestSessionTimeoutWarningContinue(t *testing.T) {
	t.Parallel()
	policy := sessions.DefaultPolicy
	policy.Idle, policy.TouchEvery = 2*time.Minute+3*time.Second, 0
	p := servePortal(t, testapp.Options{Sessions: policy})
	ctx := browser(t)
	loginAs(t, ctx, p, "tim@example.se", "en lång mening om hösten och vintern")
	if err := chromedp.Run(ctx, chromedp.WaitVisible("#session-dialog", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ctx, "time-out warning")
	var open bool
	err := chromedp.Run(ctx,
		chromedp.Click("#session-continue", chromedp.ByID),
		chromedp.WaitNotVisible("#session-dialog", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("session-dialog").open`, &open),
	)
	if err != nil || open {
		t.Fatalf("continue did not close the warning: %v", err)
	}
}

// When time runs out the login page follows, and after logging in again
// the page the applicant was on.
//
// Not in parallel: the page's timer and the server's idle end are seconds
// apart, and with other tests taking the cores the login page can come
// while the server still holds the session (seen as "Element is not
// focusable" behind the warning dialog).
func TestSessionTimeoutEnds(t *testing.T) {
	policy := sessions.DefaultPolicy
	policy.Idle, policy.TouchEvery = 5*time.Second, 0
	p := servePortal(t, testapp.Options{Sessions: policy})
	ctx := browser(t)
	email, pw := "tim@example.se", "en lång mening om hösten och vintern"
	loginAs(t, ctx, p, email, pw)
	var loc string
	err := chromedp.Run(ctx,
		chromedp.WaitVisible(`form[action="/logga-in"]`, chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	if err != nil || !strings.Contains(loc, "expired=1") || !strings.Contains(loc, "next=%2Fmina-uppgifter") {
		t.Fatalf("after the end: %s %v", loc, err)
	}
	if !strings.Contains(text(t, ctx, "main"), "sessionen tog slut") {
		t.Fatal("the login page does not say why")
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.SendKeys("#password", pw, chromedp.ByID),
		chromedp.Submit("#email", chromedp.ByID),
		chromedp.WaitVisible("#first_name", chromedp.ByID),
		chromedp.Location(&loc),
	)
	if err != nil || !strings.HasSuffix(loc, "/mina-uppgifter") {
		t.Fatalf("not back where the applicant was: %s %v", loc, err)
	}
}

// The forms of My details in a browser, over HTTPS in the production
// configuration, in Swedish and English with axe on every page: a new
// confirmation link, a new password, a new address confirmed by the button
// its link leads to, a deletion planned and kept, and a deletion.
func TestMyDetailsFormsInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		email, pw := "detaljer."+lang+"@example.se", "en lång mening om mina uppgifter "+lang
		loginAs(t, ctx, p, email, pw)
		step := stepper(t, ctx, lang)
		step("my details", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/mina-uppgifter"), chromedp.WaitVisible("#current", chromedp.ByID))
		step("confirmation sent again",
			chromedp.Click(`form[action="/konto/verifiera/skicka"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("main .notice.success", chromedp.ByQuery))
		step("wrong current password",
			chromedp.SendKeys("#current", "inte mitt lösenord alls", chromedp.ByID),
			chromedp.SendKeys("#password", pw+" och mer", chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter/losenord"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#current-error", chromedp.ByID))
		pw += " och mer"
		step("password changed",
			chromedp.SendKeys("#current", strings.TrimSuffix(pw, " och mer"), chromedp.ByID),
			chromedp.SendKeys("#password", pw, chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter/losenord"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("main .notice.success", chromedp.ByQuery))
		newEmail := "ny." + email
		step("address change sent",
			chromedp.SendKeys("#new_email", newEmail, chromedp.ByID),
			chromedp.SendKeys("#email_password", pw, chromedp.ByID),
			// The page before has a success notice too: wait for the new page.
			chromedp.Evaluate(`document.body.dataset.before = "1"`, nil),
			chromedp.Click(`form[action="/mina-uppgifter/e-post"] button`, chromedp.ByQuery),
			chromedp.WaitNotPresent("body[data-before]", chromedp.ByQuery),
			chromedp.WaitVisible("main .notice.success", chromedp.ByQuery))
		link := regexp.MustCompile(`/konto/byt-epost\?token=[0-9a-f]+`).FindString(p.latestMail(t, newEmail).Text)
		step("address change confirm page", chromedp.Navigate(p.URL+link), chromedp.WaitVisible("main form button", chromedp.ByQuery))
		step("address changed", chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		if _, err := p.DB.Accounts().AccountByEmail(context.Background(), newEmail); err != nil {
			t.Fatalf("%s: address not changed: %v", lang, err)
		}
		// A deletion asked for and cut short can be called off.
		acc, _ := p.DB.Accounts().AccountByEmail(context.Background(), newEmail)
		if err := p.DB.Accounts().ScheduleDeletion(context.Background(), acc.ID, time.Now().Add(400*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		step("deletion pending", chromedp.Navigate(p.URL+"/mina-uppgifter"), chromedp.WaitVisible(`form[action="/mina-uppgifter/radera/avbryt"] button`, chromedp.ByQuery))
		step("deletion kept",
			chromedp.Click(`form[action="/mina-uppgifter/radera/avbryt"] button`, chromedp.ByQuery),
			chromedp.WaitNotPresent(`form[action="/mina-uppgifter/radera/avbryt"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`a[href="/mina-uppgifter/radera"]`, chromedp.ByQuery))
		step("delete page", chromedp.Click(`a[href="/mina-uppgifter/radera"]`, chromedp.ByQuery), chromedp.WaitVisible("#delete_password", chromedp.ByID))
		step("wrong password to delete",
			chromedp.SendKeys("#delete_password", "inte mitt lösenord alls", chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter/radera"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#delete_password-error", chromedp.ByID))
		step("deleted",
			chromedp.SendKeys("#delete_password", pw, chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter/radera"] button`, chromedp.ByQuery),
			chromedp.WaitNotPresent("#delete_password", chromedp.ByID))
		if _, err := p.DB.Accounts().AccountByEmail(context.Background(), newEmail); err == nil {
			t.Fatalf("%s: the account is still there", lang)
		}
	}
}
