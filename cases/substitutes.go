package cases

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"portal/employees"
	"portal/payroll"
	"portal/valid"
)

// Substitute is a manager's named substitute for a period: while it
// lasts the substitute approves and rejects the cases of the employments
// the manager manages, and each such decision is recorded as the
// substitute's for the manager.
type Substitute struct {
	ID         string
	Manager    string // the manager's user name
	Substitute string // the substitute's user name
	From, To   time.Time
	CreatedAt  time.Time
}

// Covers reports whether the substitution holds on the day of t.
func (s Substitute) Covers(t time.Time) bool {
	d := payroll.Day(t)
	return !d.Before(payroll.Day(s.From)) && !d.After(payroll.Day(s.To))
}

// SubstituteStore keeps the substitutions.
type SubstituteStore interface {
	AddSubstitute(ctx context.Context, s Substitute) error
	// SubstitutesOf lists the manager's substitutions; AllSubstitutes
	// every one.
	SubstitutesOf(ctx context.Context, manager string) ([]Substitute, error)
	AllSubstitutes(ctx context.Context) ([]Substitute, error)
	RemoveSubstitute(ctx context.Context, manager, id string) error
	// SubstitutesStamp reads the change stamp of the substitutions (one
	// read by key); TouchSubstitutes moves it after a change.
	SubstitutesStamp(ctx context.Context) (string, error)
	TouchSubstitutes(ctx context.Context) error
}

// SubstitutesRefresh is how often an instance reads the substitutions'
// stamp: a substitution named elsewhere counts here within it (at once
// on the instance that stored it). Every page asks whether its person
// approves, so the substitutions are kept in memory.
const SubstitutesRefresh = 5 * time.Second

// subsCache is the substitutions kept in memory under their stamp.
type subsCache struct {
	mu      sync.Mutex
	list    []Substitute
	stamp   string
	checked time.Time
	loaded  time.Time
	writes  uint64 // this instance's writes, seen at once
	seen    uint64
	ok      bool
}

// allSubstitutes are every substitution, from memory while the stamp
// stays (read at most every SubstitutesRefresh, the list anew at least
// once a minute).
func (s *Service) allSubstitutes(ctx context.Context, st SubstituteStore) ([]Substitute, error) {
	c := &s.subs
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.ok && c.seen == c.writes && now.Sub(c.checked) < SubstitutesRefresh && now.Sub(c.checked) >= 0 {
		return c.list, nil
	}
	stamp, err := st.SubstitutesStamp(ctx)
	if err != nil {
		return nil, err
	}
	if c.ok && c.seen == c.writes && stamp == c.stamp && now.Sub(c.loaded) < time.Minute {
		c.checked = now
		return c.list, nil
	}
	list, err := st.AllSubstitutes(ctx)
	if err != nil {
		return nil, err
	}
	c.list, c.stamp, c.checked, c.loaded, c.seen, c.ok = list, stamp, now, now, c.writes, true
	return list, nil
}

// changedSubstitutes moves the stamp after a change and has this
// instance read the list anew.
func (s *Service) changedSubstitutes(ctx context.Context, st SubstituteStore) error {
	err := st.TouchSubstitutes(ctx)
	s.subs.mu.Lock()
	s.subs.writes++
	s.subs.mu.Unlock()
	return err
}

// substitutes is the store of substitutions, when the Store keeps them.
func (s *Service) substitutes() SubstituteStore {
	st, _ := s.Store.(SubstituteStore)
	return st
}

// actingFor are the managers the person substitutes for today.
func (s *Service) actingFor(ctx context.Context, personID string) ([]string, error) {
	st := s.substitutes()
	if st == nil {
		return nil, nil
	}
	subs, err := s.allSubstitutes(ctx, st)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, x := range subs {
		if x.Substitute == personID && x.Covers(s.now()) && !slices.Contains(out, x.Manager) {
			out = append(out, x.Manager)
		}
	}
	return out, nil
}

// substituteFor is the manager of the employment the person substitutes
// for today; "" none.
func (s *Service) substituteFor(ctx context.Context, personID, employmentID string) (string, error) {
	managers, err := s.actingFor(ctx, personID)
	if err != nil {
		return "", err
	}
	for _, m := range managers {
		if ok, err := s.Policy.Manages(ctx, m, employmentID); err != nil || ok {
			return m, err
		}
	}
	return "", nil
}

// Approves reports whether the person decides anyone's cases today: as
// their manager or as a manager's substitute.
func (s *Service) Approves(ctx context.Context, personID string) (bool, error) {
	reports, err := s.Directory.Reports(ctx, personID)
	if err != nil || len(reports) > 0 {
		return len(reports) > 0, err
	}
	managers, err := s.actingFor(ctx, personID)
	return len(managers) > 0, err
}

// NameSubstitute names a substitute for the manager from one day to
// another (both included, at most a year); the problems name the fields
// "substitute", "from" and "to".
func (s *Service) NameSubstitute(ctx context.Context, manager, substitute string, from, to time.Time) (Substitute, error) {
	st := s.substitutes()
	if st == nil {
		return Substitute{}, ErrNotFound
	}
	reports, err := s.Directory.Reports(ctx, manager)
	if err != nil {
		return Substitute{}, err
	}
	if len(reports) == 0 {
		return Substitute{}, ErrNotFound
	}
	var p valid.Problems
	substitute = employees.NormalizeUser(substitute)
	switch {
	case substitute == "":
		p.Add("substitute", "cases.error.required")
	case substitute == manager:
		p.Add("substitute", "cases.error.substitute_self")
	default:
		person, err := s.Directory.Person(ctx, substitute)
		if errors.Is(err, employees.ErrNotFound) || (err == nil && !person.Active) {
			p.Add("substitute", "cases.error.substitute_unknown", substitute)
		} else if err != nil {
			return Substitute{}, err
		}
	}
	today := payroll.Day(s.now())
	switch {
	case from.IsZero():
		p.Add("from", "cases.error.date")
	case to.IsZero():
		p.Add("to", "cases.error.date")
	case to.Before(from):
		p.Add("to", "cases.error.to_before")
	case to.Before(today):
		p.Add("to", "cases.error.past")
	case to.Sub(from) > MaxDays*24*time.Hour:
		p.Add("to", "cases.error.too_many_days", MaxDays)
	}
	if err := p.Err(); err != nil {
		return Substitute{}, err
	}
	x := Substitute{ID: newID(), Manager: manager, Substitute: substitute, From: payroll.Day(from), To: payroll.Day(to), CreatedAt: s.now()}
	if err := st.AddSubstitute(ctx, x); err != nil {
		return Substitute{}, err
	}
	return x, s.changedSubstitutes(ctx, st)
}

// SubstitutesOf are the manager's substitutions not yet over.
func (s *Service) SubstitutesOf(ctx context.Context, manager string) ([]Substitute, error) {
	st := s.substitutes()
	if st == nil {
		return nil, nil
	}
	list, err := st.SubstitutesOf(ctx, manager)
	today := payroll.Day(s.now())
	list = slices.DeleteFunc(list, func(x Substitute) bool { return payroll.Day(x.To).Before(today) })
	slices.SortFunc(list, func(a, b Substitute) int { return a.From.Compare(b.From) })
	return list, err
}

// EndSubstitute removes one of the manager's substitutions.
func (s *Service) EndSubstitute(ctx context.Context, manager, id string) error {
	st := s.substitutes()
	if st == nil || strings.TrimSpace(id) == "" {
		return ErrNotFound
	}
	if err := st.RemoveSubstitute(ctx, manager, id); err != nil {
		return err
	}
	return s.changedSubstitutes(ctx, st)
}
