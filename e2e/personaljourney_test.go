package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/demo"
	"portal/internal/testapp"
)

// "Personligt" in the browser, on the demo organisation with its
// personal data: Johan sees his address and his bank account masked,
// changes his phone (a bad postal code first), reads his tax details
// from the demo payroll and opens the table's amounts,
// adds a child and a relative (a form with problems first), changes the
// relative and removes the child after confirming; every page in Swedish
// and English, with axe and at 320 px.
func TestPersonalJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 2, TrustedNetworks: []string{"127.0.0.0/8"}})
	ctx := context.Background()
	demoOrganisation(t, p)
	batch, err := demo.Organisation()
	if err != nil {
		t.Fatal(err)
	}
	var johan demo.PersonalData
	for _, d := range demo.Personal(batch, time.Now()) {
		if err := p.DB.Personal().SaveExported(ctx, d.Exported); err != nil { // as `portal seed` does
			t.Fatal(err)
		}
		if d.Exported.PersonID == "johber01" {
			johan = d
		}
	}
	file, err := demo.Payroll(p.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PayrollImport.Import(ctx, file); err != nil {
		t.Fatal(err)
	}
	const pw = "Vi bor i huset vid bron 2026"

	b := newStaffBrowser(t, p)
	b.firstLogin("johber01", "johan.bergstrom@exempelkommunen.se", pw)
	b.open("/personal/personligt", "personal details")
	b.sees("personal details", "Johan Bergström", johan.Exported.Bank.Masked(), "Kontakta din chef eller HR", "löneenheten")
	b.submit("bad postal code", `form[action="/personal/personligt"] button`, "#postal_code", "3313", "#phone", "+46 70 555 12 34")
	b.sees("bad postal code", "Skriv postnumret med fem siffror")
	notSideways(t, b.ctx, "bad postal code")
	b.submit("saved", `form[action="/personal/personligt"] button`, "#postal_code", "33130")
	b.sees("saved", "Dina uppgifter är sparade.", "Kontaktuppgifter ändrade (Postnummer, Telefon)")

	b.open("/personal/personligt/skatt", "tax details")
	b.sees("tax details", "Skatteverket", "administratör", "Skattetabell", "32", "Visa skattetabellens belopp")
	if err := chromedp.Run(b.ctx, chromedp.Click("details summary", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, b.ctx, "tax table open")
	notSideways(t, b.ctx, "tax details")

	b.open("/personal/personligt/anhoriga", "relatives")
	b.sees("relatives", "Du har inte lagt till några anhöriga")
	b.submit("new child form", `a[href="/personal/personligt/anhoriga/ny?typ=barn"]`)
	if err := chromedp.Run(b.ctx, chromedp.Click("#lives_with", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	b.submit("child added", `form[action="/personal/personligt/anhoriga/ny"] button`, "#name", "Elsa Bergström", "#birth_date", "2019-04-30")
	b.sees("child added", "Uppgifterna är tillagda.", "Elsa Bergström", "30 april 2019")
	b.submit("new relative form", `a[href="/personal/personligt/anhoriga/ny"]`)
	b.submit("relative refused", `form[action="/personal/personligt/anhoriga/ny"] button`, "#name", "Maria Bergström")
	b.sees("relative refused", "Välj en relation i listan.", "Skriv minst ett telefonnummer.")
	notSideways(t, b.ctx, "relative refused")
	if err := chromedp.Run(b.ctx, chromedp.SetValue("#relation", "spouse", chromedp.ByID), chromedp.Click("#emergency", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	b.submit("relative added", `form[action="/personal/personligt/anhoriga/ny"] button`, "#phone", "073-123 45 67")
	b.sees("relative added", "Maria Bergström", "Make/maka", "073-123 45 67")
	notSideways(t, b.ctx, "relatives")

	b.submit("change form", `a[aria-label="Ändra Maria Bergström"]`)
	changePath := b.path()
	if err := chromedp.Run(b.ctx, chromedp.SetValue("#relation", "cohabitant", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	b.submit("relative changed", `form[action^="/personal/personligt/anhoriga/"] button`, "#phone2", "+44 20 7946 0000")
	b.sees("relative changed", "Ändringen är sparad.", "Sambo", "+44 20 7946 0000")

	b.submit("remove asked", `a[aria-label="Ta bort Elsa Bergström"]`)
	removePath := b.path()
	b.sees("remove asked", "Ta bort Elsa Bergström?")
	notSideways(t, b.ctx, "remove asked")
	b.submit("removed", `form[action$="/ta-bort"] button`)
	b.sees("removed", "Uppgifterna är borttagna.", "Du har inte lagt till några barn.")
	if strings.Contains(text(t, b.ctx, "main"), "Elsa") {
		t.Error("the child is still listed")
	}

	// Every page once more in English (the removed child's page is gone).
	if err := chromedp.Run(b.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal/personligt"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/personal/personligt", "/personal/personligt/skatt", "/personal/personligt/anhoriga",
		"/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny?typ=barn", changePath} {
		b.open(path, "in English: "+path)
	}
	b.sees("in English", "Change relative", "Cohabiting partner")
	b.open("/personal/personligt/anhoriga/ny", "in English: new relative")
	b.submit("in English: refused", `form[action="/personal/personligt/anhoriga/ny"] button`)
	b.sees("in English: refused", "Enter the name.", "Choose a relation from the list.")
	visit(t, b.ctx, p.URL+removePath, "in English: a removed relative")
	b.open("/personal/personligt", "in English: details")
	b.sees("in English: details", "Bank account for pay", "payroll office", "Contact details changed")
}
