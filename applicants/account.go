// Package applicants holds job seekers' accounts: registration, e-mail
// verification, passwords and temporary passwords, login rules, profiles
// and the security events an applicant can read.
package applicants

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"portal/credentials"
	"portal/valid"
)

// Errors of the applicant domain.
var (
	ErrNotFound   = errors.New("applicants: not found")
	ErrEmailTaken = errors.New("applicants: e-mail address already registered")
	// ErrBadCredentials is the one answer to every failed login, whatever
	// failed: the address, the password, or a limit.
	ErrBadCredentials = credentials.ErrBadCredentials
	ErrBadToken       = errors.New("applicants: link is invalid or expired")
)

// ConsentVersion names the data-storage consent text an applicant accepts
// at registration; change it when the text changes.
const ConsentVersion = "2026-11"

// Profile is what the applicant tells about themselves ("Mina uppgifter").
type Profile struct {
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	Town       string `json:"town"`
	Country    string `json:"country"`
	Phone      string `json:"phone"`
	// Protected: the applicant stated that they have protected personal
	// data (sekretessmarkering, skyddad folkbokföring). Their applications
	// then carry no address, and only the recruiter sees how to reach them.
	Protected bool `json:"protected,omitempty"`
}

// ProtectedValue is the value of the form field that states protected
// personal data; an empty field states none.
const ProtectedValue = "1"

// ParseProtected reads the form field that states protected personal
// data: ProtectedValue or nothing. Anything else is a problem of field.
func ParseProtected(field, value string) (bool, error) {
	switch value {
	case "":
		return false, nil
	case ProtectedValue:
		return true, nil
	}
	var errs valid.Problems
	errs.Add(field, "protect.error.value")
	return false, errs
}

// TempPassword is a one-time numeric password sent by e-mail.
type TempPassword = credentials.Temp

// Account is a job seeker's account; the e-mail address is the user id.
type Account struct {
	ID                string
	Email             string
	PasswordHash      string
	EmailVerifiedAt   time.Time
	VerifyTokenHash   string
	VerifyExpiresAt   time.Time
	ConsentVersion    string
	ConsentAt         time.Time
	Profile           Profile
	Temp              *TempPassword
	CreatedAt         time.Time
	PasswordChangedAt time.Time
	PendingEmail      string // a new address waiting for confirmation
	EmailTokenHash    string // hash of the link that confirms it
	EmailTokenExpires time.Time
	DeleteAfter       time.Time // deletion asked for at this moment, and not yet finished
	// LastLoginAt is the day of the latest login, recorded once a day.
	LastLoginAt time.Time
	// IdleNoticeAt is when the account was told it is to be deleted as
	// unused; a login clears it.
	IdleNoticeAt time.Time
}

// Verified reports whether the e-mail address has been confirmed.
func (a Account) Verified() bool { return !a.EmailVerifiedAt.IsZero() }

// Event kinds of the security log.
const (
	EventRegistered      = "registered"
	EventEmailVerified   = "email_verified"
	EventLogin           = "login"
	EventLoginFailed     = "login_failed"
	EventResetRequested  = "reset_requested"
	EventResetUsed       = "reset_used"
	EventPasswordChanged = "password_changed"
	EventProfileChanged  = "profile_changed"
	EventLogout          = "logout"
	EventEmailChanged    = "email_changed"
	EventDeletionPlanned = "deletion_scheduled"
	EventDeletionDropped = "deletion_cancelled"
)

// Event is one entry of an account's security log.
type Event struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	IP   string    `json:"ip,omitempty"`
}

// NormalizeEmail trims and lower-cases an address for use as a user id.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

var (
	postalCode = regexp.MustCompile(`^\d{3} ?\d{2}$`)
	phone      = regexp.MustCompile(`^\+?[0-9 ()-]{6,20}$`)
)

// Clean trims every field and formats a Swedish postal code as "123 45".
func (p Profile) Clean() Profile {
	trim := strings.TrimSpace
	p = Profile{trim(p.FirstName), trim(p.LastName), trim(p.Street), trim(p.PostalCode), trim(p.Town), trim(p.Country), trim(p.Phone), p.Protected}
	if p.Country == "" {
		p.Country = "Sverige"
	}
	if postalCode.MatchString(p.PostalCode) && isSweden(p.Country) {
		digits := strings.ReplaceAll(p.PostalCode, " ", "")
		p.PostalCode = digits[:3] + " " + digits[3:]
	}
	return p
}

func isSweden(country string) bool {
	c := strings.ToLower(country)
	return c == "sverige" || c == "sweden" || c == "se"
}

// addressFields are the parts of the postal address, which an applicant
// with protected personal data need not give: no application carries it.
var addressFields = []string{"street", "postal_code", "town", "country"}

// Validate checks a cleaned profile: name, address, phone are required;
// the address is not when the applicant has protected personal data.
func (p Profile) Validate() error {
	var errs valid.Problems
	fields := []struct{ name, value string }{
		{"first_name", p.FirstName}, {"last_name", p.LastName}, {"street", p.Street},
		{"postal_code", p.PostalCode}, {"town", p.Town}, {"country", p.Country}, {"phone", p.Phone},
	}
	for _, f := range fields {
		switch {
		case f.value == "" && p.Protected && slices.Contains(addressFields, f.name):
		case f.value == "":
			errs.Add(f.name, "profile.error."+f.name)
		case utf8.RuneCountInString(f.value) > 100 || strings.ContainsAny(f.value, "\r\n\t<>"):
			errs.Add(f.name, "form.error.invalid")
		case f.name == "postal_code" && isSweden(p.Country) && !postalCode.MatchString(f.value):
			errs.Add(f.name, "profile.error.postal_code_format")
		case f.name == "phone" && !phone.MatchString(f.value):
			errs.Add(f.name, "profile.error.phone_format")
		}
	}
	return errs.Err()
}
