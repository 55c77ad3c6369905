package mail_test

import (
	"testing"
	"time"

	"portal/internal/testenv"
	"portal/mail"
)

// Sent and withdrawn mail stays for mail.Retention by the outbox's clock;
// failed and pending mail stays until someone deals with it.
func TestOldMailRemovedAfterRetention(t *testing.T) {
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	out := mail.NewOutbox(db.Outbox(), clock.Now)
	for _, to := range []string{"sent@example.se", "failed@example.se", "pending@example.se", "cancelled@example.se"} {
		if err := out.Send(ctx, mail.Message{To: to, Subject: "s", Text: "t", Tag: to}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := out.Cancel(ctx, "cancelled@example.se"); err != nil {
		t.Fatal(err)
	}
	for _, end := range []string{"sent", "failed"} {
		rec, err := db.Outbox().Claim(ctx, "w", clock.Now(), clock.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if end == "sent" {
			err = db.Outbox().MarkSent(ctx, rec.ID, "w", clock.Now())
		} else {
			err = db.Outbox().Fail(ctx, rec.ID, "w", "550")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	start := clock.Now()
	clock.Set(start.Add(mail.Retention - time.Hour))
	if n, err := out.RemoveOld(ctx); err != nil || n != 0 {
		t.Fatalf("removed %d (%v) before their time", n, err)
	}
	clock.Set(start.Add(mail.Retention + time.Hour))
	if n, err := out.RemoveOld(ctx); err != nil || n != 2 {
		t.Fatalf("removed %d (%v), want the sent and the withdrawn", n, err)
	}
	recs, err := db.Outbox().Recent(ctx, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("left %+v %v", recs, err)
	}
	for _, r := range recs {
		if r.Status != mail.StatusFailed && r.Status != mail.StatusPending {
			t.Errorf("kept a message %s", r.Status)
		}
	}
}
