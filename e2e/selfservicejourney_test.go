package e2e

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"portal/demo"
	"portal/internal/testapp"
	"portal/personal"
)

// demoSelfService stores what `portal seed` gives the demo staff besides
// the organisation: a year of pay and their personal data.
func demoSelfService(t *testing.T, p *portal) {
	t.Helper()
	ctx := context.Background()
	file, err := demo.Payroll(p.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PayrollImport.Import(ctx, file); err != nil {
		t.Fatal(err)
	}
	batch, err := demo.Organisation()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range demo.Personal(batch, p.Now()) {
		if err := p.DB.Personal().SaveExported(ctx, d.Exported); err != nil {
			t.Fatal(err)
		}
		for _, r := range d.Relatives {
			if _, err := p.DB.Personal().InsertRelative(ctx, r); err != nil && !errors.Is(err, personal.ErrTaken) {
				t.Fatal(err)
			}
		}
	}
}

// Issue 14's story in the browser, over HTTPS in the production
// configuration, on the demo organisation with the demo's pay: Sofia
// Andersson, a nurse with two employments, logs in for the first time and
// sees her overview (net and preliminary pay, balances, year to date,
// to-do, working hours); opens her payslip as a page and as a PDF;
// rearranges the overview by keyboard and finds it so after logging in
// again; adds a child under relatives; sends a message to Ingrid Persson,
// who sees it counted as unread; stars her payslips and renames the
// favourite; switches to her hourly employment and sees its pay. Every
// page with axe and at 320 px, in Swedish and then in English.
func TestSelfServiceJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 2, TrustedNetworks: []string{"127.0.0.0/8"}})
	demoOrganisation(t, p)
	demoSelfService(t, p)
	ctx := context.Background()
	monthly, err := p.Payroll.Summary(ctx, "100015")
	if err != nil {
		t.Fatal(err)
	}
	hourly, err := p.Payroll.Summary(ctx, "100031")
	if err != nil {
		t.Fatal(err)
	}
	est, err := p.Payroll.Estimate(ctx, "100015", p.Now())
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Nattpass och kaffe vid sjutiden"

	sofia := newStaffBrowser(t, p)
	sofia.firstLogin("sofand01", "sofia.andersson@exempelkommunen.se", pw)
	sofia.open("/personal", "overview")
	sofia.sees("overview", "Översikt", "Aktuell nettolön", monthly.Latest.Net.Format("sv"), "Preliminär nettolön", est.Net.Format("sv"),
		"Saldon", "Betalda semesterdagar", "Ackar", "Att göra", "Mina arbetstider")
	if got := blocksShown(t, sofia.ctx); len(got) != 6 {
		t.Fatalf("overview blocks %v", got)
	}

	// The latest payslip as a page, and as a PDF.
	sofia.submit("payslip", `a[href="/personal/lon/`+string(monthly.Latest.Period)+`"]`)
	sofia.sees("payslip", "Månadslön", "Bruttolön", "Nettolön", monthly.Latest.Net.Format("sv"))
	var pdf string
	if err := chromedp.Run(sofia.ctx, chromedp.Evaluate(`(async () => {
		const a = document.querySelector('a[href$="/pdf"]');
		const r = await fetch(a.href);
		const b = new Uint8Array(await r.arrayBuffer());
		return r.status + " " + r.headers.get("content-type") + " " + String.fromCharCode(...b.slice(0, 5)) + " " + b.length;
	})()`, &pdf, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(pdf); len(f) != 4 || f[0] != "200" || f[1] != "application/pdf" || f[2] != "%PDF-" || len(f[3]) < 4 {
		t.Fatalf("the payslip's PDF: %q", pdf)
	}

	// Rearranged by keyboard: the working hours one step up; saved.
	sofia.open("/personal/oversikt/redigera", "edit overview")
	if err := chromedp.Run(sofia.ctx, chromedp.Evaluate(`document.activeElement && document.activeElement.blur()`, nil)); err != nil {
		t.Fatal(err)
	}
	tabTo(t, sofia.ctx, "ov-up-schedule")
	press(t, sofia.ctx)
	checkAxe(t, sofia.ctx, "moved")
	tabTo(t, sofia.ctx, "ov-save")
	if err := chromedp.Run(sofia.ctx, chromedp.Evaluate(`document.body.dataset.left = "1"`, nil), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotPresent("body[data-left]", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	saved := blocksShown(t, sofia.ctx)
	if want := []string{"ov-net", "ov-preliminary", "ov-balances", "ov-ytd", "ov-schedule", "ov-todo"}; !slices.Equal(saved, want) {
		t.Fatalf("saved overview %v, want %v", saved, want)
	}
	sofia.logOut()
	sofia.logIn("sofand01", pw)
	sofia.open("/personal", "overview after logging in again")
	if got := blocksShown(t, sofia.ctx); !slices.Equal(got, saved) {
		t.Fatalf("after logging in again %v, want %v", got, saved)
	}

	// A child under relatives.
	sofia.open("/personal/personligt/anhoriga", "relatives")
	sofia.submit("new child", `a[href="/personal/personligt/anhoriga/ny?typ=barn"]`)
	sofia.submit("child added", `form[action="/personal/personligt/anhoriga/ny"] button`, "#name", "Alva Andersson", "#birth_date", "2020-03-14")
	sofia.sees("child added", "Alva Andersson")

	// A message to a colleague.
	sofia.open("/personal/meddelanden/nytt?q=Ingrid", "new message")
	if err := chromedp.Run(sofia.ctx, chromedp.Click("#pick-ingper01", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	sofia.submit("recipient added", `button[name="add"]`)
	sofia.sees("recipient added", "Ingrid Persson (ingper01)")
	sofia.submit("message sent", `form[method="post"][action="/personal/meddelanden/nytt"] button`, "#subject", "Passbyte på fredag", "#text", "Hej Ingrid! Kan vi byta pass på fredag?")
	sofia.sees("message sent", "Meddelandet är skickat.")
	ingrid := newStaffBrowser(t, p)
	ingrid.firstLogin("ingper01", "ingrid.persson@exempelkommunen.se", "Vårdavdelningen har fika klockan tre")
	ingrid.open("/personal", "Ingrid's overview")
	if got := text(t, ingrid.ctx, ".nav-inbox summary"); !strings.Contains(got, "1 olästa") {
		t.Fatalf("Ingrid's header: %q", got)
	}
	if err := chromedp.Run(ingrid.ctx, chromedp.Click(".nav-inbox summary", chromedp.ByQuery), chromedp.WaitVisible(".nav-inbox-list a", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ingrid.ctx, "Ingrid's unread")
	ingrid.submit("Ingrid reads it", ".nav-inbox-list a")
	ingrid.sees("Ingrid reads it", "Passbyte på fredag", "Kan vi byta pass på fredag?", "Sofia Andersson")

	// A favourite, renamed.
	sofia.open("/personal/lon", "payslips")
	sofia.submit("starred", `button.fav-star[aria-pressed="false"]`)
	sofia.open("/personal/installningar/favoriter", "favourites")
	sofia.submit("renamed", `form.favourite-rename button`, `form.favourite-rename input[name="title"]`, "Min lön")
	sofia.sees("renamed", "Min lön")
	if got := text(t, sofia.ctx, "#staff-menu"); !strings.Contains(got, "Min lön") {
		t.Fatalf("the favourite is not in the menu: %q", got)
	}

	// The menu search, without JavaScript's help: the search page.
	sofia.open("/personal/meny?q=semester", "menu search")
	sofia.sees("menu search", "Saldon")

	// The hourly employment has its own pay.
	sofia.open("/personal", "overview before switching")
	if err := chromedp.Run(sofia.ctx, chromedp.Click("details.staff-switch summary", chromedp.ByQuery),
		chromedp.SetValue("#hdr-employment", "100031", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	sofia.submit("switched", `form.staff-switch-form button`)
	sofia.open("/personal", "overview of the hourly employment")
	sofia.sees("hourly overview", hourly.Latest.Net.Format("sv"), "Du har ingen månadslön", "beror på de timmar du rapporterar")
	var prelim string
	if err := chromedp.Run(sofia.ctx, chromedp.Text("#ov-preliminary", &prelim, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(prelim, "0,00") || strings.Contains(prelim, "varken skattetabell") {
		t.Errorf("the hourly employment's preliminary pay: %q", prelim)
	}
	if hourly.Latest.Net == monthly.Latest.Net {
		t.Fatal("the two employments' net pay are the same; the test shows nothing")
	}
	sofia.open("/personal/lon", "hourly payslips")
	sofia.sees("hourly payslips", "Anställning 100031")

	// Every page once more in English.
	if err := chromedp.Run(sofia.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/personal", "/personal/lon/" + string(hourly.Latest.Period), "/personal/oversikt/redigera",
		"/personal/personligt", "/personal/personligt/skatt", "/personal/personligt/anhoriga", "/personal/personligt/anhoriga/ny?typ=barn",
		"/personal/meddelanden", "/personal/meddelanden/nytt?q=Ingrid", "/personal/installningar/favoriter", "/personal/meny?q=vacation",
		"/personal/saldon", "/personal/lon"} {
		sofia.open(path, "in English: "+path)
	}
	sofia.sees("in English", "Payslips")
	if err := chromedp.Run(ingrid.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal/meddelanden"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ingrid.ctx, "Ingrid's messages in English")
	notSideways(t, ingrid.ctx, "Ingrid's messages in English")
}
