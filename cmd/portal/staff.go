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
	"portal/employees"
	"portal/internal/app"
)

// staffCommand runs `portal staff import FILE`.
func staffCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	switch {
	case len(args) == 2 && args[0] == "import":
		return staffImport(ctx, cfg, log, args[1], os.Stdout, os.Stderr)
	case len(args) == 2 && args[0] == "courses":
		return coursesCommand(ctx, cfg, log, args[1])
	}
	return errors.New("usage: portal staff import FILE (.json or .csv) | portal staff courses FILE")
}

// staffImport makes the staff directory what the export FILE says and
// prints what changed; a bad file gets every problem printed to errOut
// and stores nothing.
func staffImport(ctx context.Context, cfg Config, log *slog.Logger, file string, out, errOut io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	batch, err := employees.Read(file, f)
	f.Close()
	if err != nil {
		return importFailed(file, err, errOut)
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	services, err := app.NewServices(appConfig(cfg), app.Infra{DB: db, Now: time.Now, Log: log})
	if err != nil {
		return err
	}
	sum, err := services.Directory.Import(ctx, batch)
	if err != nil {
		return importFailed(file, err, errOut)
	}
	fmt.Fprintln(out, sum)
	return nil
}

// importFailed prints each problem of an export on a line of its own.
func importFailed(file string, err error, errOut io.Writer) error {
	var ierr *employees.ImportError
	if !errors.As(err, &ierr) {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(errOut, "%s: nothing was imported:\n", file)
	for _, p := range ierr.Problems {
		fmt.Fprintf(errOut, "  %s\n", p)
	}
	if len(ierr.Problems) == 1 {
		return fmt.Errorf("%s: nothing was imported: 1 problem", file)
	}
	return fmt.Errorf("%s: nothing was imported: %d problems", file, len(ierr.Problems))
}

// seedOrganisation imports the demo organisation; with ifEmpty only into
// a directory that has no people yet. It is a full export, so people it
// does not name are deactivated.
func seedOrganisation(ctx context.Context, dir *employees.Directory, ifEmpty bool, log *slog.Logger) error {
	if ifEmpty {
		people, err := dir.Store.AllPeople(ctx)
		if err != nil {
			return err
		}
		if len(people) > 0 {
			log.Info("staff directory has people; not seeding the demo organisation", "people", len(people))
			return nil
		}
	}
	batch, err := demo.Organisation()
	if err != nil {
		return err
	}
	sum, err := dir.Import(ctx, batch)
	if err != nil {
		return err
	}
	log.Info("demo organisation stored", "people_added", sum.People.Added, "people_changed", sum.People.Changed,
		"people_deactivated", sum.People.Deactivated, "employments_added", sum.Employments.Added)
	return nil
}
