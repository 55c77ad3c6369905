package applicants_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"portal/applicants"
	"portal/applications"
	"portal/credentials"
	"portal/internal/testenv"
	"portal/links"
	"portal/mail"
	"portal/sessions"
	"portal/storage"
)

// unusedMails renders an unused account's notice with its moment, so that
// a test can read it.
type unusedMails struct{}

func (unusedMails) AccountMail(lang string, m applicants.Mail) (string, string, error) {
	return m.Kind + " " + lang, m.Until.UTC().Format(time.RFC3339), nil
}

// unusedService is the account service with the rule for unused accounts:
// two years without a login, told 30 days before.
func unusedService(db *storage.DB, clock *testenv.Clock) *applicants.Accounts {
	hasher := credentials.Hasher{Params: argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
	return &applicants.Accounts{Store: db.Accounts(), Counter: db.Counters(), Hasher: hasher, Limits: applicants.DefaultLimits,
		Mailer: mail.NewOutbox(db.Outbox(), clock.Now), Now: clock.Now, Links: links.Table{Base: "https://jobb.example.se"}, Render: unusedMails{},
		Sleep:    func(context.Context, time.Duration) {},
		Sessions: &sessions.Manager{Store: db.Sessions()}, Interest: interestOf(db, clock.Now),
		Drafts: &applications.Service{Apps: db.Applications(), Files: &applications.Files{Store: db.Attachments()}},
		Unused: applicants.Unused{Years: 2, NoticeDays: 30}}
}

// notices returns the notices of unused accounts to the address.
func notices(t *testing.T, db *storage.DB, to string) []mail.Record {
	t.Helper()
	recent, err := db.Outbox().Recent(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Record
	for _, r := range recent {
		if r.To == to && strings.HasPrefix(r.Subject, applicants.MailUnused) {
			out = append(out, r)
		}
	}
	return out
}

// An account with no application and no login for two years is told 30
// days before, once, and deleted when the two years are out; not a second
// sooner on either boundary. A login meanwhile keeps it and ends the
// notice; an account with an application left is never deleted as unused.
func TestUnusedAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := testenv.NewClock(start)
	svc := unusedService(db, clock)
	hash, err := svc.Hasher.Hash("ett långt lösenord")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, email := range []string{"oanvant@example.se", "ansokt@example.se", "inloggad@example.se"} {
		if ids[email], err = db.Accounts().CreateAccount(ctx, applicants.Account{Email: email, PasswordHash: hash, CreatedAt: start}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Applications().CreateApplication(ctx, applications.Application{Applicant: ids["ansokt@example.se"], AdRef: "EXK-1",
		Status: applications.StatusSubmitted, Version: 1, CreatedAt: start, SubmittedAt: start}); err != nil {
		t.Fatal(err)
	}
	deleteAt := start.AddDate(2, 0, 0)
	noticeAt := deleteAt.Add(-30 * 24 * time.Hour)
	run := func(at time.Time, want int) {
		t.Helper()
		clock.Set(at)
		if n, err := svc.DeleteUnused(ctx); err != nil || n != want {
			t.Fatalf("at %v: %d deleted, want %d (%v)", at, n, want, err)
		}
	}
	exists := func(email string) bool {
		_, err := db.Accounts().AccountByID(ctx, ids[email])
		if err != nil && !errors.Is(err, applicants.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}

	run(noticeAt.Add(-time.Second), 0)
	if n := notices(t, db, "oanvant@example.se"); len(n) != 0 {
		t.Fatalf("told a second early: %d", len(n))
	}
	run(noticeAt, 0)
	run(noticeAt.Add(time.Hour), 0) // a second run tells nobody again
	told := notices(t, db, "oanvant@example.se")
	if len(told) != 1 || !strings.Contains(told[0].Text, deleteAt.Format(time.RFC3339)) ||
		told[0].Subject != applicants.MailUnused+" sv / "+applicants.MailUnused+" en" {
		t.Fatalf("notices: %+v", told)
	}
	if n := notices(t, db, "ansokt@example.se"); len(n) != 0 {
		t.Fatal("an account with an application was told")
	}
	if n := notices(t, db, "inloggad@example.se"); len(n) != 1 {
		t.Fatalf("the other unused account told %d times", len(n))
	}

	// A login ends the notice, and the two years run from it.
	loginAt := deleteAt.Add(-10 * 24 * time.Hour)
	clock.Set(loginAt)
	if _, _, err := svc.Login(ctx, "inloggad@example.se", "ett långt lösenord", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.Accounts().AccountByID(ctx, ids["inloggad@example.se"]); !a.IdleNoticeAt.IsZero() || !a.LastLoginAt.Equal(loginAt) {
		t.Fatalf("login: notice %v, last login %v", a.IdleNoticeAt, a.LastLoginAt)
	}

	run(deleteAt.Add(-time.Second), 0)
	if !exists("oanvant@example.se") {
		t.Fatal("deleted a second early")
	}
	run(deleteAt, 1)
	if exists("oanvant@example.se") || !exists("inloggad@example.se") || !exists("ansokt@example.se") {
		t.Fatal("the wrong account went")
	}

	// The logged-in account falls unused again two years after the login.
	again := loginAt.AddDate(2, 0, 0)
	run(again.Add(-30*24*time.Hour-time.Second), 0)
	if n := notices(t, db, "inloggad@example.se"); len(n) != 1 {
		t.Fatalf("told again a second early: %d", len(n))
	}
	run(again.Add(-30*24*time.Hour), 0)
	if n := notices(t, db, "inloggad@example.se"); len(n) != 2 {
		t.Fatalf("not told again: %d", len(n))
	}
	run(again, 1)
	// Years on, the account with an application is still there.
	run(start.AddDate(10, 0, 0), 0)
	if !exists("ansokt@example.se") {
		t.Fatal("an account with an application was deleted as unused")
	}
}

// A notice sent late still gives its 30 days in full, and an account from
// before logins were recorded counts from the security log's latest login.
func TestUnusedAccountNoticeInFull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := testenv.NewClock(start)
	svc := unusedService(db, clock)
	late, err := db.Accounts().CreateAccount(ctx, applicants.Account{Email: "sen@example.se", CreatedAt: start})
	if err != nil {
		t.Fatal(err)
	}
	logged, err := db.Accounts().CreateAccount(ctx, applicants.Account{Email: "logg@example.se", CreatedAt: start})
	if err != nil {
		t.Fatal(err)
	}
	loggedIn := start.AddDate(1, 0, 0)
	if err := db.Accounts().AddEvent(ctx, logged, applicants.Event{At: loggedIn, Kind: applicants.EventLogin}); err != nil {
		t.Fatal(err)
	}
	// The task first runs on the day the two years are out.
	toldAt := start.AddDate(2, 0, 0)
	clock.Set(toldAt)
	if n, err := svc.DeleteUnused(ctx); err != nil || n != 0 {
		t.Fatalf("deleted without notice: %d %v", n, err)
	}
	if n := notices(t, db, "sen@example.se"); len(n) != 1 || !strings.Contains(n[0].Text, toldAt.Add(30*24*time.Hour).Format(time.RFC3339)) {
		t.Fatalf("late notice: %+v", n)
	}
	if n := notices(t, db, "logg@example.se"); len(n) != 0 {
		t.Fatal("told though logged in a year ago")
	}
	clock.Set(toldAt.Add(30*24*time.Hour - time.Second))
	if n, _ := svc.DeleteUnused(ctx); n != 0 {
		t.Fatal("deleted before the notice's 30 days")
	}
	clock.Set(toldAt.Add(30 * 24 * time.Hour))
	if n, err := svc.DeleteUnused(ctx); err != nil || n != 1 {
		t.Fatalf("after the notice: %d %v", n, err)
	}
	if _, err := db.Accounts().AccountByID(ctx, late); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("kept: %v", err)
	}
	if n, _ := db.Outbox().Recent(ctx, 100); len(n) != 1 {
		t.Fatalf("%d mails: an unused account's deletion is told by its notice only", len(n))
	}
}
