package payroll_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"portal/payroll"
)

var ctx = context.Background()

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, payroll.Stockholm)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPaydayIsTheBankingDayOnOrBefore(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		period payroll.Period
		dom    int
		want   string
	}{
		{"2026-11", 0, "2026-11-25"},  // a Wednesday
		{"2026-10", 0, "2026-10-23"},  // the 25th a Sunday
		{"2026-04", 0, "2026-04-24"},  // the 25th a Saturday
		{"2026-12", 0, "2026-12-23"},  // juldagen a Friday, julafton closed
		{"2027-12", 0, "2027-12-23"},  // the 25th a Saturday, julafton a Friday
		{"2026-06", 19, "2026-06-18"}, // midsommarafton
		{"2026-06", 6, "2026-06-05"},  // nationaldagen a Saturday
		{"2025-04", 21, "2025-04-17"}, // annandag påsk, långfredag, påskdagen
		{"2026-05", 14, "2026-05-13"}, // Kristi himmelsfärd
		{"2026-02", 31, "2026-02-27"}, // past the month's end: its last day, a Saturday
		{"2026-01", 6, "2026-01-05"},  // trettondedag jul
		{"2026-10", 31, "2026-10-30"}, // alla helgons dag 2026-10-31
	} {
		if got := payroll.Payday(c.period, c.dom).Format(time.DateOnly); got != c.want {
			t.Errorf("payday of %s (day %d) = %s, want %s", c.period, c.dom, got, c.want)
		}
	}
}

// summaries is a store holding only summaries, for the estimate.
type summaries map[string]payroll.Summary

func (s summaries) Summary(_ context.Context, id string) (payroll.Summary, error) {
	sum, ok := s[id]
	if !ok {
		return payroll.Summary{}, payroll.ErrNotFound
	}
	return sum, nil
}
func (summaries) Payslips(context.Context, string, int) ([]payroll.Payslip, error) { return nil, nil }
func (summaries) Payslip(context.Context, string, payroll.Period) (payroll.Payslip, error) {
	return payroll.Payslip{}, payroll.ErrNotFound
}
func (summaries) Years(context.Context, string) ([]int, error) { return nil, nil }
func (summaries) Balance(context.Context, string, payroll.BalanceKind, int) (payroll.Balance, error) {
	return payroll.Balance{}, payroll.ErrNotFound
}

type approved []payroll.Line

func (a approved) ApprovedLines(_ context.Context, _ string, p payroll.Period, _ time.Time) ([]payroll.Line, error) {
	if p != "2026-12" {
		return nil, errors.New("wrong period " + string(p))
	}
	return a, nil
}

func TestEstimateTakesTheTaxFromTableThenPercentThenLatest(t *testing.T) {
	t.Parallel()
	latest := &payroll.Payslip{Period: "2026-11", Gross: 3000000, Tax: 750000, Net: 2250000} // 25 %
	salary := &payroll.Salary{Monthly: 3200000}
	table := &payroll.Tax{Table: 32, Column: 1, Steps: []payroll.TaxStep{{From: 0, To: 3299999, Tax: 700000}, {From: 3300000, To: 3499999, Tax: 760000}}}
	store := summaries{
		"table":   {Latest: latest, Salary: salary, Tax: table},
		"above":   {Latest: latest, Salary: &payroll.Salary{Monthly: 9000000}, Tax: table},
		"percent": {Latest: latest, Salary: salary, Tax: &payroll.Tax{Percent: 3000}},
		"latest":  {Latest: latest, Salary: salary},
		"nothing": {Salary: salary},
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	s := &payroll.Service{Store: store, Approved: approved{{Code: "3201", Text: "OB-tillägg", Quantity: 1000, Rate: 2500, Amount: 25000}}}
	for _, c := range []struct {
		id       string
		from     payroll.TaxSource
		tax, net payroll.Amount
		rate     payroll.Quantity
	}{
		{"table", payroll.TaxFromTable, 700000, 3225000 - 700000, 0},
		{"above", payroll.TaxFromLatest, 2256200, 9025000 - 2256200, 2500}, // above the table: the latest payslip's rate, rounded down to kronor
		{"percent", payroll.TaxFromPercent, 967500, 3225000 - 967500, 3000},
		{"latest", payroll.TaxFromLatest, 806200, 3225000 - 806200, 2500},
		{"nothing", payroll.TaxUnknown, 0, 3225000, 0},
	} {
		est, err := s.Estimate(ctx, c.id, now)
		if err != nil {
			t.Fatal(err)
		}
		if est.TaxFrom != c.from || est.Tax != c.tax || est.Net != c.net || est.Rate != c.rate || est.Gross-est.Tax != est.Net {
			t.Errorf("%s: %+v, want tax %d from %q net %d rate %d", c.id, est, c.tax, c.from, c.net, c.rate)
		}
		if est.Period != "2026-12" || est.PaidOn.Format(time.DateOnly) != "2026-12-23" || len(est.Lines) != 2 || est.Lines[0].Text != "Månadslön" {
			t.Errorf("%s: period %s paid %v lines %v", c.id, est.Period, est.PaidOn, est.Lines)
		}
	}
	if _, err := s.Estimate(ctx, "none", now); !errors.Is(err, payroll.ErrNotFound) {
		t.Fatalf("no summary: %v", err)
	}
}

func TestNextPayday(t *testing.T) {
	t.Parallel()
	s := &payroll.Service{}
	for _, c := range []struct {
		now    string
		latest payroll.Period
		want   payroll.Period
	}{
		{"2026-11-10", "2026-10", "2026-11"},
		{"2026-11-25", "2026-10", "2026-11"}, // payday itself, its payslip not yet imported
		{"2026-11-25", "2026-11", "2026-12"},
		{"2026-11-26", "2026-10", "2026-12"},
		{"2026-11-10", "2026-11", "2026-12"}, // imported ahead of the payday
		{"2026-11-10", "", "2026-11"},
	} {
		var latest *payroll.Payslip
		if c.latest != "" {
			latest = &payroll.Payslip{Period: c.latest}
		}
		if got, _ := s.NextPayday(day(c.now).Add(12*time.Hour), latest); got != c.want {
			t.Errorf("%s after %q: %s, want %s", c.now, c.latest, got, c.want)
		}
	}
}

type known map[string]bool

func (k known) EmploymentExists(_ context.Context, id string) (bool, error) { return k[id], nil }

func goodEmployment() payroll.FileEmployment {
	return payroll.FileEmployment{
		Employment: "E1",
		Payslips: []payroll.FilePayslip{{Period: "2026-11", PaidOn: "2026-11-25", Gross: payroll.Dec("33000.00"), Tax: payroll.Dec("7000.00"), Net: payroll.Dec("26000.00"),
			Lines: []payroll.FileLine{
				{Code: "1101", Text: "Månadslön", Amount: payroll.Dec("32000.00")},
				{Code: "3301", Text: "Övertid", Quantity: payroll.Dec("4"), Unit: "tim", Rate: payroll.Dec("250.00"), Amount: payroll.Dec("1000.00")},
			}}},
		Balances: []payroll.FileBalance{{Kind: "flex", Unit: "tim", Value: payroll.Dec("2"), AsOf: "2026-11-20", History: []payroll.FileEntry{
			{Day: "2026-11-01", Change: payroll.Dec("1"), Value: payroll.Dec("1")}, {Day: "2026-11-02", Change: payroll.Dec("1"), Value: payroll.Dec("2")}}}},
		YearToDate: []payroll.FileTotals{{Year: 2026, Salary: payroll.Dec("1.00"), Tax: payroll.Dec("0.00"), Allowances: payroll.Dec("0.00"), Benefits: payroll.Dec("0.00"), AsOf: "2026-11-25"}},
		Schedule:   &payroll.FileSchedule{From: "2026-11-23", To: "2026-11-29", Shifts: []payroll.FileShift{{Day: "2026-11-23", Start: "07:00", End: "16:00", BreakMinutes: 60}}},
		Salary:     &payroll.FileSalary{Monthly: payroll.Dec("32000.00"), From: "2026-01-01"},
		Tax:        &payroll.FileTax{Year: 2026, Percent: payroll.Dec("30"), Updated: "2026-11-01"},
	}
}

func TestImportNamesEveryProblemByPlaceAndField(t *testing.T) {
	t.Parallel()
	im := &payroll.Importer{Employments: known{"E1": true}}
	if err := im.Check(ctx, payroll.File{Employments: []payroll.FileEmployment{goodEmployment()}}); err != nil {
		t.Fatalf("a good file: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func(e *payroll.FileEmployment)
		want   string
	}{
		{"unknown employment", func(e *payroll.FileEmployment) { e.Employment = "E9" }, "employments[0].employment (employment E9): the staff directory has no employment E9"},
		{"bad period", func(e *payroll.FileEmployment) { e.Payslips[0].Period = "2026-13" }, `employments[0].payslips[0].period (employment E1): "2026-13" is not a pay period`},
		{"no date", func(e *payroll.FileEmployment) { e.Payslips[0].PaidOn = "2026-11-31" }, `payslips[0].paid_on (employment E1, payslip 2026-11): "2026-11-31" is not a date`},
		{"number", func(e *payroll.FileEmployment) {
			e.Payslips[0].Lines[0].Amount = payroll.Decimal{}
			_ = e.Payslips[0].Lines[0].Amount.UnmarshalJSON([]byte("32000"))
		}, `payslips[0].lines[0].amount (employment E1, payslip 2026-11): write it as a string`},
		{"one decimal", func(e *payroll.FileEmployment) { e.Payslips[0].Lines[0].Amount = payroll.Dec("32000.0") }, `lines[0].amount (employment E1, payslip 2026-11): "32000.0" is not an amount`},
		{"sum", func(e *payroll.FileEmployment) { e.Payslips[0].Gross = payroll.Dec("33000.01") }, "payslips[0].gross (employment E1, payslip 2026-11): the lines sum to 33000.00, not 33000.01"},
		{"net", func(e *payroll.FileEmployment) { e.Payslips[0].Net = payroll.Dec("26000.10") }, "payslips[0].net (employment E1, payslip 2026-11): gross − tax is 26000.00, not 26000.10"},
		{"rate", func(e *payroll.FileEmployment) { e.Payslips[0].Lines[1].Rate = payroll.Dec("300.00") }, "lines[1].amount (employment E1, payslip 2026-11): quantity × rate is 1200.00"},
		{"no lines", func(e *payroll.FileEmployment) { e.Payslips[0].Lines = nil }, "payslips[0].lines (employment E1, payslip 2026-11): a payslip has at least one line"},
		{"period twice", func(e *payroll.FileEmployment) { e.Payslips = append(e.Payslips, e.Payslips[0]) }, "payslips[1].period (employment E1, payslip 2026-11): also in payslips[0]"},
		{"kind", func(e *payroll.FileEmployment) { e.Balances[0].Kind = "semester" }, `balances[0].kind (employment E1): "semester" is none of`},
		{"unit", func(e *payroll.FileEmployment) { e.Balances[0].Unit = "dag" }, "balances[0].unit (employment E1, flex): flex is counted in hours"},
		{"history", func(e *payroll.FileEmployment) { e.Balances[0].History[1].Value = payroll.Dec("3") }, "balances[0].history[1].value (employment E1, flex): 1.00 + 1.00 is 2.00, not 3.00"},
		{"history end", func(e *payroll.FileEmployment) { e.Balances[0].Value = payroll.Dec("5") }, "balances[0].value (employment E1, flex): the history ends at 2.00, not 5.00"},
		{"history order", func(e *payroll.FileEmployment) { e.Balances[0].History[1].Day = "2026-10-01" }, "history[1].day (employment E1, flex): before the change above it"},
		{"year", func(e *payroll.FileEmployment) { e.YearToDate[0].Year = 26 }, "year_to_date[0].year (employment E1, year 26): 26 is not a year"},
		{"shift time", func(e *payroll.FileEmployment) { e.Schedule.Shifts[0].End = "25:00" }, `schedule.shifts[0].end (employment E1, day 2026-11-23): "25:00" is not a time of day`},
		{"shift day", func(e *payroll.FileEmployment) { e.Schedule.Shifts[0].Day = "2026-12-01" }, "schedule.shifts[0].day (employment E1, day 2026-12-01): outside the schedule's days"},
		{"break", func(e *payroll.FileEmployment) { e.Schedule.Shifts[0].BreakMinutes = 600 }, "break_minutes (employment E1, day 2026-11-23): 600 is not a break within a shift of 540 minutes"},
		{"salary", func(e *payroll.FileEmployment) { e.Salary.Monthly = payroll.Dec("") }, "employments[0].salary.monthly (employment E1): required"},
		{"no code", func(e *payroll.FileEmployment) { e.Payslips[0].Lines[0].Code = " " }, "payslips[0].lines[0].code (employment E1, payslip 2026-11): required"},
		{"paid before", func(e *payroll.FileEmployment) { e.Payslips[0].PaidOn = "2025-01-01" }, "payslips[0].paid_on (employment E1, payslip 2026-11): 2025-01-01 is not within the period 2026-11"},
		{"paid late", func(e *payroll.FileEmployment) { e.Payslips[0].PaidOn = "2027-02-01" }, "payslips[0].paid_on (employment E1, payslip 2026-11): 2027-02-01 is not within"},
		{"totals as of", func(e *payroll.FileEmployment) { e.YearToDate[0].AsOf = "2019-12-02" }, "year_to_date[0].as_of (employment E1, year 2026): 2019-12-02 is not within 2026"},
		{"totals late", func(e *payroll.FileEmployment) { e.YearToDate[0].AsOf = "2027-03-01" }, "year_to_date[0].as_of (employment E1, year 2026): 2027-03-01 is not within 2026"},
		{"salary zero", func(e *payroll.FileEmployment) { e.Salary.Monthly = payroll.Dec("0.00") }, "employments[0].salary.monthly (employment E1): a monthly salary is more than zero"},
		{"salary negative", func(e *payroll.FileEmployment) { e.Salary.Monthly = payroll.Dec("-1.00") }, "employments[0].salary.monthly (employment E1): a monthly salary is more than zero"},
		{"both", func(e *payroll.FileEmployment) { e.Tax.Table, e.Tax.Column = 32, 1 }, "tax.percent (employment E1): give a table and column or a fixed percentage, not both"},
		{"table", func(e *payroll.FileEmployment) { e.Tax.Percent, e.Tax.Table, e.Tax.Column = payroll.Decimal{}, 50, 1 }, "tax.table (employment E1): 50 is not a tax table"},
		{"steps", func(e *payroll.FileEmployment) {
			e.Tax.Percent, e.Tax.Table, e.Tax.Column = payroll.Decimal{}, 32, 1
			e.Tax.Steps = []payroll.FileStep{{From: payroll.Dec("0.00"), To: payroll.Dec("100.00"), Tax: payroll.Dec("0.00")},
				{From: payroll.Dec("100.00"), To: payroll.Dec("200.00"), Tax: payroll.Dec("10.00")}}
		}, "tax.steps[1].from (employment E1): within the step above"},
	} {
		e := goodEmployment()
		c.change(&e)
		err := im.Check(ctx, payroll.File{Employments: []payroll.FileEmployment{e}})
		var ierr *payroll.ImportError
		if !errors.As(err, &ierr) {
			t.Errorf("%s: no problem found", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", c.name, err, c.want)
		}
	}
}

func TestReadIsStrict(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ file, want string }{
		{``, "the file is empty"},
		{`{"employments": [}`, "line 1: not JSON"},
		{"{\n\"employments\": [{\"employment\": \"E1\", \"salery\": {}}]}", `line 2, employments[0].salery: unknown field "salery"`},
		{`{"employments": [{"employment": "E1"}, {"employment": "E2", "payslips": [{"period": "2026-11", "lines": [{}, {"code": "1", "colour": "red"}]}]}]}`,
			`employments[1].payslips[0].lines[1].colour: unknown field "colour"`},
		{`{"employments": [{"employment": 7}]}`, "a number where the format has a string"},
	} {
		_, err := payroll.Read(strings.NewReader(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.file, err, c.want)
		}
	}
	f, err := payroll.Read(strings.NewReader(`{"employments": [{"employment": "E1", "salary": {"monthly": 32000, "from": "2026-01-01"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	err = (&payroll.Importer{Employments: known{"E1": true}}).Check(ctx, f)
	if err == nil || !strings.Contains(err.Error(), `salary.monthly (employment E1): write it as a string with a decimal point, such as "1234.50", not 32000`) {
		t.Fatalf("a number for an amount: %v", err)
	}
}
