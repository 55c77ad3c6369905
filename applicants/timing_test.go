package applicants_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"portal/applicants"
	"portal/credentials"
	"portal/internal/testenv"
	"portal/links"
	"portal/mail"
)

// A reset request for a known address takes as long as one for an
// unknown address: both hash once with the production parameters, which
// dwarfs the rest (a few database calls). The hashes are counted, which no
// load on the machine disturbs; the times are only logged.
func TestResetTimingDoesNotTellWhetherAnAccountExists(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	hasher := credentials.DefaultHasher
	hasher.Work = new(atomic.Int64)
	s := &applicants.Accounts{
		Store: db.Accounts(), Counter: db.Counters(), Mailer: mail.NewOutbox(db.Outbox(), time.Now),
		Hasher: hasher, Limits: applicants.DefaultLimits, Now: time.Now, Links: links.Table{Base: "https://x"},
		Render: keyMails{}, Sleep: func(context.Context, time.Duration) {},
	}
	s.Limits.ResetsPerEmail, s.Limits.ResetsPerIP = 1000, 1000
	if err := s.Register(ctx, applicants.Registration{Email: "known@example.se", Password: "korrekt häst batteri häftklammer", Consent: true}); err != nil {
		t.Fatal(err)
	}
	reset := func(email string) (int64, time.Duration) {
		before, start := hasher.Work.Load(), time.Now()
		if err := s.RequestReset(ctx, email, "192.0.2.1", "sv"); err != nil {
			t.Fatal(err)
		}
		return hasher.Work.Load() - before, time.Since(start)
	}
	for range 3 {
		known, kt := reset("known@example.se")
		unknown, ut := reset("unknown@example.se")
		t.Logf("reset: known %d hashes (%v), unknown %d (%v)", known, kt, unknown, ut)
		if known != unknown || known == 0 {
			t.Fatalf("known %d hashes vs unknown %d: the time tells whether an account exists", known, unknown)
		}
	}
}

// keyMails writes each account e-mail as its kind: what the mail says does
// not matter to the time the reset takes.
type keyMails struct{}

func (keyMails) AccountMail(_ string, m applicants.Mail) (string, string, error) {
	return m.Kind, m.Kind, nil
}
