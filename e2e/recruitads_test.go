package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/jobs"
	"portal/recruiting"
)

// The ad editor's pages in both languages with axe and at 320 px: the ad
// page with its record of changes, the editor with its questions and
// with an error summary, and the preview in Swedish and English.
func TestRecruitAdPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	recruiterOrg(t, p)
	ctx := context.Background()
	r, err := p.Recruiting.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: "Undersköterska", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, v, err := p.Recruiting.Open(ctx, "rekry01", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	ad := recruiting.NewAd(r, "Exempelkommunen", "Hemtjänsten")
	ad.Area, ad.Occupation, ad.Municipality, ad.Text = "care", "5321", "2380", "Vi söker dig som vill arbeta i hemtjänsten.\n\nVälkommen!"
	ad.English = jobs.English{Title: "Assistant nurse", Text: "We are looking for you."}
	ad.LastDay = jobs.DayOf(p.Now()).AddDays(20)
	ad.Contacts = []jobs.Contact{{Name: "Rut Rekryterare", Role: "Enhetschef", Email: "rut@example.se"}}
	ad.Questions = []jobs.Question{
		{ID: "q1", Type: jobs.QuestionYesNo, Text: "Har du undersköterskeexamen?", Required: true, Wanted: []string{"yes"}, Help: "Vård- och omsorgsprogrammet räknas."},
		{ID: "q2", Type: jobs.QuestionMulti, Text: "Vilka körkort har du?", Options: []string{"B", "C", "CE"}, Wanted: []string{"B"}},
		{ID: "q3", Type: jobs.QuestionLong, Text: "Berätta om dig själv"},
	}
	if _, err := p.RecruitAds.Save(ctx, v, r, ad); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecruitAds.Publish(ctx, v, r, p.Now().Add(48*3600e9)); err != nil {
		t.Fatal(err)
	}
	ad.Title = "Undersköterska, hemtjänst"
	if _, err := p.RecruitAds.Save(ctx, v, r, ad); err != nil {
		t.Fatal(err)
	}

	b := browser(t)
	staffLogin(t, b, p, "rekry01")
	base := "/personal/rekrytering/" + r.ID + "/annons"
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, b, lang)
		step("ad page", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+base), chromedp.WaitVisible(".ad-changes", chromedp.ByQuery))
		notSideways(t, b, lang+" ad page")
		step("editor", chromedp.Navigate(p.URL+base+"/redigera"), chromedp.WaitVisible("#q_2_text", chromedp.ByQuery))
		notSideways(t, b, lang+" editor")
		step("add a question", chromedp.Click(`button[value="add_question"]`, chromedp.ByQuery), chromedp.WaitVisible("#q_3_text", chromedp.ByQuery))
		step("editor error", chromedp.Evaluate(`document.getElementById("title").value = ""`, nil), chromedp.Click(`button[value="save"]`, chromedp.ByQuery),
			chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		notSideways(t, b, lang+" editor error")
		step("preview", chromedp.Navigate(p.URL+base+"/forhandsgranska?sprak="+lang), chromedp.WaitVisible(".preview-banner", chromedp.ByQuery))
		notSideways(t, b, lang+" preview")
	}
	// A reader of the group sees the ad page without the forms.
	staffLogin(t, b, p, "chefanna") // outside the group: not found
	stepper(t, b, "sv")("outsider", chromedp.Navigate(p.URL+base), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	if got := text(t, b, "main h1"); got == "" || got == "Annons" {
		t.Errorf("outsider sees %q", got)
	}
}
