package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"portal/demo"
	"portal/internal/app"
	"portal/payroll"
	"portal/storage"
)

// payrollCommand runs `portal payroll import FILE`.
func payrollCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	if len(args) == 2 && args[0] == "import" {
		return payrollImport(ctx, cfg, log, args[1], os.Stdout, os.Stderr)
	}
	const use = "use portal payroll import FILE (.json, see README: Data from payroll)"
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
