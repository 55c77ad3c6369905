package payroll

import (
	"context"
	"time"
)

// Contents is what is stored of one employment, kept with its summary so
// that no read has to search: the periods of its payslips, its balances,
// the years of its totals and the months of its schedule.
type Contents struct {
	Periods  []Period     // ascending
	Balances []BalanceKey // in the order of Kinds, then year
	Totals   []int        // years with totals, ascending
	Months   []Period     // months with a stored schedule, ascending
}

// BalanceKey names one stored balance.
type BalanceKey struct {
	Kind BalanceKind
	Year int
}

// Records is the store's side of an import: reads and writes of single
// documents by key, and the summary written last.
type Records interface {
	Store
	// SavePayslip stores the payslip in place of the period's.
	SavePayslip(ctx context.Context, p Payslip) error
	// SaveBalance stores the balance in place of the same kind and year.
	SaveBalance(ctx context.Context, b Balance) error
	// YearToDate returns one year's totals or ErrNotFound.
	YearToDate(ctx context.Context, employmentID string, year int) (YearToDate, error)
	// SaveYearToDate stores the totals in place of the same year's.
	SaveYearToDate(ctx context.Context, y YearToDate) error
	// Shifts returns the stored shifts of one month, by day.
	Shifts(ctx context.Context, employmentID string, month Period) ([]Shift, error)
	// SaveShifts makes the month's stored shifts these.
	SaveShifts(ctx context.Context, employmentID string, month Period, shifts []Shift) error
	// Salary returns the monthly salary or ErrNotFound.
	Salary(ctx context.Context, employmentID string) (Salary, error)
	// SaveSalary stores the monthly salary.
	SaveSalary(ctx context.Context, s Salary) error
	// Tax returns the tax details or ErrNotFound.
	Tax(ctx context.Context, employmentID string) (Tax, error)
	// SaveTax stores the tax details.
	SaveTax(ctx context.Context, t Tax) error
	// Contents returns what is stored of the employment (empty when
	// nothing is).
	Contents(ctx context.Context, employmentID string) (Contents, error)
	// SaveSummary stores the summary and the contents it was made from.
	SaveSummary(ctx context.Context, s Summary, c Contents) error
}

// Employments tells the import which employments the staff directory has.
type Employments interface {
	// EmploymentExists reports whether the directory has the employment
	// (active or not).
	EmploymentExists(ctx context.Context, id string) (bool, error)
}

// scheduleSpan is how far around the day of import the summary keeps
// the schedule: the overview shows the coming weeks of it.
const (
	scheduleBefore = 14 * 24 * time.Hour
	scheduleAfter  = 8 * 7 * 24 * time.Hour
)
