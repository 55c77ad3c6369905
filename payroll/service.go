package payroll

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Approved gives what the cases approved so far add to or take from one
// payday: absence, work changes, travel claims, additions and deductions.
// The cases module implements it; the payroll service works without one.
type Approved interface {
	// ApprovedLines returns the lines approved up to upTo that are paid
	// with the period (see Service for which month's work that is), each
	// with its amount and, where it has them, quantity and rate.
	ApprovedLines(ctx context.Context, employmentID string, period Period, upTo time.Time) ([]Line, error)
}

// Service answers the staff's pages about their pay.
//
// The pay period rule: the payslip of period P (a calendar month) is paid
// on P's payday (Payday) and pays P's monthly salary in advance and the
// variable pay (overtime, OB, absence, travel claims) of the month before
// P in arrears, as Swedish municipalities usually pay.
type Service struct {
	Store    Store
	Approved Approved // nil: nothing approved adds to the salary yet
	// Schedule reads the stored schedule month by month; nil: Shifts
	// answers from the summary's weeks only.
	Schedule interface {
		Shifts(ctx context.Context, employmentID string, month Period) ([]Shift, error)
	}
	// PaydayOfMonth is the day salaries are paid; 0: the 25th.
	PaydayOfMonth int
	Now           func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Summary is what the overview shows of the employment: one read by id;
// ErrNotFound when nothing has been imported for it.
func (s *Service) Summary(ctx context.Context, employmentID string) (Summary, error) {
	return s.Store.Summary(ctx, employmentID)
}

// Payslips are the employment's payslips of a year, latest first.
func (s *Service) Payslips(ctx context.Context, employmentID string, year int) ([]Payslip, error) {
	return s.Store.Payslips(ctx, employmentID, year)
}

// Payslip is the employment's payslip of a period or ErrNotFound.
func (s *Service) Payslip(ctx context.Context, employmentID string, period Period) (Payslip, error) {
	if _, ok := ParsePeriod(string(period)); !ok {
		return Payslip{}, ErrNotFound
	}
	return s.Store.Payslip(ctx, employmentID, period)
}

// Years are the years the employment has payslips of, latest first.
func (s *Service) Years(ctx context.Context, employmentID string) ([]int, error) {
	return s.Store.Years(ctx, employmentID)
}

// Balance is one balance with its history or ErrNotFound; year 0 asks
// for the latest year the summary has of the kind.
func (s *Service) Balance(ctx context.Context, employmentID string, kind BalanceKind, year int) (Balance, error) {
	if !kind.Known() {
		return Balance{}, ErrNotFound
	}
	if year == 0 && kind.PerYear() {
		sum, err := s.Store.Summary(ctx, employmentID)
		if err != nil {
			return Balance{}, err
		}
		for _, b := range sum.Balances {
			if b.Kind == kind {
				year = b.Year
			}
		}
		if year == 0 {
			return Balance{}, ErrNotFound
		}
	}
	return s.Store.Balance(ctx, employmentID, kind, year)
}

// Shifts are the employment's shifts from one day to another, both
// included, by day: each month read by its key (the summary holds the
// weeks around its import already).
func (s *Service) Shifts(ctx context.Context, employmentID string, from, to time.Time) ([]Shift, error) {
	from, to = Day(from), Day(to)
	var out []Shift
	keep := func(shifts []Shift) {
		for _, sh := range shifts {
			if !sh.Day.Before(from) && !sh.Day.After(to) {
				out = append(out, sh)
			}
		}
	}
	if s.Schedule == nil {
		sum, err := s.Store.Summary(ctx, employmentID)
		if err != nil && !IsNotFound(err) {
			return nil, err
		}
		keep(sum.Schedule)
		return out, nil
	}
	for m := PeriodOf(from); m <= PeriodOf(to); m = m.Next() {
		shifts, err := s.Schedule.Shifts(ctx, employmentID, m)
		if err != nil {
			return nil, err
		}
		keep(shifts)
	}
	return out, nil
}

// NextPayday is the period and day of the next payday after the latest
// payslip: this month's until its payday has passed, and never one that
// already has a payslip.
func (s *Service) NextPayday(now time.Time, latest *Payslip) (Period, time.Time) {
	today := Day(now)
	p := PeriodOf(today)
	if today.After(Payday(p, s.PaydayOfMonth)) {
		p = p.Next()
	}
	if latest != nil && latest.Period >= p {
		p = latest.Period.Next()
	}
	return p, Payday(p, s.PaydayOfMonth)
}

// Estimate is the preliminary pay of the next payday: the monthly
// salary and everything approved up to now, less the tax on it from the
// imported tax table (the step that holds the gross), else the imported
// fixed percentage, else the rate of the latest payslip (its tax over its
// gross); TaxFrom says which. ErrNotFound when nothing has been imported.
func (s *Service) Estimate(ctx context.Context, employmentID string, now time.Time) (Estimate, error) {
	sum, err := s.Store.Summary(ctx, employmentID)
	if err != nil {
		return Estimate{}, err
	}
	return s.EstimateFrom(ctx, sum, now)
}

// EstimateFrom is Estimate from a summary already read.
func (s *Service) EstimateFrom(ctx context.Context, sum Summary, now time.Time) (Estimate, error) {
	employmentID := sum.EmploymentID
	var est Estimate
	est.Period, est.PaidOn = s.NextPayday(now, sum.Latest)
	if sum.Salary != nil && sum.Salary.Monthly != 0 {
		est.Lines = append(est.Lines, Line{Code: SalaryCode, Text: "Månadslön", Amount: sum.Salary.Monthly})
	}
	if s.Approved != nil {
		lines, err := s.Approved.ApprovedLines(ctx, employmentID, est.Period, now)
		if err != nil {
			return Estimate{}, err
		}
		est.Lines = append(est.Lines, lines...)
	}
	for _, l := range est.Lines {
		est.Gross += l.Amount
	}
	est.Tax, est.TaxFrom, est.Rate = TaxOn(est.Gross, sum.Tax, sum.Latest)
	est.Net = est.Gross - est.Tax
	return est, nil
}

// SalaryCode is the pay code of the monthly salary line of an estimate.
const SalaryCode = "1101"

// TaxOn is the preliminary tax on a month's gross pay and where it comes
// from: the step of the tax table that holds the gross, else the fixed
// percentage, else the latest payslip's rate; rate is the percentage used
// in hundredths (0 with a table). Nothing to go by, or no pay: no tax.
func TaxOn(gross Amount, tax *Tax, latest *Payslip) (Amount, TaxSource, Quantity) {
	if gross <= 0 {
		return 0, TaxUnknown, 0
	}
	if tax != nil {
		if i, ok := slices.BinarySearchFunc(tax.Steps, gross, func(s TaxStep, g Amount) int {
			switch {
			case s.To < g:
				return -1
			case s.From > g:
				return 1
			}
			return 0
		}); ok {
			return tax.Steps[i].Tax, TaxFromTable, 0
		}
		if tax.Percent > 0 {
			return percentOf(gross, int64(tax.Percent)), TaxFromPercent, tax.Percent
		}
	}
	if latest != nil && latest.Gross > 0 && latest.Tax >= 0 {
		// The rate kept to hundredths of a percent, as shown.
		rate := Quantity(divRound(int64(latest.Tax)*10000, int64(latest.Gross)))
		return percentOf(gross, int64(rate)), TaxFromLatest, rate
	}
	return 0, TaxUnknown, 0
}

// percentOf is hundredths of a percent of a positive amount, rounded
// down to whole kronor as tax withheld is.
func percentOf(a Amount, hundredths int64) Amount {
	ore := int64(a) * hundredths / 10000
	return Amount(ore / 100 * 100)
}

// divRound divides rounding half away from zero.
func divRound(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	if (a < 0) != (b < 0) {
		return -((abs(a) + abs(b)/2) / abs(b))
	}
	return (abs(a) + abs(b)/2) / abs(b)
}

func abs(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// Known reports whether payroll exports the kind.
func (k BalanceKind) Known() bool { return slices.Contains(Kinds, k) }

// PerYear reports whether the balance is kept per vacation year.
func (k BalanceKind) PerYear() bool {
	return k == VacationPaid || k == VacationSaved || k == VacationUnpaid
}

// Kinds are the balances in the order pages list them.
var Kinds = []BalanceKind{VacationPaid, VacationSaved, VacationUnpaid, Flex, Compensatory}

// IsNotFound reports whether err says there is nothing of the kind.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
