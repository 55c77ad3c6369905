package staffauth_test

import (
	"context"
	"errors"
	"sort"
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

// An unknown user name takes the same time as a wrong password: both
// verify one hash with the production parameters, which dwarfs the rest.
// The bound is wide so that a busy machine cannot fail it.
func TestUnknownUserTakesTheTimeOfAWrongPassword(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	s := &staffauth.Service{Store: db.StaffCredentials(), People: db.Employees(), Counter: db.Counters(),
		Mailer: mail.NewOutbox(db.Outbox(), time.Now), Render: kindMails{}, Hasher: credentials.DefaultHasher,
		Limits: staffauth.DefaultLimits, Now: time.Now, Sleep: func(context.Context, time.Duration) {}}
	s.Limits.FailsPerAccount, s.Limits.FailsPerAddress = 1000, 1000
	if err := db.Employees().SavePerson(ctx, employees.Person{ID: "evaryl01", Active: true, WorkEmail: "eva@example.se"}); err != nil {
		t.Fatal(err)
	}
	hash, _ := credentials.DefaultHasher.Hash("korrekt häst batteri häftklammer")
	if err := db.StaffCredentials().SetPassword(ctx, "evaryl01", hash, time.Now()); err != nil {
		t.Fatal(err)
	}
	median := func(user string) time.Duration {
		var ds []time.Duration
		for range 7 {
			start := time.Now()
			if _, err := s.Login(ctx, user, "inte rätt", "192.0.2.1"); !errors.Is(err, staffauth.ErrBadCredentials) {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	known, unknown := median("evaryl01"), median("finnsinte01")
	t.Logf("median failed login: known %v, unknown %v", known, unknown)
	if ratio := float64(known) / float64(unknown); ratio < 0.5 || ratio > 2 {
		t.Fatalf("known %v vs unknown %v: the time tells whether a user exists", known, unknown)
	}
}
