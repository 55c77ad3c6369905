package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/cases"
	"portal/demo"
	"portal/internal/testapp"
	"portal/payroll"
)

// The cases' done-when in the browser on the demo organisation: Fatima
// Ali registers care of a sick child from a day of her schedule and a
// travel claim with a photo of a receipt; her manager Eva Rylander sees
// both in her to-do, rejects the first with a reason and approves the
// other; Fatima gets both messages, the preliminary pay grows by the
// claim, and the period's export holds it once. Every page in Swedish and
// English, with axe and at 320 px.
func TestCasesJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 2, TrustedNetworks: []string{"127.0.0.0/8"}})
	demoOrganisation(t, p)
	ctx := context.Background()
	file, err := demo.Payroll(p.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PayrollImport.Import(ctx, file); err != nil {
		t.Fatal(err)
	}
	before, err := p.Payroll.Estimate(ctx, "100010", p.Now())
	if err != nil {
		t.Fatal(err)
	}
	receipt := filepath.Join(t.TempDir(), "kvitto.png")
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...)
	if err := os.WriteFile(receipt, png, 0o600); err != nil {
		t.Fatal(err)
	}

	fatima := newStaffBrowser(t, p)
	fatima.firstLogin("fatali01", "fatima.ali@exempelkommunen.se", "Kvällspass och vab i december")
	today := payroll.Day(p.Now()).Format(time.DateOnly)
	fatima.open("/personal", "overview")
	if err := chromedp.Run(fatima.ctx, chromedp.Click("#dag-"+today+" summary", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	fatima.submit("absence from the day", "#dag-"+today+` a[href^="/personal/arenden/ny/franvaro"]`)
	fatima.sees("the absence form", "Registrera frånvaro", "Vård av sjukt barn")
	notSideways(t, fatima.ctx, "absence form")
	fatima.submit("absence submitted", `button[value="submit"]`, "#cause", "sick-child")
	fatima.sees("the absence", "Vård av sjukt barn", "Ärendet är inskickat", "Inskickat av Fatima Ali")
	notSideways(t, fatima.ctx, "absence")
	sick := strings.TrimPrefix(fatima.path(), "/personal/arenden/")

	fatima.open("/personal/arenden/ny/reserakning", "travel form")
	fatima.submit("travel form with problems", `button[value="draft"]`)
	fatima.sees("the problems", "Något behöver rättas", "Fyll i fältet.")
	notSideways(t, fatima.ctx, "travel form with problems")
	day := payroll.Day(p.Now()).AddDate(0, 0, -1).Format(time.DateOnly)
	fatima.submit("travel draft", `button[value="draft"]`, "#from", day, "#to", day, "#destination", "Jönköping", "#purpose", "Utbildning", "#km", "100", "#days", "1")
	fatima.sees("the travel draft", "Utkastet är sparat", "Lägg till utlägg")
	trip := strings.TrimPrefix(fatima.path(), "/personal/arenden/")
	if err := chromedp.Run(fatima.ctx, chromedp.SetUploadFiles("#files", []string{receipt}, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	fatima.submit("outlay", `form[enctype="multipart/form-data"] button`, "#text", "Parkering", "#amount", "120")
	fatima.sees("the outlay", "Utlägget och kvittot är tillagda", "kvitto.png", "Parkering")
	notSideways(t, fatima.ctx, "outlay")
	fatima.submit("travel submitted", `form[action$="/skicka"] button`)
	fatima.sees("the claim", "Ärendet är inskickat", "Milersättning egen bil")
	fatima.open("/personal/arenden", "my cases")
	fatima.sees("my cases", "Jönköping", "Vård av sjukt barn", "Inskickat")

	eva := newStaffBrowser(t, p)
	eva.firstLogin("evaryl01", "eva.rylander@exempelkommunen.se", "Chef för hemtjänsten i Värnamo")
	eva.open("/personal/attestera", "to approve")
	eva.sees("the manager's to-do", "Fatima Ali: Vård av sjukt barn", "Fatima Ali: Jönköping", "Betalda semesterdagar")
	eva.submit("rejected", `button[value="reject:`+sick+`"]`, "#reason-"+sick, "Läkarintyg saknas, hör av dig")
	eva.sees("after rejecting", "Avslaget: Fatima Ali")
	eva.submit("approved", `button[value="approve:`+trip+`"]`)
	eva.sees("after approving", "Godkänt: Fatima Ali", "Inga ärenden väntar på dig.")
	eva.open("/personal/arenden/"+trip, "the approved claim, the manager's view")
	eva.open("/personal/attestera/ersattare", "substitutes")
	eva.submit("a substitute named", `form[action="/personal/attestera/ersattare"] button`, "#substitute", "annkar01", "#from", today, "#to", today)
	eva.sees("the substitute", "Ersättaren är utsedd", "(annkar01)")

	fatima.open("/personal/meddelanden", "messages")
	fatima.sees("the messages", "Ditt ärende är avslaget", "Ditt ärende är godkänt")
	fatima.open("/personal/arenden/"+sick, "the rejected case")
	fatima.sees("the rejected case", "Avslaget", "Läkarintyg saknas")
	after, err := p.Payroll.Estimate(ctx, "100010", p.Now())
	if err != nil {
		t.Fatal(err)
	}
	period := p.Cases.PeriodFor(p.Now())
	if period == after.Period {
		if grew := after.Gross - before.Gross; grew != 100*250+30000+12000 {
			t.Errorf("the preliminary pay grew by %d", grew)
		}
		fatima.open("/personal", "overview after the approval")
		fatima.sees("the preliminary pay", "Milersättning egen bil", "Traktamente")
	} else {
		fatima.open("/personal/arenden/"+trip, "the approved claim")
		fatima.sees("the approved claim", "Betalas med lönen för")
	}
	exporter := &cases.Service{Store: p.DB.Cases(), Cutoff: p.Cases.Cutoff, Now: func() time.Time { return period.Start().AddDate(0, 1, 0) }}
	export, err := exporter.Export(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := export.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if export.Cases != 1 || strings.Count(csv.String(), trip) != 3 || strings.Contains(csv.String(), sick) {
		t.Errorf("the export:\n%s", csv.String())
	}

	// Every page once more in English.
	english := func(b *staffBrowser, paths ...string) {
		if err := chromedp.Run(b.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal"), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			b.open(path, "in English: "+path)
		}
	}
	english(fatima, "/personal", "/personal/arenden", "/personal/arenden/ny/franvaro?dag="+today, "/personal/arenden/ny/arbetsforandring", "/personal/arenden/ny/reserakning",
		"/personal/arenden/ny/tillagg-avdrag", "/personal/arenden/"+sick, "/personal/arenden/"+trip)
	fatima.sees("in English", "Travel claim: Jönköping", "Approved by Eva Rylander")
	english(eva, "/personal/attestera", "/personal/attestera/ersattare", "/personal/arenden/"+trip)
	eva.sees("in English", "Travel claim: Jönköping", "Employee: Fatima Ali")
}
