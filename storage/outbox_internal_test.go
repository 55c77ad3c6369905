package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"portal/mail"
)

// A claim whose status update fails gives its try back: the next claim
// takes the message at once instead of colliding with the stale try until
// the claim document expires, 30 days later.
func TestClaimUndoneWhenItsUpdateFails(t *testing.T) {
	d := internalDB(t)
	o := d.Outbox()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if _, err := o.Enqueue(context.Background(), mail.Message{To: "a@example.se", Subject: "s", Text: "t"}, now); err != nil {
		t.Fatal(err)
	}

	// The request's context ends between taking the try and marking the
	// message: the update fails for real against the server.
	ctx, cancel := context.WithCancel(context.Background())
	afterClaimInsert = cancel
	_, err := o.Claim(ctx, "worker-1", now, now.Add(time.Minute))
	afterClaimInsert = nil
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("claim with a failing update: %v", err)
	}

	rec, err := o.Claim(context.Background(), "worker-2", now, now.Add(time.Minute))
	if err != nil {
		t.Fatalf("the message stayed stuck after a failed claim: %v", err)
	}
	if rec.Attempts != 1 || rec.Status != mail.StatusSending {
		t.Fatalf("claimed %+v", rec)
	}
	if _, err := o.Claim(context.Background(), "worker-3", now, now.Add(time.Minute)); !errors.Is(err, mail.ErrEmpty) {
		t.Fatalf("a held message was claimed twice: %v", err)
	}
}
