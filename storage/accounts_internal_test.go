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

// An account has applications while any is stored for it; a deletion
// marked and cut short is finished by DeleteDue, with the account's log and
// sessions.
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
	if has, err := s.HasApplications(ctx, id); err != nil || has {
		t.Fatalf("no applications: %v %v", has, err)
	}
	if _, err := d.c(colApplications).InsertOne(ctx, bson.M{"applicant": id, "submitted_at": now}); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasApplications(ctx, id); err != nil || !has {
		t.Fatalf("an application: %v %v", has, err)
	}
	// The applications here have no files, so no bucket is needed.
	drafts := &applications.Service{Apps: d.Applications(), Files: &applications.Files{Store: d.Attachments()}}
	nowFn := func() time.Time { return now }
	interest := &alerts.Service{Store: d.Subscriptions(), Ledger: d.Subscriptions(), Outbox: mail.NewOutbox(d.Outbox(), nowFn), Now: nowFn}
	svc := &applicants.Accounts{Store: s, Now: nowFn, Drafts: drafts, Sessions: &sessions.Manager{Store: d.Sessions()}, Interest: interest}
	if marked, _ := s.MarkedForDeletion(ctx, "", 10); len(marked) != 0 {
		t.Fatal("marked before it was")
	}
	if err := s.ScheduleDeletion(ctx, id, now); err != nil {
		t.Fatal(err)
	}
	_ = s.AddEvent(ctx, id, applicants.Event{At: now, Kind: applicants.EventLogin})
	_ = d.Sessions().CreateSession(ctx, sessionDocFor(id, now))
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

// Marked and unused accounts are read in batches, in order of id; a login
// recorded ends the notice, and the security log's latest login is found.
func TestUnusedAccountsInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := internalDB(t)
	s := d.Accounts()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	old := now.AddDate(-3, 0, 0)
	var ids []string
	for i := range 5 {
		id, err := s.CreateAccount(ctx, applicants.Account{Email: string(rune('a'+i)) + "@example.se", CreatedAt: old})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if err := s.ScheduleDeletion(ctx, id, now); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.MarkedForDeletion(ctx, "", 3)
	if err != nil || len(first) != 3 {
		t.Fatalf("first batch: %v %v", first, err)
	}
	rest, err := s.MarkedForDeletion(ctx, first[2], 3)
	if err != nil || len(rest) != 2 || rest[1] != ids[4] {
		t.Fatalf("second batch: %v %v", rest, err)
	}
	// One logged in lately, one long ago; the others never.
	if err := s.SetIdleNotice(ctx, ids[0], now); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordLogin(ctx, ids[0], now); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordLogin(ctx, ids[1], old); err != nil {
		t.Fatal(err)
	}
	a, _ := s.AccountByID(ctx, ids[0])
	if !a.LastLoginAt.Equal(now) || !a.IdleNoticeAt.IsZero() {
		t.Fatalf("login not recorded, or the notice kept: %+v", a)
	}
	unused, err := s.UnusedAccounts(ctx, now.AddDate(-2, 0, 0), "", 2)
	if err != nil || len(unused) != 2 || unused[0].ID != ids[1] || unused[1].ID != ids[2] {
		t.Fatalf("unused: %+v %v", unused, err)
	}
	more, err := s.UnusedAccounts(ctx, now.AddDate(-2, 0, 0), unused[1].ID, 10)
	if err != nil || len(more) != 2 || more[0].ID != ids[3] {
		t.Fatalf("more unused: %+v %v", more, err)
	}
	if at, err := s.LastLoginEvent(ctx, ids[2]); err != nil || !at.IsZero() {
		t.Fatalf("no login event: %v %v", at, err)
	}
	_ = s.AddEvent(ctx, ids[2], applicants.Event{At: old, Kind: applicants.EventLogin})
	_ = s.AddEvent(ctx, ids[2], applicants.Event{At: now, Kind: applicants.EventLoginFailed})
	if at, err := s.LastLoginEvent(ctx, ids[2]); err != nil || !at.Equal(old) {
		t.Fatalf("login event: %v %v", at, err)
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
