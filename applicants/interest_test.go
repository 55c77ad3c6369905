package applicants_test

import (
	"context"
	"testing"
	"time"

	"portal/alerts"
	"portal/applicants"
	"portal/internal/testenv"
	"portal/internal/tokens"
	"portal/jobs"
	"portal/mail"
)

// A confirmed change of address moves the account's interest registration
// to the new address; another account's registration keeps its own.
func TestEmailChangeMovesTheInterestRegistration(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	interest := interestOf(db, clock.Now)
	svc := &applicants.Service{Store: db.Accounts(), Mailer: mail.NewOutbox(db.Outbox(), clock.Now), Now: clock.Now,
		Translate: func(lang, key string, args ...any) string { return key }, Interest: interest}
	var ids [2]string
	for i, email := range []string{"gammal@example.se", "annan@example.se"} {
		var err error
		if ids[i], err = db.Accounts().CreateAccount(ctx, applicants.Account{Email: email, CreatedAt: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		_, err = interest.SaveInterest(ctx, alerts.Owner{ID: ids[i], Email: email, Verified: true},
			alerts.Request{Lang: "sv", Criteria: jobs.Criteria{Areas: []string{"care"}}, Notify: true, Frequency: alerts.Immediate})
		if err != nil {
			t.Fatal(err)
		}
	}
	token := tokens.New(32)
	if err := db.Accounts().SetPendingEmail(ctx, ids[0], "ny@example.se", tokens.Hash(token), clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if _, err := svc.ConfirmEmailChange(ctx, token, "sv"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"ny@example.se", "annan@example.se"} {
		if sub, err := interest.Interest(ctx, ids[i]); err != nil || sub.Email != want {
			t.Errorf("registration of account %d mails %q (%v), want %q", i, sub.Email, err, want)
		}
	}
	// Other instances learn of the change from the list of changes.
	changed, err := db.Subscriptions().ChangedSubscriptions(ctx, clock.Now())
	if err != nil || len(changed) != 1 || changed[0].Email != "ny@example.se" {
		t.Fatalf("changes since the confirmation: %+v %v", changed, err)
	}
}
