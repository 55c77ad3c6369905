package applicants_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/credentials"
	"portal/internal/testenv"
	"portal/internal/tokens"
	"portal/jobs"
	"portal/links"
	"portal/mail"
	"portal/sessions"
	"portal/storage"
)

// A confirmed change of address moves the account's interest registration
// to the new address; another account's registration keeps its own.
func TestEmailChangeMovesTheInterestRegistration(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	interest := interestOf(db, clock.Now)
	svc := &applicants.Accounts{Store: db.Accounts(), Mailer: mail.NewOutbox(db.Outbox(), clock.Now), Now: clock.Now,
		Links: links.Table{Base: "https://jobb.example.se"}, Render: keyMails{}, Interest: interest}
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

// interestOf is the alerts service over the database, as the portal wires
// it for accounts.
func interestOf(db *storage.DB, now func() time.Time) *alerts.Service {
	return &alerts.Service{Store: db.Subscriptions(), Ledger: db.Subscriptions(), Outbox: mail.NewOutbox(db.Outbox(), now), Now: now}
}

// Deleting an account takes its logins, its security log and its interest
// registration with the registration's mail not yet sent and its digest
// entries; another account's keep theirs.
func TestDeletionTakesWhatHangsOnTheAccount(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	hasher := credentials.Hasher{Params: argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
	interest := interestOf(db, clock.Now)
	svc := &applicants.Accounts{Store: db.Accounts(), Counter: db.Counters(), Hasher: hasher, Limits: applicants.DefaultLimits,
		Now: clock.Now, Sessions: &sessions.Manager{Store: db.Sessions()}, Interest: interest,
		Drafts: &applications.Service{Apps: db.Applications(), Files: &applications.Files{Store: db.Attachments()}}}
	hash, err := hasher.Hash("ett lösenord")
	if err != nil {
		t.Fatal(err)
	}
	var ids [2]string
	var subs [2]alerts.Subscription
	for i, email := range []string{"borta@example.se", "kvar@example.se"} {
		if ids[i], err = db.Accounts().CreateAccount(ctx, applicants.Account{Email: email, PasswordHash: hash, CreatedAt: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts().AddEvent(ctx, ids[i], applicants.Event{At: clock.Now(), Kind: applicants.EventLogin}); err != nil {
			t.Fatal(err)
		}
		err := db.Sessions().CreateSession(ctx, sessions.Session{Key: "k-" + ids[i], AccountID: ids[i], CreatedAt: clock.Now(),
			LastSeen: clock.Now(), Idle: time.Hour, ExpiresAt: clock.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		subs[i], err = interest.SaveInterest(ctx, alerts.Owner{ID: ids[i], Email: email, Verified: true},
			alerts.Request{Lang: "sv", Criteria: jobs.Criteria{Areas: []string{"care"}}, Notify: true, Frequency: alerts.Daily})
		if err != nil {
			t.Fatal(err)
		}
		if err := mail.NewOutbox(db.Outbox(), clock.Now).Send(ctx, mail.Message{To: email, Subject: "Nya jobb", Text: "…", Tag: subs[i].Tag()}); err != nil {
			t.Fatal(err)
		}
		if err := db.Subscriptions().AddMatches(ctx, []alerts.Match{{Subscription: subs[i].ID, Ref: "EXK-1", At: clock.Now()}}); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := svc.Delete(ctx, ids[0], "ett lösenord", "192.0.2.1", "sv"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	later := clock.Now().Add(time.Hour)
	for i, gone := range []bool{true, false} {
		_, err := db.Accounts().AccountByID(ctx, ids[i])
		events, _ := db.Accounts().Events(ctx, ids[i], 10)
		_, serr := db.Sessions().SessionByKey(ctx, "k-"+ids[i])
		_, ierr := interest.Interest(ctx, ids[i])
		matches, _ := db.Subscriptions().OpenMatches(ctx, later, "")
		queued := false
		recent, _ := db.Outbox().Recent(ctx, 10)
		for _, r := range recent {
			queued = queued || (r.Tag == subs[i].Tag() && r.Status == mail.StatusPending)
		}
		matched := false
		for _, m := range matches {
			matched = matched || m.Subscription == subs[i].ID
		}
		if got := []bool{errors.Is(err, applicants.ErrNotFound), len(events) == 0, errors.Is(serr, sessions.ErrNoSession),
			errors.Is(ierr, alerts.ErrNotFound), !queued, !matched}; fmt.Sprint(got) != fmt.Sprint([]bool{gone, gone, gone, gone, gone, gone}) {
			t.Errorf("account %d (deleted %v): account, log, session, registration, pending mail, digest entry gone: %v", i, gone, got)
		}
	}
}
