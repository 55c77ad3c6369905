package demo_test

import (
	"context"
	"encoding/json"
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
