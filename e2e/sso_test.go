package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/employees"
	"portal/internal/oidctest"
	"portal/internal/testapp"
)

// Single sign-on in the browser, through a real OpenID provider: a member
// of staff gets to the staff start page; someone not on staff, a refusal
// at the provider and a provider that does not answer each get a page of
// their own, in both languages, with axe and at 320 px.
func TestSingleSignOnInTheBrowser(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{RedirectGlobs: []string{"https://127.0.0.1:*/personal/sso/klar"}, Users: []oidctest.User{
		{ID: "1", Username: "evaryl01@exempelkommunen.se", First: "Eva", Last: "Rylander"},
		{ID: "2", Username: "okand99@exempelkommunen.se", First: "Okänd", Last: "Person"},
	}})
	cfg := op.Config()
	cfg.StripDomain = "exempelkommunen.se"
	p := servePortal(t, testapp.Options{Ads: 3, SSO: cfg})
	if err := p.DB.Employees().SavePerson(context.Background(), employees.Person{ID: "evaryl01", FirstName: "Eva", LastName: "Rylander", Active: true}); err != nil {
		t.Fatal(err)
	}
	down := oidctest.Start(t, oidctest.Options{})
	downCfg := down.Config()
	down.Stop()
	pDown := servePortal(t, testapp.Options{Ads: 1, SSO: downCfg})

	ctx := browser(t)
	// atTheProvider logs in there as user, or refuses when user is "".
	atTheProvider := func(lang, user string) {
		t.Helper()
		actions := []chromedp.Action{chromedp.Navigate(p.URL + "/sprak/" + lang + "?next=/personal/sso"), chromedp.WaitVisible("#username", chromedp.ByQuery)}
		if user == "" {
			actions = append(actions, chromedp.Click(`button[value="deny"]`, chromedp.ByQuery))
		} else {
			actions = append(actions, chromedp.SendKeys("#username", user, chromedp.ByQuery), chromedp.SendKeys("#password", oidctest.Password, chromedp.ByQuery),
				chromedp.Click(`button[value="login"]`, chromedp.ByQuery))
		}
		if err := chromedp.Run(ctx, append(actions, chromedp.WaitVisible("body.staff main h1", chromedp.ByQuery))...); err != nil {
			t.Fatalf("%s at the provider as %q: %v", lang, user, err)
		}
	}
	for _, lang := range []string{"sv", "en"} {
		for _, tc := range []struct{ name, user, want string }{
			{"not on staff", "okand99@exempelkommunen.se", map[string]string{"sv": "Ditt konto finns inte i personalregistret", "en": "Your account is not in the staff register"}[lang]},
			{"refused at the provider", "", map[string]string{"sv": "Inloggningen avbröts", "en": "The login was cancelled"}[lang]},
		} {
			atTheProvider(lang, tc.user)
			if got := text(t, ctx, "main h1"); got != tc.want {
				t.Fatalf("%s %s: heading %q", lang, tc.name, got)
			}
			checkAxe(t, ctx, lang+" single sign-on: "+tc.name)
			narrow(t, ctx, lang+" single sign-on: "+tc.name)
		}
		step := stepper(t, ctx, lang)
		step("single sign-on: provider down", chromedp.Navigate(pDown.URL+"/sprak/"+lang+"?next=/personal/sso"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		want := map[string]string{"sv": "Inloggningstjänsten svarar inte", "en": "The login service does not answer"}[lang]
		if got := text(t, ctx, "main h1"); got != want {
			t.Fatalf("%s provider down: heading %q", lang, got)
		}
		notSideways(t, ctx, lang+" single sign-on: provider down")
	}
	atTheProvider("sv", "evaryl01@exempelkommunen.se")
	if got := text(t, ctx, "main h1"); got != "Översikt" {
		t.Fatalf("after single sign-on: heading %q", got)
	}
	if got := text(t, ctx, "header"); !strings.Contains(got, "Logga ut") {
		t.Fatalf("not logged in after single sign-on: %q", got)
	}
}

// narrow checks at 320 px wide, without loading the page again (an
// answer from the provider works once), that the page does not scroll
// sideways.
func narrow(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var wide bool
	err := chromedp.Run(ctx, chromedp.EmulateViewport(320, 640),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &wide),
		chromedp.EmulateViewport(1280, 900))
	if err != nil {
		t.Fatalf("%s at 320 px: %v", page, err)
	}
	if wide {
		var who string
		_ = chromedp.Run(ctx, chromedp.EmulateViewport(320, 640), chromedp.Evaluate(`[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 321).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent||'').slice(0,40)).join('\n')`, &who), chromedp.EmulateViewport(1280, 900))
		t.Errorf("%s scrolls sideways at 320 px:\n%s", page, who)
	}
}
