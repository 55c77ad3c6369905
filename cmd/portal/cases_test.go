package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"portal/cases"
)

// `portal seed` stores the demo's cases once; `portal payroll export`
// writes a period's approved cases as CSV and JSON, each case once, the
// same files a second time, and refuses a period still open.
func TestPayrollExport(t *testing.T) {
	t.Parallel()
	_, cfg, log := commandEnv(t)
	ctx := context.Background()
	for range 2 {
		if err := seed(ctx, cfg, log, []string{"-ads", "1"}); err != nil {
			t.Fatal(err)
		}
	}
	db, s, err := openServices(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	waiting, err := s.Cases.Waiting(ctx, "evaryl01")
	if err != nil || len(waiting) != 3 {
		t.Fatalf("waiting for Eva: %d %v", len(waiting), err)
	}
	mine, err := s.Cases.Mine(ctx, cases.Owner{PersonID: "fatali01", EmploymentID: "100010"})
	if err != nil {
		t.Fatal(err)
	}
	var approved cases.Case
	for _, c := range mine {
		if c.State() == cases.StateApproved {
			approved = c
		}
	}
	if approved.ID == "" {
		t.Fatalf("no approved demo case: %+v", mine)
	}
	period := approved.End.Period
	dir := t.TempDir()
	var out bytes.Buffer
	if err := payrollExport(ctx, s.Cases, period, dir, &out); !errors.Is(err, cases.ErrOpen) {
		t.Fatalf("an open period: %v", err)
	}
	s.Cases.Now = func() time.Time { return period.Start().AddDate(0, 1, 0) }
	if err := payrollExport(ctx, s.Cases, period, dir, &out); err != nil {
		t.Fatal(err)
	}
	csv1, _ := os.ReadFile(filepath.Join(dir, "cases-"+string(period)+".csv"))
	json1, _ := os.ReadFile(filepath.Join(dir, "cases-"+string(period)+".json"))
	if strings.Count(string(csv1), approved.ID) != 1 || !strings.HasPrefix(string(csv1), "period,case,employment,kind,") ||
		!strings.Contains(string(csv1), ",3220,Friskvårdsbidrag,0,,0,150000") {
		t.Fatalf("csv:\n%s", csv1)
	}
	if !strings.Contains(string(json1), `"cases": 1`) || !strings.Contains(string(json1), approved.ID) {
		t.Fatalf("json:\n%s", json1)
	}
	if err := payrollExport(ctx, s.Cases, period, dir, &out); err != nil {
		t.Fatal(err)
	}
	csv2, _ := os.ReadFile(filepath.Join(dir, "cases-"+string(period)+".csv"))
	json2, _ := os.ReadFile(filepath.Join(dir, "cases-"+string(period)+".json"))
	if !bytes.Equal(csv1, csv2) || !bytes.Equal(json1, json2) {
		t.Error("a second export wrote other files")
	}
	c, steps, _, err := s.Cases.Open(ctx, "fatali01", "100010", approved.ID)
	if err != nil || c.State() != cases.StateTransferred {
		t.Fatalf("after the export: %v %v", c.State(), err)
	}
	n := 0
	for _, st := range steps {
		if st.Kind == cases.StepTransferred {
			n++
		}
	}
	if n != 1 {
		t.Errorf("transferred %d times", n)
	}
	if !strings.Contains(out.String(), "1 approved cases") {
		t.Errorf("output: %s", out.String())
	}
}
