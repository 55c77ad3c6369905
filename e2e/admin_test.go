package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/alerts"
	"portal/jobs"
	"portal/mail"
)

// The administrator's page of failed e-mail (on the staff side), and the
// renewal page a reminder links to, in both languages with axe.
func TestAdminOutboxAndRenewPages(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	bg := context.Background()
	if err := p.Outbox.Send(bg, mail.Message{To: "trasig@example.se", Subject: "Nytt jobb: Kock", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	rec, err := p.DB.Outbox().Claim(bg, "w", time.Now(), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.DB.Outbox().Fail(bg, rec.ID, "w", "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	sub := alerts.Subscription{ID: "0000000000000000000000000000abcd", Email: "forlang@example.se", Lang: "sv",
		Frequency: alerts.Daily, Notify: true, Status: alerts.Active, FeedID: "feedabcd", Criteria: jobs.Criteria{Areas: []string{"it"}},
		CreatedAt: time.Now(), ConfirmedAt: time.Now(), ExpiresAt: time.Now().Add(5 * 24 * time.Hour)}
	if err := p.DB.Subscriptions().InsertSubscription(bg, sub, time.Now()); err != nil {
		t.Fatal(err)
	}
	staffOrg(t, p)
	ctx := browser(t)
	staffLogin(t, ctx, p, "admin01")
	renew := p.Alerts.LinksOf(sub).Renew
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, ctx, lang)
		step("admin page", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/admin/utskick"), chromedp.WaitVisible("table.failed", chromedp.ByQuery))
		if got := text(t, ctx, "table.failed"); !strings.Contains(got, "trasig@example.se") || !strings.Contains(got, "550 mailbox unavailable") {
			t.Fatalf("%s: failed mail shows %q", lang, got)
		}
		notSideways(t, ctx, lang+" outbox")
		step("renew page", chromedp.Navigate(p.URL+renew), chromedp.WaitVisible("main form button", chromedp.ByQuery))
	}
	step := stepper(t, ctx, "en")
	step("retried", chromedp.Navigate(p.URL+"/personal/admin/utskick"), chromedp.WaitVisible("table.failed", chromedp.ByQuery),
		chromedp.Click("table.failed button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	if got := text(t, ctx, "main"); !strings.Contains(got, "No messages have failed") {
		t.Fatalf("after retrying: %q", got)
	}
	step("renewed", chromedp.Navigate(p.URL+renew), chromedp.WaitVisible("main form button", chromedp.ByQuery),
		chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	got, err := p.DB.Subscriptions().Subscription(bg, sub.ID)
	if err != nil || !got.ExpiresAt.After(time.Now().Add(700*24*time.Hour)) {
		t.Fatalf("renewed: %v %v", got.ExpiresAt, err)
	}
}
