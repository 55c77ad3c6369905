// Package employees is the staff directory: people, their employments and
// the organisation units they work in, as the HR system exports them. The
// portal is not the HR system: the directory is read from its export, and
// people who left are deactivated, never deleted.
package employees

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Errors of the directory.
var (
	ErrNotFound = errors.New("employees: not found")
)

// Unit is an organisation unit; units form a tree through ParentID.
type Unit struct {
	ID       string // the HR system's code, e.g. "EXK-SOC-HEM"
	Name     string
	ParentID string // empty for the top of the tree
	Active   bool
	// UpdatedAt is when an import last changed the unit; DeactivatedAt
	// when one last found it gone from the export.
	UpdatedAt     time.Time
	DeactivatedAt time.Time
}

// Person is one member of staff. The user name is the id.
type Person struct {
	ID        string // the user name, in lower case ("evaryl01")
	FirstName string
	LastName  string
	WorkEmail string // where temporary passwords and codes go; never one typed in
	Active    bool   // false once the person has left
	// Local: made in the portal itself (the first administrator), not
	// by the HR export; an import leaves it be until the export names it.
	Local bool
	// DefaultEmployment is the employment a login starts in ("Sätt vald
	// anställning som standard"); empty: the first active one.
	DefaultEmployment string
	// Lang is the language of the person's latest login ("sv", "en"),
	// for the e-mail the portal sends them; empty: Swedish.
	Lang          string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DeactivatedAt time.Time
}

// Name is the person's full name.
func (p Person) Name() string { return strings.TrimSpace(p.FirstName + " " + p.LastName) }

// Employment is one employment of a person: a person with several has
// several employee numbers ("ID-nummer").
type Employment struct {
	ID        string // the employee number, unique across the organisation
	PersonID  string
	UnitID    string
	Title     string
	ManagerID string // the employment of the manager; empty at the top
	Active    bool
	Start     time.Time
	End       time.Time // zero: until further notice
	// UpdatedAt is when an import last changed the employment;
	// DeactivatedAt when it last became inactive.
	UpdatedAt     time.Time
	DeactivatedAt time.Time
}

// NormalizeUser is how user names are compared: trimmed, in lower case.
func NormalizeUser(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidUser reports whether a normalized user name keeps the rule: 2–32
// letters a–z, digits, dots, dashes or underscores, starting with a letter
// or digit.
func ValidUser(s string) bool { return userPattern.MatchString(s) }

// Store keeps the directory.
type Store interface {
	// PersonByID returns the person or ErrNotFound.
	PersonByID(ctx context.Context, id string) (Person, error)
	// People returns the people with the ids; unknown ids are left out.
	People(ctx context.Context, ids []string) ([]Person, error)
	// AllPeople returns every person, active or not, by id.
	AllPeople(ctx context.Context) ([]Person, error)
	// SavePerson stores the person under its id, replacing what was there.
	SavePerson(ctx context.Context, p Person) error
	// SyncPerson stores what the HR export says of the person (names,
	// e-mail, active, the times), creating the person when missing and
	// leaving what the person chose, such as the default employment, alone.
	SyncPerson(ctx context.Context, p Person) error
	// EmploymentByID returns the employment or ErrNotFound.
	EmploymentByID(ctx context.Context, id string) (Employment, error)
	// EmploymentsOf returns the person's employments by id.
	EmploymentsOf(ctx context.Context, personID string) ([]Employment, error)
	// Reports returns the employments whose manager is the employment.
	Reports(ctx context.Context, managerID string) ([]Employment, error)
	// AllEmployments returns every employment by id.
	AllEmployments(ctx context.Context) ([]Employment, error)
	// SaveEmployment stores the employment under its id.
	SaveEmployment(ctx context.Context, e Employment) error
	// UnitByID returns the unit or ErrNotFound.
	UnitByID(ctx context.Context, id string) (Unit, error)
	// AllUnits returns every unit by id.
	AllUnits(ctx context.Context) ([]Unit, error)
	// SaveUnit stores the unit under its id.
	SaveUnit(ctx context.Context, u Unit) error
	// SetDefaultEmployment records the employment a person's logins start in.
	SetDefaultEmployment(ctx context.Context, personID, employmentID string) error
	// SetLanguage records the language of the person's latest login.
	SetLanguage(ctx context.Context, personID, lang string) error
}

// Directory answers questions about people, employments and units.
type Directory struct {
	Store Store
	Now   func() time.Time
}

// Person returns the person with the user name, or ErrNotFound.
func (d *Directory) Person(ctx context.Context, user string) (Person, error) {
	return d.Store.PersonByID(ctx, NormalizeUser(user))
}

// Employments returns the person's employments, the active ones first.
func (d *Directory) Employments(ctx context.Context, personID string) ([]Employment, error) {
	all, err := d.Store.EmploymentsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	var active, ended []Employment
	for _, e := range all {
		if e.Active {
			active = append(active, e)
		} else {
			ended = append(ended, e)
		}
	}
	return append(active, ended...), nil
}

// Employment returns the employment, or ErrNotFound.
func (d *Directory) Employment(ctx context.Context, id string) (Employment, error) {
	return d.Store.EmploymentByID(ctx, id)
}

// Unit returns the unit, or ErrNotFound.
func (d *Directory) Unit(ctx context.Context, id string) (Unit, error) {
	return d.Store.UnitByID(ctx, id)
}

// CurrentEmployment is the employment a login of the person starts in:
// the default if it is active and the person's, else the first active one.
// ErrNotFound when the person has no active employment.
func (d *Directory) CurrentEmployment(ctx context.Context, p Person) (Employment, error) {
	emps, err := d.Employments(ctx, p.ID)
	if err != nil {
		return Employment{}, err
	}
	for _, e := range emps {
		if e.Active && e.ID == p.DefaultEmployment {
			return e, nil
		}
	}
	if len(emps) > 0 && emps[0].Active {
		return emps[0], nil
	}
	return Employment{}, ErrNotFound
}

// SetDefault makes one of the person's own active employments the one
// their logins start in.
func (d *Directory) SetDefault(ctx context.Context, personID, employmentID string) error {
	e, err := d.Store.EmploymentByID(ctx, employmentID)
	if err != nil {
		return err
	}
	if e.PersonID != personID || !e.Active {
		return ErrNotFound
	}
	return d.Store.SetDefaultEmployment(ctx, personID, employmentID)
}

// SetLanguage records the language the person last logged in with.
func (d *Directory) SetLanguage(ctx context.Context, personID, lang string) error {
	return d.Store.SetLanguage(ctx, personID, lang)
}

// Ancestors returns the unit and the units above it, nearest first.
func (d *Directory) Ancestors(ctx context.Context, unitID string) ([]Unit, error) {
	var out []Unit
	seen := map[string]bool{}
	for id := unitID; id != "" && !seen[id]; {
		seen[id] = true
		u, err := d.Store.UnitByID(ctx, id)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
		id = u.ParentID
	}
	return out, nil
}

// Within reports whether unit lies in the tree under top (or is top).
func (d *Directory) Within(ctx context.Context, unit, top string) (bool, error) {
	chain, err := d.Ancestors(ctx, unit)
	if err != nil {
		return false, err
	}
	for _, u := range chain {
		if u.ID == top {
			return true, nil
		}
	}
	return false, nil
}

// ManagerOf returns the person who manages the employment, or ErrNotFound.
func (d *Directory) ManagerOf(ctx context.Context, employmentID string) (Person, Employment, error) {
	e, err := d.Store.EmploymentByID(ctx, employmentID)
	if err != nil {
		return Person{}, Employment{}, err
	}
	if e.ManagerID == "" {
		return Person{}, Employment{}, ErrNotFound
	}
	m, err := d.Store.EmploymentByID(ctx, e.ManagerID)
	if err != nil {
		return Person{}, Employment{}, err
	}
	p, err := d.Store.PersonByID(ctx, m.PersonID)
	if err != nil {
		return Person{}, Employment{}, err
	}
	return p, m, nil
}

// Reports returns the active employments that the person's active
// employments manage; another employment of the person's own is not one.
func (d *Directory) Reports(ctx context.Context, personID string) ([]Employment, error) {
	own, err := d.Store.EmploymentsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []Employment
	for _, m := range own {
		if !m.Active {
			continue
		}
		reports, err := d.Store.Reports(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range reports {
			if r.Active && r.PersonID != personID {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Manages reports whether the person holds the employment that manages
// the given employment.
func (d *Directory) Manages(ctx context.Context, personID, employmentID string) (bool, error) {
	p, _, err := d.ManagerOf(ctx, employmentID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return p.ID == personID, nil
}
