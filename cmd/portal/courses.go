package main

import (
	"context"
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
	if err != nil {
		return importFailed(file, err, errOut, func(e *access.ImportError) []string { return texts(e.Problems) })
	}
	fmt.Fprintln(out, sum)
	return nil
}
