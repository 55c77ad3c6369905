package factors

import (
	"context"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"portal/valid"
)

// The fields of the settings forms, as problems name them.
const (
	FieldNumber = "number"
	FieldCode   = "code"
)

// CheckNumber says what is wrong with a mobile number as typed: digits
// only; a Swedish mobile number, 10 digits beginning with 07; or a
// number abroad, 00 and the country code first, at most 15 digits after
// the 00 (a Swedish one so written, 0046, is a mobile number too).
func CheckNumber(number string) valid.Problems {
	var p valid.Problems
	switch {
	case number == "":
		p.Add(FieldNumber, "factor.phone.required")
	case strings.IndexFunc(number, func(r rune) bool { return r < '0' || r > '9' }) >= 0:
		p.Add(FieldNumber, "factor.phone.digits")
	case !mobile(number):
		p.Add(FieldNumber, "factor.phone.format")
	}
	return p
}

// mobile reports whether a number of digits has the shape of a mobile
// number: 07 and eight digits at home, else 00, a country code and the
// number.
func mobile(number string) bool {
	if rest, ok := strings.CutPrefix(number, "0046"); ok {
		return len(rest) == 9 && rest[0] == '7'
	}
	if rest, ok := strings.CutPrefix(number, "00"); ok {
		return len(rest) >= 7 && len(rest) <= 15 && rest[0] != '0'
	}
	return len(number) == 10 && strings.HasPrefix(number, "07")
}

// Number is the one form a valid number is stored, shown and compared
// in: a Swedish number written 0046… becomes 07…, others stay as typed.
func Number(number string) string {
	if rest, ok := strings.CutPrefix(number, "0046"); ok && rest != "" {
		return "0" + rest
	}
	return number
}

// E164 writes a number typed the Swedish way in international form:
// 0701234567 becomes +46701234567, 004799999999 becomes +4799999999.
func E164(number string) string {
	if strings.HasPrefix(number, "00") {
		return "+" + number[2:]
	}
	if strings.HasPrefix(number, "0") {
		return "+46" + number[1:]
	}
	return "+" + number
}

// AddPhone registers a mobile number for the person, not yet confirmed,
// and sends a code to it; the settings page's session is the attempt. At
// most MaxPhones numbers, confirmed or waiting. Problems name the field.
func (s *Service) AddPhone(ctx context.Context, attempt, personID, number string, compose Compose) error {
	if p := CheckNumber(number); len(p) > 0 {
		return p
	}
	if !s.SMS {
		return ErrNoMethod
	}
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	number = Number(number)
	var p valid.Problems
	switch {
	case st.phone(number) >= 0:
		p.Add(FieldNumber, "factor.phone.taken")
	case len(st.Phones) >= MaxPhones:
		p.Add(FieldNumber, "factor.phone.max")
	}
	if len(p) > 0 {
		return p
	}
	// Counted before anything is stored, so a refused send keeps nothing.
	m := Method{Kind: KindSMS, Target: number}
	if err := s.send(ctx, attempt, personID, personID, purposePhone+number, m, compose); err != nil {
		return err
	}
	st.Phones = append(st.Phones, Phone{Number: number, AddedAt: s.Now()})
	return s.Store.SaveFactorSettings(ctx, st)
}

// ResendPhone sends a new code to a number waiting for confirmation.
func (s *Service) ResendPhone(ctx context.Context, attempt, personID, number string, compose Compose) error {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	i := st.phone(number)
	if i < 0 || st.Phones[i].Confirmed || !s.SMS {
		return ErrNotFound
	}
	number = st.Phones[i].Number
	m := Method{Kind: KindSMS, Target: number}
	return s.send(ctx, attempt, personID, personID, purposePhone+number, m, compose)
}

// ConfirmPhone judges the code sent to a waiting number; when right, the
// number counts from then on. A code allows MaxTries tries; what cannot
// be a code (ErrCodeFormat) costs none.
func (s *Service) ConfirmPhone(ctx context.Context, attempt, personID, number, input string) error {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	i := st.phone(number)
	if i < 0 || st.Phones[i].Confirmed {
		return ErrNotFound
	}
	if !SentCode(input) {
		return ErrCodeFormat
	}
	number = st.Phones[i].Number
	now := s.Now()
	c, err := s.Store.CurrentCode(ctx, attempt, purposePhone+number)
	if errors.Is(err, ErrNotFound) {
		return ErrNoCode
	}
	if err != nil {
		return err
	}
	n, err := s.try(ctx, "factor-try:"+c.ID, c.ExpiresAt.Add(time.Hour))
	if err != nil {
		return err
	}
	if n > MaxTries {
		return ErrTooManyTries
	}
	if err := s.checkCode(ctx, attempt, purposePhone+number, input, now); err != nil {
		if errors.Is(err, ErrWrongCode) && n >= MaxTries {
			return ErrTooManyTries
		}
		return wrong(err, n, MaxTries)
	}
	st.Phones[i].Confirmed = true
	return s.Store.SaveFactorSettings(ctx, st)
}

// RemovePhone takes a number away, confirmed or waiting.
func (s *Service) RemovePhone(ctx context.Context, personID, number string) error {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	i := st.phone(number)
	if i < 0 {
		return ErrNotFound
	}
	st.Phones = append(st.Phones[:i], st.Phones[i+1:]...)
	return s.Store.SaveFactorSettings(ctx, st)
}

// AppSetup is a secret shown for registering an authenticator app.
type AppSetup struct {
	Secret string // base32, for typing in by hand
	URL    string // otpauth://, for the QR code
}

// StartApp returns the secret to register in the app: the one shown
// already while it is fresh, else a new one.
func (s *Service) StartApp(ctx context.Context, personID string) (AppSetup, error) {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return AppSetup{}, err
	}
	now := s.Now()
	if len(st.PendingApp) > 0 && now.Sub(st.PendingAt) < pendingAppLife {
		if secret, err := s.open(st.PendingApp); err == nil {
			return s.setup(personID, secret)
		}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.Issuer, AccountName: personID, Period: 30,
		Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return AppSetup{}, err
	}
	sealed, err := s.seal(key.Secret())
	if err != nil {
		return AppSetup{}, err
	}
	st.PendingApp, st.PendingAt = sealed, now
	if err := s.Store.SaveFactorSettings(ctx, st); err != nil {
		return AppSetup{}, err
	}
	return AppSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

func (s *Service) setup(personID, secret string) (AppSetup, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.Issuer, AccountName: personID, Period: 30,
		Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm, Secret: decodeSecret(secret)})
	if err != nil {
		return AppSetup{}, err
	}
	return AppSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmApp judges the app's first code against the secret shown; when
// right, the app is the person's from then on, replacing any earlier one.
// The attempt (the page's session) has MaxTries tries per secret.
func (s *Service) ConfirmApp(ctx context.Context, attempt, personID, input string) error {
	if !AppCode(input) {
		return ErrAppFormat
	}
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	now := s.Now()
	if len(st.PendingApp) == 0 || now.Sub(st.PendingAt) >= pendingAppLife {
		return ErrExpired
	}
	n, err := s.try(ctx, "factor-app-try:"+attempt+":"+st.PendingAt.UTC().Format(time.RFC3339Nano), now.Add(24*time.Hour))
	if err != nil {
		return err
	}
	// Out of tries, the secret goes: the next page shows a new one.
	void := func() error {
		st.PendingApp, st.PendingAt = nil, time.Time{}
		if err := s.Store.SaveFactorSettings(ctx, st); err != nil {
			return err
		}
		return ErrTooManyTries
	}
	if n > MaxTries {
		return void()
	}
	secret, err := s.open(st.PendingApp)
	if err != nil {
		return err
	}
	if err := s.checkTOTP(ctx, personID, secret, input, now); err != nil {
		if errors.Is(err, ErrWrongCode) && n >= MaxTries {
			return void()
		}
		return wrong(err, n, MaxTries)
	}
	st.App, st.AppAddedAt = st.PendingApp, now
	st.PendingApp, st.PendingAt = nil, time.Time{}
	return s.Store.SaveFactorSettings(ctx, st)
}

// RemoveApp takes the authenticator app away.
func (s *Service) RemoveApp(ctx context.Context, personID string) error {
	st, err := s.settings(ctx, personID)
	if err != nil {
		return err
	}
	st.App, st.AppAddedAt = nil, time.Time{}
	return s.Store.SaveFactorSettings(ctx, st)
}

// decodeSecret reads a secret as the app shows it (base32, unpadded).
func decodeSecret(secret string) []byte {
	b, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	return b
}
