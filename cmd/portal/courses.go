package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"portal/access"
	"portal/internal/app"
)

// coursesCommand imports completed courses from file.
func coursesCommand(ctx context.Context, cfg Config, log *slog.Logger, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	services, err := app.NewServices(appConfig(cfg), app.Infra{DB: db, Now: time.Now, Log: log})
	if err != nil {
		return err
	}
	rows, err := access.ReadCourseRows(f)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	n, err := services.Access.ImportCourses(ctx, rows)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	log.Info("courses recorded", "rows", n)
	return nil
}
