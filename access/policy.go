package access

import (
	"context"
	"errors"

	"portal/employees"
)

// Grants is what the policy reads of the store.
type Grants interface {
	GrantsOf(ctx context.Context, personID string) ([]Grant, error)
}

// Policy is the one place that decides what a person may do: from the
// person's active grants in the catalogue, and for the relation of a
// manager to their reports from the directory. Every staff page asks it.
type Policy struct {
	Grants Grants
	Dir    Directory
	Roles  *Catalogue
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
	all, err := p.Grants.GrantsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for _, g := range all {
		if g.Active() {
			out = append(out, g)
		}
	}
	return out, nil
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
