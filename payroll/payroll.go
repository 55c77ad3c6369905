// Package payroll is what the payroll system exports about each
// employment, as the employee's self-service shows it: payslips, balances
// with their history, the year's totals ("Ackar"), the schedule, the
// monthly salary and the tax details. The portal is not the payroll
// system: it reads the export (see Import), shows it, and computes the
// preliminary pay of the next payday from it.
//
// Money is kept in öre and quantities in hundredths, as whole numbers, so
// that no sum is ever rounded on the way.
package payroll

import (
	"context"
	"errors"
	"time"
)

// Errors of payroll.
var (
	ErrNotFound = errors.New("payroll: not found")
)

// Amount is money in öre (1/100 krona); negative for a deduction.
type Amount int64

// Quantity is a number of days, hours or pieces in hundredths (850 is
// 8.5).
type Quantity int64

// Line is one line of a payslip.
type Line struct {
	Code     string   // the payroll system's pay code, "1101"
	Text     string   // "Månadslön"
	Quantity Quantity // 0 when the line has none
	Unit     string   // what Quantity counts: "tim", "dag", "st", "km"; may be empty
	Rate     Amount   // per unit; 0 when the line has none
	Amount   Amount   // the line's sum; negative for a deduction
}

// Payslip is one employment's payslip for one pay period.
type Payslip struct {
	EmploymentID string
	Period       Period    // the month the payslip pays for
	PaidOn       time.Time // the payment day (midnight, Swedish time)
	Lines        []Line
	Gross        Amount // before tax
	Tax          Amount // the preliminary tax withheld, positive
	Net          Amount // paid out
	ImportedAt   time.Time
}

// Period is a pay period, a calendar month: "2026-11".
type Period string

// BalanceKind names a balance.
type BalanceKind string

// The balances payroll exports.
const (
	VacationPaid   BalanceKind = "vacation-paid"   // betalda semesterdagar
	VacationSaved  BalanceKind = "vacation-saved"  // sparade semesterdagar
	VacationUnpaid BalanceKind = "vacation-unpaid" // obetalda semesterdagar
	Flex           BalanceKind = "flex"            // flexsaldo, hours
	Compensatory   BalanceKind = "comp"            // kompsaldo, hours
)

// Balance is one balance of an employment as of a day, with its history.
type Balance struct {
	EmploymentID string
	Kind         BalanceKind
	Year         int    // the vacation year; 0 for balances not kept per year
	Unit         string // "dag" or "tim"
	Value        Quantity
	AsOf         time.Time
	History      []BalanceEntry // oldest first
}

// BalanceEntry is one change of a balance.
type BalanceEntry struct {
	Day    time.Time
	Change Quantity
	Value  Quantity // the balance after the change
	Text   string   // "Uttag semester", "Intjänat"
}

// YearToDate is the year's paid totals of an employment ("Ackar").
type YearToDate struct {
	EmploymentID string
	Year         int
	Salary       Amount // gross salary paid
	Tax          Amount // tax withheld
	Allowances   Amount // ersättningar
	Benefits     Amount // förmåner
	AsOf         time.Time
}

// Shift is one working shift of the schedule; a day without one is off.
type Shift struct {
	EmploymentID string
	Day          time.Time // midnight, Swedish time
	Start, End   string    // "07:00", "16:00"; End before Start runs past midnight
	BreakMinutes int
	Text         string // "Dagpass"; may be empty
}

// Salary is an employment's monthly salary from a day on.
type Salary struct {
	EmploymentID string
	Monthly      Amount
	From         time.Time
}

// TaxStep is one row of a tax table as payroll exports it: the tax on a
// monthly income from From up to and including To.
type TaxStep struct {
	From, To Amount
	Tax      Amount
}

// Tax is an employment's tax details, as payroll reads them from the tax
// agency once a month.
type Tax struct {
	EmploymentID string
	Year         int
	Table        int       // the tax table, 29–42; 0 with a fixed percentage
	Column       int       // the table's column, 1–6
	Steps        []TaxStep // the column's amounts; may be empty
	Percent      Quantity  // a fixed percentage in hundredths (3000 is 30 %); 0 with a table
	Adjustment   string    // an adjustment decision ("jämkning"), as payroll words it; may be empty
	UpdatedAt    time.Time
}

// Summary is what the overview of one employment shows, kept as one
// document so that the overview reads it at once: the latest payslip, the
// current balances without their history, this year's totals, the salary,
// the tax details and the schedule of the coming weeks.
type Summary struct {
	EmploymentID string
	Latest       *Payslip // nil before the first payslip
	Balances     []Balance
	YearToDate   *YearToDate
	Salary       *Salary
	Tax          *Tax
	Schedule     []Shift
	UpdatedAt    time.Time
}

// TaxSource tells where the preliminary tax comes from.
type TaxSource string

// Where a preliminary tax comes from.
const (
	TaxFromTable   TaxSource = "table"   // the imported table's amounts
	TaxFromPercent TaxSource = "percent" // the imported fixed percentage
	TaxFromLatest  TaxSource = "latest"  // the rate of the latest payslip
	TaxUnknown     TaxSource = ""        // nothing to compute it from
)

// Estimate is the preliminary pay of the next payday: the monthly salary
// and everything approved up to today, and the tax on it.
type Estimate struct {
	Period  Period
	PaidOn  time.Time
	Lines   []Line
	Gross   Amount
	Tax     Amount
	Net     Amount
	TaxFrom TaxSource
	Rate    Quantity // with TaxFromLatest or TaxFromPercent: the percentage used, in hundredths
}

// Store keeps what payroll exported.
type Store interface {
	// Summary returns the employment's summary or ErrNotFound.
	Summary(ctx context.Context, employmentID string) (Summary, error)
	// Payslips returns the employment's payslips of a year, latest first.
	Payslips(ctx context.Context, employmentID string, year int) ([]Payslip, error)
	// Payslip returns one payslip or ErrNotFound.
	Payslip(ctx context.Context, employmentID string, period Period) (Payslip, error)
	// Years returns the years the employment has payslips of, latest first.
	Years(ctx context.Context, employmentID string) ([]int, error)
	// Balance returns one balance with its history or ErrNotFound.
	Balance(ctx context.Context, employmentID string, kind BalanceKind, year int) (Balance, error)
}
