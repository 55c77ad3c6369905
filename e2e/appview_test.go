package e2e

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/applications"
	"portal/jobs"
	"portal/recruiting"
)

// One application in both languages with axe and at 320 px: anonymised
// (named by number, the files' note), then revealed at the interview,
// with a rating refused and saved, a note; the recruitment's access log;
// the registration form with its errors, the files page and a
// placeholder for protected personal data.
func TestApplicationPageInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	recruiterOrg(t, p)
	ctx := context.Background()
	r, err := p.Recruiting.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: "Undersköterska till hemtjänsten", Positions: 1, Anonymised: true})
	if err != nil {
		t.Fatal(err)
	}
	var ad jobs.Ad
	for _, a := range p.Ads {
		if len(a.Questions) > 0 {
			ad = a
			break
		}
	}
	ad.Ref, ad.Title = r.Ref, r.Title
	if err := p.Board.SaveAll(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}
	_, v, err := p.Recruiting.Open(ctx, "rekry01", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := map[string][]string{}
	for _, q := range ad.Questions {
		switch q.Type {
		case jobs.QuestionYesNo:
			form[q.Field()] = []string{"yes"}
		case jobs.QuestionSingle, jobs.QuestionMulti:
			form[q.Field()] = []string{q.Options[0]}
		case jobs.QuestionNumber:
			form[q.Field()] = []string{"3"}
		default:
			form[q.Field()] = []string{"Från januari, gärna heltid."}
		}
	}
	cand, err := p.Registry.Register(ctx, v, r, ad.Questions, recruiting.Registration{Source: recruiting.SourcePaper, Arrived: jobs.DayOf(p.Now()).String(),
		Details: applications.Snapshot{FirstName: "Saga", LastName: "Ström", Email: "saga@example.se", Phone: "070-123 45 67", Street: "Storgatan 1", PostalCode: "352 30", Town: "Växjö"},
		Answers: form})
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	if refused, err := p.Registry.AddFiles(ctx, v, r, cand, []applications.Upload{{Name: "Personligt brev med ett långt namn.pdf", Size: int64(len(pdf)), Body: bytes.NewReader(pdf)}}); err != nil || len(refused) > 0 {
		t.Fatalf("files: %v %v", refused, err)
	}
	page := "/personal/rekrytering/" + r.ID + "/kandidater/" + cand.ID

	b := browser(t)
	staffLogin(t, b, p, "rekry01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, b, lang)
		step("anonymised application", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+page), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		if main := text(t, b, "main"); strings.Contains(main, "Saga") || !strings.Contains(main, map[string]string{"sv": "Sökande 1", "en": "Applicant 1"}[lang]) {
			t.Fatalf("%s: anonymised page: %q", lang, main)
		}
		notSideways(t, b, lang+" anonymised application")
		step("refused rating", chromedp.Click(`form[action$="/betyg"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		notSideways(t, b, lang+" refused rating")
	}
	step := stepper(t, b, "sv")
	step("rating", chromedp.Navigate(p.URL+page), chromedp.WaitVisible(`input[name="score"][value="4"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="score"][value="4"]`, chromedp.ByQuery), chromedp.SendKeys("#comment", "Lång erfarenhet av hemtjänst.", chromedp.ByQuery),
		chromedp.Click(`form[action$="/betyg"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	step("note", chromedp.SendKeys("#note", "Ring referenserna före intervjun.", chromedp.ByQuery),
		chromedp.Click(`form[action$="/anteckning"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	step("moved", chromedp.SetValue("#stage", recruiting.StageInterview, chromedp.ByQuery),
		chromedp.Click(`form[action$="/steg"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, b, lang)
		step("revealed application", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+page), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		if main := text(t, b, "main"); !strings.Contains(main, "Saga Ström") || !strings.Contains(main, "Ring referenserna") {
			t.Fatalf("%s: revealed page: %q", lang, main)
		}
		notSideways(t, b, lang+" revealed application")
		step("access log", chromedp.Navigate(p.URL+"/personal/rekrytering/"+r.ID+"/logg"), chromedp.WaitVisible("table", chromedp.ByQuery))
		notSideways(t, b, lang+" access log")
		step("register form", chromedp.Navigate(p.URL+"/personal/rekrytering/"+r.ID+"/registrera"), chromedp.WaitVisible("#first_name", chromedp.ByQuery))
		notSideways(t, b, lang+" register form")
		step("refused registration", chromedp.SetValue("#arrived", "", chromedp.ByQuery),
			chromedp.Click(`form[action$="/registrera"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		notSideways(t, b, lang+" refused registration")
		step("files page", chromedp.Navigate(p.URL+page+"/bilagor"), chromedp.WaitVisible("#files", chromedp.ByQuery))
		notSideways(t, b, lang+" files page")
	}
	step("placeholder", chromedp.Navigate(p.URL+"/sprak/sv?next=/personal/rekrytering/"+r.ID+"/registrera"), chromedp.WaitVisible("#protected_arrived", chromedp.ByQuery),
		chromedp.Click(`form[action$="/skyddad"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	if main := text(t, b, "main"); !strings.Contains(main, "Sökande med skyddade personuppgifter") {
		t.Fatalf("placeholder page: %q", main)
	}
	notSideways(t, b, "placeholder")
}
