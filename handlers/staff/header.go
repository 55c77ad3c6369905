package staff

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/employees"
	"portal/handlers/web"
	"portal/sessions"
)

// Directory is what the header and Settings ask of the staff directory.
type Directory interface {
	Person(ctx context.Context, user string) (employees.Person, error)
	Employments(ctx context.Context, personID string) ([]employees.Employment, error)
	Unit(ctx context.Context, id string) (employees.Unit, error)
	CurrentEmployment(ctx context.Context, p employees.Person) (employees.Employment, error)
	SetDefault(ctx context.Context, personID, employmentID string) error
}

// Header is who is logged in, for the staff layout: the name, the
// employment the session works in (employee number and unit), and the
// person's other employments to switch to.
type Header struct {
	*web.Kit
	Directory Directory
}

// Who is what the header shows.
type Who struct {
	Name        string
	Current     EmploymentView // zero when the person has no active employment
	Employments []EmploymentView
	Here        string // the page, to come back to after switching
}

// EmploymentView is one employment as the header lists it.
type EmploymentView struct {
	ID, Title, Unit string
	Current         bool
	Default         bool
}

// Label is how the employment is named in the switcher.
func (e EmploymentView) Label() string {
	parts := []string{e.ID}
	for _, p := range []string{e.Title, e.Unit} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// Multiple reports whether there is something to switch between.
func (w Who) Multiple() bool { return len(w.Employments) > 1 }

// stashKey keeps a session's current employment where every instance
// sees it; a session's key is the hash of its token.
func stashKey(s *sessions.Session) string { return "staff-employment:" + s.Key }

// Current is the employment the session works in: the one chosen in it,
// else the person's default, else the first active one.
func (h *Header) Current(ctx context.Context, s *sessions.Session, p employees.Person, emps []employees.Employment) (employees.Employment, bool) {
	active := 0
	for _, e := range emps {
		if e.Active {
			active++
		}
	}
	chosen := ""
	if h.Stash != nil && active > 1 { // with one active employment there is nothing to choose: no read
		if b, err := h.Stash.Get(stashKey(s)); err == nil {
			chosen = string(b)
		}
	}
	for _, e := range emps {
		if e.Active && e.ID == chosen {
			return e, true
		}
	}
	// As Directory.CurrentEmployment chooses, from the employments already
	// read: every staff page asks, and each read of them is a query.
	for _, e := range emps {
		if e.Active && e.ID == p.DefaultEmployment {
			return e, true
		}
	}
	if len(emps) > 0 && emps[0].Active {
		return emps[0], true
	}
	return employees.Employment{}, false
}

// Working is the session's person and the employment the session works
// in; ok false when the person has no active employment.
func (h *Header) Working(c *fiber.Ctx) (employees.Person, employees.Employment, bool, error) {
	ctx, s := c.UserContext(), web.SessionOf(c)
	p, err := h.Directory.Person(ctx, s.AccountID)
	if err != nil {
		return p, employees.Employment{}, false, err
	}
	emps, err := h.Directory.Employments(ctx, p.ID)
	if err != nil {
		return p, employees.Employment{}, false, err
	}
	e, ok := h.Current(ctx, s, p, emps)
	return p, e, ok, nil
}

// choose records the employment the session works in from now on.
func (h *Header) choose(s *sessions.Session, employmentID string, now time.Time) error {
	if h.Stash == nil {
		return errors.New("staff: no place to keep the chosen employment")
	}
	return h.Stash.Set(stashKey(s), []byte(employmentID), max(s.ExpiresAt.Sub(now), time.Minute))
}

// who gathers the header of the session's person; ok false when the
// person is not in the directory.
func (h *Header) who(c *fiber.Ctx, s *sessions.Session) (Who, employees.Person, bool, error) {
	ctx := c.UserContext()
	p, err := h.Directory.Person(ctx, s.AccountID)
	if errors.Is(err, employees.ErrNotFound) {
		return Who{}, p, false, nil
	}
	if err != nil {
		return Who{}, p, false, err
	}
	emps, err := h.Directory.Employments(ctx, p.ID)
	if err != nil {
		return Who{}, p, false, err
	}
	cur, _ := h.Current(ctx, s, p, emps)
	w := Who{Name: p.Name(), Here: SafeNext(string(c.Request().URI().RequestURI()))}
	units := map[string]string{}
	for _, e := range emps {
		if !e.Active {
			continue
		}
		if _, ok := units[e.UnitID]; !ok {
			u, err := h.Directory.Unit(ctx, e.UnitID)
			if err != nil && !errors.Is(err, employees.ErrNotFound) {
				return Who{}, p, false, err
			}
			units[e.UnitID] = u.Name
		}
		v := EmploymentView{ID: e.ID, Title: e.Title, Unit: units[e.UnitID], Current: e.ID == cur.ID, Default: e.ID == p.DefaultEmployment}
		if v.Current {
			w.Current = v
		}
		w.Employments = append(w.Employments, v)
	}
	return w, p, true, nil
}

// Load gives the layout the header of a whole login. It reports false
// when the session's person is no longer in the directory or has left:
// such a login counts no more.
func (h *Header) Load(c *fiber.Ctx, s *sessions.Session) (bool, error) {
	w, p, ok, err := h.who(c, s)
	if err != nil || !ok || !p.Active {
		return false, err
	}
	web.SetLayout(c, "Staff", w)
	return true, nil
}

// MarkPartial tells the layout of a login not yet whole (the second step
// or a new password still missing) to offer nothing but logging out: the
// other links would only lead back to the step.
func MarkPartial(c *fiber.Ctx) error {
	if s := web.SessionOf(c); s != nil && (s.Stage != "" || s.Restricted) {
		web.SetLayout(c, "Partial", true)
	}
	return c.Next()
}
