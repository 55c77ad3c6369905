package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/jobs"
)

// The whole application in a browser, in Swedish and English: questions
// with one mistake, a real upload, the summary, submitting, an update and
// a withdrawal, with axe on every page.
func TestApplyInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	base := p.URL
	ctx := browser(t)
	dir := t.TempDir()
	cv := filepath.Join(dir, "CV Åsa.pdf")
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	_ = os.WriteFile(cv, pdf, 0o600)

	var ads []jobs.Ad
	for _, ad := range p.Ads {
		if ad.Open(p.Now()) && ad.LastDay != jobs.DayOf(p.Now()) && len(ad.Questions) >= 4 {
			ads = append(ads, ad)
		}
	}
	for i, lang := range []string{"sv", "en"} {
		ad := ads[i]
		email := "sokande." + lang + "@example.se"
		loginAs(t, ctx, p, email, "en lång mening om att söka jobb "+lang)
		// Confirm the address through the link in the outbox.
		link := verifyPath.FindString(p.latestMail(t, email).Text)
		step := func(name string, actions ...chromedp.Action) {
			t.Helper()
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatalf("%s %s: %v", lang, name, err)
			}
			checkAxe(t, ctx, lang+" "+name)
		}
		step("confirm page", chromedp.Navigate(base+link), chromedp.WaitVisible("main form button", chromedp.ByQuery))
		step("verified", chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		step("ad", chromedp.Navigate(base+"/sprak/"+lang+"?next=/jobb/"+ad.Ref), chromedp.WaitVisible(".apply .button", chromedp.ByQuery))
		step("start",
			chromedp.Click(".apply .button", chromedp.ByQuery),
			chromedp.WaitVisible("form[action$='/ansok'] button", chromedp.ByQuery))
		step("questions with a mistake",
			chromedp.Click("form[action$='/ansok'] button", chromedp.ByQuery),
			chromedp.WaitVisible("form[action$='/fragor'] button", chromedp.ByQuery),
			chromedp.Click("form[action$='/fragor'] button", chromedp.ByQuery),
			chromedp.WaitVisible("#error-summary", chromedp.ByID))
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
		actions = append(actions,
			chromedp.Click("form[action$='/fragor'] button", chromedp.ByQuery),
			chromedp.WaitVisible("#files", chromedp.ByID))
		step("attachments", actions...)
		step("uploaded",
			chromedp.SetUploadFiles("#files", []string{cv}, chromedp.ByID),
			chromedp.Click("#upload-form button", chromedp.ByQuery),
			chromedp.WaitVisible(".files a", chromedp.ByQuery))
		if got := text(t, ctx, ".files a"); got != "CV Åsa.pdf" {
			t.Fatalf("%s: uploaded file shows as %q", lang, got)
		}
		step("summary",
			chromedp.Click(".step-nav .button", chromedp.ByQuery),
			chromedp.WaitVisible("form[action$='/skicka'] button", chromedp.ByQuery))
		step("receipt",
			chromedp.Click("form[action$='/skicka'] button", chromedp.ByQuery),
			chromedp.WaitVisible("div.notice.success", chromedp.ByQuery)) // the receipt's; the steps have a p
		step("my applications", chromedp.Navigate(base+"/mina-ansokningar"), chromedp.WaitVisible("table.applications", chromedp.ByQuery))
		// Update: change an answer and submit again.
		step("update",
			chromedp.Click(`table.applications a[href$="/fragor"]`, chromedp.ByQuery),
			chromedp.WaitVisible("form[action$='/fragor'] button", chromedp.ByQuery),
			chromedp.Click("form[action$='/fragor'] button", chromedp.ByQuery),
			chromedp.WaitVisible("#files", chromedp.ByID),
			chromedp.Click(".step-nav .button", chromedp.ByQuery),
			chromedp.WaitVisible("form[action$='/skicka'] button", chromedp.ByQuery),
			chromedp.Click("form[action$='/skicka'] button", chromedp.ByQuery),
			chromedp.WaitVisible("div.notice.success", chromedp.ByQuery)) // the receipt's; the steps have a p
		if m := p.latestMail(t, email); !strings.Contains(m.Text, "2") {
			t.Fatalf("%s: no receipt for the update", lang)
		}
		step("withdraw",
			chromedp.Navigate(base+"/mina-ansokningar"),
			chromedp.Click(`table.applications a[href$="/aterkalla"]`, chromedp.ByQuery),
			chromedp.WaitVisible("button.danger", chromedp.ByQuery))
		step("withdrawn",
			chromedp.Click("button.danger", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		if status := text(t, ctx, "table.applications tbody"); !strings.Contains(status, map[string]string{"sv": "Återkallad", "en": "Withdrawn"}[lang]) {
			t.Fatalf("%s: list after withdrawal: %s", lang, status)
		}
		if err := chromedp.Run(ctx, chromedp.Navigate(base+"/logga-ut"), chromedp.Click("form button", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
}
