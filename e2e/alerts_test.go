package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var confirmPath = regexp.MustCompile(`/bevakning/bekrafta/[0-9a-f]+`)

// stepper runs browser actions and checks the page they end on with axe.
func stepper(t *testing.T, ctx context.Context, lang string) func(name string, actions ...chromedp.Action) {
	return func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s %s: %v", lang, name, err)
		}
		checkAxe(t, ctx, lang+" "+name)
	}
}

// checked reports whether the input sel is checked.
func checked(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	var on bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`!!document.querySelector(`+jsString(sel)+`)?.checked`, &on)); err != nil {
		t.Fatalf("checked %s: %v", sel, err)
	}
	return on
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// An applicant registers interest in both languages: criteria, the
// summary with e-mail and frequency, My details, and removing it again,
// with axe on every page. In Swedish the address is verified first; in
// English the registration waits for its own confirmation link.
func TestInterestRegistrationInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		email := "intresse." + lang + "@example.se"
		verified := lang == "sv"
		loginAs(t, ctx, p, email, "en lång mening om nya jobb i höst "+lang)
		step := stepper(t, ctx, lang)
		if verified {
			link := verifyPath.FindString(p.latestMail(t, email).Text)
			step("confirm page", chromedp.Navigate(p.URL+link), chromedp.WaitVisible("main form button", chromedp.ByQuery))
			step("verified", chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		}
		step("interest form",
			chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/intresseanmalan"),
			chromedp.WaitVisible("#keywords", chromedp.ByID))
		step("interest summary",
			chromedp.Click(`input[name="area"][value="health"]`, chromedp.ByQuery),
			chromedp.SendKeys("#keywords", "sjuksköterska", chromedp.ByID),
			chromedp.Click(`form[action="/intresseanmalan"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#notify", chromedp.ByID))
		summary := text(t, ctx, ".criteria-summary")
		if !strings.Contains(summary, map[string]string{"sv": "Hälso- och sjukvård", "en": "Health"}[lang]) || !strings.Contains(summary, "sjuksköterska") {
			t.Fatalf("%s: summary %q", lang, summary)
		}
		if checked(t, ctx, "#notify") {
			t.Fatalf("%s: e-mail is ticked before the applicant chose it", lang)
		}
		err := chromedp.Run(ctx,
			chromedp.Click("#notify", chromedp.ByID),
			chromedp.Click(`input[name="frequency"][value="daily"]`, chromedp.ByQuery))
		if err != nil {
			t.Fatal(err)
		}
		if !checked(t, ctx, "#notify") || !checked(t, ctx, `input[name="frequency"][value="daily"]`) {
			t.Fatalf("%s: e-mail and frequency not chosen", lang)
		}
		unverifiedHint := map[string]string{"sv": "inte bekräftad", "en": "not confirmed"}[lang]
		if got := text(t, ctx, "main form"); strings.Contains(got, unverifiedHint) == verified {
			t.Fatalf("%s: verified %v, summary says %q", lang, verified, got)
		}
		step("my details with interest",
			chromedp.Click(`form[action="/intresseanmalan/spara"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#interest-heading", chromedp.ByID),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		var loc string
		_ = chromedp.Run(ctx, chromedp.Location(&loc))
		if u, _ := url.Parse(loc); u == nil || u.Path != "/mina-uppgifter" {
			t.Fatalf("%s: saved to %s", lang, loc)
		}
		if got := text(t, ctx, ".notice.success"); !strings.Contains(got, map[string]string{"sv": "intresseanmälan är sparad", "en": "interest registration is saved"}[lang]) {
			t.Fatalf("%s: notice %q", lang, got)
		}
		section := text(t, ctx, `section[aria-labelledby="interest-heading"]`)
		if !verified {
			// The address is confirmed through the link mailed for the
			// registration; then the registration is active.
			if !strings.Contains(section, map[string]string{"sv": "när du har bekräftat adressen", "en": "once you have confirmed the address"}[lang]) {
				t.Fatalf("%s: My details before confirming shows %q", lang, section)
			}
			link := confirmPath.FindString(p.latestMail(t, email).Text)
			if link == "" {
				t.Fatalf("%s: no confirmation link for the interest registration", lang)
			}
			step("interest confirm page", chromedp.Navigate(p.URL+link), chromedp.WaitVisible("main form button", chromedp.ByQuery))
			step("interest confirmed", chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
			step("my details, confirmed", chromedp.Navigate(p.URL+"/mina-uppgifter"), chromedp.WaitVisible("#interest-heading", chromedp.ByID))
			section = text(t, ctx, `section[aria-labelledby="interest-heading"]`)
		}
		if !strings.Contains(section, "sjuksköterska") || !strings.Contains(section, email) ||
			!strings.Contains(section, map[string]string{"sv": "En sammanfattning om dagen", "en": "A daily summary"}[lang]) {
			t.Fatalf("%s: My details shows %q", lang, section)
		}
		if got := text(t, ctx, `form[action="/intresseanmalan/avsluta"] button`); got != map[string]string{"sv": "Ta bort intresseanmälan", "en": "Remove the interest registration"}[lang] {
			t.Fatalf("%s: remove button %q", lang, got)
		}
		step("interest removed",
			chromedp.Click(`form[action="/intresseanmalan/avsluta"] button`, chromedp.ByQuery),
			chromedp.WaitNotPresent(`form[action="/intresseanmalan/avsluta"]`, chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		if got := text(t, ctx, ".notice.success"); !strings.Contains(got, map[string]string{"sv": "intresseanmälan är borttagen", "en": "interest registration has been removed"}[lang]) {
			t.Fatalf("%s: notice %q", lang, got)
		}
		section = text(t, ctx, `section[aria-labelledby="interest-heading"]`)
		if strings.Contains(section, "sjuksköterska") || !strings.Contains(section, map[string]string{"sv": "ingen intresseanmälan", "en": "no interest registration"}[lang]) {
			t.Fatalf("%s: after removing, My details shows %q", lang, section)
		}
		if err := chromedp.Run(ctx, chromedp.Navigate(p.URL+"/logga-ut"), chromedp.Click("main form button", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
}

// A visitor subscribes from the job list in both languages: one mistake,
// the confirmation link from the mail, the change page, unsubscribing and
// the link after that, with axe on every page.
func TestAlertSubscriptionInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		email := "bevakning." + lang + "@example.se"
		step := stepper(t, ctx, lang)
		step("job list",
			chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+url.QueryEscape("/jobb?area=health")),
			chromedp.WaitVisible(".alert-link a", chromedp.ByQuery))
		if got := text(t, ctx, ".alert-link a"); !strings.HasPrefix(got, map[string]string{"sv": "Få e-post när nya jobb", "en": "Get e-mail when new jobs"}[lang]) {
			t.Fatalf("%s: alert link %q", lang, got)
		}
		step("subscribe form",
			chromedp.Click(".alert-link a", chromedp.ByQuery),
			chromedp.WaitVisible("#email", chromedp.ByID),
			chromedp.WaitReady(`nav a[href="/bevakning"][aria-current="page"]`, chromedp.ByQuery))
		if !checked(t, ctx, `input[name="area"][value="health"]`) {
			t.Fatalf("%s: the search's area is not chosen on the form", lang)
		}
		step("subscribe with an error",
			chromedp.SendKeys("#keywords", "undersköterska", chromedp.ByID),
			chromedp.Click(`input[name="extent"][value="full"]`, chromedp.ByQuery),
			chromedp.Click(`input[name="frequency"][value="daily"]`, chromedp.ByQuery),
			chromedp.SendKeys("#email", "fel-adress", chromedp.ByID),
			chromedp.Click(`form[action="/bevakning"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#error-summary", chromedp.ByID))
		wantErr := map[string]string{"sv": "Ange en e-postadress", "en": "Enter an e-mail address"}[lang]
		if got := text(t, ctx, "#email-error"); !strings.HasPrefix(got, wantErr) {
			t.Fatalf("%s: error next to the field %q", lang, got)
		}
		var invalid, described, typed, keywords string
		_ = chromedp.Run(ctx,
			chromedp.AttributeValue("#email", "aria-invalid", &invalid, nil, chromedp.ByID),
			chromedp.AttributeValue("#email", "aria-describedby", &described, nil, chromedp.ByID),
			chromedp.Value("#email", &typed, chromedp.ByID),
			chromedp.Value("#keywords", &keywords, chromedp.ByID))
		if invalid != "true" || !strings.Contains(described, "email-error") {
			t.Fatalf("%s: field not marked: aria-invalid %q aria-describedby %q", lang, invalid, described)
		}
		if typed != "fel-adress" || keywords != "undersköterska" || !checked(t, ctx, `input[name="area"][value="health"]`) ||
			!checked(t, ctx, `input[name="extent"][value="full"]`) || !checked(t, ctx, `input[name="frequency"][value="daily"]`) {
			t.Fatalf("%s: choices lost: %q %q", lang, typed, keywords)
		}
		step("subscribed",
			chromedp.SetValue("#email", email, chromedp.ByID),
			chromedp.Click(`form[action="/bevakning"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		if got := text(t, ctx, "h1"); got != map[string]string{"sv": "Titta i din e-post", "en": "Check your e-mail"}[lang] {
			t.Fatalf("%s: after subscribing %q", lang, got)
		}
		m := p.latestMail(t, email)
		if m.Subject != map[string]string{"sv": "Bekräfta din jobbevakning", "en": "Confirm your job alert"}[lang] {
			t.Fatalf("%s: confirmation mail %q", lang, m.Subject)
		}
		link := confirmPath.FindString(m.Text)
		if link == "" {
			t.Fatalf("%s: no confirmation link in the mail", lang)
		}
		step("confirm page",
			chromedp.Navigate(p.URL+link),
			chromedp.WaitVisible("main form button", chromedp.ByQuery))
		if got := text(t, ctx, ".criteria-summary"); !strings.Contains(got, "undersköterska") {
			t.Fatalf("%s: confirm page shows %q", lang, got)
		}
		step("alert started",
			chromedp.Click("main form button", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		var loc string
		_ = chromedp.Run(ctx, chromedp.Location(&loc))
		if !strings.Contains(loc, "/andra/") {
			t.Fatalf("%s: confirmed to %s", lang, loc)
		}
		if got := text(t, ctx, ".notice.success"); !strings.Contains(got, map[string]string{"sv": "Bevakningen är startad", "en": "The alert has started"}[lang]) {
			t.Fatalf("%s: notice %q", lang, got)
		}
		var keptKw string
		_ = chromedp.Run(ctx, chromedp.Value("#keywords", &keptKw, chromedp.ByID))
		if keptKw != "undersköterska" || !checked(t, ctx, `input[name="frequency"][value="daily"]`) || !checked(t, ctx, `input[name="extent"][value="full"]`) {
			t.Fatalf("%s: the change page lost the choices: %q", lang, keptKw)
		}
		step("alert changed",
			chromedp.Click(`input[name="frequency"][value="immediate"]`, chromedp.ByQuery),
			chromedp.Click(`main form[action*="/andra/"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.notice.success`, chromedp.ByQuery),
			chromedp.WaitReady(`input[name="frequency"][value="immediate"][checked]`, chromedp.ByQuery))
		if got := text(t, ctx, ".notice.success"); !strings.Contains(got, map[string]string{"sv": "Ändringarna är sparade", "en": "The changes are saved"}[lang]) {
			t.Fatalf("%s: notice after changing %q", lang, got)
		}
		var unsub string
		var ok bool
		if err := chromedp.Run(ctx, chromedp.AttributeValue(`main a[href*="/avsluta/"]`, "href", &unsub, &ok, chromedp.ByQuery)); err != nil || !ok {
			t.Fatalf("%s: no unsubscribe link on the change page: %v", lang, err)
		}
		step("unsubscribe page",
			chromedp.Navigate(p.URL+unsub),
			chromedp.WaitVisible("main form button", chromedp.ByQuery))
		step("unsubscribed",
			chromedp.Click("main form button", chromedp.ByQuery),
			chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
		if got := text(t, ctx, "h1"); got != map[string]string{"sv": "Bevakningen är avslutad", "en": "The alert has ended"}[lang] {
			t.Fatalf("%s: after unsubscribing %q", lang, got)
		}
		step("unsubscribe again",
			chromedp.Navigate(p.URL+unsub),
			chromedp.WaitVisible(".notice", chromedp.ByQuery))
		if got := text(t, ctx, "h1"); got != map[string]string{"sv": "Bevakningen finns inte längre", "en": "The alert no longer exists"}[lang] {
			t.Fatalf("%s: the used link shows %q", lang, got)
		}
		res, err := p.Client.Get(p.URL + unsub)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusGone {
			t.Fatalf("%s: the used link answers %d, want 410", lang, res.StatusCode)
		}
	}
}
