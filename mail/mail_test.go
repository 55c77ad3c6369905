package mail_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"portal/internal/smtptest"
	"portal/internal/testenv"
	"portal/mail"
	"portal/mail/smtp"
	"portal/storage"
)

var ctx = context.Background()

func newWorker(db *storage.DB, srv *smtptest.Server, owner string, clock *testenv.Clock) *mail.Worker {
	return &mail.Worker{
		Store: db.Outbox(), Owner: owner, MaxAttempts: 3,
		Sender: smtp.New(smtp.Config{Host: srv.Host, Port: srv.Port, Security: "none", From: "Portalen <no-reply@example.se>"}),
		Lease:  time.Minute, Poll: 10 * time.Millisecond, BaseDelay: time.Minute, MaxDelay: time.Hour,
		Now: clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func TestDeliveryOverSMTP(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	srv := smtptest.Start(t)
	clock := testenv.NewClock(time.Now())
	out := mail.NewOutbox(db.Outbox(), clock.Now)
	err := out.Send(ctx, mail.Message{
		To: "asa@example.se", ReplyTo: "support@example.se", Subject: "Tack för din ansökan",
		Text: "Hej Åsa!", HTML: "<p>Hej Åsa!</p>",
		Headers: map[string]string{"List-Unsubscribe": "<https://example.se/u/1>"},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := newWorker(db, srv, "w1", clock).Drain(ctx)
	if err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].To[0] != "asa@example.se" || got[0].From != "no-reply@example.se" {
		t.Fatalf("received %+v", got)
	}
	msg, err := netmail.ReadMessage(strings.NewReader(string(got[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Tack för din ansökan" || msg.Header.Get("List-Unsubscribe") != "<https://example.se/u/1>" ||
		!strings.Contains(msg.Header.Get("Reply-To"), "support@example.se") || msg.Header.Get("Message-Id") == "" {
		t.Fatalf("headers: %v", msg.Header)
	}
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if mt != "multipart/alternative" {
		t.Fatalf("content type %s", mt)
	}
	parts := map[string]bool{}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[pt] = true
	}
	if !parts["text/plain"] || !parts["text/html"] {
		t.Fatalf("parts %v", parts)
	}
	recs, _ := db.Outbox().Recent(ctx, 1)
	if recs[0].Status != mail.StatusSent {
		t.Fatalf("status %s", recs[0].Status)
	}
}

func TestBadMessageIsRefusedBeforeTheOutbox(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	out := mail.NewOutbox(db.Outbox(), time.Now)
	for _, m := range []mail.Message{
		{To: "not an address", Subject: "s", Text: "t"},
		{To: "a@example.se", Subject: "two\r\nBcc: x@example.se", Text: "t"},
		{To: "a@example.se", Subject: " ", Text: "t"},
	} {
		if err := out.Send(ctx, m); err == nil {
			t.Errorf("accepted %+v", m)
		}
	}
	if recs, _ := db.Outbox().Recent(ctx, 10); len(recs) != 0 {
		t.Fatal("bad message stored")
	}
}

// An outage delays mail and loses none; every message arrives once.
func TestOutageThenRecovery(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	srv := smtptest.Start(t)
	clock := testenv.NewClock(time.Now())
	out := mail.NewOutbox(db.Outbox(), clock.Now)
	for i := range 5 {
		_ = out.Send(ctx, mail.Message{To: "a@example.se", Subject: "nr " + string(rune('0'+i)), Text: "t"})
	}
	w := newWorker(db, srv, "w1", clock)
	srv.Refuse(true)
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("refused messages counted as received")
	}
	if n, _ := w.Drain(ctx); n != 0 {
		t.Fatal("retried before the back-off")
	}
	srv.Refuse(false)
	clock.Add(2 * time.Minute)
	// A restart: a new worker with another owner picks the work up.
	if n, err := newWorker(db, srv, "w2", clock).Drain(ctx); err != nil || n != 5 {
		t.Fatalf("after recovery: %d %v", n, err)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		msg, _ := netmail.ReadMessage(strings.NewReader(string(m.Data)))
		seen[msg.Header.Get("Subject")]++
	}
	if len(seen) != 5 {
		t.Fatalf("subjects %v", seen)
	}
	for s, n := range seen {
		if n != 1 {
			t.Fatalf("%q arrived %d times", s, n)
		}
	}
}

func TestFailsAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	srv := smtptest.Start(t)
	srv.Refuse(true)
	clock := testenv.NewClock(time.Now())
	_ = mail.NewOutbox(db.Outbox(), clock.Now).Send(ctx, mail.Message{To: "a@example.se", Subject: "s", Text: "t"})
	w := newWorker(db, srv, "w1", clock)
	for range 3 {
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Add(2 * time.Hour)
	}
	recs, _ := db.Outbox().Recent(ctx, 1)
	if recs[0].Status != mail.StatusFailed || recs[0].Attempts != 3 || !strings.Contains(recs[0].LastError, "451") {
		t.Fatalf("after three refusals: %+v", recs[0])
	}
	srv.Refuse(false)
	if n, _ := w.Drain(ctx); n != 0 || len(srv.Messages()) != 0 {
		t.Fatal("a failed message was sent again")
	}
}

// Two instances draining one outbox send each message once.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	srv := smtptest.Start(t)
	clock := testenv.NewClock(time.Now())
	out := mail.NewOutbox(db.Outbox(), clock.Now)
	for i := range 30 {
		_ = out.Send(ctx, mail.Message{To: "a@example.se", Subject: "m" + string(rune('A'+i)), Text: "t"})
	}
	var wg sync.WaitGroup
	for _, owner := range []string{"one", "two"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := newWorker(db, srv, owner, clock).Drain(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(srv.Messages()); got != 30 {
		t.Fatalf("%d messages arrived, want 30", got)
	}
}

// The limiter caps the sending rate: at one message a second, a worker
// given 1.5 seconds sends at most two of five.
func TestSendingRateIsCapped(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	srv := smtptest.Start(t)
	clock := testenv.NewClock(time.Now())
	out := mail.NewOutbox(db.Outbox(), clock.Now)
	for i := range 5 {
		if err := out.Send(ctx, mail.Message{To: "r" + string(rune('a'+i)) + "@example.se", Subject: "Nytt jobb", Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	w := newWorker(db, srv, "w1", clock)
	w.Limiter = rate.NewLimiter(1, 1)
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	_, _ = w.Drain(short)
	if n := len(srv.Messages()); n == 0 || n > 2 {
		t.Fatalf("sent %d in 1.5 s at one a second", n)
	}
	w.Limiter = nil
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour) // the claim the cancelled wait left behind runs out
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 5 {
		t.Fatalf("sent %d of 5 in the end", n)
	}
}
