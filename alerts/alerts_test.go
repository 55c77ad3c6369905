package alerts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"portal/alerts"
	"portal/internal/smtptest"
	"portal/internal/testapp"
	"portal/jobs"
	"portal/mail"
	"portal/mail/smtp"
	"portal/valid"
)

var ctx = context.Background()

// testNow is a Monday morning, Swedish winter time.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newPortal(t *testing.T) *testapp.Portal {
	t.Helper()
	return testapp.New(t, testapp.Options{Now: testNow})
}

// refs numbers the ads of every test, which run in parallel.
var refs atomic.Int64

// newAd returns a valid ad in area, published at the portal's now.
func newAd(p *testapp.Portal, title, area, place string) jobs.Ad {
	return jobs.Ad{
		Ref: fmt.Sprintf("TST-%04d", refs.Add(1)), Title: title, Organisation: "Exempelkommunen", Area: area, Place: place,
		Extent: jobs.Extent{Percent: 100}, Employment: jobs.Permanent, Positions: 1, Text: "Om jobbet: " + title,
		PublishedAt: p.Now().UTC(), LastDay: jobs.DayOf(p.Now().Add(30 * 24 * time.Hour)),
	}
}

// publish imports ad as published now and runs the dispatch as the cron
// task would.
func publish(t *testing.T, p *testapp.Portal, ad jobs.Ad) int {
	t.Helper()
	p.Clock.Add(time.Second) // the newest message comes first in the outbox
	if err := p.Publish.Import(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}
	n, err := p.Alerts.RunDispatches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func outbox(t *testing.T, p *testapp.Portal) []mail.Record {
	t.Helper()
	recs, err := p.DB.Outbox().Recent(ctx, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

var confirmLink = regexp.MustCompile(`/bevakning/bekrafta/([0-9a-f]+)`)

// subscribe starts a public subscription and returns the confirmation
// token mailed for it.
func subscribe(t *testing.T, p *testapp.Portal, email, lang string, c jobs.Criteria, freq string) string {
	t.Helper()
	p.Clock.Add(time.Second)
	before := len(outbox(t, p))
	if err := p.Alerts.Subscribe(ctx, alerts.Request{Email: email, Lang: lang, Criteria: c, Frequency: freq}); err != nil {
		t.Fatal(err)
	}
	recs := outbox(t, p)
	if len(recs) != before+1 || recs[0].To != email {
		t.Fatalf("no confirmation mail: %d messages", len(recs))
	}
	m := confirmLink.FindStringSubmatch(recs[0].Text)
	if m == nil || !strings.Contains(recs[0].HTML, m[0]) {
		t.Fatalf("confirmation link missing:\n%s", recs[0].Text)
	}
	return m[1]
}

func worker(p *testapp.Portal, srv *smtptest.Server, owner string) *mail.Worker {
	return &mail.Worker{
		Store: p.DB.Outbox(), Owner: owner, MaxAttempts: 5,
		Sender: smtp.New(smtp.Config{Host: srv.Host, Port: srv.Port, Security: "none", From: "Rekrytering <no-reply@example.se>"}),
		Lease:  time.Minute, Poll: 10 * time.Millisecond, BaseDelay: time.Minute, MaxDelay: time.Hour,
		Now: p.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

type parsed struct {
	subject, text, html string
	header              netmail.Header
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	out := parsed{subject: subject, header: msg.Header}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart() // decodes quoted-printable
		if err != nil {
			break
		}
		b, _ := io.ReadAll(part)
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch pt {
		case "text/plain":
			out.text = string(b)
		case "text/html":
			out.html = string(b)
		}
	}
	return out
}

// The whole story of the issue: subscribe, confirm, a matching ad gives
// one e-mail, a non-matching one none, and one click ends it all.
func TestSubscribeConfirmDeliverUnsubscribe(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	srv := smtptest.Start(t)
	token := subscribe(t, p, "ann@example.se", "en", jobs.Criteria{Areas: []string{"health"}, Places: []string{"Åre"}}, alerts.Immediate)

	// Nothing before the address is confirmed.
	if n := publish(t, p, newAd(p, "Sjuksköterska, vårdavdelning", "health", "Åre")); n != 0 {
		t.Fatalf("unconfirmed subscription got %d messages", n)
	}
	sub, err := p.Alerts.Confirm(ctx, token)
	if err != nil || sub.Status != alerts.Active || !sub.ExpiresAt.Equal(p.Now().Add(alerts.Lifetime)) {
		t.Fatalf("confirm: %+v %v", sub, err)
	}
	if _, err := p.Alerts.Confirm(ctx, token); !errors.Is(err, alerts.ErrNotFound) {
		t.Fatalf("confirmation link worked twice: %v", err)
	}

	p.Clock.Add(time.Hour)
	match := newAd(p, "Undersköterska, hemtjänst", "health", "Åre")
	if n := publish(t, p, match); n != 1 {
		t.Fatalf("matching ad queued %d messages", n)
	}
	if n := publish(t, p, newAd(p, "Lärare i svenska", "education", "Åre")); n != 0 {
		t.Fatalf("non-matching ad queued %d messages", n)
	}
	if n := publish(t, p, newAd(p, "Sjuksköterska, Mora", "health", "Mora")); n != 0 {
		t.Fatalf("ad in another place queued %d messages", n)
	}
	if n, err := p.Alerts.RunDispatches(ctx); n != 0 || err != nil {
		t.Fatalf("a second run queued %d (%v)", n, err)
	}

	if _, err := worker(p, srv, "w1").Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var got []parsed
	for _, m := range srv.Messages() {
		got = append(got, parse(t, m.Data))
	}
	if len(got) != 2 { // the confirmation and one alert
		t.Fatalf("received %d messages", len(got))
	}
	alert := got[1]
	if alert.subject != "New job: Undersköterska, hemtjänst" {
		t.Fatalf("subject %q", alert.subject)
	}
	for _, want := range []string{"Undersköterska, hemtjänst", "Exempelkommunen, Åre", "Last day to apply", "/jobb/" + match.Ref, "Unsubscribe"} {
		if !strings.Contains(alert.text, want) || !strings.Contains(alert.html, want) {
			t.Errorf("%q missing from a part:\n%s\n%s", want, alert.text, alert.html)
		}
	}
	if !strings.Contains(alert.html, `lang="en"`) {
		t.Error("HTML part does not name its language")
	}
	unsub := strings.Trim(alert.header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, "https://jobb.example.se/bevakning/"+sub.ID+"/avsluta/") ||
		alert.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(alert.text, unsub) {
		t.Fatalf("unsubscribe headers: %q %q", unsub, alert.header.Get("List-Unsubscribe-Post"))
	}

	// One click, as a mail program makes it: a POST without cookies.
	post := func() int {
		req := httptest.NewRequest(http.MethodPost, strings.TrimPrefix(unsub, "https://jobb.example.se"),
			strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := p.App.Test(req, 10000)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode
	}
	if code := post(); code != http.StatusOK {
		t.Fatalf("unsubscribe: %d", code)
	}
	if code := post(); code != http.StatusGone {
		t.Fatalf("second unsubscribe: %d, want 410", code)
	}
	if _, err := p.DB.Subscriptions().Subscription(ctx, sub.ID); !errors.Is(err, alerts.ErrNotFound) {
		t.Fatal("subscription kept after unsubscribing")
	}
	if n := publish(t, p, newAd(p, "Barnmorska", "health", "Åre")); n != 0 {
		t.Fatalf("unsubscribed address got %d messages", n)
	}
}

func TestSwedishAlertAndPendingMailWithdrawn(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	token := subscribe(t, p, "bo@example.se", "sv", jobs.Criteria{Keywords: []string{"kock"}}, alerts.Immediate)
	sub, err := p.Alerts.Confirm(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if n := publish(t, p, newAd(p, "Kock till skolköket", "meals", "Mora")); n != 1 {
		t.Fatalf("queued %d", n)
	}
	rec := outbox(t, p)[0]
	if rec.Subject != "Nytt jobb: Kock till skolköket" || !strings.Contains(rec.Text, "Sista ansökningsdag") ||
		!strings.Contains(rec.HTML, `lang="sv"`) || !strings.Contains(rec.Text, "Nyckelord: kock") {
		t.Fatalf("Swedish alert:\n%s\n%s", rec.Subject, rec.Text)
	}
	// Unsubscribing before the worker sends withdraws the message.
	links := p.Alerts.LinksOf(sub)
	sig := links.Unsubscribe[strings.LastIndex(links.Unsubscribe, "/")+1:]
	if ok, err := p.Alerts.Unsubscribe(ctx, sub.ID, sig); !ok || err != nil {
		t.Fatalf("unsubscribe: %v %v", ok, err)
	}
	if rec := outbox(t, p)[0]; rec.Status != mail.StatusCancelled {
		t.Fatalf("pending alert is %s", rec.Status)
	}
	if _, err := p.Alerts.Unsubscribe(ctx, sub.ID, "forged"); !errors.Is(err, alerts.ErrBadLink) {
		t.Fatalf("forged signature: %v", err)
	}
}

// activate stores n confirmed immediate subscriptions for health jobs.
func activate(t *testing.T, p *testapp.Portal, n int) {
	t.Helper()
	subs := make([]alerts.Subscription, n)
	for i := range n {
		subs[i] = alerts.Subscription{
			ID: fmt.Sprintf("%032x", i+1), Email: fmt.Sprintf("s%d@example.se", i), Lang: "sv", Frequency: alerts.Immediate,
			Notify: true, Status: alerts.Active, FeedID: fmt.Sprintf("f%d", i), Criteria: jobs.Criteria{Areas: []string{"health"}},
			CreatedAt: p.Now(), ConfirmedAt: p.Now(), ExpiresAt: p.Now().Add(alerts.Lifetime),
		}
	}
	// In one batch: 2300 single inserts took most of the package's time.
	if err := p.DB.Subscriptions().InsertSubscriptions(ctx, subs, p.Now()); err != nil {
		t.Fatal(err)
	}
}

// instance is the alert service of another instance of the portal.
func instance(p *testapp.Portal) *alerts.Service {
	a := p.Alerts
	return &alerts.Service{Store: a.Store, Ledger: a.Ledger, Outbox: a.Outbox, Counter: a.Counter, Ads: a.Ads,
		Render: a.Render, Signer: a.Signer, Now: a.Now, Links: a.Links, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// failingOutbox stores the first batch and then fails, like an instance
// that dies in the middle of a dispatch.
type failingOutbox struct {
	alerts.Outbox
	calls int
}

func (f *failingOutbox) SendOnce(ctx context.Context, msgs []mail.Keyed) (int, error) {
	f.calls++
	if f.calls > 1 {
		return 0, errors.New("instance stopped")
	}
	return f.Outbox.SendOnce(ctx, msgs)
}

// Every subscription gets the ad once, whatever stops halfway, and
// whatever second instance runs the same dispatch at the same time.
func TestDispatchExactlyOnceAcrossCrashAndInstances(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	const n = 2300 // three batches
	activate(t, p, n)
	ad := newAd(p, "Sjuksköterska", "health", "Åre")
	if err := p.Publish.Import(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}

	crashing := instance(p)
	crashing.Outbox = &failingOutbox{Outbox: p.Outbox}
	if _, err := crashing.RunDispatches(ctx); err == nil {
		t.Fatal("the crashing instance finished")
	}
	if got := len(outbox(t, p)); got != 1000 {
		t.Fatalf("after the crash: %d messages", got)
	}

	// Two instances pick up the dispatch together.
	second := instance(p)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range []*alerts.Service{p.Alerts, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.RunDispatches(ctx)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	recs := outbox(t, p)
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.To] {
			t.Fatalf("%s got the ad twice", r.To)
		}
		seen[r.To] = true
	}
	if len(recs) != n {
		t.Fatalf("%d messages for %d subscriptions", len(recs), n)
	}
	due, _ := p.DB.Subscriptions().DueDispatches(ctx, p.Now())
	if len(due) != 0 {
		t.Fatalf("dispatch not finished: %+v", due)
	}
	// Publishing the same ad again tells no one again.
	if err := p.Publish.Import(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}
	if n, _ := p.Alerts.RunDispatches(ctx); n != 0 {
		t.Fatalf("republishing queued %d", n)
	}
}

// The SMTP server refuses for a while, the portal restarts between the
// queueing and the sending: every message arrives, once.
func TestOutageAndRestartLoseNothingAndDoubleNothing(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	srv := smtptest.Start(t)
	activate(t, p, 12)
	if n := publish(t, p, newAd(p, "Läkare", "health", "Åre")); n != 12 {
		t.Fatalf("queued %d", n)
	}

	srv.Refuse(true)
	w := worker(p, srv, "instance-1")
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("a refusing server received mail")
	}
	// A worker dies holding a claim: its lease runs out.
	if _, err := p.DB.Outbox().Claim(ctx, "instance-2", p.Now().Add(2*time.Minute), p.Now().Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	srv.Refuse(false)
	p.Clock.Add(2 * time.Hour) // past every retry delay and the lease
	restarted := worker(p, srv, "instance-3")
	if _, err := restarted.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		got[m.To[0]]++
	}
	if len(got) != 12 {
		t.Fatalf("%d of 12 subscribers got mail", len(got))
	}
	for to, n := range got {
		if n != 1 {
			t.Fatalf("%s got %d copies", to, n)
		}
	}
	for _, r := range outbox(t, p) {
		if r.Status != mail.StatusSent {
			t.Fatalf("%s is %s", r.To, r.Status)
		}
	}
}

func TestDailyDigest(t *testing.T) {
	t.Parallel()
	p := newPortal(t) // Monday 10:00 Swedish time
	sub, err := p.Alerts.Confirm(ctx, subscribe(t, p, "dag@example.se", "sv", jobs.Criteria{Areas: []string{"it"}}, alerts.Daily))
	if err != nil {
		t.Fatal(err)
	}
	first, second := newAd(p, "Systemutvecklare", "it", "Åre"), newAd(p, "IT-tekniker", "it", "Mora")
	for _, ad := range []jobs.Ad{first, second} {
		if n := publish(t, p, ad); n != 1 {
			t.Fatalf("queued %d digest entries", n)
		}
	}
	mails := len(outbox(t, p))
	if mails != 1 {
		t.Fatalf("a daily subscriber got mail at once: %d", mails)
	}
	// Today's digest (07:00) has passed: these wait for tomorrow.
	if n, err := p.Alerts.SendDigests(ctx); n != 0 || err != nil {
		t.Fatalf("digest before its time: %d %v", n, err)
	}
	p.Clock.Set(time.Date(2026, 11, 24, 7, 5, 0, 0, jobs.Stockholm))
	third := newAd(p, "Nätverkstekniker", "it", "Åre") // after the cutoff: Wednesday's digest
	publish(t, p, third)
	n, err := p.Alerts.SendDigests(ctx)
	if err != nil || n != 1 {
		t.Fatalf("digest: %d %v", n, err)
	}
	if n, _ := p.Alerts.SendDigests(ctx); n != 0 {
		t.Fatalf("second run the same day: %d", n)
	}
	d := outbox(t, p)[0]
	if d.Subject != "Nya jobb som matchar din bevakning (2)" || !strings.Contains(d.Text, first.Title) ||
		!strings.Contains(d.Text, second.Title) || strings.Contains(d.Text, third.Title) || d.Headers["List-Unsubscribe"] == "" {
		t.Fatalf("digest %q:\n%s", d.Subject, d.Text)
	}
	p.Clock.Set(time.Date(2026, 11, 25, 7, 5, 0, 0, jobs.Stockholm))
	if n, _ := p.Alerts.SendDigests(ctx); n != 1 {
		t.Fatalf("Wednesday: %d", n)
	}
	if d := outbox(t, p)[0]; !strings.Contains(d.Text, third.Title) || strings.Contains(d.Text, first.Title) {
		t.Fatalf("Wednesday's digest:\n%s", d.Text)
	}
	_ = sub
}

func TestReminderRenewAndExpiry(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	sub, err := p.Alerts.Confirm(ctx, subscribe(t, p, "lang@example.se", "en", jobs.Criteria{}, alerts.Immediate))
	if err != nil {
		t.Fatal(err)
	}
	p.Clock.Set(sub.ExpiresAt.Add(-8 * 24 * time.Hour))
	if n, _ := p.Alerts.SendReminders(ctx); n != 0 {
		t.Fatalf("reminder eight days early: %d", n)
	}
	p.Clock.Add(2 * 24 * time.Hour)
	if n, err := p.Alerts.SendReminders(ctx); n != 1 || err != nil {
		t.Fatalf("reminder: %d %v", n, err)
	}
	if n, _ := p.Alerts.SendReminders(ctx); n != 0 {
		t.Fatalf("second reminder: %d", n)
	}
	rec := outbox(t, p)[0]
	renew := regexp.MustCompile(`/bevakning/[0-9a-f]+/fornya/[A-Za-z0-9_-]+`).FindString(rec.Text)
	if rec.Subject != "Your job alert ends soon" || renew == "" {
		t.Fatalf("reminder %q:\n%s", rec.Subject, rec.Text)
	}
	sig := renew[strings.LastIndex(renew, "/")+1:]
	renewed, err := p.Alerts.Renew(ctx, sub.ID, sig)
	if err != nil || !renewed.ExpiresAt.Equal(p.Now().Add(alerts.Lifetime)) || !renewed.RemindedAt.IsZero() {
		t.Fatalf("renew: %+v %v", renewed, err)
	}

	// Unrenewed, a subscription ends on its day and is removed.
	p.Clock.Set(renewed.ExpiresAt.Add(time.Minute))
	if n := publish(t, p, newAd(p, "Ekonom", "admin", "Åre")); n != 0 {
		t.Fatalf("expired subscription got %d", n)
	}
	if n, err := p.Alerts.RemoveStale(ctx); n != 1 || err != nil {
		t.Fatalf("remove stale: %d %v", n, err)
	}
}

func TestUnconfirmedRemovedAfterSevenDays(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	token := subscribe(t, p, "glomsk@example.se", "sv", jobs.Criteria{}, alerts.Daily)
	p.Clock.Add(alerts.ConfirmWindow - time.Minute)
	if n, _ := p.Alerts.RemoveStale(ctx); n != 0 {
		t.Fatalf("removed early: %d", n)
	}
	p.Clock.Add(2 * time.Minute)
	if _, err := p.Alerts.Confirmable(ctx, token); !errors.Is(err, alerts.ErrNotFound) {
		t.Fatalf("an old link still confirms: %v", err)
	}
	if n, err := p.Alerts.RemoveStale(ctx); n != 1 || err != nil {
		t.Fatalf("remove stale: %d %v", n, err)
	}
}

func TestSubscribeRefusesBadInputAndFloods(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	err := p.Alerts.Subscribe(ctx, alerts.Request{Email: "inte-en-adress", Lang: "sv", Frequency: "hourly"})
	var verr valid.Problems
	if !errors.As(err, &verr) || len(verr) != 2 {
		t.Fatalf("bad input: %v", err)
	}
	if len(outbox(t, p)) != 0 {
		t.Fatal("bad input sent mail")
	}
	for range alerts.ConfirmsPerAddress + 3 {
		if err := p.Alerts.Subscribe(ctx, alerts.Request{Email: "offer@example.se", Lang: "sv", Frequency: alerts.Daily}); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(outbox(t, p)); got != alerts.ConfirmsPerAddress {
		t.Fatalf("%d confirmation mails to one address in a day", got)
	}
}

func TestInterestRegistration(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	owner := alerts.Owner{ID: "acc1", Email: "sokande@example.se", Verified: true}
	sub, err := p.Alerts.SaveInterest(ctx, owner, alerts.Request{Lang: "sv", Criteria: jobs.Criteria{Areas: []string{"care"}}, Notify: true, Frequency: alerts.Immediate})
	if err != nil || sub.Status != alerts.Active {
		t.Fatalf("save: %+v %v", sub, err)
	}
	if n := publish(t, p, newAd(p, "Undersköterska", "care", "Åre")); n != 1 {
		t.Fatalf("queued %d", n)
	}
	// Without e-mail the registration stays, and sends nothing.
	again, err := p.Alerts.SaveInterest(ctx, owner, alerts.Request{Lang: "sv", Criteria: jobs.Criteria{Areas: []string{"care"}}, Notify: false})
	if err != nil || again.ID != sub.ID {
		t.Fatalf("edit: %+v %v", again, err)
	}
	if n := publish(t, p, newAd(p, "Vårdbiträde", "care", "Åre")); n != 0 {
		t.Fatalf("queued %d without e-mail", n)
	}
	if err := p.Alerts.StopInterest(ctx, owner.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Alerts.Interest(ctx, owner.ID); !errors.Is(err, alerts.ErrNotFound) {
		t.Fatalf("stopped registration: %v", err)
	}
	// An address not yet verified gets a confirmation link first.
	unverified := alerts.Owner{ID: "acc2", Email: "ny@example.se"}
	sub, err = p.Alerts.SaveInterest(ctx, unverified, alerts.Request{Lang: "en", Notify: true, Frequency: alerts.Daily})
	if err != nil || sub.Status != alerts.Unconfirmed || outbox(t, p)[0].Subject != "Confirm your job alert" {
		t.Fatalf("unverified: %+v %v", sub, err)
	}
}

// An ad stored with a later publication time tells its subscribers when
// that time comes, not before; a draft never until it is published.
func TestScheduledPublicationAndDrafts(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	activate(t, p, 3)
	later := newAd(p, "Röntgensjuksköterska", "health", "Åre")
	later.PublishedAt = p.Now().Add(2 * time.Hour).UTC()
	draft := newAd(p, "Fysioterapeut", "health", "Åre")
	draft.PublishedAt = time.Time{}
	if err := p.Publish.Import(ctx, []jobs.Ad{later, draft}); err != nil {
		t.Fatal(err)
	}
	if n, _ := p.Alerts.RunDispatches(ctx); n != 0 {
		t.Fatalf("told %d before publication", n)
	}
	p.Clock.Add(2 * time.Hour)
	if n, _ := p.Alerts.RunDispatches(ctx); n != 3 {
		t.Fatalf("told %d when the time came", n)
	}
	ad, err := p.Publish.Publish(ctx, draft.Ref)
	if err != nil || !ad.Published(p.Now()) {
		t.Fatalf("publish: %v", err)
	}
	if n, _ := p.Alerts.RunDispatches(ctx); n != 3 {
		t.Fatalf("told %d of the published draft", n)
	}
	if _, err := p.Publish.Publish(ctx, draft.Ref); !errors.Is(err, jobs.ErrPublished) {
		t.Fatalf("published twice: %v", err)
	}
}

// An ad made a draft again before its time tells no one until it is
// published anew, and then tells its subscribers.
func TestDraftAgainWaitsForItsPublication(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	activate(t, p, 2)
	ad := newAd(p, "Kurator", "health", "Åre")
	ad.PublishedAt = p.Now().Add(time.Hour).UTC()
	if err := p.Publish.Import(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}
	ad.PublishedAt = time.Time{}
	if err := p.Publish.Import(ctx, []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}
	p.Clock.Add(2 * time.Hour)
	if n, _ := p.Alerts.RunDispatches(ctx); n != 0 {
		t.Fatalf("a draft told %d", n)
	}
	if _, err := p.Publish.Publish(ctx, ad.Ref); err != nil {
		t.Fatal(err)
	}
	if n, _ := p.Alerts.RunDispatches(ctx); n != 2 {
		t.Fatalf("the published draft told %d", n)
	}
}

// A confirmation goes to an address nobody has confirmed: what a visitor
// typed (places, keywords) stays out of it, so the form cannot carry a
// stranger's words to anyone's inbox; the fixed choices and a count stay.
func TestConfirmationCarriesNoFreeText(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	spam := "Vinn pengar på evil.example"
	c := jobs.Criteria{Areas: []string{"health"}, Places: []string{"Ring 0701234567"}, Keywords: []string{spam}}
	subscribe(t, p, "stranger@example.se", "sv", c, alerts.Immediate)
	m := outbox(t, p)[0]
	for _, part := range []string{m.Subject, m.Text, m.HTML} {
		for _, typed := range []string{"evil.example", "Vinn pengar", "0701234567"} {
			if strings.Contains(part, typed) {
				t.Errorf("confirmation mail repeats typed text %q:\n%s", typed, part)
			}
		}
	}
	for _, want := range []string{"Hälso- och sjukvård", "Dessutom 2 villkor"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("confirmation mail lacks %q:\n%s", want, m.Text)
		}
	}
	// Once confirmed, the subscriber's own alerts show the whole criteria.
	sub, err := p.Alerts.Confirm(ctx, confirmLink.FindStringSubmatch(m.Text)[1])
	if err != nil || len(sub.Criteria.Keywords) != 1 || len(sub.Criteria.Places) != 1 {
		t.Fatalf("confirm: %+v %v", sub.Criteria, err)
	}
}
