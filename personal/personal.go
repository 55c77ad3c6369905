// Package personal is a member of staff's own personal data
// ("Personligt", seed 001): name, postal address, phone and private
// e-mail, the bank account pay goes to (shown masked), and the relatives
// and children to contact when something happens at work.
//
// Where it comes from: the name is the staff directory's (the HR export);
// the starting address, phone and e-mail and the bank account are what
// HR and payroll export (Exported, stored by the demo data or an import);
// what the person enters here is kept apart, as their own entries (Own),
// and shown in place of the exported values. The bank account is only
// ever held masked, its clearing number and last four digits: the portal
// has no use for the whole number. The employer decides which of the
// address, the phone and the e-mail staff may change (Editable).
package personal

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"portal/valid"
)

// Errors of personal data.
var (
	ErrNotFound = errors.New("personal: not found")
	// ErrTaken: the relative's slot is held by another one already.
	ErrTaken = errors.New("personal: slot taken")
)

// MaxRelatives is how many relatives and children one person may enter.
const MaxRelatives = 20

// Field is a part of the contact details the employer may let staff change.
type Field string

// The parts of the contact details.
const (
	FieldAddress Field = "address" // street, postal code and city together
	FieldPhone   Field = "phone"
	FieldEmail   Field = "email" // the private e-mail address
)

// Fields are the parts in the order they are named.
var Fields = []Field{FieldAddress, FieldPhone, FieldEmail}

// Editable is the set of parts staff may change themselves.
type Editable map[Field]bool

// DefaultEditable is "address,phone,email": all of them.
const DefaultEditable = "address,phone,email"

// ParseEditable reads a comma-separated list of parts ("address,phone");
// "none" or an empty list lets staff change nothing.
func ParseEditable(s string) (Editable, error) {
	e := Editable{}
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "none" {
		return e, nil
	}
	for _, part := range strings.Split(s, ",") {
		f := Field(strings.TrimSpace(part))
		if !slices.Contains(Fields, f) {
			return nil, fmt.Errorf("unknown part %q: want address, phone, email or none", part)
		}
		e[f] = true
	}
	return e, nil
}

// May reports whether staff may change the part; templates ask by name.
func (e Editable) May(f string) bool { return e[Field(f)] }

// Any reports whether staff may change any part.
func (e Editable) Any() bool { return len(e) > 0 }

// Contact is a person's postal address, phone and private e-mail.
type Contact struct {
	Street, PostalCode, City string
	Phone                    string
	Email                    string
}

// Bank is the account pay goes to, as the portal keeps it: masked.
type Bank struct {
	Clearing string // "8327-9"
	Last4    string // the account number's last four digits
}

// Masked is how the account is shown: "8327-9 •••• 1234".
func (b Bank) Masked() string { return b.Clearing + " •••• " + b.Last4 }

var clearingPattern = regexp.MustCompile(`^\d{4}(-\d)?$`)

// MaskAccount keeps of an exported account its clearing number and the
// last four digits of its number, which is all the portal stores.
func MaskAccount(clearing, number string) (Bank, error) {
	clearing = strings.TrimSpace(clearing)
	if !clearingPattern.MatchString(clearing) {
		return Bank{}, errors.New("personal: the clearing number must be four digits, perhaps with a check digit (8327-9)")
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == ' ' || r == '-' {
			return -1
		}
		return 'x'
	}, number)
	if strings.Contains(digits, "x") || len(digits) < 4 || len(digits) > 15 {
		return Bank{}, errors.New("personal: the account number must be 4–15 digits")
	}
	return Bank{Clearing: clearing, Last4: digits[len(digits)-4:]}, nil
}

// Exported is what HR and payroll export about a person: the starting
// contact details and the bank account.
type Exported struct {
	PersonID  string
	Contact   Contact
	Bank      *Bank // nil: no account on file
	UpdatedAt time.Time
}

// Own is what the person entered; Address, Phone and Email say which
// parts they have, so that the rest shows what HR exported.
type Own struct {
	PersonID              string
	Contact               Contact
	Address, Phone, Email bool
	UpdatedAt             time.Time
}

// Details is what the page shows of a person: the contact details in
// force, each part from the person's own entries when they made one, and
// the masked bank account.
type Details struct {
	Contact Contact
	Bank    *Bank
	// Own reports which parts are the person's own entries.
	Own Editable
}

// Kind tells a relative from a child.
type Kind string

// The kinds of entries under "Anhöriguppgifter".
const (
	KindRelative Kind = "relative"
	KindChild    Kind = "child"
)

// Relation is how a relative is related to the person.
type Relation string

// The relations a relative may have.
const (
	Spouse     Relation = "spouse"     // make/maka
	Cohabitant Relation = "cohabitant" // sambo
	Partner    Relation = "partner"
	Parent     Relation = "parent"  // förälder
	Sibling    Relation = "sibling" // syskon
	Child      Relation = "child"   // barn (a grown-up child to contact)
	Other      Relation = "other"   // annan
)

// Relations are the relations in the order the form lists them.
var Relations = []Relation{Spouse, Cohabitant, Partner, Parent, Sibling, Child, Other}

// Relative is one relative or child of a person. A relative has a
// relation, phones and perhaps an e-mail address; a child a birth date
// (no personal identity number: the least that serves) and whether the
// child lives with the person.
type Relative struct {
	ID        string
	PersonID  string
	Kind      Kind
	Slot      int // 1..MaxRelatives, unique per person
	Name      string
	Relation  Relation
	Phone     string
	Phone2    string
	Email     string
	Emergency bool // contact when something happens at work
	BirthDate time.Time
	LivesWith bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Change is one change of a person's data as it is recorded: who, when,
// what and which fields, never their values.
type Change struct {
	PersonID string
	By       string
	At       time.Time
	Action   string   // "changed", "added", "removed"
	What     string   // "contact", "relative", "child"
	Fields   []string // the fields changed
}

// Store keeps personal data.
type Store interface {
	// Exported returns what HR exported about the person or ErrNotFound.
	Exported(ctx context.Context, personID string) (Exported, error)
	// SaveExported stores what HR exported, replacing what was there.
	SaveExported(ctx context.Context, e Exported) error
	// Own returns the person's own entries or ErrNotFound.
	Own(ctx context.Context, personID string) (Own, error)
	// SaveOwn stores the person's own entries, replacing what was there.
	SaveOwn(ctx context.Context, o Own) error
	// Relatives returns the person's relatives and children by slot.
	Relatives(ctx context.Context, personID string) ([]Relative, error)
	// Relative returns one of the person's relatives, or ErrNotFound also
	// when it is someone else's.
	Relative(ctx context.Context, personID, id string) (Relative, error)
	// InsertRelative stores a new relative under a new id, which it
	// returns; ErrTaken when another holds the person's slot.
	InsertRelative(ctx context.Context, r Relative) (string, error)
	// UpdateRelative replaces one of the person's relatives; ErrNotFound
	// when it is not there or someone else's.
	UpdateRelative(ctx context.Context, r Relative) error
	// DeleteRelative removes one of the person's relatives; ErrNotFound
	// when it is not there or someone else's.
	DeleteRelative(ctx context.Context, personID, id string) error
	// RecordChange adds to the person's record of changes.
	RecordChange(ctx context.Context, c Change) error
	// Changes returns the person's latest changes, newest first.
	Changes(ctx context.Context, personID string, limit int) ([]Change, error)
}

// Service is personal data as staff see and change their own.
type Service struct {
	Store    Store
	Editable Editable
	Now      func() time.Time
}

// Details returns what the person's page shows.
func (s *Service) Details(ctx context.Context, personID string) (Details, error) {
	exp, err := s.Store.Exported(ctx, personID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Details{}, err
	}
	own, err := s.Store.Own(ctx, personID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Details{}, err
	}
	return merge(exp, own), nil
}

func merge(exp Exported, own Own) Details {
	d := Details{Contact: exp.Contact, Bank: exp.Bank, Own: Editable{}}
	if own.Address {
		d.Contact.Street, d.Contact.PostalCode, d.Contact.City = own.Contact.Street, own.Contact.PostalCode, own.Contact.City
		d.Own[FieldAddress] = true
	}
	if own.Phone {
		d.Contact.Phone, d.Own[FieldPhone] = own.Contact.Phone, true
	}
	if own.Email {
		d.Contact.Email, d.Own[FieldEmail] = own.Contact.Email, true
	}
	return d
}

// SaveContact stores the parts of in the employer lets staff change;
// the other parts of in are ignored, whatever they hold. Nothing is
// stored when any part is wrong: the error is a valid.Problems. It
// returns the fields that changed (none: nothing was written).
func (s *Service) SaveContact(ctx context.Context, personID string, in Contact) ([]string, error) {
	in = in.Clean()
	if err := in.Validate(s.Editable); err != nil {
		return nil, err
	}
	exp, err := s.Store.Exported(ctx, personID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	own, err := s.Store.Own(ctx, personID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	before := merge(exp, own).Contact
	own.PersonID = personID
	var changed []string
	set := func(name string, old string, to *string, value string) {
		if old != value {
			changed = append(changed, name)
		}
		*to = value
	}
	if s.Editable[FieldAddress] {
		set("street", before.Street, &own.Contact.Street, in.Street)
		set("postal_code", before.PostalCode, &own.Contact.PostalCode, in.PostalCode)
		set("city", before.City, &own.Contact.City, in.City)
		own.Address = own.Address || len(changed) > 0
	}
	if s.Editable[FieldPhone] {
		n := len(changed)
		set("phone", before.Phone, &own.Contact.Phone, in.Phone)
		own.Phone = own.Phone || len(changed) > n
	}
	if s.Editable[FieldEmail] {
		n := len(changed)
		set("email", before.Email, &own.Contact.Email, in.Email)
		own.Email = own.Email || len(changed) > n
	}
	if len(changed) == 0 {
		return nil, nil
	}
	own.UpdatedAt = s.Now()
	if err := s.Store.SaveOwn(ctx, own); err != nil {
		return nil, err
	}
	return changed, s.Store.RecordChange(ctx, Change{PersonID: personID, By: personID, At: own.UpdatedAt, Action: "changed", What: "contact", Fields: changed})
}

var (
	postalCode = regexp.MustCompile(`^\d{3} ?\d{2}$`)
	// A Swedish number from its 0 (08-123 456 78, 070-123 45 67) or an
	// international one from its + or 00 (+46 70 123 45 67), once spaces,
	// dashes and parentheses are taken out.
	phoneDigits = regexp.MustCompile(`^(\+[1-9]\d{6,14}|00[1-9]\d{6,14}|0[1-9]\d{5,10})$`)
	phoneChars  = regexp.MustCompile(`^[0-9+ ()-]+$`)
)

// oneLine tidies a one-line text: trimmed, inner runs of spaces as one.
func oneLine(s string) string { return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ") }

// Clean trims the parts and writes a postal code as "123 45".
func (c Contact) Clean() Contact {
	c = Contact{Street: oneLine(c.Street), PostalCode: strings.TrimSpace(c.PostalCode), City: oneLine(c.City),
		Phone: strings.TrimSpace(c.Phone), Email: strings.TrimSpace(c.Email)}
	if postalCode.MatchString(c.PostalCode) {
		digits := strings.ReplaceAll(c.PostalCode, " ", "")
		c.PostalCode = digits[:3] + " " + digits[3:]
	}
	return c
}

// ValidPhone accepts a Swedish or an international phone number.
func ValidPhone(s string) bool {
	if len(s) > 30 || !phoneChars.MatchString(s) {
		return false
	}
	return phoneDigits.MatchString(strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(s))
}

// MaxLength is the most characters each text field takes, as the
// checks here count them and the forms' maxlength says.
var MaxLength = map[string]int{
	"street": 100, "postal_code": 6, "city": 60, "name": 100,
	"phone": 30, "phone2": 30, "email": 254, // ValidPhone's and valid.Email's bounds
}

// text checks a one-line text of at most max characters; an empty one
// is the required key's problem when required is not "".
func text(errs *valid.Problems, field, value string, max int, required string) {
	switch {
	case value == "" && required != "":
		errs.Add(field, required)
	case !valid.Plain(value):
		errs.Add(field, "personal.error.control")
	case strings.ContainsAny(value, "<>"):
		errs.Add(field, "personal.error.angle")
	case utf8.RuneCountInString(value) > max:
		errs.Add(field, "personal.error.too_long", max)
	}
}

// Validate checks the parts staff may change: the address is whole (a
// street, a Swedish postal code and a city); the phone and the e-mail
// may be left out.
func (c Contact) Validate(e Editable) error {
	var errs valid.Problems
	if e[FieldAddress] {
		text(&errs, "street", c.Street, MaxLength["street"], "personal.error.street_required")
		if _, bad := errs.Field("postal_code"); !bad {
			switch {
			case c.PostalCode == "":
				errs.Add("postal_code", "personal.error.postal_code_required")
			case !postalCode.MatchString(c.PostalCode):
				errs.Add("postal_code", "personal.error.postal_code")
			}
		}
		text(&errs, "city", c.City, MaxLength["city"], "personal.error.city_required")
	}
	if e[FieldPhone] && c.Phone != "" {
		if !valid.Plain(c.Phone) || !ValidPhone(c.Phone) {
			errs.Add("phone", "personal.error.phone")
		}
	}
	if e[FieldEmail] && c.Email != "" && !valid.Email(c.Email) {
		errs.Add("email", "personal.error.email")
	}
	return errs.Err()
}
