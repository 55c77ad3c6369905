package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/mail"
	"portal/sessions"
)

// The two-year rule reads the latest submission from the applications
// collection; deletion removes the account with its log and sessions.
func TestAccountDeletionRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := internalDB(t)
	s := d.Accounts()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	id, err := s.CreateAccount(ctx, applicants.Account{Email: "a@example.se", CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if latest, err := s.LatestApplication(ctx, id); err != nil || !latest.IsZero() {
		t.Fatalf("no applications: %v %v", latest, err)
	}
	for _, at := range []time.Time{now.AddDate(-3, 0, 0), now.AddDate(0, -1, 0)} {
		if _, err := d.c(colApplications).InsertOne(ctx, bson.M{"applicant": id, "submitted_at": at}); err != nil {
			t.Fatal(err)
		}
	}
	latest, err := s.LatestApplication(ctx, id)
	if err != nil || !latest.Equal(now.AddDate(0, -1, 0)) {
		t.Fatalf("latest: %v %v", latest, err)
	}
	// The applications here have no files, so no bucket is needed.
	drafts := &applications.Service{Apps: d.Applications(), Files: &applications.Files{Store: d.Attachments()}}
	nowFn := func() time.Time { return now }
	interest := &alerts.Service{Store: d.Subscriptions(), Ledger: d.Subscriptions(), Outbox: mail.NewOutbox(d.Outbox(), nowFn), Now: nowFn}
	svc := &applicants.Accounts{Store: s, Now: nowFn, Drafts: drafts, Sessions: &sessions.Manager{Store: d.Sessions()}, Interest: interest}
	at, err := svc.EarliestDeletion(ctx, id)
	if err != nil || !at.Equal(latest.Add(applicants.Retention)) {
		t.Fatalf("earliest deletion %v %v", at, err)
	}
	if err := s.ScheduleDeletion(ctx, id, at); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueDeletions(ctx, now); len(due) != 0 {
		t.Fatal("due before its time")
	}
	_ = s.AddEvent(ctx, id, applicants.Event{At: now, Kind: applicants.EventLogin})
	_ = d.Sessions().CreateSession(ctx, sessionDocFor(id, now))
	later := at.Add(time.Hour)
	svc.Now = func() time.Time { return later }
	n, err := svc.DeleteDue(ctx)
	if err != nil || n != 1 {
		t.Fatalf("delete due: %d %v", n, err)
	}
	if _, err := s.AccountByID(ctx, id); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("account still there: %v", err)
	}
	if ev, _ := s.Events(ctx, id, 10); len(ev) != 0 {
		t.Fatal("security log kept")
	}
	if n, _ := d.c(colSessions).CountDocuments(ctx, bson.M{"account": id}); n != 0 {
		t.Fatal("sessions kept")
	}
}

func sessionDocFor(id string, now time.Time) sessions.Session {
	return sessions.Session{Key: "k-" + id, AccountID: id, CreatedAt: now, LastSeen: now, Idle: time.Hour, ExpiresAt: now.Add(time.Hour)}
}

// internalDB is testenv.DB for tests inside this package (testenv imports it).
func internalDB(t *testing.T) *DB {
	t.Helper()
	d := emptyDB(t)
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// emptyDB is a database of its own without any migration run.
func emptyDB(t *testing.T) *DB {
	t.Helper()
	uri := os.Getenv("PORTAL_TEST_MONGO_URI")
	if uri == "" {
		t.Fatal("PORTAL_TEST_MONGO_URI is not set: run the tests with `make test`")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	ctx := context.Background()
	d, err := Connect(ctx, uri, "test_"+hex.EncodeToString(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Drop(ctx); _ = d.Close(ctx) })
	return d
}
