package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/applications"
	"portal/jobs"
	"portal/recruiting"
)

// The statistics of a recruitment and of a unit in both languages, with
// axe and at 320 px: charts and their tables, and a unit refused.
func TestRecruitmentStatsInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	recruiterOrg(t, p)
	ctx := context.Background()
	r, err := p.Recruiting.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: "Undersköterska till hemtjänsten", Positions: 2})
	if err != nil {
		t.Fatal(err)
	}
	now := p.Now()
	ad := jobs.Ad{Ref: r.Ref, Title: r.Title, Positions: 2, PublishedAt: now.AddDate(0, 0, -20), LastDay: jobs.DayOf(now.AddDate(0, 0, 10))}
	if err := p.DB.Ads().SaveAd(ctx, ad); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		at := now.AddDate(0, 0, -19+i%7*3).Add(time.Duration(i) * time.Minute)
		id, err := p.DB.Applications().CreateApplication(ctx, applications.Application{Applicant: "applicant" + string(rune('a'+i)), AdRef: r.Ref,
			ClosesAt: ad.ClosesAt(), Status: applications.StatusSubmitted, CreatedAt: at, UpdatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := p.DB.Applications().MarkWithdrawn(ctx, id, at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Candidates.Arrived(ctx, applications.Application{ID: id, AdRef: r.Ref}, applications.Version{N: 1, At: at}, "sv"); err != nil {
			t.Fatal(err)
		}
	}

	b := newStaffBrowser(t, p)
	staffLogin(t, b.ctx, p, "rekry01")
	for _, lang := range []string{"sv", "en"} {
		if err := chromedp.Run(b.ctx, chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal"), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		b.open("/personal/rekrytering/"+r.ID+"/statistik", lang+": recruitment statistics")
		b.sees(lang+": recruitment statistics", "12", map[string]string{"sv": "Ansökningar per dag", "en": "Applications per day"}[lang])
		b.open("/personal/rekrytering", lang+": recruitments")
		b.submit(lang+": to the unit statistics", `a[href="/personal/rekrytering/statistik"]`)
		notSideways(t, b.ctx, lang+": unit statistics")
		b.sees(lang+": unit statistics", map[string]string{"sv": "Ansökningar per månad", "en": "Applications per month"}[lang])
		b.submit(lang+": home care", `form.stats-choose button`, "#enhet", "SOC-HEM")
		notSideways(t, b.ctx, lang+": home care statistics")
		b.sees(lang+": home care", "Hemtjänsten")
		b.open("/personal/rekrytering/statistik?enhet=ORG", lang+": a unit outside the grant")
		b.sees(lang+": refused", map[string]string{"sv": "Välj en av enheterna i listan.", "en": "Choose one of the units in the list."}[lang])
	}
}
