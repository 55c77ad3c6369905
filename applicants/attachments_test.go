package applicants_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"portal/applicants"
	"portal/internal/testenv"
	"portal/storage"
)

func TestFilesOnRealStorage(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	blobs := testenv.Blobs(t)
	clock := testenv.NewClock(time.Now())
	f := &applicants.Files{Store: db.Attachments(), Blobs: blobs, Now: clock.Now}
	pdf, err := os.ReadFile("testdata/brev.pdf")
	if err != nil {
		t.Fatal(err)
	}
	checked, err := applicants.CheckFile("Personligt brev.pdf", bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.Save(ctx, "owner-1", "EXK-1", "app-1", checked, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if a.State != applicants.AttachmentStored || a.SHA256 != hex.EncodeToString(sum[:]) || strings.Contains(a.Key, "brev") || len(a.ID) != 32 {
		t.Fatalf("saved %+v", a)
	}
	got, rc, err := f.Open(ctx, "owner-1", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(body, pdf) || got.Name != "Personligt brev.pdf" || got.ContentType != "application/pdf" {
		t.Fatal("file changed in storage")
	}
	if _, _, err := f.Open(ctx, "owner-2", a.ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("another applicant opened the file: %v", err)
	}
	if err := f.Remove(ctx, "owner-2", a.ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("another applicant removed the file: %v", err)
	}

	// Leftovers of failed saves: a pending record with its object, and an
	// object no record names. The sweep removes both once a day old.
	_ = db.Attachments().InsertAttachment(ctx, applicants.Attachment{ID: "p1", Owner: "owner-1", Key: "attachments/p1",
		State: applicants.AttachmentPending, CreatedAt: clock.Now()})
	_ = blobs.Put(ctx, "attachments/p1", strings.NewReader("half"), 4, "application/pdf")
	_ = blobs.Put(ctx, "attachments/orphan", strings.NewReader("lost"), 4, "application/pdf")
	if r, o, err := f.Sweep(ctx, 24*time.Hour); err != nil || r+o != 0 {
		t.Fatalf("young leftovers swept: %d %d %v", r, o, err)
	}
	clock.Add(25 * time.Hour)
	r, o, err := f.Sweep(ctx, 24*time.Hour)
	if err != nil || r != 1 || o != 1 {
		t.Fatalf("sweep: %d records, %d objects, %v", r, o, err)
	}
	// Leftovers older than the sweep's week were swept long ago: left alone.
	_ = blobs.Put(ctx, "attachments/ancient", strings.NewReader("old"), 3, "application/pdf")
	clock.Add(9 * 24 * time.Hour)
	if _, o, _ := f.Sweep(ctx, 24*time.Hour); o != 0 {
		t.Fatalf("swept %d objects outside the week", o)
	}
	if _, rc, err := f.Open(ctx, "owner-1", a.ID); err != nil {
		t.Fatal("the sweep removed a stored file")
	} else {
		rc.Close()
	}
	if err := f.Remove(ctx, "owner-1", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Open(ctx, "owner-1", a.ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatal("removed file still there")
	}
}

// When the object cannot be written, the record is undone too.
func TestFailedSaveLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	blobs, err := storage.OpenBlobs(ctx, testenv.BlobConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.Destroy(ctx); err != nil { // the bucket is gone: every write fails
		t.Fatal(err)
	}
	f := &applicants.Files{Store: db.Attachments(), Blobs: blobs, Now: time.Now}
	pdf, _ := os.ReadFile("testdata/brev.pdf")
	checked, _ := applicants.CheckFile("brev.pdf", bytes.NewReader(pdf), int64(len(pdf)))
	if _, err := f.Save(ctx, "owner-1", "EXK-1", "app-1", checked, bytes.NewReader(pdf), int64(len(pdf))); err == nil {
		t.Fatal("save into a missing bucket succeeded")
	}
	stale, _ := db.Attachments().StalePending(ctx, time.Now().Add(time.Hour))
	if len(stale) != 0 {
		t.Fatalf("a record of the failed save remains: %+v", stale)
	}
}
