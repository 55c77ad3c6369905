package e2e

import (
	"context"
	"strings"
	"testing"

	"portal/employees"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The staff surface's page, in its own layout, in both languages with axe
// and at 320 px without scrolling sideways; its logout ends the staff
// login.
func TestStaffSurfaceInTheBrowser(t *testing.T) {
	p := startPortal(t)
	if err := p.DB.Employees().SavePerson(context.Background(), employees.Person{ID: "kimpet01", FirstName: "Kim", LastName: "Petersson", Active: true}); err != nil {
		t.Fatal(err)
	}
	token, _, err := p.StaffSessions.Start(context.Background(), "kimpet01", false, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	if err := chromedp.Run(ctx, network.SetCookie("__Host-staff", token).WithURL(p.URL+"/").WithSecure(true).WithHTTPOnly(true)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, ctx, lang)
		step("staff home", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		want := map[string]string{"sv": "Översikt", "en": "Overview"}[lang]
		if got := text(t, ctx, "main h1"); got != want {
			t.Fatalf("%s: heading %q", lang, got)
		}
		notSideways(t, ctx, lang+" staff home")
	}
	// The logout button stands out from the header it sits in.
	var colours []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[getComputedStyle(document.querySelector('form[action="/personal/logga-ut"] button')).color,
		getComputedStyle(document.querySelector(".site-header")).backgroundColor]`, &colours)); err != nil {
		t.Fatal(err)
	}
	if len(colours) != 2 || colours[0] == colours[1] {
		t.Errorf("logout button in the colour of the header: %v", colours)
	}
	step := stepper(t, ctx, "en")
	step("staff logout", chromedp.Click(`form[action="/personal/logga-ut"] button`, chromedp.ByQuery), chromedp.WaitVisible("main", chromedp.ByQuery))
	if got := text(t, ctx, "main"); !strings.Contains(got, "You are logged out") {
		t.Fatalf("after logout: %q", got)
	}
	if _, err := p.StaffSessions.Load(context.Background(), token); err == nil {
		t.Fatal("staff session lives on after logout")
	}
}

// notSideways checks at 320 px wide that the page does not scroll
// sideways, and leaves the browser as wide as before.
func notSideways(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var wide []string
	// Measured once the page and its style sheet have loaded; the
	// elements that reach past the right edge are named.
	err := chromedp.Run(ctx, chromedp.EmulateViewport(320, 640), chromedp.Reload(), chromedp.WaitReady("body"),
		chromedp.Poll(`document.readyState === "complete"`, nil),
		chromedp.Evaluate(`(() => {
			const d = document.documentElement;
			if (d.scrollWidth <= d.clientWidth) return [];
			// The outermost elements that reach past the edge: those whose
			// parent does not, which are what pushes the page wide.
			const past = e => e.getBoundingClientRect().right > d.clientWidth + 0.5;
			return [...document.querySelectorAll("body *")].filter(e => past(e) && !(e.parentElement && past(e.parentElement)))
				.slice(0, 5).map(e => e.outerHTML.slice(0, 160));
		})()`, &wide),
		chromedp.EmulateViewport(1280, 900))
	if err != nil {
		t.Fatalf("%s at 320 px: %v", page, err)
	}
	if len(wide) > 0 {
		t.Errorf("%s scrolls sideways at 320 px:\n  %s", page, strings.Join(wide, "\n  "))
	}
}
