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
	"portal/internal/testenv"
	"portal/jobs"
	"portal/mail"
	"portal/sessions"
	"portal/storage"
)

// A deletion cut short by the object store leaves the account to try again
// and the draft's file on no application, where the sweep finds it; the
// next try finishes.
func TestDeletionCutShortIsFinishedLater(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	blobs := testenv.Blobs(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	files := &applicants.Files{Store: db.Attachments(), Blobs: blobs, Now: clock.Now}
	id, err := db.Accounts().CreateAccount(ctx, applicants.Account{Email: "avbruten@example.se", CreatedAt: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	draft := onApp(t, db, id, "EXK-1", clock.Now())
	cv := saved(t, files, id, "EXK-1", draft.ID)
	if err := db.Accounts().ScheduleDeletion(ctx, id, clock.Now()); err != nil {
		t.Fatal(err)
	}

	down, err := storage.OpenBlobs(ctx, testenv.BlobConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := down.Destroy(ctx); err != nil { // a bucket that is not there: every removal fails
		t.Fatal(err)
	}
	svc := &applicants.Service{Store: db.Accounts(), Now: clock.Now, Sessions: db.Sessions(), Interest: interestOf(db, clock.Now),
		Drafts: &applicants.Applying{Apps: db.Applications(), Files: &applicants.Files{Store: db.Attachments(), Blobs: down, Now: clock.Now}}}
	if n, err := svc.DeleteDue(ctx); err == nil || n != 0 {
		t.Fatalf("deleted %d with the object store down: %v", n, err)
	}
	if _, err := db.Accounts().AccountByID(ctx, id); err != nil {
		t.Fatalf("the account went before its files: %v", err)
	}
	if apps, _ := db.Applications().ApplicationsOf(ctx, id); len(apps) != 0 {
		t.Fatal("the draft is still there")
	}

	clock.Add(25 * time.Hour)
	if n, err := files.Sweep(ctx, 24*time.Hour); err != nil || n.Unlinked != 1 {
		t.Fatalf("sweep: %+v %v", n, err)
	}
	if _, err := db.Attachments().Attachment(ctx, cv.ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("the file's record is still there: %v", err)
	}
	svc.Drafts = &applicants.Applying{Apps: db.Applications(), Files: files}
	if n, err := svc.DeleteDue(ctx); err != nil || n != 1 {
		t.Fatalf("second try: %d %v", n, err)
	}
	if _, err := db.Accounts().AccountByID(ctx, id); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("account kept: %v", err)
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
	hasher := applicants.Hasher{Params: argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
	interest := interestOf(db, clock.Now)
	svc := &applicants.Service{Store: db.Accounts(), Counter: db.Counters(), Hasher: hasher, Limits: applicants.DefaultLimits,
		Now: clock.Now, Sessions: db.Sessions(), Interest: interest,
		Drafts: &applicants.Applying{Apps: db.Applications(), Files: &applicants.Files{Store: db.Attachments()}}}
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

	if _, deleted, err := svc.Delete(ctx, ids[0], "ett lösenord", "192.0.2.1"); err != nil || !deleted {
		t.Fatalf("delete: %v %v", deleted, err)
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
