package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"portal/access"
)

// coursesCommand imports completed courses from file.
// It prints what changed to out, and a bad file's problems to errOut,
// each on a line of its own.
func coursesCommand(ctx context.Context, cfg Config, log *slog.Logger, file string, out, errOut io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	db, services, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	rows, err := access.ReadCourseRows(f)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	sum, err := services.Access.ImportCourses(ctx, rows)
	var ierr *access.ImportError
	if errors.As(err, &ierr) {
		fmt.Fprintf(errOut, "%s: nothing was imported:\n", file)
		for _, p := range ierr.Problems {
			fmt.Fprintf(errOut, "  %s\n", p)
		}
		if len(ierr.Problems) == 1 {
			return fmt.Errorf("%s: nothing was imported: 1 problem", file)
		}
		return fmt.Errorf("%s: nothing was imported: %d problems", file, len(ierr.Problems))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintln(out, sum)
	return nil
}
