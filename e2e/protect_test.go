package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/jobs"
	"portal/recruiting"
)

// Protected personal data in the browser, in Swedish and English, with
// axe and at 320 px: the statement on the sign-up form (a value the box
// never sends refused next to it), on My details without an address and
// on the summary of an application; then the application as the hiring
// manager reads it, contact details masked, and as the recruiter.
func TestProtectedPersonalDataInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	recruiterOrg(t, p)
	ctx := context.Background()
	r, err := p.Recruiting.Create(ctx, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: "Sjuksköterska i hemtjänsten", Positions: 1,
		Group: []recruiting.Member{{PersonID: "evaryl01", Role: recruiting.RoleHiringManager, Notify: recruiting.NotifyNone}}})
	if err != nil {
		t.Fatal(err)
	}
	var ad jobs.Ad
	for _, a := range p.Ads {
		if a.Open(p.Now()) && a.LastDay != jobs.DayOf(p.Now()) && len(a.Questions) > 0 {
			ad = a
			break
		}
	}
	ad.Ref, ad.Title = r.Ref, r.Title
	if err := p.Board.SaveAll(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}

	for _, lang := range []string{"sv", "en"} {
		b := browser(t)
		step := stepper(t, b, lang)
		email := "skyddad." + lang + "@example.se"
		step("sign-up", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/konto/ny"), chromedp.WaitVisible("#protected", chromedp.ByID))
		notSideways(t, b, lang+" sign-up")
		step("refused sign-up",
			chromedp.SendKeys("#email", "fel."+email, chromedp.ByID), chromedp.SendKeys("#password", "en lång mening om skydd och vatten", chromedp.ByID),
			chromedp.Click("#consent", chromedp.ByID), chromedp.Click("#protected", chromedp.ByID),
			chromedp.SetAttributeValue("#protected", "value", "ja", chromedp.ByID),
			chromedp.Click(`form[action="/konto/ny"] button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible("#protected-error", chromedp.ByID))
		notSideways(t, b, lang+" refused sign-up")

		loginAs(t, b, p, email, "en lång mening om skydd och vatten "+lang)
		link := verifyPath.FindString(p.latestMail(t, email).Text)
		step("verified", chromedp.Navigate(p.URL+link), chromedp.WaitVisible("main form button", chromedp.ByQuery),
			chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		step("my details", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/mina-uppgifter"), chromedp.WaitVisible("#protected", chromedp.ByID),
			chromedp.SetValue("#first_name", "Hedda", chromedp.ByID), chromedp.SetValue("#last_name", "Hemlig "+lang, chromedp.ByID),
			chromedp.SetValue("#phone", "0709998877", chromedp.ByID), chromedp.Click("#protected", chromedp.ByID),
			chromedp.Click(`form[action="/mina-uppgifter"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		notSideways(t, b, lang+" my details")

		var actions []chromedp.Action
		for _, q := range ad.Questions {
			switch q.Type {
			case jobs.QuestionYesNo:
				actions = append(actions, chromedp.Click(`input[name="`+q.Field()+`"][value="yes"]`, chromedp.ByQuery))
			case jobs.QuestionSingle, jobs.QuestionMulti:
				actions = append(actions, chromedp.Click(`input[name="`+q.Field()+`"][value="`+q.Options[0]+`"]`, chromedp.ByQuery))
			case jobs.QuestionNumber:
				actions = append(actions, chromedp.SendKeys("#"+q.Field(), "5", chromedp.ByID))
			default:
				actions = append(actions, chromedp.SendKeys("#"+q.Field(), "Från mars", chromedp.ByID))
			}
		}
		actions = append(actions, chromedp.Click("form[action$='/fragor'] button", chromedp.ByQuery), chromedp.WaitVisible("#files", chromedp.ByID),
			chromedp.Click(".step-nav .button", chromedp.ByQuery), chromedp.WaitVisible("#protected", chromedp.ByID))
		step("ad", chromedp.Navigate(p.URL+"/jobb/"+ad.Ref), chromedp.WaitVisible(".apply .button", chromedp.ByQuery),
			chromedp.Click(".apply .button", chromedp.ByQuery), chromedp.WaitVisible("form[action$='/ansok'] button", chromedp.ByQuery),
			chromedp.Click("form[action$='/ansok'] button", chromedp.ByQuery), chromedp.WaitVisible("form[action$='/fragor'] button", chromedp.ByQuery))
		step("summary", actions...)
		if !checked(t, b, "#protected") {
			t.Fatalf("%s: the summary does not carry the statement", lang)
		}
		if main := text(t, b, "main"); !strings.Contains(main, map[string]string{"sv": "Skickas inte med", "en": "Not sent"}[lang]) || !strings.Contains(main, email) {
			t.Fatalf("%s: summary: %q", lang, main)
		}
		notSideways(t, b, lang+" summary")
		step("receipt", chromedp.Click("form[action$='/skicka'] button", chromedp.ByQuery), chromedp.WaitVisible("div.notice.success", chromedp.ByQuery))
	}

	cands, err := p.DB.Recruitments().CandidatesOf(ctx, r.ID)
	if err != nil || len(cands) != 2 || !cands[0].Details.Protected {
		t.Fatalf("candidates: %v %+v", err, cands)
	}
	page := "/personal/rekrytering/" + r.ID + "/kandidater/" + cands[0].ID
	manager, recruiter := browser(t), browser(t)
	staffLogin(t, manager, p, "evaryl01")
	staffLogin(t, recruiter, p, "rekry01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, manager, lang)
		step("manager's list", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/rekrytering/"+r.ID+"/kandidater"), chromedp.WaitVisible("table", chromedp.ByQuery))
		notSideways(t, manager, lang+" manager's list")
		step("manager's page", chromedp.Navigate(p.URL+page), chromedp.WaitVisible("#protected-notice", chromedp.ByID))
		if main := text(t, manager, "main"); strings.Contains(main, "skyddad.sv@example.se") || strings.Contains(main, "0709998877") ||
			!strings.Contains(main, map[string]string{"sv": "Skyddade personuppgifter", "en": "Protected personal data"}[lang]) {
			t.Fatalf("%s: the hiring manager reads %q", lang, main)
		}
		notSideways(t, manager, lang+" manager's page")
		step = stepper(t, recruiter, lang)
		step("recruiter's page", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+page), chromedp.WaitVisible("#protected-notice", chromedp.ByID))
		if main := text(t, recruiter, "main"); !strings.Contains(main, "skyddad.sv@example.se") || !strings.Contains(main, "0709998877") {
			t.Fatalf("%s: the recruiter reads %q", lang, main)
		}
		notSideways(t, recruiter, lang+" recruiter's page")
	}
}
