package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"portal/payroll"
)

// `portal payroll import FILE` against a real database: a bad file
// prints every problem by place and field, fails and stores nothing; a
// good one prints what it did, and the same file again changes nothing.
// `portal seed` imports the demo's pay once.
func TestPayrollImport(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	if err := seed(ctx, cfg, log, []string{"-ads", "1"}); err != nil {
		t.Fatal(err)
	}
	sum, err := db.Payroll().Summary(ctx, "100015")
	if err != nil || sum.Latest == nil || sum.Tax == nil || sum.Tax.Table != 32 {
		t.Fatalf("the seeded pay of 100015: %+v %v", sum, err)
	}
	if other, err := db.Payroll().Summary(ctx, "100031"); err != nil || other.Latest.Net == sum.Latest.Net || other.Salary != nil {
		t.Fatalf("the hourly employment of the same person: %+v %v", other, err)
	}
	if err := seed(ctx, cfg, log, []string{"-ads", "1"}); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Payroll().Summary(ctx, "100015"); !again.UpdatedAt.Equal(sum.UpdatedAt) {
		t.Fatal("seeding again rewrote the demo's pay")
	}

	write := fileWriter(t)
	good := `{"employments": [{"employment": "100010", "payslips": [{"period": "2030-01", "paid_on": "2030-01-25",
		"lines": [{"code": "1101", "text": "Månadslön", "amount": "30000.00"}], "gross": "30000.00", "tax": "6000.00", "net": "24000.00"}]}]}`
	bad := `{"employments": [{"employment": "100010", "payslips": [{"period": "2030-01", "paid_on": "2030-01-25",
		"lines": [{"code": "1101", "text": "Månadslön", "amount": "30000.00"}], "gross": "30000.00", "tax": "6000.00", "net": "24000.01"}]},
		{"employment": "999999"}]}`
	var out, errOut bytes.Buffer
	err = payrollImport(ctx, cfg, log, write("bad.json", bad), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported: 2 problems") {
		t.Fatalf("bad file: %v", err)
	}
	for _, want := range []string{"bad.json: nothing was imported:\n",
		"  employments[0].payslips[0].net (employment 100010, payslip 2030-01): gross − tax is 24000.00, not 24000.01\n",
		"  employments[1].employment (employment 999999): the staff directory has no employment 999999: import the HR export first\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("want %q in:\n%s", want, errOut.String())
		}
	}
	if _, err := db.Payroll().Payslip(ctx, "100010", "2030-01"); err == nil {
		t.Fatal("a bad file stored a payslip")
	}
	path := write("good.json", good)
	for i, want := range []string{"payslips         added 1, changed 0, unchanged 0", "payslips         added 0, changed 0, unchanged 1"} {
		out.Reset()
		if err := payrollImport(ctx, cfg, log, path, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Fatalf("import %d: want %q in:\n%s", i+1, want, out.String())
		}
	}
	if slip, err := db.Payroll().Payslip(ctx, "100010", "2030-01"); err != nil || slip.Net != 2400000 ||
		!slip.PaidOn.Equal(time.Date(2030, 1, 25, 0, 0, 0, 0, payroll.Stockholm)) {
		t.Fatalf("stored: %+v %v", slip, err)
	}
	if err := payrollCommand(ctx, cfg, log, []string{"exportera", path}); err == nil || !strings.Contains(err.Error(), `unknown payroll command "exportera"`) {
		t.Fatalf("unknown command: %v", err)
	}
}
