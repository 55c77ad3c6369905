package demo_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"portal/demo"
	"portal/payroll"
)

type organisation map[string]bool

func (o organisation) EmploymentExists(_ context.Context, id string) (bool, error) { return o[id], nil }

// The demo's pay is a file the import takes as it is, for every
// employment of the demo organisation, and the same day makes the same.
func TestDemoPayrollImports(t *testing.T) {
	t.Parallel()
	batch, err := demo.Organisation()
	if err != nil {
		t.Fatal(err)
	}
	known := organisation{}
	for _, p := range batch.People {
		for _, e := range p.Employments {
			known[e.ID] = true
		}
	}
	for _, now := range []time.Time{time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC), time.Date(2027, 3, 20, 8, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 25, 8, 0, 0, 0, time.UTC)} {
		f, err := demo.Payroll(now)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Employments) != len(known) {
			t.Fatalf("%d employments, want %d", len(f.Employments), len(known))
		}
		if err := (&payroll.Importer{Employments: known}).Check(context.Background(), f); err != nil {
			t.Fatalf("at %v: %v", now, err)
		}
		again, _ := demo.Payroll(now)
		a, _ := json.Marshal(f)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatal("the same day gave another file")
		}
		for _, e := range f.Employments {
			if len(e.Payslips) != 12 || e.Tax == nil || e.Schedule == nil || len(e.Schedule.Shifts) == 0 {
				t.Fatalf("employment %s: %d payslips, schedule %v", e.Employment, len(e.Payslips), e.Schedule)
			}
		}
	}
}

// ore is a decimal of the file in öre.
func ore(t *testing.T, d payroll.Decimal) int64 {
	t.Helper()
	if !d.Set() {
		return 0
	}
	b, _ := d.MarshalJSON()
	s, err := strconv.Unquote(string(b))
	if err != nil {
		t.Fatal(err)
	}
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// The year's totals are the sums of the payslips paid that year, each of
// the four: salary, tax, allowances (5xxx) and benefits (6xxx, positive).
func TestDemoYearToDateIsTheYearsPayslips(t *testing.T) {
	t.Parallel()
	for _, now := range []time.Time{time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC), time.Date(2027, 3, 20, 8, 0, 0, 0, time.UTC)} {
		f, err := demo.Payroll(now)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Employments {
			if len(e.YearToDate) != 1 {
				t.Fatalf("%s: %d totals", e.Employment, len(e.YearToDate))
			}
			y := e.YearToDate[0]
			var salary, tax, allow, benefit int64
			for _, p := range e.Payslips {
				if !strings.HasPrefix(p.PaidOn, strconv.Itoa(y.Year)+"-") {
					continue
				}
				salary += ore(t, p.Gross)
				tax += ore(t, p.Tax)
				for _, l := range p.Lines {
					switch a := ore(t, l.Amount); l.Code[0] {
					case '5':
						allow += a
					case '6':
						if a > 0 {
							benefit += a
						}
					}
				}
			}
			got := [4]int64{ore(t, y.Salary), ore(t, y.Tax), ore(t, y.Allowances), ore(t, y.Benefits)}
			if wantSums := [4]int64{salary, tax, allow, benefit}; got != wantSums {
				t.Errorf("%v %s: totals %v, the year's payslips %v", now.Format(time.DateOnly), e.Employment, got, wantSums)
			}
		}
	}
}
