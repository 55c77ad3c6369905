package access

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"portal/employees"
	"portal/stamped"
)

// Grants is what the policy reads of the store.
type Grants interface {
	// ActiveGrants returns every grant not revoked.
	ActiveGrants(ctx context.Context) ([]Grant, error)
	// GrantsStamp returns the grants' change stamp: a value that every
	// write of a grant, by any instance, replaces after the grant is
	// stored; "" before the first.
	GrantsStamp(ctx context.Context) (string, error)
	// GrantWrites counts the writes of grants made through this store in
	// this process, so that they are seen at once.
	GrantWrites() uint64
}

// Policy is the one place that decides what a person may do: from the
// person's active grants in the catalogue, and for the relation of a
// manager to their reports from the directory. Every staff page asks it.
//
// It keeps every active grant in memory and reads them anew when the
// grants' change stamp moves, which it reads at most once per Refresh: a
// grant revoked on another instance stops counting here within Refresh,
// one revoked through this process at once. Zero reads the stamp for
// every question.
type Policy struct {
	Grants  Grants
	Dir     Directory
	Roles   *Catalogue
	Refresh time.Duration

	once  sync.Once
	cache *stamped.Cache[map[string][]Grant]
}

// GrantLoads counts how many times the grants have been read into memory.
func (p *Policy) GrantLoads() uint64 {
	p.init()
	return p.cache.Loads()
}

func (p *Policy) init() {
	p.once.Do(func() {
		p.cache = stamped.New(stamped.Source[map[string][]Grant]{Stamp: p.Grants.GrantsStamp, Writes: p.Grants.GrantWrites,
			Load: p.loadGrants}, p.Refresh)
	})
}

// loadGrants reads the active grants by person, in the order granted.
func (p *Policy) loadGrants(ctx context.Context) (map[string][]Grant, error) {
	all, err := p.Grants.ActiveGrants(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]Grant{}
	for _, g := range all {
		if g.Active() {
			out[g.PersonID] = append(out[g.PersonID], g)
		}
	}
	for _, gs := range out {
		slices.SortFunc(gs, func(a, b Grant) int {
			if c := a.GrantedAt.Compare(b.GrantedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	return out, nil
}

// Can reports whether the person may use the permission for the unit. A
// unit is covered by a grant for it or for a unit above it; Everywhere is
// covered only by a grant for the whole organisation; "" asks whether the
// person holds the permission anywhere. People who have left may do
// nothing.
func (p *Policy) Can(ctx context.Context, personID string, perm Permission, unit string) (bool, error) {
	units, err := p.unitsWith(ctx, personID, perm)
	if err != nil || len(units) == 0 {
		return false, err
	}
	if unit == "" {
		return true, nil
	}
	for _, top := range units {
		if top == Everywhere {
			return true, nil
		}
		if unit == Everywhere {
			continue
		}
		ok, err := p.Dir.Within(ctx, unit, top)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// Require is Can as an error: ErrForbidden when the person may not.
func (p *Policy) Require(ctx context.Context, personID string, perm Permission, unit string) error {
	ok, err := p.Can(ctx, personID, perm, unit)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}

// Manages reports whether the person is the manager of the employment
// and not its holder: nobody manages (or signs for) themselves.
func (p *Policy) Manages(ctx context.Context, personID, employmentID string) (bool, error) {
	e, err := p.Dir.Employment(ctx, employmentID)
	if errors.Is(err, employees.ErrNotFound) {
		return false, nil
	}
	if err != nil || e.PersonID == personID {
		return false, err
	}
	ok, err := p.Dir.Manages(ctx, personID, employmentID)
	if err != nil || !ok {
		return false, err
	}
	return p.active(ctx, personID)
}

// ManagesAnyone reports whether the person manages some active
// employment of someone else.
func (p *Policy) ManagesAnyone(ctx context.Context, personID string) (bool, error) {
	reports, err := p.Dir.Reports(ctx, personID)
	if err != nil || len(reports) == 0 {
		return false, err
	}
	return p.active(ctx, personID)
}

// Permitted returns every permission the person holds anywhere, for
// showing the links to pages they may open.
func (p *Policy) Permitted(ctx context.Context, personID string) (map[Permission]bool, error) {
	out := map[Permission]bool{}
	grants, err := p.activeGrants(ctx, personID)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		if r, ok := p.Roles.Role(g.Role); ok {
			for _, perm := range r.Permissions {
				out[perm] = true
			}
		}
	}
	return out, nil
}

// UnitsWith returns the units of the person's active grants that carry
// the permission (Everywhere for the whole organisation); none for people
// who have left. A grant for a unit covers the units under it.
func (p *Policy) UnitsWith(ctx context.Context, personID string, perm Permission) ([]string, error) {
	return p.unitsWith(ctx, personID, perm)
}

// unitsWith returns the units of the person's active grants that carry
// the permission.
func (p *Policy) unitsWith(ctx context.Context, personID string, perm Permission) ([]string, error) {
	grants, err := p.activeGrants(ctx, personID)
	if err != nil {
		return nil, err
	}
	var units []string
	for _, g := range grants {
		if r, ok := p.Roles.Role(g.Role); ok && r.Has(perm) {
			units = append(units, g.Unit)
		}
	}
	return units, nil
}

// activeGrants returns the active grants of a person who has not left.
func (p *Policy) activeGrants(ctx context.Context, personID string) ([]Grant, error) {
	ok, err := p.active(ctx, personID)
	if err != nil || !ok {
		return nil, err
	}
	p.init()
	byPerson, err := p.cache.Get(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(byPerson[personID]), nil
}

func (p *Policy) active(ctx context.Context, personID string) (bool, error) {
	if personID == "" || personID == CommandLine {
		return false, nil
	}
	person, err := p.Dir.Person(ctx, personID)
	if errors.Is(err, employees.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return person.Active, nil
}
