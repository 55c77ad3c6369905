// Package factors is the second step of a staff login from outside the
// trusted networks: one-time codes by text message to a registered mobile
// number or by e-mail to the work address, and an authenticator app
// (TOTP). It also keeps what each person has set up: at most two mobile
// numbers, each confirmed by a code sent to it, and the app's secret.
//
// Codes are single use, expire after CodeLife, are bound to the login
// attempt they were sent for (the key of its session), allow MaxTries
// tries in all and are stored only as keyed hashes. Letters may be typed
// in either case. Tries are counted before they are judged, each by
// inserting a numbered place under a unique key, so requests at once
// cannot get more tries than the limit.
package factors

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"portal/employees"
	"portal/mail"
	"portal/valid"
)

// Kinds of second factor, in the order the login offers them: the app is
// the stronger choice.
const (
	KindApp   = "app"   // an authenticator app (TOTP)
	KindSMS   = "sms"   // a code by text message
	KindEmail = "email" // a code by e-mail to the work address
)

// Limits of codes and settings.
const (
	CodeLife  = 10 * time.Minute
	MaxTries  = 5
	MaxPhones = 2
	// codeLen letters and digits from alphabet: about 36 bits.
	codeLen = 8
	// alphabet has no two signs that look alike: no O, Q, 0, I, L, 1,
	// B, 8, S, 5, Z, 2, G or 6.
	alphabet = "ACDEFHJKMNPRTUVWXY3479"
	// pendingAppLife is how long a secret shown for registration waits
	// for its first code.
	pendingAppLife = 30 * time.Minute
	// Sending: sendsPerTarget codes in a CodeLife window to one number
	// or address, counted per login attempt at the second step and per
	// person and number when confirming a number (the first code and a
	// few new ones), and sendsPerHour in an hour to one person in all:
	// enough to add two numbers with a new code each and log in.
	sendsPerTarget = 4
	sendsPerHour   = 12
	// triesPerHour bounds the tries at one person's logins, over all
	// attempts: someone with the password cannot go on guessing by
	// logging in again and again.
	triesPerHour = 30
)

// Purposes of a code.
const (
	PurposeLogin = "login"
	purposePhone = "phone:" // followed by the number it confirms
)

// Errors of the second step.
var (
	ErrNotFound = errors.New("factors: not found")
	// ErrWrongCode: the code is not the one sent, or not the app's.
	ErrWrongCode = errors.New("factors: wrong code")
	// ErrNoCode: no code was sent for this attempt, or it is spent.
	ErrNoCode = errors.New("factors: no code")
	// ErrExpired: the code is older than CodeLife.
	ErrExpired = errors.New("factors: code expired")
	// ErrTooManyTries: the attempt has used its tries; it is void.
	ErrTooManyTries = errors.New("factors: too many tries")
	// ErrTooManySends: new codes are asked for too often.
	ErrTooManySends = errors.New("factors: too many codes sent")
	// ErrNoMethod: the chosen way is not one the person has.
	ErrNoMethod = errors.New("factors: no such method")
	// ErrTaken is returned by Store.SaveCode for a number taken already.
	ErrTaken = errors.New("factors: taken")
	// ErrAppFormat: what was typed as the app's code is not six digits;
	// no try is spent on it.
	ErrAppFormat = errors.New("factors: an app code is six digits")
	// ErrCodeFormat: what was typed as a code sent by text message or
	// e-mail cannot be one (length or signs); no try is spent on it.
	ErrCodeFormat = errors.New("factors: a sent code is eight letters and digits")
)

// TooManySends is ErrTooManySends that knows how long to wait.
type TooManySends struct{ Wait time.Duration }

// Error says too many codes were asked for.
func (e *TooManySends) Error() string {
	return ErrTooManySends.Error() + " (wait " + e.Wait.String() + ")"
}

// Is makes a TooManySends count as ErrTooManySends.
func (e *TooManySends) Is(target error) bool { return target == ErrTooManySends }

// WaitMinutes returns, for a refused send, the whole minutes to wait
// before a code can be sent again (at least one).
func WaitMinutes(err error) (int, bool) {
	var t *TooManySends
	if !errors.As(err, &t) {
		return 0, false
	}
	return max(1, int((t.Wait+time.Minute-1)/time.Minute)), true
}

// SentCode reports whether input has the shape of a code sent by text
// message or e-mail: codeLen signs of the alphabet once spaces and
// dashes are left out, in either case.
func SentCode(input string) bool {
	input = Normalize(strings.TrimSpace(input))
	return len(input) == codeLen && strings.Trim(input, alphabet) == ""
}

// WrongCode is ErrWrongCode that knows how many tries are left.
type WrongCode struct{ Left int }

// Error says the code is wrong.
func (e *WrongCode) Error() string {
	return ErrWrongCode.Error() + " (" + strconv.Itoa(e.Left) + " tries left)"
}

// Is makes a WrongCode count as ErrWrongCode.
func (e *WrongCode) Is(target error) bool { return target == ErrWrongCode }

// TriesLeft returns how many tries are left after a wrong code, when the
// error says.
func TriesLeft(err error) (int, bool) {
	var w *WrongCode
	if errors.As(err, &w) {
		return w.Left, true
	}
	return 0, false
}

// wrong is the answer to the n:th try, a wrong one, of left in all.
func wrong(err error, n, of int) error {
	if errors.Is(err, ErrWrongCode) && of-n > 0 {
		return &WrongCode{Left: of - n}
	}
	return err
}

// AppCode reports whether input has the shape of an app's code: six
// digits, spaces and dashes aside.
func AppCode(input string) bool {
	input = appInput(input)
	return len(input) == 6 && strings.IndexFunc(input, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// appInput is an app code as typed without its spaces and dashes.
func appInput(input string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(input))
}

// Phone is a registered mobile number, digits only, in the form Number
// writes it: 07… at home, 00 and the country code abroad.
type Phone struct {
	Number    string
	Confirmed bool // a code sent to it has come back
	AddedAt   time.Time
}

// Settings are what a person has set up for the second step.
type Settings struct {
	PersonID string
	Phones   []Phone
	// App is the authenticator app's secret, sealed; empty when none.
	App        []byte
	AppAddedAt time.Time
	// PendingApp is a secret shown for registration and not yet
	// confirmed by a first code, sealed.
	PendingApp []byte
	PendingAt  time.Time
}

// HasApp reports whether an authenticator app is registered.
func (s Settings) HasApp() bool { return len(s.App) > 0 }

// Confirmed returns the confirmed numbers in the order they were added.
func (s Settings) Confirmed() []string {
	var out []string
	for _, p := range s.Phones {
		if p.Confirmed {
			out = append(out, p.Number)
		}
	}
	return out
}

// phone finds a number in whichever form it was written.
func (s Settings) phone(number string) int {
	number = Number(number)
	for i, p := range s.Phones {
		if Number(p.Number) == number {
			return i
		}
	}
	return -1
}

// Code is a one-time code as stored: its keyed hash, never the code.
type Code struct {
	ID       string
	Attempt  string // the session key of the login attempt, or of the settings page
	Purpose  string
	PersonID string
	Kind     string // KindSMS or KindEmail
	// Method is the choice the code was sent by at a login ("sms:0",
	// "email"); empty for other purposes.
	Method string
	// Seq numbers the codes of an attempt and purpose: the highest is the
	// current one.
	Seq       int
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Method is one way the person can pass the second step.
type Method struct {
	Kind string
	// Choice names the method in a form: "app", "email", "sms:0", "sms:1".
	Choice string
	// Target is where the code goes: the number or the address.
	Target string
}

// Store keeps the settings and the codes.
type Store interface {
	// FactorSettings returns the person's settings, or ErrNotFound.
	FactorSettings(ctx context.Context, personID string) (Settings, error)
	// SaveFactorSettings stores the settings under the person's id.
	SaveFactorSettings(ctx context.Context, s Settings) error
	// SaveCode stores a new code; ErrTaken when its attempt, purpose and
	// number are taken already.
	SaveCode(ctx context.Context, c Code) error
	// CurrentCode returns the newest code of the attempt for the purpose,
	// or ErrNotFound; a newer code voids the older ones.
	CurrentCode(ctx context.Context, attempt, purpose string) (Code, error)
	// Claim takes the key for good (until expires) and reports whether it
	// was free: only one of any number of callers at once gets true.
	Claim(ctx context.Context, key string, expires time.Time) (bool, error)
}

// Counter counts events per key in fixed windows, shared by all instances.
type Counter interface {
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error)
}

// Outbox sends e-mail and text messages.
type Outbox interface {
	Send(ctx context.Context, m mail.Message) error
}

// People finds a person of the staff directory.
type People interface {
	PersonByID(ctx context.Context, id string) (employees.Person, error)
}

// Compose writes the message that carries code, for the kind KindSMS or
// KindEmail, in the reader's language.
type Compose func(kind, code string) (subject, text string)

// Service is the second step and its settings.
type Service struct {
	Store   Store
	Counter Counter
	Outbox  Outbox
	People  People
	// Key is secret; the keys that hash codes and seal app secrets are
	// derived from it.
	Key []byte
	// Issuer names the portal in the authenticator app.
	Issuer string
	// SMS: text messages can be sent (a gateway, or the development
	// outbox).
	SMS bool
	Now func() time.Time
}

func (s *Service) derive(label string) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("factors:" + label))
	return m.Sum(nil)
}

// settings returns the person's settings, empty ones when none.
func (s *Service) settings(ctx context.Context, personID string) (Settings, error) {
	st, err := s.Store.FactorSettings(ctx, personID)
	if errors.Is(err, ErrNotFound) {
		return Settings{PersonID: personID}, nil
	}
	return st, err
}

// Settings returns what the person has set up.
func (s *Service) Settings(ctx context.Context, personID string) (Settings, error) {
	return s.settings(ctx, personID)
}

// Methods returns the ways the person can pass the second step, the app
// first; e-mail to the work address works whenever there is one.
func (s *Service) Methods(ctx context.Context, personID string) ([]Method, error) {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []Method
	if st.HasApp() {
		out = append(out, Method{Kind: KindApp, Choice: KindApp})
	}
	if s.SMS {
		for i, n := range st.Confirmed() {
			out = append(out, Method{Kind: KindSMS, Choice: "sms:" + strconv.Itoa(i), Target: n})
		}
	}
	p, err := s.People.PersonByID(ctx, personID)
	if err != nil && !errors.Is(err, employees.ErrNotFound) {
		return nil, err
	}
	if err == nil && p.Active && valid.Email(p.WorkEmail) {
		out = append(out, Method{Kind: KindEmail, Choice: KindEmail, Target: p.WorkEmail})
	}
	return out, nil
}

// method finds the person's method named by choice.
func (s *Service) method(ctx context.Context, personID, choice string) (Method, error) {
	ms, err := s.Methods(ctx, personID)
	if err != nil {
		return Method{}, err
	}
	for _, m := range ms {
		if m.Choice == choice {
			return m, nil
		}
	}
	return Method{}, ErrNoMethod
}

// SendLoginCode sends a new code for the login attempt by the chosen
// method (sms:N or email) and returns the method; the attempt's earlier
// code is void from then on.
func (s *Service) SendLoginCode(ctx context.Context, attempt, personID, choice string, compose Compose) (Method, error) {
	m, err := s.method(ctx, personID, choice)
	if err != nil {
		return Method{}, err
	}
	if m.Kind == KindApp {
		return Method{}, ErrNoMethod
	}
	return m, s.send(ctx, attempt, attempt, personID, PurposeLogin, m, compose)
}

// LoginCodeSent reports whether a code was sent by the chosen method in
// the login attempt and is its current one (still valid or not): only
// then may the page say that a code was sent.
func (s *Service) LoginCodeSent(ctx context.Context, attempt, choice string) (bool, error) {
	c, err := s.Store.CurrentCode(ctx, attempt, PurposeLogin)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.Method == choice, nil
}

// send makes a code, stores its hash and puts the message in the outbox.
// The sends are counted first: per scope (the login attempt, or the
// person for a number to confirm) and target, and per person. A refusal
// says how long to wait.
func (s *Service) send(ctx context.Context, attempt, scope, personID, purpose string, m Method, compose Compose) error {
	now := s.Now()
	kind, target := m.Kind, m.Target
	for _, limit := range []struct {
		key    string
		window time.Duration
		max    int64
	}{
		{"factor-send-to:" + scope + ":" + target, CodeLife, sendsPerTarget},
		{"factor-send-person:" + personID, time.Hour, sendsPerHour},
	} {
		n, end, err := s.Counter.Hit(ctx, limit.key, limit.window, now)
		if err != nil {
			return err
		}
		if n > limit.max {
			return &TooManySends{Wait: end.Sub(now)}
		}
	}
	code, err := newCode()
	if err != nil {
		return err
	}
	id, err := randomID()
	if err != nil {
		return err
	}
	c := Code{ID: id, Attempt: attempt, Purpose: purpose, PersonID: personID, Kind: kind, Method: m.Choice,
		CreatedAt: now, ExpiresAt: now.Add(CodeLife)}
	c.Hash = s.hash(c.ID, code)
	// The new code takes the next number, so it is the current one even
	// when two are sent at the same moment.
	cur, err := s.Store.CurrentCode(ctx, attempt, purpose)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	for c.Seq = cur.Seq + 1; ; c.Seq++ {
		err := s.Store.SaveCode(ctx, c)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrTaken) {
			return err
		}
	}
	subject, text := compose(kind, code)
	msg := mail.Message{To: target, Subject: subject, Text: text}
	if kind == KindSMS {
		msg = mail.Message{Channel: mail.ChannelSMS, To: E164(target), Text: text}
	}
	return s.Outbox.Send(ctx, msg)
}

// hash is the stored form of a code: keyed, so that a copy of the
// database does not give the codes away by trying them all.
func (s *Service) hash(id, code string) string {
	m := hmac.New(sha256.New, s.derive("codes"))
	m.Write([]byte(id + ":" + code))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckLogin judges a code typed at the second step of the attempt, by
// the chosen method: the app's current code, or the code sent. Every try
// counts, right or wrong, before it is judged; the attempt is void
// (ErrTooManyTries) after the last wrong one, and so is every attempt of
// a person past triesPerHour tries in an hour. A right code works once.
// What cannot be a code (ErrAppFormat, ErrCodeFormat) costs no try.
func (s *Service) CheckLogin(ctx context.Context, attempt, personID, choice, input string) error {
	if choice == KindApp && !AppCode(input) {
		return ErrAppFormat
	}
	if choice != KindApp && !SentCode(input) {
		return ErrCodeFormat
	}
	now := s.Now()
	all, _, err := s.Counter.Hit(ctx, "factor-try-person:"+personID, time.Hour, now)
	if err != nil {
		return err
	}
	n, err := s.try(ctx, "factor-try:"+attempt, now.Add(24*time.Hour))
	if err != nil {
		return err
	}
	if n > MaxTries || all > triesPerHour {
		return ErrTooManyTries
	}
	if choice == KindApp {
		err = s.checkApp(ctx, personID, input, now)
	} else {
		err = s.checkCode(ctx, attempt, PurposeLogin, input, now)
	}
	if errors.Is(err, ErrWrongCode) && n >= MaxTries {
		return ErrTooManyTries
	}
	// The tries left are the attempt's, or fewer when the person's hour
	// has fewer.
	return wrong(err, max(n, int(all)-triesPerHour+MaxTries), MaxTries)
}

// try claims the next numbered place of key and returns it; past MaxTries
// nothing is claimed and MaxTries+1 comes back.
func (s *Service) try(ctx context.Context, key string, expires time.Time) (int, error) {
	for n := 1; n <= MaxTries; n++ {
		ok, err := s.Store.Claim(ctx, key+"|"+strconv.Itoa(n), expires)
		if err != nil {
			return 0, err
		}
		if ok {
			return n, nil
		}
	}
	return MaxTries + 1, nil
}

// checkCode judges input against the attempt's current code for the
// purpose and spends it when right.
func (s *Service) checkCode(ctx context.Context, attempt, purpose, input string, now time.Time) error {
	c, err := s.Store.CurrentCode(ctx, attempt, purpose)
	if errors.Is(err, ErrNotFound) {
		return ErrNoCode
	}
	if err != nil {
		return err
	}
	if !now.Before(c.ExpiresAt) {
		return ErrExpired
	}
	if !hmac.Equal([]byte(s.hash(c.ID, Normalize(input))), []byte(c.Hash)) {
		return ErrWrongCode
	}
	ok, err := s.Store.Claim(ctx, "factor-used:"+c.ID, c.ExpiresAt.Add(time.Hour))
	if err != nil {
		return err
	}
	if !ok {
		return ErrNoCode // spent by a request at the same moment
	}
	return nil
}

// checkApp judges input as the code of the person's authenticator app.
func (s *Service) checkApp(ctx context.Context, personID, input string, now time.Time) error {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	if !st.HasApp() {
		return ErrNoMethod
	}
	secret, err := s.open(st.App)
	if err != nil {
		return err
	}
	return s.checkTOTP(ctx, personID, secret, input, now)
}

// totpOpts are the app's parameters: the common ones every app knows.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// checkTOTP accepts the code of the current 30-second step or of the one
// before or after (clocks differ), once: a step used is claimed, so the
// same code cannot be used again.
func (s *Service) checkTOTP(ctx context.Context, personID, secret, input string, now time.Time) error {
	input = appInput(input)
	for _, d := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(d) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err != nil {
			return err
		}
		if !hmac.Equal([]byte(want), []byte(input)) {
			continue
		}
		step := at.Unix() / 30
		ok, err := s.Store.Claim(ctx, "factor-totp:"+personID+":"+strconv.FormatInt(step, 10), now.Add(5*time.Minute))
		if err != nil {
			return err
		}
		if !ok {
			return ErrWrongCode // used already
		}
		return nil
	}
	return ErrWrongCode
}

// Normalize is how a typed code is compared: letters in upper case,
// spaces and dashes left out.
func Normalize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

func newCode() (string, error) {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, codeLen)
	for i, v := range b {
		// 256 is not a multiple of the alphabet; redraw the few values
		// past the last whole round, so every sign is as likely.
		for int(v) >= 256-256%len(alphabet) {
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				return "", err
			}
			v = one[0]
		}
		out[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(out), nil
}

func randomID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// seal encrypts an app secret for storage.
func (s *Service) seal(secret string) ([]byte, error) {
	aead, err := s.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, []byte(secret), nil), nil
}

// open decrypts a sealed app secret.
func (s *Service) open(sealed []byte) (string, error) {
	aead, err := s.aead()
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", errors.New("factors: sealed secret too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("factors: open the app's secret: %w", err)
	}
	return string(plain), nil
}

func (s *Service) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.derive("app secrets"))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
