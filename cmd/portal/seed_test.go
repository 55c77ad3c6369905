package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"portal/demo"
	"portal/internal/testenv"
	"portal/recruiting"
	"portal/storage"
)

// Seeding stores the demo ads in one write, the demo organisation and the
// demo recruitment with its applications; a second run replaces the ads by
// reference number and adds nothing, and -if-empty leaves a board and a
// staff directory alone.
func TestSeedTwiceAddsNothing(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	for _, args := range [][]string{{"-ads", "60"}, {"-ads", "60"}, {"-if-empty", "-ads", "80"}} {
		if err := seed(ctx, cfg, log, args); err != nil {
			t.Fatalf("seed %v: %v", args, err)
		}
		if n, err := db.Ads().CountAds(ctx); err != nil || n != 61 {
			t.Fatalf("after seed %v: %d ads (%v), want 60 and the demo recruitment's", args, n, err)
		}
		rs, err := db.Recruitments().Recruitments(ctx)
		if err != nil || len(rs) != 1 {
			t.Fatalf("after seed %v: %d recruitments (%v)", args, len(rs), err)
		}
		cands, err := db.Recruitments().CandidatesOf(ctx, rs[0].ID)
		if err != nil || len(cands) != len(demo.Applicants) || cands[0].Stage != recruiting.StageInterview || cands[0].Details.FirstName != "Amira" {
			t.Fatalf("after seed %v: candidates %v %+v", args, err, cands)
		}
		if people, err := db.Employees().AllPeople(ctx); err != nil || len(people) != 30 {
			t.Fatalf("after seed %v: %d staff (%v), want the demo organisation's 30", args, len(people), err)
		}
		// Every demo person has an address and a masked bank account; the
		// demo relatives are stored once.
		if e, err := db.Personal().Exported(ctx, "evaryl01"); err != nil || e.Contact.Street == "" || e.Bank == nil {
			t.Fatalf("after seed %v: exported personal data %+v (%v)", args, e, err)
		}
		if rs, err := db.Personal().Relatives(ctx, "erisan01"); err != nil || len(rs) == 0 || len(rs) > 2 {
			t.Fatalf("after seed %v: demo relatives %+v (%v)", args, rs, err)
		}
	}
}

// commandEnv is a database of the test's own and the development
// configuration that points the commands at it.
func commandEnv(t *testing.T) (*storage.DB, Config, *slog.Logger) {
	t.Helper()
	db := testenv.DB(t)
	cfg, err := loadConfig(envOf(map[string]string{
		"PORTAL_ENV": "dev", "PORTAL_MONGO_URI": os.Getenv(testenv.EnvMongo), "PORTAL_MONGO_DB": db.Name(),
		"PORTAL_S3_ENDPOINT": "127.0.0.1:9000", "PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY": "b",
	}))
	if err != nil {
		t.Fatal(err)
	}
	return db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fileWriter writes files into a folder of the test's own and returns
// their paths, for the commands that read files.
func fileWriter(t *testing.T) func(name, body string) string {
	dir := t.TempDir()
	return func(name, body string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
}
