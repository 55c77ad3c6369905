package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"portal/cases"
	"portal/demo"
	"portal/internal/app"
	"portal/payroll"
	"portal/storage"
)

// payrollCommand runs `portal payroll import FILE` and `portal payroll
// export --period YYYY-MM [--dir DIR]`.
func payrollCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	if len(args) == 2 && args[0] == "import" {
		return payrollImport(ctx, cfg, log, args[1], os.Stdout, os.Stderr)
	}
	if len(args) > 0 && args[0] == "export" {
		fs := flag.NewFlagSet("payroll export", flag.ContinueOnError)
		period := fs.String("period", "", "the pay period, YYYY-MM")
		dir := fs.String("dir", ".", "where the files are written")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if _, ok := payroll.ParsePeriod(*period); !ok || fs.NArg() > 0 {
			return errors.New("use portal payroll export --period YYYY-MM [--dir DIR]")
		}
		db, services, err := openServices(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close(context.Background())
		return payrollExport(ctx, services.Cases, payroll.Period(*period), *dir, os.Stdout)
	}
	const use = "use portal payroll import FILE (.json, see README: Data from payroll) or portal payroll export --period YYYY-MM [--dir DIR]"
	if len(args) > 0 && args[0] != "import" {
		return fmt.Errorf("unknown payroll command %q; %s", args[0], use)
	}
	return errors.New(use)
}

// payrollImport stores payroll's export FILE and prints what changed; a
// bad file gets every problem printed to errOut and stores nothing.
func payrollImport(ctx context.Context, cfg Config, log *slog.Logger, file string, out, errOut io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	export, err := payroll.Read(f)
	f.Close()
	if err != nil {
		return importFailed(file, err, errOut, payrollProblems)
	}
	db, services, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	res, err := services.PayrollImport.Import(ctx, export)
	if err != nil {
		return importFailed(file, err, errOut, payrollProblems)
	}
	fmt.Fprintln(out, res)
	return nil
}

func payrollProblems(e *payroll.ImportError) []string { return texts(e.Problems) }

// seedPayroll imports a year of demo pay for the demo organisation's
// active employments, through the import every export takes, when the
// portal has no payroll data yet.
func seedPayroll(ctx context.Context, db *storage.DB, s *app.Services, now time.Time, log *slog.Logger) error {
	empty, err := db.Payroll().Empty(ctx)
	if err != nil || !empty {
		return err
	}
	file, err := demo.Payroll(now)
	if err != nil {
		return err
	}
	res, err := s.PayrollImport.Import(ctx, file)
	if err != nil {
		return fmt.Errorf("demo payroll: %w", err)
	}
	log.Info("demo payroll stored", "employments", res.Employments, "payslips", res.Payslips.Added)
	return nil
}

// payrollExport writes the period's approved cases as
// DIR/cases-YYYY-MM.csv and .json (README: Cases to payroll), each case
// once: a second export of the period writes the same files.
func payrollExport(ctx context.Context, s *cases.Service, period payroll.Period, dir string, out io.Writer) error {
	e, err := s.Export(ctx, period)
	if err != nil {
		return err
	}
	base := filepath.Join(dir, "cases-"+string(period))
	for _, f := range []struct {
		ext   string
		write func(io.Writer) error
	}{{".csv", e.WriteCSV}, {".json", e.WriteJSON}} {
		if err := writeFile(base+f.ext, f.write); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "period %s: %d approved cases, %d lines: %s.csv, %s.json\n", period, e.Cases, len(e.Lines), base, base)
	return nil
}

// writeFile writes a file whole or not at all: to a temporary name, then
// renamed.
func writeFile(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// seedCases stores the demo's cases through the cases' own flow, when
// the demo's home-care unit has none yet.
func seedCases(ctx context.Context, s *app.Services, now time.Time, log *slog.Logger) error {
	existing, err := s.Cases.OfPerson(ctx, "mikjoh01")
	if err != nil || len(existing) > 0 {
		return err
	}
	n := 0
	for _, dc := range demo.Cases(now) {
		content, err := cases.Parse(dc.Kind, dc.Form, s.Cases.CodeList())
		if err != nil {
			return fmt.Errorf("demo case of %s: %w", dc.PersonID, err)
		}
		c, err := s.Cases.Create(ctx, cases.Owner{PersonID: dc.PersonID, EmploymentID: dc.EmploymentID, UnitID: dc.UnitID}, dc.Kind, content, dc.Submit)
		if err != nil {
			return fmt.Errorf("demo case of %s: %w", dc.PersonID, err)
		}
		if dc.Decide != "" {
			out, err := s.Cases.Decide(ctx, dc.Manager, []cases.Decision{{ID: c.ID, Approve: dc.Decide == "approve", Reason: dc.Reason}})
			if err == nil && out[0].Err != nil {
				err = out[0].Err
			}
			if err != nil {
				return fmt.Errorf("demo decision of %s: %w", dc.PersonID, err)
			}
		}
		n++
	}
	log.Info("demo cases stored", "count", n)
	return nil
}
