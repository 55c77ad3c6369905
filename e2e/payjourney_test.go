package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/demo"
	"portal/internal/testapp"
)

// Pay in the browser on the demo organisation with the demo's pay:
// Sofia Andersson, with two employments, opens her payslips, one payslip
// and her balances with a balance's history, switches to her hourly
// employment and sees its own pay; every page in Swedish and English,
// with axe and at 320 px.
func TestPayJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 2, TrustedNetworks: []string{"127.0.0.0/8"}})
	demoOrganisation(t, p)
	file, err := demo.Payroll(p.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PayrollImport.Import(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	latest, err := p.DB.Payroll().Summary(context.Background(), "100015")
	if err != nil {
		t.Fatal(err)
	}
	period := latest.Latest.Period

	sofia := newStaffBrowser(t, p)
	sofia.firstLogin("sofand01", "sofia.andersson@exempelkommunen.se", "Semester i juli och lön den 25:e")
	sofia.open("/personal/lon", "payslips")
	sofia.sees("payslips", "Lönespecifikationer", "Anställning 100015, Sjuksköterska.", "Nettolön under", latest.Latest.Net.Format("sv"))
	notSideways(t, sofia.ctx, "payslips")
	shownAt320(t, sofia.ctx, "payslips", ".pay-table td.num, .pay-table td.pay-net")
	sofia.submit("payslip", `a[href="/personal/lon/`+string(period)+`"]`)
	sofia.sees("payslip", "Månadslön", "OB-tillägg", "Bruttolön", "Skatt", "Nettolön", "Ladda ner lönespecifikationen som PDF")
	notSideways(t, sofia.ctx, "payslip")
	shownAt320(t, sofia.ctx, "payslip", ".pay-table td:not(:empty), .pay-table td.pay-net")
	sofia.open("/personal/saldon", "balances")
	sofia.sees("balances", "Betalda semesterdagar", "Kompsaldo")
	sofia.submit("balance", `a[href^="/personal/saldon/semesterdagar"]`)
	sofia.sees("balance", "Historik", "Intjänade semesterdagar")
	notSideways(t, sofia.ctx, "balance")

	// The hourly employment has pay of its own.
	sofia.open("/personal/lon", "payslips")
	if err := chromedp.Run(sofia.ctx, chromedp.Click("details.staff-switch summary", chromedp.ByQuery),
		chromedp.SetValue("#hdr-employment", "100031", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	sofia.submit("switched", `form.staff-switch-form button`)
	sofia.open("/personal/lon", "payslips of the hourly employment")
	hourly, err := p.DB.Payroll().Summary(context.Background(), "100031")
	if err != nil {
		t.Fatal(err)
	}
	sofia.sees("hourly payslips", "Anställning 100031, Sjuksköterska, timanställd.", hourly.Latest.Net.Format("sv"))
	sofia.open("/personal/lon/"+string(hourly.Latest.Period), "hourly payslip")
	sofia.sees("hourly payslip", "Timlön", "Semesterersättning 12 %")
	sofia.open("/personal/saldon", "balances of the hourly employment")
	sofia.sees("hourly balances", "Det finns inga saldon för anställningen ännu.")

	// Every page once more in English.
	if err := chromedp.Run(sofia.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal/lon"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/personal/lon", "/personal/lon/" + string(hourly.Latest.Period), "/personal/saldon"} {
		sofia.open(path, "in English: "+path)
	}
	sofia.sees("in English", "Balances", "There are no balances for this employment yet.")
	if err := chromedp.Run(sofia.ctx, chromedp.Click("details.staff-switch summary", chromedp.ByQuery),
		chromedp.SetValue("#hdr-employment", "100015", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	sofia.submit("switched back", `form.staff-switch-form button`)
	for _, path := range []string{"/personal/lon", "/personal/lon/" + string(period), "/personal/saldon", "/personal/saldon/semesterdagar", "/personal/saldon/komp"} {
		sofia.open(path, "in English: "+path)
	}
	sofia.sees("in English", "Compensatory time", "Balance after", "History")
}
