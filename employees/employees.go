// Package employees is the staff directory: people, their employments and
// the organisation units they work in, as the HR system exports them. The
// portal is not the HR system: the directory is read from its export, and
// people who left are deactivated, never deleted.
package employees

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"portal/stamped"
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
	// DirectoryStamp returns the directory's change stamp: a value that
	// every write above, by any instance, replaces after its change is
	// stored; "" before the first.
	DirectoryStamp(ctx context.Context) (string, error)
	// DirectoryWrites counts the writes made through this store in this
	// process, so that they are seen at once.
	DirectoryWrites() uint64
}

// Directory answers questions about people, employments and units. It
// answers them from a copy of the whole directory kept in memory, read
// anew when the directory's change stamp moves; see Refresh.
type Directory struct {
	Store Store
	Now   func() time.Time
	// Refresh bounds how long a change made by another instance (an
	// import that deactivates someone who left, a new employment) goes
	// unseen here: the stamp is read at most once per Refresh. Writes
	// through this process's store are seen at once. Zero reads the
	// stamp for every question.
	Refresh time.Duration

	once  sync.Once
	cache *stamped.Cache[*view]
}

// view is the whole directory at one stamp; never changed once read.
type view struct {
	people    map[string]Person
	emps      map[string]Employment
	byPerson  map[string][]Employment // by id
	byManager map[string][]Employment // by id
	units     map[string]Unit
}

// Loads counts how many times the directory has been read into memory.
func (d *Directory) Loads() uint64 {
	d.init()
	return d.cache.Loads()
}

func (d *Directory) init() {
	d.once.Do(func() {
		d.cache = stamped.New(stamped.Source[*view]{Stamp: d.Store.DirectoryStamp, Writes: d.Store.DirectoryWrites, Load: d.load}, d.Refresh)
	})
}

// current returns the directory as of a stamp read at most Refresh ago.
func (d *Directory) current(ctx context.Context) (*view, error) {
	d.init()
	return d.cache.Get(ctx)
}

// load reads the whole directory.
func (d *Directory) load(ctx context.Context) (*view, error) {
	units, err := d.Store.AllUnits(ctx)
	if err != nil {
		return nil, err
	}
	people, err := d.Store.AllPeople(ctx)
	if err != nil {
		return nil, err
	}
	emps, err := d.Store.AllEmployments(ctx)
	if err != nil {
		return nil, err
	}
	v := &view{people: make(map[string]Person, len(people)), emps: make(map[string]Employment, len(emps)),
		byPerson: map[string][]Employment{}, byManager: map[string][]Employment{}, units: make(map[string]Unit, len(units))}
	for _, u := range units {
		v.units[u.ID] = u
	}
	for _, p := range people {
		v.people[p.ID] = p
	}
	slices.SortFunc(emps, func(a, b Employment) int { return strings.Compare(a.ID, b.ID) })
	for _, e := range emps {
		v.emps[e.ID] = e
		v.byPerson[e.PersonID] = append(v.byPerson[e.PersonID], e)
		if e.ManagerID != "" {
			v.byManager[e.ManagerID] = append(v.byManager[e.ManagerID], e)
		}
	}
	return v, nil
}

// Person returns the person with the user name, or ErrNotFound.
func (d *Directory) Person(ctx context.Context, user string) (Person, error) {
	v, err := d.current(ctx)
	if err != nil {
		return Person{}, err
	}
	p, ok := v.people[NormalizeUser(user)]
	if !ok {
		return Person{}, ErrNotFound
	}
	return p, nil
}

// ActivePeople returns every person who has not left, by user name.
func (d *Directory) ActivePeople(ctx context.Context) ([]Person, error) {
	v, err := d.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(v.people))
	for _, p := range v.people {
		if p.Active {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Employments returns the person's employments, the active ones first.
func (d *Directory) Employments(ctx context.Context, personID string) ([]Employment, error) {
	v, err := d.current(ctx)
	if err != nil {
		return nil, err
	}
	var active, ended []Employment
	for _, e := range v.byPerson[personID] {
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
	v, err := d.current(ctx)
	if err != nil {
		return Employment{}, err
	}
	return v.employment(id)
}

func (v *view) employment(id string) (Employment, error) {
	e, ok := v.emps[id]
	if !ok {
		return Employment{}, ErrNotFound
	}
	return e, nil
}

// Unit returns the unit, or ErrNotFound.
func (d *Directory) Unit(ctx context.Context, id string) (Unit, error) {
	v, err := d.current(ctx)
	if err != nil {
		return Unit{}, err
	}
	u, ok := v.units[id]
	if !ok {
		return Unit{}, ErrNotFound
	}
	return u, nil
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

// SetLanguage records the language the person last logged in with. A
// login in the language on record writes nothing: every write of the
// directory makes every instance read it anew.
func (d *Directory) SetLanguage(ctx context.Context, personID, lang string) error {
	if p, err := d.Store.PersonByID(ctx, personID); err == nil && p.Lang == lang {
		return nil
	}
	return d.Store.SetLanguage(ctx, personID, lang)
}

// Ancestors returns the unit and the units above it, nearest first.
func (d *Directory) Ancestors(ctx context.Context, unitID string) ([]Unit, error) {
	v, err := d.current(ctx)
	if err != nil {
		return nil, err
	}
	var out []Unit
	seen := map[string]bool{}
	for id := unitID; id != "" && !seen[id]; {
		seen[id] = true
		u, ok := v.units[id]
		if !ok {
			break
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
	v, err := d.current(ctx)
	if err != nil {
		return Person{}, Employment{}, err
	}
	e, err := v.employment(employmentID)
	if err != nil {
		return Person{}, Employment{}, err
	}
	if e.ManagerID == "" {
		return Person{}, Employment{}, ErrNotFound
	}
	m, err := v.employment(e.ManagerID)
	if err != nil {
		return Person{}, Employment{}, err
	}
	p, ok := v.people[m.PersonID]
	if !ok {
		return Person{}, Employment{}, ErrNotFound
	}
	return p, m, nil
}

// Reports returns the active employments that the person's active
// employments manage; another employment of the person's own is not one.
func (d *Directory) Reports(ctx context.Context, personID string) ([]Employment, error) {
	v, err := d.current(ctx)
	if err != nil {
		return nil, err
	}
	var out []Employment
	for _, m := range v.byPerson[personID] {
		if !m.Active {
			continue
		}
		for _, r := range v.byManager[m.ID] {
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
