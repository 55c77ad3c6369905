package applicants

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"portal/applications"
	"portal/credentials"
	"portal/internal/tokens"
	"portal/links"
	"portal/mail"
	"portal/valid"
)

// Store keeps accounts and their security log.
type Store interface {
	// CreateAccount stores a new account and returns its id, or
	// ErrEmailTaken.
	CreateAccount(ctx context.Context, a Account) (string, error)
	AccountByEmail(ctx context.Context, email string) (Account, error)
	AccountByID(ctx context.Context, id string) (Account, error)
	// SetPassword replaces the password and removes any temporary one.
	SetPassword(ctx context.Context, id, hash string, now time.Time) error
	// SetTempPassword replaces the temporary password; nil removes it.
	SetTempPassword(ctx context.Context, id string, t *TempPassword) error
	// ClaimTempPassword spends the temporary password issued at issued and
	// reports whether this call did; of calls at once, exactly one does.
	ClaimTempPassword(ctx context.Context, id string, issued, keepUntil time.Time) (bool, error)
	SetVerifyToken(ctx context.Context, id, tokenHash string, expires time.Time) error
	AccountByVerifyToken(ctx context.Context, tokenHash string) (Account, error)
	MarkVerified(ctx context.Context, id string, now time.Time) error
	SetProfile(ctx context.Context, id string, p Profile) error
	AddEvent(ctx context.Context, id string, e Event) error
	Events(ctx context.Context, id string, limit int) ([]Event, error)
	SetPendingEmail(ctx context.Context, id, email, tokenHash string, expires time.Time) error
	AccountByEmailToken(ctx context.Context, tokenHash string) (Account, error)
	// ApplyEmailChange makes the pending address the account's own, or
	// returns ErrEmailTaken.
	ApplyEmailChange(ctx context.Context, id, email string, now time.Time) error
	// HasApplications reports whether any application, submitted or not,
	// is stored for the applicant.
	HasApplications(ctx context.Context, id string) (bool, error)
	// ScheduleDeletion marks the account as being deleted since at; zero
	// removes the mark.
	ScheduleDeletion(ctx context.Context, id string, at time.Time) error
	// MarkedForDeletion lists, in order, up to limit accounts with a
	// deletion mark whose ids come after the given one.
	MarkedForDeletion(ctx context.Context, after string, limit int) ([]string, error)
	// RecordLogin stores the moment of a login and removes the notice of
	// an unused account.
	RecordLogin(ctx context.Context, id string, at time.Time) error
	// LastLoginEvent returns the latest login in the security log (zero
	// when none), for accounts from before logins were recorded.
	LastLoginEvent(ctx context.Context, id string) (time.Time, error)
	// UnusedAccounts lists, in order of id and after the given one, up to
	// limit accounts with no login since before (and, never logged in,
	// created before it).
	UnusedAccounts(ctx context.Context, before time.Time, after string, limit int) ([]Account, error)
	// SetIdleNotice records when the account was told it is to be deleted
	// as unused.
	SetIdleNotice(ctx context.Context, id string, at time.Time) error
	// DeleteEvents removes the account's security log.
	DeleteEvents(ctx context.Context, id string) error
	// DeleteAccount removes the account itself, nothing that hangs on it.
	DeleteAccount(ctx context.Context, id string) error
}

// Counter counts events per key in fixed windows, shared by all instances.
type Counter interface {
	// Hit records an event and returns the count with it: a limit is
	// judged by what Hit returns, never by a count taken before recording,
	// so that requests at once each see the others.
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error)
	// Undo takes back one event counted by Hit in the same window.
	Undo(ctx context.Context, key string, window time.Duration, now time.Time) error
}

// Mailer puts e-mail in the outbox.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
	// SendOnce adds the messages whose keys are new and returns how many.
	SendOnce(ctx context.Context, msgs []mail.Keyed) (int, error)
}

// Kinds of account e-mail.
const (
	MailRegisterTaken   = "register_taken"      // someone tried to register the address
	MailVerify          = "verify"              // the link that confirms the address
	MailReset           = "reset"               // a temporary password
	MailPasswordChanged = "password_changed"    // the password was changed
	MailEmailChange     = "email_change"        // the link that confirms a new address
	MailEmailChangeOld  = "email_change_old"    // to the old address: a change was asked for
	MailEmailChanged    = "email_changed"       // to the old address: the change is made
	MailEmailTaken      = "email_taken_attempt" // someone tried to change to the address
	MailDeleted         = "account_deleted"     // the account is deleted; which applications are kept, until when
	MailUnused          = "account_unused"      // the unused account is to be deleted unless someone logs in
)

// Mail is what an account e-mail tells; each kind uses some of it.
type Mail struct {
	Kind  string
	Link  string // the link that confirms something
	Code  string // a temporary password
	Hours int    // how long the link or code is good for
	Email string // the address a change is about
	// Records are the applications of a deleted account, each with how
	// long it is kept.
	Records []Record
	// Until is when an unused account is deleted.
	Until time.Time
	// The pages a message may point to.
	Login, ForgotPassword, Profile, Support string
}

// MailRenderer writes account e-mail.
type MailRenderer interface {
	// AccountMail writes one message in lang: its subject and plain text.
	AccountMail(lang string, m Mail) (subject, text string, err error)
}

// Limits of the login and reset rules.
type Limits struct {
	FailsPerAccount int64 // failed logins an hour before the account is limited
	FailsPerAddress int64 // failed logins an hour from one client address
	FailsPerPair    int64 // failed logins an hour on one account from one address, once the account's limit is passed
	PasswordChecks  int64 // tries an hour at the current password (change password or address, delete)
	ResetsPerEmail  int64 // reset requests an hour for one address
	MailsPerDay     int64 // unasked-for mail a day to one address (a taken address's owner, an address change), and address changes a day from one account
	ResetsPerIP     int64 // reset requests an hour from one client address
	TempTries       int64 // wrong tries that void a temporary password
	TempValidity    time.Duration
	VerifyValidity  time.Duration
}

// DefaultLimits are the rules of the portal.
var DefaultLimits = Limits{
	FailsPerAccount: 100, FailsPerAddress: 300, FailsPerPair: 5, PasswordChecks: 10, MailsPerDay: 5, ResetsPerEmail: 5, ResetsPerIP: 20,
	TempTries: 5, TempValidity: 24 * time.Hour, VerifyValidity: 72 * time.Hour,
}

// Accounts is what the portal does with applicant accounts.
type Accounts struct {
	Store   Store
	Counter Counter
	Mailer  Mailer
	Hasher  credentials.Hasher
	Limits  Limits
	Now     func() time.Time
	Links   links.Links
	Render  MailRenderer
	// Sleep waits between failed logins; tests replace it.
	Sleep func(ctx context.Context, d time.Duration)
	// Drafts removes what the applications of a deleted account hold
	// that is not on record.
	Drafts DraftRemover
	// Sessions ends the logins of a deleted account.
	Sessions Logins
	// Interest keeps the account's job-alert interest registration.
	Interest Interest
	// Retention tells how long submitted applications are kept and culls
	// those past their day; nil: every one is kept.
	Retention Retention
	// Unused is the rule for accounts nobody logs in to; zero Years: they
	// are kept.
	Unused Unused
	// Applications are read for "download my data".
	Applications ApplicationData
	// Viewings tell "download my data" who among the staff viewed the
	// applications; nil: nobody is told of.
	Viewings Viewings
	// Log records what fails without failing the request; nil is
	// slog.Default().
	Log *slog.Logger
}

func (s *Accounts) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// Registration is what the registration form sends.
type Registration struct {
	Email    string
	Password string
	Consent  bool
	// Protected: the applicant stated protected personal data.
	Protected bool
	Lang      string
	IP        string
	Next      string // a path of the portal to go on to once logged in
}

// Register creates an account and sends the link that verifies the
// address. For an address that already has an account nothing is created:
// its owner is told by mail instead, and the caller cannot tell the two
// apart, so the form reveals no one's address.
func (s *Accounts) Register(ctx context.Context, r Registration) error {
	email := NormalizeEmail(r.Email)
	var errs valid.Problems
	if !valid.Email(email) {
		errs.Add("email", "account.error.email")
	}
	if key := credentials.CheckPassword(r.Password, email); key != "" {
		errs.Add("password", key)
	}
	if !r.Consent {
		errs.Add("consent", "account.error.consent")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(r.Password) // the same work either way
	if err != nil {
		return err
	}
	now := s.Now()
	a := Account{Email: email, PasswordHash: hash, ConsentVersion: ConsentVersion, ConsentAt: now,
		CreatedAt: now, PasswordChangedAt: now, Profile: Profile{Country: "Sverige", Protected: r.Protected}}
	id, err := s.Store.CreateAccount(ctx, a)
	if errors.Is(err, ErrEmailTaken) {
		return s.tellOwner(ctx, email, r.Lang)
	}
	if err != nil {
		return err
	}
	a.ID = id
	s.event(ctx, id, EventRegistered, r.IP)
	return s.sendVerification(ctx, a, r.Lang, r.Next)
}

// tellOwner tells the owner of an address that someone tried to register
// it, at most a few times a day.
func (s *Accounts) tellOwner(ctx context.Context, email, lang string) error {
	n, _, err := s.Counter.Hit(ctx, "register-taken:"+email, 24*time.Hour, s.Now())
	if err != nil || n > s.Limits.MailsPerDay {
		return err
	}
	return s.send(ctx, email, lang, Mail{Kind: MailRegisterTaken})
}

// send renders one account e-mail and puts it in the outbox.
func (s *Accounts) send(ctx context.Context, to, lang string, m Mail) error {
	msg, err := s.render(lang, to, m)
	if err != nil {
		return err
	}
	return s.Mailer.Send(ctx, msg)
}

// render writes one account e-mail to an address.
func (s *Accounts) render(lang, to string, m Mail) (mail.Message, error) {
	m.Login, m.ForgotPassword = s.Links.URL(links.Login), s.Links.URL(links.ForgotPassword)
	m.Profile, m.Support = s.Links.URL(links.Profile), s.Links.URL(links.Support)
	subject, text, err := s.Render.AccountMail(lang, m)
	if err != nil {
		return mail.Message{}, fmt.Errorf("applicants: render %s mail: %w", m.Kind, err)
	}
	return mail.Message{To: to, Subject: subject, Text: text}, nil
}

// SendVerification e-mails a new link that confirms the address.
func (s *Accounts) SendVerification(ctx context.Context, a Account, lang string) error {
	return s.sendVerification(ctx, a, lang, "")
}

// sendVerification e-mails a link that confirms the address and, after
// logging in, leads on to next.
func (s *Accounts) sendVerification(ctx context.Context, a Account, lang, next string) error {
	token := tokens.New(32)
	if err := s.Store.SetVerifyToken(ctx, a.ID, tokens.Hash(token), s.Now().Add(s.Limits.VerifyValidity)); err != nil {
		return err
	}
	return s.send(ctx, a.Email, lang, Mail{Kind: MailVerify, Link: s.Links.URL(links.VerifyEmail, token, next),
		Hours: int(s.Limits.VerifyValidity.Hours())})
}

// Verify confirms the address whose link carried token.
func (s *Accounts) Verify(ctx context.Context, token string) (Account, error) {
	if len(token) != 64 {
		return Account{}, ErrBadToken
	}
	a, err := s.Store.AccountByVerifyToken(ctx, tokens.Hash(token))
	if errors.Is(err, ErrNotFound) || (err == nil && !s.Now().Before(a.VerifyExpiresAt)) {
		return Account{}, ErrBadToken
	}
	if err != nil {
		return Account{}, err
	}
	if err := s.Store.MarkVerified(ctx, a.ID, s.Now()); err != nil {
		return Account{}, err
	}
	s.event(ctx, a.ID, EventEmailVerified, "")
	a.EmailVerifiedAt = s.Now()
	return a, nil
}

// Login checks an address and a password. With the temporary password it
// succeeds once and reports temp, and the caller must allow nothing but
// choosing a new password. Every failure is ErrBadCredentials, also when a
// limit holds, so that nothing tells which part was wrong. The rules are
// the shared ones of credentials.Guard.
func (s *Accounts) Login(ctx context.Context, email, password, ip string) (a Account, temp bool, err error) {
	email = NormalizeEmail(email)
	secrets := &loginSecrets{store: s.Store}
	r, failed, err := s.guard().Login(ctx, secrets, email, password, ip)
	if errors.Is(err, credentials.ErrBadCredentials) {
		if failed != "" {
			s.event(ctx, failed, EventLoginFailed, ip)
		}
		return Account{}, false, ErrBadCredentials
	}
	if err != nil {
		return Account{}, false, err
	}
	if r.Temp {
		s.event(ctx, r.ID, EventResetUsed, ip)
	} else {
		s.event(ctx, r.ID, EventLogin, ip)
	}
	if err := s.recordLogin(ctx, secrets.account); err != nil {
		return Account{}, false, err
	}
	return secrets.account, r.Temp, nil
}

// guard is the shared login check under the applicants' limits.
func (s *Accounts) guard() credentials.Guard {
	return credentials.Guard{Prefix: "login-fail", Counter: s.Counter, Hasher: s.Hasher, Now: s.Now, Sleep: s.Sleep, Log: s.log(),
		Limits: credentials.Limits{FailsPerAccount: s.Limits.FailsPerAccount, FailsPerAddress: s.Limits.FailsPerAddress,
			FailsPerPair: s.Limits.FailsPerPair, TempTries: s.Limits.TempTries, TempValidity: s.Limits.TempValidity}}
}

// loginSecrets shows the guard the account of an address, and keeps it
// for the caller.
type loginSecrets struct {
	store   Store
	account Account
}

func (l *loginSecrets) Secret(ctx context.Context, email string) (credentials.Secret, bool, error) {
	a, err := l.store.AccountByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return credentials.Secret{}, false, nil
	}
	if err != nil {
		return credentials.Secret{}, false, err
	}
	l.account = a
	return credentials.Secret{ID: a.ID, Hash: a.PasswordHash, Temp: a.Temp}, true, nil
}

func (l *loginSecrets) ClaimTemp(ctx context.Context, id string, issued, keepUntil time.Time) (bool, error) {
	return l.store.ClaimTempPassword(ctx, id, issued, keepUntil)
}

func (l *loginSecrets) SpendTemp(ctx context.Context, id string, t credentials.Temp) error {
	return l.store.SetTempPassword(ctx, id, &t)
}

// RequestReset e-mails a temporary password when the address has an
// account. It answers the same, in about the same time, either way; the
// old password keeps working until the applicant changes it.
func (s *Accounts) RequestReset(ctx context.Context, email, ip, lang string) error {
	email = NormalizeEmail(email)
	if !valid.Email(email) {
		return valid.Problems{{Field: "email", Key: "account.error.email"}}
	}
	now := s.Now()
	perEmail, _, err := s.Counter.Hit(ctx, "reset:email:"+email, time.Hour, now)
	if err != nil {
		return err
	}
	perIP, _, err := s.Counter.Hit(ctx, "reset:ip:"+ip, time.Hour, now)
	if err != nil {
		return err
	}
	if perEmail > s.Limits.ResetsPerEmail || perIP > s.Limits.ResetsPerIP {
		return nil // limited: nothing is done, not even the work below
	}
	a, err := s.Store.AccountByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		s.Hasher.DummyWork() // the same work as for a real account
		return nil
	}
	if err != nil {
		return err
	}
	code, tp, err := s.guard().NewTemp(s.Limits.TempValidity)
	if err != nil {
		return err
	}
	if err := s.Store.SetTempPassword(ctx, a.ID, &tp); err != nil {
		return err
	}
	s.event(ctx, a.ID, EventResetRequested, ip)
	return s.send(ctx, a.Email, lang, Mail{Kind: MailReset, Code: code, Hours: int(s.Limits.TempValidity.Hours())})
}

// SetNewPassword sets the password chosen after logging in with a
// temporary one; it may not be the temporary password itself.
func (s *Accounts) SetNewPassword(ctx context.Context, id, password, ip, lang string) error {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	if key := credentials.CheckPassword(password, a.Email, a.Profile.FirstName, a.Profile.LastName); key != "" {
		return valid.Problems{{Field: "password", Key: key}}
	}
	if a.Temp != nil && s.Hasher.Verify(password, a.Temp.Hash) {
		return valid.Problems{{Field: "password", Key: "password.error.same_as_temp"}}
	}
	return s.setPassword(ctx, a, password, ip, lang)
}

// ChangePassword replaces the password after checking the current one.
func (s *Accounts) ChangePassword(ctx context.Context, id, current, password, ip, lang string) error {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	var errs valid.Problems
	if key, err := s.checkPassword(ctx, a, current); err != nil {
		return err
	} else if key != "" {
		errs.Add("current", key)
	}
	if key := credentials.CheckPassword(password, a.Email, a.Profile.FirstName, a.Profile.LastName); key != "" {
		errs.Add("password", key)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, a, password, ip, lang)
}

// checkPassword checks the current password before a change it guards and
// returns the translation key of what is wrong, or "". Tries are counted
// before they are judged, so requests sent at once cannot beat the limit;
// the right password gives its try back.
func (s *Accounts) checkPassword(ctx context.Context, a Account, password string) (string, error) {
	return s.guard().CheckCurrent(ctx, "password-check:"+a.ID, password, s.Limits.PasswordChecks, a.PasswordHash)
}

func (s *Accounts) setPassword(ctx context.Context, a Account, password, ip, lang string) error {
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, a.ID, hash, s.Now()); err != nil {
		return err
	}
	s.event(ctx, a.ID, EventPasswordChanged, ip)
	return s.send(ctx, a.Email, lang, Mail{Kind: MailPasswordChanged})
}

// UpdateProfile cleans, checks and stores the applicant's details.
func (s *Accounts) UpdateProfile(ctx context.Context, id string, p Profile, ip string) (Profile, error) {
	p = p.Clean()
	if err := p.Validate(); err != nil {
		return p, err
	}
	if err := s.Store.SetProfile(ctx, id, p); err != nil {
		return p, err
	}
	s.event(ctx, id, EventProfileChanged, ip)
	return p, nil
}

// StateProtected records whether the applicant has protected personal
// data, leaving the rest of the profile as it is; the next version they
// submit carries it.
func (s *Accounts) StateProtected(ctx context.Context, id string, protected bool, ip string) error {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	if a.Profile.Protected == protected {
		return nil
	}
	p := a.Profile
	p.Protected = protected
	if err := s.Store.SetProfile(ctx, id, p); err != nil {
		return err
	}
	s.event(ctx, id, EventProfileChanged, ip)
	return nil
}

// Account returns one account.
func (s *Accounts) Account(ctx context.Context, id string) (Account, error) {
	return s.Store.AccountByID(ctx, id)
}

// Events returns the newest security events of an account.
func (s *Accounts) Events(ctx context.Context, id string) ([]Event, error) {
	return s.Store.Events(ctx, id, 50)
}

// Record adds an event to an account's log (logout is recorded by the web side).
func (s *Accounts) Record(ctx context.Context, id, kind, ip string) { s.event(ctx, id, kind, ip) }

// event records a security event; a failure to record does not undo the
// action it records.
func (s *Accounts) event(ctx context.Context, id, kind, ip string) {
	if err := s.Store.AddEvent(ctx, id, Event{At: s.Now(), Kind: kind, IP: ip}); err != nil {
		s.log().Warn("security event not recorded", "kind", kind, "err", err)
	}
}

// RequestEmailChange sends a link to the new address after checking the
// password; the account keeps its address until the link is opened, and
// the old address is told.
func (s *Accounts) RequestEmailChange(ctx context.Context, id, newEmail, password, lang string) error {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	email := NormalizeEmail(newEmail)
	var errs valid.Problems
	switch {
	case !valid.Email(email):
		errs.Add("new_email", "account.error.email")
	case email == a.Email:
		errs.Add("new_email", "account.error.same_email")
	}
	if key, err := s.checkPassword(ctx, a, password); err != nil {
		return err
	} else if key != "" {
		errs.Add("email_password", key)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	now := s.Now()
	changes, _, err := s.Counter.Hit(ctx, "email-change:"+id, 24*time.Hour, now)
	if err != nil {
		return err
	}
	if changes > s.Limits.MailsPerDay {
		return valid.Problems{{Field: "new_email", Key: "account.error.too_many_changes"}}
	}
	// The answer is the same whether the new address has an account: the
	// change waits for its link either way, and the link goes only to an
	// address that is free, and only a few times a day to one address.
	sent, _, err := s.Counter.Hit(ctx, "email-change-to:"+email, 24*time.Hour, now)
	if err != nil {
		return err
	}
	_, err = s.Store.AccountByEmail(ctx, email)
	taken := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	token := tokens.New(32)
	if err := s.Store.SetPendingEmail(ctx, id, email, tokens.Hash(token), now.Add(s.Limits.VerifyValidity)); err != nil {
		return err
	}
	switch {
	case sent > s.Limits.MailsPerDay:
		return nil
	case taken:
		return s.send(ctx, email, lang, Mail{Kind: MailEmailTaken})
	}
	if err := s.send(ctx, email, lang, Mail{Kind: MailEmailChange, Link: s.Links.URL(links.ConfirmEmailChange, token),
		Hours: int(s.Limits.VerifyValidity.Hours())}); err != nil {
		return err
	}
	return s.send(ctx, a.Email, lang, Mail{Kind: MailEmailChangeOld, Email: email})
}

// ConfirmEmailChange applies the change whose link carried token.
func (s *Accounts) ConfirmEmailChange(ctx context.Context, token, lang string) (Account, error) {
	if len(token) != 64 {
		return Account{}, ErrBadToken
	}
	a, err := s.Store.AccountByEmailToken(ctx, tokens.Hash(token))
	if errors.Is(err, ErrNotFound) || (err == nil && !s.Now().Before(a.EmailTokenExpires)) {
		return Account{}, ErrBadToken
	}
	if err != nil {
		return Account{}, err
	}
	old := a.Email
	if err := s.Store.ApplyEmailChange(ctx, a.ID, a.PendingEmail, s.Now()); err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return Account{}, ErrBadToken
		}
		return Account{}, err
	}
	// After the account, never before: an address another account took
	// meanwhile must not get the alerts.
	if err := s.Interest.AccountEmailChanged(ctx, a.ID, a.PendingEmail); err != nil {
		return Account{}, err
	}
	s.event(ctx, a.ID, EventEmailChanged, "")
	_ = s.send(ctx, old, lang, Mail{Kind: MailEmailChanged, Email: a.PendingEmail})
	a.Email, a.PendingEmail = a.PendingEmail, ""
	return a, nil
}

// Export is everything stored about an applicant, for "download my data".
type Export struct {
	Email          string    `json:"email"`
	EmailVerified  time.Time `json:"email_verified,omitzero"`
	ConsentVersion string    `json:"consent_version"`
	ConsentAt      time.Time `json:"consent_at"`
	Profile        Profile   `json:"profile"`
	CreatedAt      time.Time `json:"created_at"`
	PasswordSet    time.Time `json:"password_changed_at"`
	DeleteAfter    time.Time `json:"deletion_scheduled_for,omitzero"`
	Events         []Event   `json:"security_events"`
	// Applications are the applicant's applications with their versions.
	Applications []ExportedApplication `json:"applications"`
	// Interest is the interest registration, when there is one.
	Interest *InterestExport `json:"interest_registration,omitempty"`
	// Viewed lists who among the staff viewed what of the applications.
	Viewed []Viewing `json:"viewed_by_staff"`
	// Files are the attachments to put beside the data, each checked to be
	// there; Missing names those gone for good.
	Files   []applications.Attachment `json:"-"`
	Missing []string                  `json:"-"`
}

// ExportData gathers an applicant's data: the account, the applications
// with their files and the interest registration; secrets (hashes, tokens)
// stay out. It returns ErrFilesUnavailable when the files cannot be
// checked.
func (s *Accounts) ExportData(ctx context.Context, id string) (Export, error) {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return Export{}, err
	}
	events, err := s.Store.Events(ctx, id, 10000)
	if err != nil {
		return Export{}, err
	}
	x := Export{Email: a.Email, EmailVerified: a.EmailVerifiedAt, ConsentVersion: a.ConsentVersion, ConsentAt: a.ConsentAt,
		Profile: a.Profile, CreatedAt: a.CreatedAt, PasswordSet: a.PasswordChangedAt, DeleteAfter: a.DeleteAfter, Events: events}
	interest, ok, err := s.Interest.ExportInterest(ctx, id)
	if err != nil {
		return Export{}, err
	}
	if ok {
		x.Interest = &interest
	}
	if err := exportApplications(ctx, s.Applications, s.Viewings, id, &x); err != nil {
		return Export{}, err
	}
	return x, nil
}
