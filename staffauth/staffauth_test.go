package staffauth_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"portal/credentials"
	"portal/employees"
	"portal/internal/testenv"
	"portal/mail"
	"portal/staffauth"
)

// kindMails writes each staff e-mail as its kind.
type kindMails struct{}

func (kindMails) StaffMail(_ string, m staffauth.Mail) (string, string, error) {
	return m.Kind, m.Kind, nil
}

// An unknown user name takes the same time as a wrong password, whatever
// the person has on file (a password, a temporary one waiting, or only a
// spent temporary one) and whether what is typed looks like a temporary
// password: each does the same hashing with the production parameters,
// which dwarfs the rest. The bound is wide so that a busy machine cannot
// fail it, yet narrow enough to tell one hash from two.
func TestUnknownUserTakesTheTimeOfAWrongPassword(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	hasher := credentials.DefaultHasher
	hasher.Work = new(atomic.Int64)
	s := &staffauth.Service{Store: db.StaffCredentials(), People: db.Employees(), Counter: db.Counters(),
		Mailer: mail.NewOutbox(db.Outbox(), time.Now), Render: kindMails{}, Hasher: hasher,
		Limits: staffauth.DefaultLimits, Now: time.Now, Sleep: func(context.Context, time.Duration) {}}
	s.Limits.FailsPerAccount, s.Limits.FailsPerAddress, s.Limits.TempTries = 1000, 1000, 1000
	for _, id := range []string{"evaryl01", "temp01", "spent01"} {
		if err := db.Employees().SavePerson(ctx, employees.Person{ID: id, Active: true, WorkEmail: id + "@example.se"}); err != nil {
			t.Fatal(err)
		}
	}
	hash, _ := credentials.DefaultHasher.Hash("korrekt häst batteri häftklammer")
	for _, id := range []string{"evaryl01", "temp01"} {
		if err := db.StaffCredentials().SetPassword(ctx, id, hash, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.IssueTemporaryPassword(ctx, "temp01", "sv", staffauth.MailReset); err != nil {
		t.Fatal(err)
	}
	spent := credentials.Temp{Hash: hash, IssuedAt: time.Now().Add(-48 * time.Hour), ExpiresAt: time.Now().Add(-24 * time.Hour)}
	if err := db.StaffCredentials().SetTemp(ctx, "spent01", &spent); err != nil {
		t.Fatal(err)
	}
	// The time of a failed login is the time of its hashes (the rest is
	// a few database calls, alike for all): so the hashes are counted,
	// which no load on the machine disturbs.
	login := func(user, password string) (int64, time.Duration) {
		before, start := hasher.Work.Load(), time.Now()
		if _, err := s.Login(ctx, user, password, "192.0.2.1"); !errors.Is(err, staffauth.ErrBadCredentials) {
			t.Fatal(err)
		}
		return hasher.Work.Load() - before, time.Since(start)
	}
	login("finnsinte01", "inte rätt") // makes the dummy hash, once a process
	for _, password := range []string{"inte rätt", "12345678"} {
		for _, user := range []string{"evaryl01", "temp01", "spent01"} {
			known, kt := login(user, password)
			unknown, ut := login("finnsinte01", password)
			t.Logf("failed login with %q: %s %d hashes (%v), unknown %d (%v)", password, user, known, kt, unknown, ut)
			if known != unknown || known == 0 {
				t.Errorf("%s with %q: %d hashes, an unknown user %d: the time tells whether a user exists", user, password, known, unknown)
			}
		}
	}
}

// The first administrator's temporary password comes in a mail of its
// own kind, not the reset mail; a kind with no password in it is refused.
func TestIssueTemporaryPasswordKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)
	outbox := mail.NewOutbox(db.Outbox(), time.Now)
	s := &staffauth.Service{Store: db.StaffCredentials(), People: db.Employees(), Counter: db.Counters(),
		Mailer: outbox, Render: kindMails{}, Hasher: credentials.DefaultHasher, Limits: staffauth.DefaultLimits, Now: time.Now}
	if err := db.Employees().SavePerson(ctx, employees.Person{ID: "komadm01", Active: true, WorkEmail: "kim@example.se"}); err != nil {
		t.Fatal(err)
	}
	if err := s.IssueTemporaryPassword(ctx, "komadm01", "sv", staffauth.MailAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.IssueTemporaryPassword(ctx, "komadm01", "sv", staffauth.MailPasswordChanged); err == nil {
		t.Error("a temporary password in the mail of a changed password")
	}
	recs, err := db.Outbox().Recent(ctx, 10)
	if err != nil || len(recs) != 1 || recs[0].Subject != staffauth.MailAdmin {
		t.Fatalf("mails %+v %v", recs, err)
	}
	if c, err := db.StaffCredentials().Credential(ctx, "komadm01"); err != nil || c.Temp == nil {
		t.Fatalf("no temporary password stored: %+v %v", c, err)
	}
}
