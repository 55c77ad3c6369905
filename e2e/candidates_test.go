package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/applications"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/recruiting"
)

// The candidate list and the stage administration in both languages,
// with axe and at 320 px: the list with its filters, a move refused for
// want of a selection, a move done; the stage set with an error and saved.
func TestCandidateListInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	recruiterOrg(t, p)
	ctx := context.Background()
	r, err := p.Recruiting.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: "Undersköterska", Positions: 1, Anonymised: true})
	if err != nil {
		t.Fatal(err)
	}
	ad := p.Ads[0]
	ad.Ref, ad.Title = r.Ref, r.Title
	ad.Questions = []jobs.Question{
		{ID: "licence", Type: jobs.QuestionYesNo, Text: "Har du körkort?", Required: true, Wanted: []string{"yes"}},
		{ID: "why", Type: jobs.QuestionLong, Text: "Varför söker du?"},
	}
	if err := p.DB.Ads().SaveAd(ctx, ad); err != nil {
		t.Fatal(err)
	}
	var apps []fixtures.Applied
	for i := 0; i < 55; i++ {
		apps = append(apps, fixtures.Applied{Details: applications.Snapshot{FirstName: "Sökande", LastName: fmt.Sprintf("Nummer %d", i)},
			Answers: jobs.Answers{"licence": {[]string{"yes", "no"}[i%2]}, "why": {"För att jag vill"}}, Files: i % 3,
			At: p.Now().Add(-time.Duration(60-i) * time.Hour), Withdrawn: i == 3})
	}
	ids, err := fixtures.Apply(ctx, p.DB, p.Candidates, ad.Ref, ad.ClosesAt(), apps, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := fixtures.Rate(ctx, p.DB, os.Getenv(testenv.EnvMongo), []fixtures.Rating{{RecruitmentID: r.ID, CandidateID: ids[0], PersonID: "rekry01", Score: 4}}); err != nil {
		t.Fatal(err)
	}

	list := "/personal/rekrytering/" + r.ID + "/kandidater"
	rec := browser(t)
	staffLogin(t, rec, p, "rekry01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, rec, lang)
		step("candidates", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+list), chromedp.WaitVisible("table.candidates", chromedp.ByQuery))
		notSideways(t, rec, lang+" candidates")
		step("filtered", chromedp.SetValue("#val", "licence=no", chromedp.ByQuery), chromedp.SetValue("#sortera", "rating", chromedp.ByQuery),
			chromedp.Click(`form.candidate-filters button`, chromedp.ByQuery), chromedp.WaitVisible("table.candidates", chromedp.ByQuery))
		step("nothing selected", chromedp.Click(`button[value="move"]`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		notSideways(t, rec, lang+" nothing selected")
		step("second page", chromedp.Navigate(p.URL+list+"?sida=2"), chromedp.WaitVisible("table.candidates", chromedp.ByQuery))
	}
	step := stepper(t, rec, "sv")
	step("move", chromedp.Navigate(p.URL+list), chromedp.WaitVisible("table.candidates", chromedp.ByQuery),
		chromedp.Click(`input[value="`+ids[0]+`"]`, chromedp.ByQuery), chromedp.SetValue("#to", "interview", chromedp.ByQuery),
		chromedp.Click(`button[value="move"]`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	if got := text(t, rec, "table.candidates"); !strings.Contains(got, "Sökande Nummer 0") {
		t.Errorf("moved to interview, the candidate is not named: %q", got[:min(len(got), 300)])
	}

	admin := browser(t)
	staffLogin(t, admin, p, "admin01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, admin, lang)
		step("stages", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/admin/steg"), chromedp.WaitVisible("#stage_0_sv", chromedp.ByQuery))
		notSideways(t, admin, lang+" stages")
		step("stage error", chromedp.SetValue("#stage_1_sv", " ", chromedp.ByQuery),
			chromedp.Click(`form[action="/personal/admin/steg"] button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		notSideways(t, admin, lang+" stage error")
	}
}
