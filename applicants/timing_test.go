package applicants_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"portal/applicants"
	"portal/credentials"
	"portal/internal/testenv"
	"portal/links"
	"portal/mail"
)

// A reset request for a known address takes about as long as one for an
// unknown address: both hash once with the production parameters, which
// dwarfs the rest. The bound is wide so that a busy machine cannot fail it.
func TestResetTimingDoesNotTellWhetherAnAccountExists(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	s := &applicants.Accounts{
		Store: db.Accounts(), Counter: db.Counters(), Mailer: mail.NewOutbox(db.Outbox(), time.Now),
		Hasher: credentials.DefaultHasher, Limits: applicants.DefaultLimits, Now: time.Now, Links: links.Table{Base: "https://x"},
		Render: keyMails{}, Sleep: func(context.Context, time.Duration) {},
	}
	s.Limits.ResetsPerEmail, s.Limits.ResetsPerIP = 1000, 1000
	if err := s.Register(ctx, applicants.Registration{Email: "known@example.se", Password: "korrekt häst batteri häftklammer", Consent: true}); err != nil {
		t.Fatal(err)
	}
	median := func(email string) time.Duration {
		var ds []time.Duration
		for range 7 {
			start := time.Now()
			if err := s.RequestReset(ctx, email, "192.0.2.1", "sv"); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	known, unknown := median("known@example.se"), median("unknown@example.se")
	ratio := float64(known) / float64(unknown)
	t.Logf("median reset: known %v, unknown %v", known, unknown)
	if ratio < 0.5 || ratio > 2 {
		t.Fatalf("known %v vs unknown %v: the time tells whether an account exists", known, unknown)
	}
}

// keyMails writes each account e-mail as its kind: what the mail says does
// not matter to the time the reset takes.
type keyMails struct{}

func (keyMails) AccountMail(_ string, m applicants.Mail) (string, string, error) {
	return m.Kind, m.Kind, nil
}
