package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/jobs"
)

// Every public page, in Swedish and in English, has no axe violations.
func TestPublicPagesAreAccessible(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	now := time.Now()
	var open, closed jobs.Ad
	for _, ad := range p.Ads {
		if open.Ref == "" && ad.Open(now) {
			open = ad
		}
		if closed.Ref == "" && ad.Published(now) && !ad.Open(now) {
			closed = ad
		}
	}
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		visit(t, ctx, p.URL+"/sprak/"+lang+"?next=/jobb", lang+" list")
		for _, pg := range []struct{ path, name string }{
			{"/jobb?q=" + url.QueryEscape(open.Title) + "&sort=closing", "search"},
			{"/jobb?area=health&extent=full", "filters"},
			{"/jobb?page=2", "page 2"},
			{"/jobb?q=astronaut", "empty search"},
			{"/jobb/" + open.Ref, "open ad"},
			{"/jobb/" + closed.Ref, "closed ad"},
			{"/support", "support"},
			{"/support?sent=1", "support sent"},
			{"/tillganglighet", "accessibility statement"},
			{"/no-such-page", "not found"},
		} {
			visit(t, ctx, p.URL+pg.path, lang+" "+pg.name)
		}
		var htmlLang string
		if err := chromedp.Run(ctx, chromedp.AttributeValue("html", "lang", &htmlLang, nil)); err != nil || htmlLang != lang {
			t.Fatalf("html lang %q, want %q", htmlLang, lang)
		}
	}
}

// A job seeker searches, narrows by a filter, opens an ad and switches
// language, using only the keyboard and the forms, as without JavaScript.
func TestSearchAndReadAnAd(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := browser(t)
	var first jobs.Ad
	for _, ad := range p.Ads {
		if ad.Open(time.Now()) {
			first = ad
			break
		}
	}
	word := strings.ToUpper(strings.Fields(first.Title)[0])
	var active string
	err := chromedp.Run(ctx,
		chromedp.Navigate(p.URL+"/sprak/sv?next=/jobb"), // the browser itself asks for English
		chromedp.WaitReady(`html[lang="sv"]`, chromedp.ByQuery),
		chromedp.KeyEvent("\t"),
		chromedp.Evaluate(`document.activeElement.className`, &active),
	)
	if err != nil || active != "skip-link" {
		t.Fatalf("first Tab lands on %q, want the skip link (%v)", active, err)
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#q", word, chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID),
		chromedp.WaitReady(`#q[value="`+word+`"]`, chromedp.ByQuery), // the results page
	)
	if err != nil {
		t.Fatal(err)
	}
	heading := text(t, ctx, "#results-heading")
	if strings.HasPrefix(heading, "0 ") {
		t.Fatalf("search for %q found nothing", word)
	}
	checkAxe(t, ctx, "search results")
	// Narrow by the first ad's place, then open the ad.
	err = chromedp.Run(ctx,
		chromedp.Click(`input[name="place"][value="`+first.Place+`"]`, chromedp.ByQuery),
		chromedp.Click(`.search-row button[type="submit"]:last-of-type`, chromedp.ByQuery),
		chromedp.WaitReady(`input[name="place"][value="`+first.Place+`"][checked]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/jobb/`+first.Ref+`"]`, chromedp.ByQuery),
		chromedp.Click(`a[href="/jobb/`+first.Ref+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".ad h1", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, ".ad h1"); got != first.Title {
		t.Fatalf("ad page h1 %q, want %q", got, first.Title)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(".lang-switch", chromedp.ByQuery),
		chromedp.WaitReady(`html[lang="en"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, ".apply .button"); got != "Apply for this job" {
		t.Fatalf("after switching language: %q", got)
	}
	var loc string
	_ = chromedp.Run(ctx, chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/jobb/"+first.Ref) {
		t.Fatalf("language switch left the ad: %s", loc)
	}
}

// The support form keeps what was typed and points at the field to fix.
func TestSupportFormInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		err := chromedp.Run(ctx,
			chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/support"),
			chromedp.WaitVisible("#name", chromedp.ByID),
			chromedp.SendKeys("#name", "Åsa Öberg", chromedp.ByID),
			chromedp.SendKeys("#email", "fel-adress", chromedp.ByID),
			chromedp.SendKeys("#message", "Jag kan inte logga in.", chromedp.ByID),
			chromedp.Submit("#name", chromedp.ByID),
			chromedp.WaitVisible("#error-summary", chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		checkAxe(t, ctx, lang+" support with errors")
		var name, msg string
		_ = chromedp.Run(ctx, chromedp.Value("#name", &name, chromedp.ByID), chromedp.Value("#message", &msg, chromedp.ByID))
		if name != "Åsa Öberg" || msg != "Jag kan inte logga in." {
			t.Fatalf("typed text lost: %q %q", name, msg)
		}
		err = chromedp.Run(ctx,
			chromedp.SetValue("#email", "asa@example.se", chromedp.ByID),
			chromedp.SendKeys("#subject", "Inloggning", chromedp.ByID),
			chromedp.Submit("#name", chromedp.ByID),
			chromedp.WaitVisible("#sent", chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, err := p.DB.Outbox().Recent(context.Background(), 10)
	if err != nil || len(recs) != 2 || recs[0].Subject != "Supportärende: Inloggning" || recs[1].Subject != recs[0].Subject {
		t.Fatalf("outbox: %+v %v", recs, err)
	}
}

// The development mail page, which exists only under `make run`.
func TestDevMailPageIsAccessible(t *testing.T) {
	t.Parallel()
	p := startDevPortal(t)
	ctx := browser(t)
	for _, lang := range []string{"sv", "en"} {
		visit(t, ctx, p.URL+"/sprak/"+lang+"?next=/dev/mail", lang+" dev mail")
	}
}
