package app

import (
	"context"
	"errors"

	"portal/employees"
)

// payrollEmployments tells payroll's import which employments the staff
// directory has.
type payrollEmployments struct{ dir *employees.Directory }

func (p payrollEmployments) EmploymentExists(ctx context.Context, id string) (bool, error) {
	_, err := p.dir.Employment(ctx, id)
	if errors.Is(err, employees.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
