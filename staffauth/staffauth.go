// Package staffauth is the staff's own passwords: logging in with a user
// name, the temporary password mailed to the work address on file, the
// change of a temporary or expired password, and the change under
// Settings. The rules of the check are the shared ones of
// portal/credentials; the people are those of the staff directory.
package staffauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"portal/credentials"
	"portal/employees"
	"portal/mail"
	"portal/valid"
)

// Errors of staff logins.
var (
	// ErrBadCredentials is the one answer to every failed login: a wrong
	// user name or password, a person who has left, a limit.
	ErrBadCredentials = credentials.ErrBadCredentials
	// ErrNotFound: the person has no credentials stored.
	ErrNotFound = errors.New("staffauth: no credentials")
)

// Credential is what is stored of a person's password.
type Credential struct {
	PersonID     string
	PasswordHash string // empty until the person has chosen one
	ChangedAt    time.Time
	Temp         *credentials.Temp
}

// Store keeps the staff's credentials, keyed by person id.
type Store interface {
	// Credential returns the person's credentials, or ErrNotFound.
	Credential(ctx context.Context, personID string) (Credential, error)
	// SetPassword replaces the password, removes any temporary one and
	// records when.
	SetPassword(ctx context.Context, personID, hash string, at time.Time) error
	// SetTemp replaces the temporary password; nil removes it. The person
	// need have no credentials yet.
	SetTemp(ctx context.Context, personID string, t *credentials.Temp) error
	// ClaimTemp spends the temporary password issued at issued and reports
	// whether this call did; of calls at once, exactly one does.
	ClaimTemp(ctx context.Context, personID string, issued, keepUntil time.Time) (bool, error)
}

// People finds the members of staff.
type People interface {
	// PersonByID returns the person, or employees.ErrNotFound.
	PersonByID(ctx context.Context, id string) (employees.Person, error)
}

// Mailer puts e-mail in the outbox.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Kinds of staff e-mail.
const (
	MailReset           = "staff_reset"            // a temporary password
	MailPasswordChanged = "staff_password_changed" // the password was changed
	// MailAdmin: the person was made system administrator (given an
	// account, when new) and has a temporary password to log in with.
	MailAdmin = "staff_admin"
)

// Mail is what a staff e-mail tells.
type Mail struct {
	Kind  string
	User  string // the user name, as the seed shows it: "EVARYL01"
	Code  string // a temporary password
	Hours int    // how long the code is good for
	Login string // the staff login page
}

// MailRenderer writes staff e-mail.
type MailRenderer interface {
	// StaffMail writes one message in lang: its subject and plain text.
	StaffMail(lang string, m Mail) (subject, text string, err error)
}

// Limits of staff logins.
type Limits struct {
	credentials.Limits
	PasswordChecks int64 // tries an hour at the current password when changing it
	ResetsPerUser  int64 // reset requests an hour for one user name
	ResetsPerIP    int64 // reset requests an hour from one client address
}

// DefaultLimits are the portal's rules, the applicants' numbers.
var DefaultLimits = Limits{
	Limits: credentials.Limits{FailsPerAccount: 100, FailsPerAddress: 300, FailsPerPair: 5, TempTries: 5,
		TempValidity: 24 * time.Hour},
	PasswordChecks: 10, ResetsPerUser: 5, ResetsPerIP: 20,
}

// maxUser bounds a typed user name; longer ones name nobody.
const maxUser = 100

// Service is what the portal does with staff passwords.
type Service struct {
	Store   Store
	People  People
	Counter credentials.Counter
	Mailer  Mailer
	Render  MailRenderer
	Hasher  credentials.Hasher
	Limits  Limits
	// MaxAge is how long a password lasts before it must be changed;
	// zero: for ever.
	MaxAge time.Duration
	Now    func() time.Time
	// LoginURL is the staff login page, for the mail.
	LoginURL string
	// Sleep waits between failed logins; tests replace it.
	Sleep func(ctx context.Context, d time.Duration)
	// Log records what fails without failing the request; nil is
	// slog.Default().
	Log *slog.Logger
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) guard() credentials.Guard {
	return credentials.Guard{Prefix: "staff-login-fail", Counter: s.Counter, Hasher: s.Hasher, Limits: s.Limits.Limits,
		Now: s.Now, Sleep: s.Sleep, Log: s.log()}
}

// Login is a first factor that passed.
type Login struct {
	Person employees.Person
	// Temp: logged in with a temporary password; Expired: the password
	// is older than the maximum age. Either way only a new password may
	// be chosen before anything else.
	Temp, Expired bool
}

// MustChange reports whether the login may do nothing but choose a new
// password.
func (l Login) MustChange() bool { return l.Temp || l.Expired }

// normUser is the user name as stored, cut to a length that names nobody
// when absurd.
func normUser(user string) string {
	u := employees.NormalizeUser(user)
	if len(u) > maxUser {
		u = u[:maxUser]
	}
	return u
}

// Login checks a user name and password. Every failure is
// ErrBadCredentials, whichever was wrong, for people who have left too;
// the limits and the time taken are the shared ones of credentials.Guard.
func (s *Service) Login(ctx context.Context, user, password, ip string) (Login, error) {
	sec := &secrets{s: s}
	r, _, err := s.guard().Login(ctx, sec, normUser(user), password, ip)
	if err != nil {
		return Login{}, err
	}
	l := Login{Person: sec.person, Temp: r.Temp}
	if !r.Temp && s.MaxAge > 0 && !s.Now().Before(sec.cred.ChangedAt.Add(s.MaxAge)) {
		l.Expired = true
	}
	if r.Temp {
		s.log().Info("staff login with a temporary password")
	}
	return l, nil
}

// secrets shows the guard a person's credentials, and keeps them for
// Login.
type secrets struct {
	s      *Service
	person employees.Person
	cred   Credential
}

func (x *secrets) Secret(ctx context.Context, user string) (credentials.Secret, bool, error) {
	p, c, ok, err := x.s.active(ctx, user)
	if err != nil || !ok {
		return credentials.Secret{}, false, err
	}
	x.person, x.cred = p, c
	return credentials.Secret{ID: p.ID, Hash: c.PasswordHash, Temp: c.Temp}, true, nil
}

func (x *secrets) ClaimTemp(ctx context.Context, id string, issued, keepUntil time.Time) (bool, error) {
	return x.s.Store.ClaimTemp(ctx, id, issued, keepUntil)
}

func (x *secrets) SpendTemp(ctx context.Context, id string, t credentials.Temp) error {
	return x.s.Store.SetTemp(ctx, id, &t)
}

// active returns an active person and the credentials, ok false when
// there is no such person, the person has left or has no credentials.
func (s *Service) active(ctx context.Context, user string) (employees.Person, Credential, bool, error) {
	if user == "" {
		return employees.Person{}, Credential{}, false, nil
	}
	p, err := s.People.PersonByID(ctx, user)
	if errors.Is(err, employees.ErrNotFound) {
		return employees.Person{}, Credential{}, false, nil
	}
	if err != nil {
		return employees.Person{}, Credential{}, false, err
	}
	if !p.Active {
		return employees.Person{}, Credential{}, false, nil
	}
	c, err := s.Store.Credential(ctx, p.ID)
	if errors.Is(err, ErrNotFound) {
		return employees.Person{}, Credential{}, false, nil
	}
	if err != nil {
		return employees.Person{}, Credential{}, false, err
	}
	return p, c, true, nil
}

// RequestReset mails a new temporary password to the work address on
// file of the person with the user name, never to an address typed in.
// It answers the same, in about the same time, for an unknown name or a
// person who has left; the old password keeps working until changed.
func (s *Service) RequestReset(ctx context.Context, user, ip, lang string) error {
	user = normUser(user)
	if user == "" {
		return valid.Problems{{Field: "user", Key: "stafflogin.error.user"}}
	}
	now := s.Now()
	perUser, _, err := s.Counter.Hit(ctx, "staff-reset:user:"+user, time.Hour, now)
	if err != nil {
		return err
	}
	perIP, _, err := s.Counter.Hit(ctx, "staff-reset:ip:"+ip, time.Hour, now)
	if err != nil {
		return err
	}
	if perUser > s.Limits.ResetsPerUser || perIP > s.Limits.ResetsPerIP {
		return nil // limited: nothing is done, not even the work below
	}
	p, err := s.People.PersonByID(ctx, user)
	if errors.Is(err, employees.ErrNotFound) || (err == nil && (!p.Active || p.WorkEmail == "")) {
		s.Hasher.DummyWork() // the same work as for a real person
		return nil
	}
	if err != nil {
		return err
	}
	return s.issue(ctx, p, lang, MailReset)
}

// IssueTemporaryPassword gives the person a new temporary password and
// mails it to the work address on file, in the mail of kind: MailAdmin
// for the first administrator (`portal staff add-admin`), MailReset for
// support.
func (s *Service) IssueTemporaryPassword(ctx context.Context, personID, lang, kind string) error {
	if kind != MailReset && kind != MailAdmin {
		return fmt.Errorf("staffauth: a temporary password is not sent in mail of kind %q", kind)
	}
	p, err := s.People.PersonByID(ctx, personID)
	if err != nil {
		return err
	}
	if !p.Active || p.WorkEmail == "" {
		return fmt.Errorf("staffauth: %s has left or has no work e-mail address", p.ID)
	}
	return s.issue(ctx, p, lang, kind)
}

func (s *Service) issue(ctx context.Context, p employees.Person, lang, kind string) error {
	code, tp, err := s.guard().NewTemp(s.Limits.TempValidity)
	if err != nil {
		return err
	}
	if err := s.Store.SetTemp(ctx, p.ID, &tp); err != nil {
		return err
	}
	return s.send(ctx, p, lang, Mail{Kind: kind, Code: code, Hours: int(s.Limits.TempValidity.Hours())})
}

func (s *Service) send(ctx context.Context, p employees.Person, lang string, m Mail) error {
	m.User, m.Login = strings.ToUpper(p.ID), s.LoginURL
	subject, text, err := s.Render.StaffMail(lang, m)
	if err != nil {
		return fmt.Errorf("staffauth: render %s mail: %w", m.Kind, err)
	}
	return s.Mailer.Send(ctx, mail.Message{To: p.WorkEmail, Subject: subject, Text: text})
}

// Change is what the forms that change a password send.
type Change struct {
	Old, New, Confirm string
	// Restricted: the login was made with a temporary password (or an
	// expired one), which is then the old one.
	Restricted bool
	Lang       string
}

// ChangePassword checks the old password (the temporary one after a
// temporary login) and sets the new one, typed twice. The new one may be
// neither the old nor the temporary password. The caller ends the
// person's other sessions.
func (s *Service) ChangePassword(ctx context.Context, personID string, ch Change) error {
	p, err := s.People.PersonByID(ctx, personID)
	if err != nil {
		return err
	}
	c, err := s.Store.Credential(ctx, personID)
	if err != nil {
		return err
	}
	var errs valid.Problems
	hashes := []string{c.PasswordHash}
	if ch.Restricted && c.Temp != nil {
		hashes = append(hashes, c.Temp.Hash)
	}
	if ch.Old == "" {
		errs.Add("old_password", "stafflogin.error.old_missing")
	} else if key, err := s.guard().CheckCurrent(ctx, "staff-password-check:"+personID, ch.Old, s.Limits.PasswordChecks, hashes...); err != nil {
		return err
	} else if key != "" {
		errs.Add("old_password", key)
	}
	switch key := credentials.CheckPassword(ch.New, p.ID, p.FirstName, p.LastName, p.WorkEmail); {
	case key != "":
		errs.Add("new_password", key)
	case ch.New == ch.Old:
		errs.Add("new_password", "stafflogin.error.same_as_old")
	case c.Temp != nil && s.Hasher.Verify(ch.New, c.Temp.Hash):
		errs.Add("new_password", "password.error.same_as_temp")
	}
	if ch.Confirm != ch.New {
		errs.Add("confirm", "password.error.mismatch")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ch.New)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, personID, hash, s.Now()); err != nil {
		return err
	}
	if p.WorkEmail != "" {
		if err := s.send(ctx, p, ch.Lang, Mail{Kind: MailPasswordChanged}); err != nil {
			s.log().Warn("notice of a changed staff password not queued", "err", err)
		}
	}
	return nil
}

// PasswordExpired reports whether the person's password is older than
// the maximum age (never when there is none).
func (s *Service) PasswordExpired(ctx context.Context, personID string) (bool, error) {
	if s.MaxAge <= 0 {
		return false, nil
	}
	c, err := s.Store.Credential(ctx, personID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.PasswordHash != "" && !s.Now().Before(c.ChangedAt.Add(s.MaxAge)), nil
}
