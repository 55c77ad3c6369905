package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"portal/internal/testenv"
	"portal/payroll"
)

// directory is the staff directory as payroll's import asks it.
type directory map[string]bool

func (d directory) EmploymentExists(_ context.Context, id string) (bool, error) { return d[id], nil }

func payrollFile() payroll.File {
	slip := func(period, paid, salary, ob, gross, tax, net string) payroll.FilePayslip {
		return payroll.FilePayslip{Period: period, PaidOn: paid, Gross: payroll.Dec(gross), Tax: payroll.Dec(tax), Net: payroll.Dec(net),
			Lines: []payroll.FileLine{
				{Code: "1101", Text: "Månadslön", Amount: payroll.Dec(salary)},
				{Code: "3201", Text: "OB-tillägg kväll", Quantity: payroll.Dec("10"), Unit: "tim", Rate: payroll.Dec(ob), Amount: payroll.Dec(mul10(ob))},
			}}
	}
	return payroll.File{Employments: []payroll.FileEmployment{{
		Employment: "E1",
		Payslips: []payroll.FilePayslip{
			slip("2025-12", "2025-12-23", "32000.00", "25.00", "32250.00", "7100.00", "25150.00"),
			slip("2026-10", "2026-10-23", "32450.00", "25.00", "32700.00", "7200.00", "25500.00"),
			slip("2026-11", "2026-11-25", "32450.00", "26.00", "32710.00", "7200.00", "25510.00"),
		},
		Balances: []payroll.FileBalance{
			{Kind: "vacation-paid", Year: 2025, Unit: "dag", Value: payroll.Dec("3"), AsOf: "2026-03-31"},
			{Kind: "vacation-paid", Year: 2026, Unit: "dag", Value: payroll.Dec("20"), AsOf: "2026-11-20", History: []payroll.FileEntry{
				{Day: "2026-04-01", Change: payroll.Dec("25"), Value: payroll.Dec("25"), Text: "Intjänat"},
				{Day: "2026-07-10", Change: payroll.Dec("-5"), Value: payroll.Dec("20"), Text: "Uttag semester"},
			}},
			{Kind: "flex", Unit: "tim", Value: payroll.Dec("4.5"), AsOf: "2026-11-20"},
		},
		YearToDate: []payroll.FileTotals{{Year: 2026, Salary: payroll.Dec("359000.00"), Tax: payroll.Dec("79000.00"),
			Allowances: payroll.Dec("2500.00"), Benefits: payroll.Dec("0.00"), AsOf: "2026-11-25"}},
		Schedule: &payroll.FileSchedule{From: "2026-11-23", To: "2026-12-06", Shifts: []payroll.FileShift{
			{Day: "2026-11-23", Start: "07:00", End: "16:00", BreakMinutes: 60, Text: "Dagpass"},
			{Day: "2026-12-02", Start: "21:00", End: "07:00", BreakMinutes: 30, Text: "Nattpass"},
		}},
		Salary: &payroll.FileSalary{Monthly: payroll.Dec("32450.00"), From: "2026-04-01"},
		Tax: &payroll.FileTax{Year: 2026, Table: 32, Column: 1, Updated: "2026-11-01", Steps: []payroll.FileStep{
			{From: payroll.Dec("0.00"), To: payroll.Dec("29999.99"), Tax: payroll.Dec("6000.00")},
			{From: payroll.Dec("30000.00"), To: payroll.Dec("39999.99"), Tax: payroll.Dec("8000.00")},
		}},
	}}}
}

func mul10(rate string) string {
	switch rate {
	case "25.00":
		return "250.00"
	case "26.00":
		return "260.00"
	}
	panic(rate)
}

func TestPayrollImportStoresAndReadsByKey(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	store := db.Payroll()
	clock := testenv.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	im := &payroll.Importer{Records: store, Employments: directory{"E1": true}, Now: clock.Now}

	if _, err := store.Summary(ctx, "E1"); !errors.Is(err, payroll.ErrNotFound) {
		t.Fatalf("summary before any import: %v", err)
	}
	res, err := im.Import(ctx, payrollFile())
	if err != nil {
		t.Fatal(err)
	}
	if res.Payslips.Added != 3 || res.Balances.Added != 3 || res.Totals.Added != 1 || res.Months.Added != 2 || res.Details.Added != 2 || res.Summaries != 1 {
		t.Fatalf("first import: %+v", res)
	}
	sum, err := store.Summary(ctx, "E1")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Latest == nil || sum.Latest.Period != "2026-11" || sum.Latest.Net != 2551000 || len(sum.Latest.Lines) != 2 ||
		sum.Latest.Lines[1].Quantity != 1000 || sum.Latest.Lines[1].Rate != 2600 || sum.Latest.Lines[1].Unit != "tim" {
		t.Fatalf("latest: %+v", sum.Latest)
	}
	if !sum.Latest.PaidOn.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, payroll.Stockholm)) {
		t.Fatalf("paid on %v", sum.Latest.PaidOn)
	}
	if len(sum.Balances) != 2 || sum.Balances[0].Kind != payroll.VacationPaid || sum.Balances[0].Year != 2026 || sum.Balances[0].Value != 2000 ||
		sum.Balances[0].History != nil || sum.Balances[1].Kind != payroll.Flex || sum.Balances[1].Value != 450 {
		t.Fatalf("balances: %+v", sum.Balances)
	}
	if sum.YearToDate == nil || sum.YearToDate.Salary != 35900000 || sum.Salary == nil || sum.Salary.Monthly != 3245000 ||
		sum.Tax == nil || sum.Tax.Table != 32 || len(sum.Tax.Steps) != 2 || sum.Tax.Steps[1].Tax != 800000 {
		t.Fatalf("totals, salary, tax: %+v %+v %+v", sum.YearToDate, sum.Salary, sum.Tax)
	}
	if len(sum.Schedule) != 2 || sum.Schedule[1].Start != "21:00" || sum.Schedule[1].BreakMinutes != 30 {
		t.Fatalf("schedule: %+v", sum.Schedule)
	}

	years, err := store.Years(ctx, "E1")
	if err != nil || len(years) != 2 || years[0] != 2026 || years[1] != 2025 {
		t.Fatalf("years %v %v", years, err)
	}
	slips, err := store.Payslips(ctx, "E1", 2026)
	if err != nil || len(slips) != 2 || slips[0].Period != "2026-11" || slips[1].Period != "2026-10" {
		t.Fatalf("payslips of 2026: %v %v", slips, err)
	}
	b, err := store.Balance(ctx, "E1", payroll.VacationPaid, 2026)
	if err != nil || len(b.History) != 2 || b.History[1].Change != -500 || b.History[1].Text != "Uttag semester" {
		t.Fatalf("balance: %+v %v", b, err)
	}
	if _, err := store.Balance(ctx, "E1", payroll.Compensatory, 0); !errors.Is(err, payroll.ErrNotFound) {
		t.Fatalf("missing balance: %v", err)
	}
	if _, err := store.Payslip(ctx, "E2", "2026-11"); !errors.Is(err, payroll.ErrNotFound) {
		t.Fatalf("another employment's payslip: %v", err)
	}

	// The same file again changes nothing, not even the time of import.
	first := sum.Latest.ImportedAt
	clock.Add(time.Hour)
	res, err = im.Import(ctx, payrollFile())
	if err != nil {
		t.Fatal(err)
	}
	if res.Payslips.Unchanged != 3 || res.Balances.Unchanged != 3 || res.Totals.Unchanged != 1 || res.Months.Unchanged != 2 ||
		res.Details.Unchanged != 2 || res.Summaries != 0 || res.Payslips.Added+res.Payslips.Changed+res.Balances.Changed+res.Months.Changed > 0 {
		t.Fatalf("second import: %+v", res)
	}
	again, _ := store.Summary(ctx, "E1")
	if !again.UpdatedAt.Equal(sum.UpdatedAt) || !again.Latest.ImportedAt.Equal(first) {
		t.Fatalf("the second import rewrote: %v %v", again.UpdatedAt, sum.UpdatedAt)
	}

	// A corrected payslip replaces its period's; the schedule's days are
	// replaced by the file's.
	f := payrollFile()
	f.Employments[0].Payslips = f.Employments[0].Payslips[2:]
	f.Employments[0].Payslips[0].Tax, f.Employments[0].Payslips[0].Net = payroll.Dec("7000.00"), payroll.Dec("25710.00")
	f.Employments[0].Schedule.Shifts = f.Employments[0].Schedule.Shifts[:1]
	f.Employments[0].Balances, f.Employments[0].YearToDate, f.Employments[0].Tax, f.Employments[0].Salary = nil, nil, nil, nil
	res, err = im.Import(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if res.Payslips.Changed != 1 || res.Months.Changed != 1 || res.Months.Unchanged != 1 || res.Summaries != 1 {
		t.Fatalf("corrected import: %+v", res)
	}
	sum, _ = store.Summary(ctx, "E1")
	if sum.Latest.Net != 2571000 || len(sum.Schedule) != 1 || sum.Tax == nil || len(sum.Balances) != 2 {
		t.Fatalf("after the correction: %+v", sum)
	}
	if slips, _ := store.Payslips(ctx, "E1", 2026); len(slips) != 2 {
		t.Fatalf("the correction lost a payslip: %v", slips)
	}
}

func TestPayrollImportWithProblemsStoresNothing(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	store := db.Payroll()
	im := &payroll.Importer{Records: store, Employments: directory{"E1": true}}
	f := payrollFile()
	f.Employments[0].Payslips[1].Net = payroll.Dec("1.00")
	f.Employments = append(f.Employments, payroll.FileEmployment{Employment: "NOBODY"})
	_, err := im.Import(ctx, f)
	var ierr *payroll.ImportError
	if !errors.As(err, &ierr) || len(ierr.Problems) != 2 {
		t.Fatalf("want two problems, got %v", err)
	}
	if _, err := store.Summary(ctx, "E1"); !errors.Is(err, payroll.ErrNotFound) {
		t.Fatalf("a summary was stored: %v", err)
	}
	if _, err := store.Payslip(ctx, "E1", "2025-12"); !errors.Is(err, payroll.ErrNotFound) {
		t.Fatalf("a payslip was stored: %v", err)
	}
}

func TestPayrollShiftsByMonth(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	im := &payroll.Importer{Records: db.Payroll(), Employments: directory{"E1": true}, Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }}
	if _, err := im.Import(ctx, payrollFile()); err != nil {
		t.Fatal(err)
	}
	s := &payroll.Service{Store: db.Payroll(), Schedule: db.Payroll()}
	day := func(d int, m time.Month) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, payroll.Stockholm) }
	got, err := s.Shifts(ctx, "E1", day(24, time.November), day(31, time.December))
	if err != nil || len(got) != 1 || got[0].Text != "Nattpass" || got[0].Day.Format(time.DateOnly) != "2026-12-02" {
		t.Fatalf("shifts: %+v %v", got, err)
	}
	if got, _ := s.Shifts(ctx, "E2", day(1, time.November), day(30, time.November)); len(got) != 0 {
		t.Fatalf("another employment's shifts: %v", got)
	}
}
