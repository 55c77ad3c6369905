package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

type devMail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// latestMail reads the newest message to addr from /dev/mail.json, as a
// tester would.
func latestMail(t *testing.T, ctx context.Context, base, addr string) devMail {
	t.Helper()
	var body string
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/dev/mail.json"), chromedp.Text("body", &body, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	var list []devMail
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("mail.json: %v", err)
	}
	for _, m := range list {
		if m.To == addr {
			return m
		}
	}
	t.Fatalf("no mail to %s", addr)
	return devMail{}
}

var (
	verifyPath  = regexp.MustCompile(`/konto/verifiera\?token=[0-9a-f]+`)
	eightDigits = regexp.MustCompile(`\b(\d{8})\b`)
)

// The whole account flow in a browser, in Swedish and in English, with
// axe on every page.
func TestAccountFlowInTheBrowser(t *testing.T) {
	p := startPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		email := "sara." + lang + "@example.se"
		pw := "en lång mening om vårens första dag " + lang
		step := func(name string, actions ...chromedp.Action) {
			t.Helper()
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatalf("%s %s: %v", lang, name, err)
			}
			checkAxe(t, ctx, lang+" "+name)
		}
		step("register page",
			chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/konto/ny"),
			chromedp.WaitVisible("#email", chromedp.ByID))
		step("registered",
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.SendKeys("#password", pw, chromedp.ByID),
			chromedp.Click("#consent", chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible("#first_name", chromedp.ByID))
		link := verifyPath.FindString(latestMail(t, ctx, p.URL, email).Text)
		step("verified", chromedp.Navigate(p.URL+link), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		step("logout page", chromedp.Navigate(p.URL+"/logga-ut"), chromedp.WaitVisible("form button", chromedp.ByQuery))
		step("logged out", chromedp.Click("form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		step("forgot page", chromedp.Navigate(p.URL+"/glomt-losenord"), chromedp.WaitVisible("#email", chromedp.ByID))
		step("forgot sent",
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		code := eightDigits.FindStringSubmatch(latestMail(t, ctx, p.URL, email).Text)[1]
		step("login page", chromedp.Navigate(p.URL+"/logga-in"), chromedp.WaitVisible("#password", chromedp.ByID))
		step("forced change",
			chromedp.SendKeys("#email", email, chromedp.ByID),
			chromedp.SendKeys("#password", code, chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID),
			chromedp.WaitVisible("#confirm", chromedp.ByID))
		newPw := pw + " och sommarens"
		step("my details",
			chromedp.SendKeys("#password", newPw, chromedp.ByID),
			chromedp.SendKeys("#confirm", newPw, chromedp.ByID),
			chromedp.Submit("#password", chromedp.ByID),
			chromedp.WaitVisible("#first_name", chromedp.ByID))
		step("my details with an error",
			chromedp.SendKeys("#first_name", "Sara", chromedp.ByID),
			chromedp.SendKeys("#last_name", "Åström", chromedp.ByID),
			chromedp.SendKeys("#street", "Storgatan 1", chromedp.ByID),
			chromedp.SendKeys("#postal_code", "123", chromedp.ByID),
			chromedp.SendKeys("#town", "Växjö", chromedp.ByID),
			chromedp.SendKeys("#phone", "0701234567", chromedp.ByID),
			chromedp.Submit("#first_name", chromedp.ByID),
			chromedp.WaitVisible("#error-summary", chromedp.ByID))
		var last, town string
		_ = chromedp.Run(ctx, chromedp.Value("#last_name", &last, chromedp.ByID), chromedp.Value("#town", &town, chromedp.ByID))
		if last != "Åström" || town != "Växjö" {
			t.Fatalf("%s: typed details lost: %q %q", lang, last, town)
		}
		step("my details saved",
			chromedp.SetValue("#postal_code", "12345", chromedp.ByID),
			chromedp.Submit("#first_name", chromedp.ByID),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		var postal string
		_ = chromedp.Run(ctx, chromedp.Value("#postal_code", &postal, chromedp.ByID))
		if postal != "123 45" {
			t.Fatalf("%s: postal code %q", lang, postal)
		}
		if err := chromedp.Run(ctx, chromedp.Navigate(p.URL+"/logga-ut"), chromedp.Click("form button", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text(t, ctx, "main"), map[string]string{"sv": "utloggad", "en": "logged out"}[lang]) {
			t.Fatalf("%s: not logged out", lang)
		}
	}
}
