package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/applications"
	"portal/internal/testapp"
	"portal/jobs"
	"portal/recruiting"
)

// Records and retention in the browser, over HTTPS in the production
// configuration, on the demo organisation: the demo's registrar holds an
// application from culling (a refused form first) and records an appeal
// on the decision page; the records administrator reads the page of the
// culling, asks for the plan three years ahead (a bad date first) and
// lifts a hold with a reason; every page in Swedish and English, with
// axe and at 320 px.
func TestRetentionJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 2, TrustedNetworks: []string{"127.0.0.0/8"}})
	ctx := context.Background()
	demoOrganisation(t, p)
	if _, err := p.Access.AddAdmin(ctx, "erisan01"); err != nil { // as `portal staff add-admin` does
		t.Fatal(err)
	}
	// A decided recruitment with three applications on paper, and one
	// whose last day passed eight months ago without a decision.
	r, err := p.Recruiting.Create(ctx, "sarnys01", recruiting.Draft{UnitID: "EXK-VOF-HEM", Title: "Undersköterska till hemtjänsten", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	now := p.Now()
	for n := 1; n <= 3; n++ {
		id := "paper-" + string(rune('0'+n))
		if err := p.DB.Recruitments().ClaimNumber(ctx, r.ID, n, id); err != nil {
			t.Fatal(err)
		}
		if err := p.DB.Recruitments().AddCandidate(ctx, recruiting.Candidate{ID: id, RecruitmentID: r.ID, Number: n, Source: recruiting.SourcePaper,
			Details: applications.Snapshot{FirstName: "Åsa" + string(rune('0'+n)), LastName: "Öberg"}, ArrivedAt: now, RegisteredBy: "sarnys01",
			Stage: recruiting.StageReceived, StageAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	today := jobs.DayOf(now)
	if err := p.DB.RecruitDecisions().AddDecision(ctx, recruiting.Decision{RecruitmentID: r.ID, Outcome: recruiting.OutcomeHired, Hired: []string{"paper-1"},
		DecidedOn: today, DecidedBy: "sarnys01", PostedOn: today, AppealDays: 21, AppealUntil: today.AddDays(21), FinalOn: today.AddDays(22), At: now}); err != nil {
		t.Fatal(err)
	}
	old, err := p.Recruiting.Create(ctx, "sarnys01", recruiting.Draft{UnitID: "EXK-VOF-SOL", Title: "Sjuksköterska natt", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	ad := p.Ads[0]
	ad.Ref, ad.Title, ad.LastDay = old.Ref, old.Title, today.AddDays(-240)
	if err := p.DB.Ads().SaveAd(ctx, ad); err != nil {
		t.Fatal(err)
	}
	base := "/personal/rekrytering/" + r.ID
	const pw = "Arkivet i källaren 2026 har plats"

	// Anna, the registrar, holds the second application: a form without a
	// kind or reason is refused first.
	anna := newStaffBrowser(t, p)
	anna.firstLogin("annkar02", "anna.karlsson2@exempelkommunen.se", pw)
	anna.open(base, "recruitment with the hold form")
	anna.sees("recruitment", "Ansökningar från dem som inte anställts gallras tidigast", "Spärra från gallring")
	anna.open(base+"/kandidater/paper-2", "application with the hold form")
	anna.sees("application", "Sparas till och med")
	anna.submit("hold refused", `form[action$="/sparr"] button`)
	anna.sees("hold refused", "Välj vilken typ av ärende spärren gäller.", "Skriv skälet till spärren.")
	notSideways(t, anna.ctx, "hold refused")
	if err := chromedp.Run(anna.ctx, chromedp.Click("#hold_kind-claim", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	anna.submit("hold placed", `form[action$="/sparr"] button`, "#hold_reason", "DO-anmälan dnr 2026/17")
	anna.sees("hold placed", "Spärren är lagd.", "Spärrad: sparas tills spärren hävs", "DO-anmälan dnr 2026/17")
	notSideways(t, anna.ctx, "held application")
	// The third appeals the decision.
	anna.open(base+"/beslut", "decision with the appeal form")
	if err := chromedp.Run(anna.ctx, chromedp.SetValue("#appellant", "paper-3", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	anna.submit("appeal recorded", `form[action$="/overklagande"] button`, "#arrived_on", today.String(), "#court", "Förvaltningsrätten i Växjö")
	anna.sees("appeal recorded", "Överklagandet är registrerat", "Förvaltningsrätten i Växjö")
	notSideways(t, anna.ctx, "appeal recorded")

	// Erik, the records administrator.
	erik := newStaffBrowser(t, p)
	erik.firstLogin("erisan01", "erik.sandberg@exempelkommunen.se", pw)
	erik.open("/personal/meny", "the whole menu")
	erik.submit("retention page", `main a[href="/personal/gallring"]`)
	erik.sees("retention page", "Gallring och bevarande", "Nästa körning", "Inget skulle gallras.", old.Ref, "Sjuksköterska natt",
		"DO-anmälan dnr 2026/17", "Överklagande", "Ingen körning har gjorts ännu.")
	notSideways(t, erik.ctx, "retention page")
	erik.open("/personal/gallring?datum=imorgon", "plan at a bad date")
	erik.sees("plan at a bad date", "Skriv datumet som ÅÅÅÅ-MM-DD")
	ahead := today.AddDays(3 * 366).String()
	erik.open("/personal/gallring", "retention page")
	erik.submit("plan ahead", `form.plan-date button`, "#datum", ahead)
	erik.sees("plan ahead", r.Ref, "Inte anställda", today.AddDays(22).String())
	notSideways(t, erik.ctx, "plan ahead")
	erik.submit("lift refused", `form[action$="/hav"] button`)
	erik.sees("lift refused", "Skriv varför spärren hävs.")
	erik.submit("lifted", `form[action$="/hav"] button`, `form[action$="/hav"] input[name="reason"]`, "DO avskrev anmälan")
	erik.sees("lifted", "Spärren är hävd.")

	// Every page once more in English.
	if err := chromedp.Run(erik.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal/gallring"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/personal/gallring", "/personal/gallring?datum=" + ahead, "/personal/gallring?datum=imorgon",
		base, base + "/kandidater/paper-2", base + "/kandidater/paper-1", base + "/beslut"} {
		erik.open(path, "in English: "+path)
	}
	erik.open("/personal/gallring?datum="+ahead, "in English: the plan")
	erik.sees("in English", "Culling and retention", "Not hired", "Holds in force")
}
