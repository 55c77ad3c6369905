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

// My applications and the delete page of an applicant whose applications
// are kept for different times, in Swedish and English: axe on each, and
// no sideways scrolling at 320 px; then the deletion and its page.
func TestKeptApplicationsInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	recruiterOrg(t, p)
	ctx := context.Background()
	b := browser(t)
	for _, lang := range []string{"sv", "en"} {
		email, pw := "sparas."+lang+"@example.se", "en lång mening om det som sparas "+lang
		loginAs(t, b, p, email, pw)
		acc, err := p.DB.Accounts().AccountByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		for i, title := range []string{"Undersköterska i hemtjänsten med nattarbete", "Kock", "Lärare"} {
			r, err := p.Recruiting.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: title, Positions: 1})
			if err != nil {
				t.Fatal(err)
			}
			now := p.Now()
			app := applications.Application{Applicant: acc.ID, AdRef: r.Ref, AdTitle: r.Title, ClosesAt: now.Add(30 * 24 * time.Hour),
				Status: applications.StatusSubmitted, Step: applications.StepSummary, CreatedAt: now, UpdatedAt: now}
			id, err := p.DB.Applications().CreateApplication(ctx, app)
			if err != nil {
				t.Fatal(err)
			}
			app.ID = id
			ver := applications.Version{N: 1, At: now, Applicant: applications.Snapshot{FirstName: "Siv", LastName: "Sparad", Email: email}}
			if err := p.DB.Applications().AddVersion(ctx, id, ver); err != nil {
				t.Fatal(err)
			}
			if err := p.DB.Applications().MarkSubmitted(ctx, id, 1, 0, now); err != nil {
				t.Fatal(err)
			}
			if err := p.Candidates.Arrived(ctx, app, ver, lang); err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				continue // undecided
			}
			hired := []string{"någon annan"}
			if i == 1 {
				hired = []string{id}
			}
			final := jobs.DayOf(now).AddDays(-10)
			if err := p.DB.RecruitDecisions().AddDecision(ctx, recruiting.Decision{RecruitmentID: r.ID, Outcome: recruiting.OutcomeHired, Hired: hired,
				DecidedOn: final.AddDays(-22), PostedOn: final.AddDays(-22), AppealDays: 21, AppealUntil: final.AddDays(-1), FinalOn: final,
				DecidedBy: "rekry01", At: now}); err != nil {
				t.Fatal(err)
			}
		}
		step := stepper(t, b, lang)
		step("my applications", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/mina-ansokningar"), chromedp.WaitVisible("table.applications .hint", chromedp.ByQuery))
		notSideways(t, b, lang+" my applications")
		step("delete page", chromedp.Navigate(p.URL+"/mina-uppgifter/radera"), chromedp.WaitVisible("table.kept-records", chromedp.ByQuery))
		notSideways(t, b, lang+" delete page")
		step("wrong password to delete",
			chromedp.SendKeys("#delete_password", "inte mitt lösenord alls", chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter/radera"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#delete_password-error", chromedp.ByID))
		step("deleted",
			chromedp.SendKeys("#delete_password", pw, chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter/radera"] button`, chromedp.ByQuery),
			chromedp.WaitNotPresent("#delete_password", chromedp.ByID),
			chromedp.WaitVisible("table.kept-records", chromedp.ByQuery))
		if _, err := p.DB.Accounts().AccountByEmail(ctx, email); err == nil {
			t.Fatalf("%s: the account is still there", lang)
		}
	}
}
