// Package testenv gives tests their own database and bucket on the real
// servers that `make test` starts (FerretDB and MinIO).
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"portal/storage"
)

// Env variables that point tests at the servers.
const (
	EnvMongo    = "PORTAL_TEST_MONGO_URI"
	EnvS3       = "PORTAL_TEST_S3_ENDPOINT"
	EnvS3Access = "PORTAL_TEST_S3_ACCESS_KEY"
	EnvS3Secret = "PORTAL_TEST_S3_SECRET_KEY"
)

func need(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts the database and S3 servers", name)
	}
	return v
}

// Name returns a fresh random name with the given prefix.
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// DB returns a migrated database of its own, dropped when the test ends.
func DB(t testing.TB) *storage.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := storage.Connect(ctx, need(t, EnvMongo), Name("test_"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = db.Close(ctx)
	})
	return db
}

// Another opens a second handle on the database of db, as another
// instance of the portal has one: what is written through either reaches
// the other only through the database. It is closed when the test ends.
func Another(t testing.TB, db *storage.DB) *storage.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	other, err := storage.Connect(ctx, need(t, EnvMongo), db.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close(context.Background()) })
	return other
}

// BlobConfig returns the S3 settings for a new bucket.
func BlobConfig(t testing.TB) storage.BlobConfig {
	t.Helper()
	return storage.BlobConfig{
		Endpoint:  need(t, EnvS3),
		AccessKey: need(t, EnvS3Access),
		SecretKey: need(t, EnvS3Secret),
		Bucket:    Name("test-"),
	}
}

// Blobs returns a bucket of its own, removed when the test ends.
func Blobs(t testing.TB) *storage.Blobs {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := storage.OpenBlobs(ctx, BlobConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = b.Destroy(ctx)
	})
	return b
}

// Clock is a settable clock for tests, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }
