package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/internal/testapp"
	"portal/jobs"
	"portal/recruiting"
)

// The registrar's pages in the browser, each checked with axe in Swedish
// and English and at 320 px: the demo's registrar records a request for a
// recruitment's documents (a bad form first), chooses what the copy
// masks, and records the release, which the page then shows.
func TestDisclosureJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 5, TrustedNetworks: []string{"127.0.0.0/8"}})
	ctx := context.Background()
	demoOrganisation(t, p)
	r, err := p.Recruiting.Create(ctx, "sarnys01", recruiting.Draft{UnitID: "EXK-VOF-HEM", Title: "Undersköterska till hemtjänsten", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Sommarstugan vid sjön 2026"
	erik := newStaffBrowser(t, p)
	erik.firstLogin("erisan01", "erik.sandberg@exempelkommunen.se", pw)
	erik.open("/personal", "staff start page")
	erik.submit("requests", `a[href="/personal/registratur"]`)
	notSideways(t, erik.ctx, "requests")
	erik.submit("new request", `a[href="/personal/registratur/ny"]`)
	notSideways(t, erik.ctx, "new request")
	erik.submit("bad request", `form[action="/personal/registratur/ny"] button[type="submit"]`, "#arrived", "")
	erik.sees("bad request", "Skriv namnet på den som begär handlingarna.", "Välj rekrytering i listan")
	notSideways(t, erik.ctx, "bad request")
	erik.submit("request recorded", `form[action="/personal/registratur/ny"] button[type="submit"]`,
		"#name", "Karin Reporter", "#organisation", "Tidningen", "#arrived", jobs.DayOf(p.Now()).String(), "#ref", r.Ref)
	erik.sees("request recorded", "Begäran är registrerad", "Begäran från Karin Reporter", "Bifogade filer kan inte maskeras automatiskt")
	page := erik.path()
	notSideways(t, erik.ctx, "request page")
	if err := chromedp.Run(erik.ctx, chromedp.Click("#mask_phone", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	erik.submit("masking saved", `form[action$="/maskering"] button[type="submit"]`)
	erik.sees("masking saved", "Valen för kopian är sparade.", "Telefonnummer (alla sökande)")
	if err := chromedp.Run(erik.ctx, chromedp.Click("#answer-released", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	erik.submit("released", `form[action$="/svar"] button[type="submit"]`)
	erik.sees("released", "Utlämnandet är registrerat.", "Utlämnat till", "Karin Reporter")
	notSideways(t, erik.ctx, "released request")

	// The same pages in English.
	if err := chromedp.Run(erik.ctx, chromedp.Navigate(p.URL+"/sprak/en?next="+page), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	erik.open(page, "request page in English")
	erik.sees("request page in English", "Request from Karin Reporter", "Released to")
	erik.open("/personal/registratur", "requests in English")
	erik.open("/personal/registratur/ny", "new request in English")
}
