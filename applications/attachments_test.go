package applications_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/applications"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/storage"
)

func TestFilesOnRealStorage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := fixtures.New(t)
	fx.Clock.Set(time.Now()) // the sweep compares the clock with the bucket's own times
	db, blobs, clock, f := fx.DB, fx.Blobs(), fx.Clock, fx.Files()
	pdf, err := os.ReadFile("testdata/brev.pdf")
	if err != nil {
		t.Fatal(err)
	}
	app := onApp(t, db, "owner-1", "EXK-1", clock.Now())
	a := savedAs(t, f, "Personligt brev.pdf", "owner-1", "EXK-1", app.ID)
	sum := sha256.Sum256(pdf)
	if a.State != applications.AttachmentStored || a.SHA256 != hex.EncodeToString(sum[:]) || strings.Contains(a.Key, "brev") || len(a.ID) != 32 {
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
	if _, _, err := f.Open(ctx, "owner-2", a.ID); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("another applicant opened the file: %v", err)
	}
	if err := f.Remove(ctx, "owner-2", a.ID); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("another applicant removed the file: %v", err)
	}

	// The file is on an application, so the sweep leaves it alone.
	// Leftovers of failed saves: a pending record with its object, and an
	// object no record names. The sweep removes both once a day old.
	_ = db.Attachments().InsertAttachment(ctx, applications.Attachment{ID: "p1", Owner: "owner-1", Key: "attachments/p1",
		State: applications.AttachmentPending, CreatedAt: clock.Now()})
	_ = blobs.Put(ctx, "attachments/p1", strings.NewReader("half"), 4, "application/pdf")
	_ = blobs.Put(ctx, "attachments/orphan", strings.NewReader("lost"), 4, "application/pdf")
	if n, err := f.Sweep(ctx, 24*time.Hour); err != nil || n != (applications.Swept{}) {
		t.Fatalf("young leftovers swept: %+v %v", n, err)
	}
	clock.Add(25 * time.Hour)
	n, err := f.Sweep(ctx, 24*time.Hour)
	if err != nil || n != (applications.Swept{Pending: 1, Objects: 1}) {
		t.Fatalf("sweep: %+v, %v", n, err)
	}
	// Leftovers older than the sweep's week were swept long ago: left alone.
	_ = blobs.Put(ctx, "attachments/ancient", strings.NewReader("old"), 3, "application/pdf")
	clock.Add(9 * 24 * time.Hour)
	if n, _ := f.Sweep(ctx, 24*time.Hour); n.Objects != 0 {
		t.Fatalf("swept %d objects outside the week", n.Objects)
	}
	if _, rc, err := f.Open(ctx, "owner-1", a.ID); err != nil {
		t.Fatal("the sweep removed a stored file")
	} else {
		rc.Close()
	}
	if err := f.Remove(ctx, "owner-1", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Open(ctx, "owner-1", a.ID); !errors.Is(err, applications.ErrNotFound) {
		t.Fatal("removed file still there")
	}
}

// onApp stores an application.
func onApp(t *testing.T, db *storage.DB, owner, adRef string, now time.Time) applications.Application {
	t.Helper()
	app := applications.Application{Applicant: owner, AdRef: adRef, ClosesAt: now.AddDate(1, 0, 0), Status: applications.StatusDraft,
		Step: applications.StepAttachments, CreatedAt: now, UpdatedAt: now}
	id, err := db.Applications().CreateApplication(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	app.ID = id
	return app
}

// saved stores the test PDF as an attachment of owner on the application.
func saved(t *testing.T, f *applications.Files, owner, adRef, application string) applications.Attachment {
	t.Helper()
	return savedAs(t, f, "brev.pdf", owner, adRef, application)
}

// savedAs stores the test PDF under the name.
func savedAs(t *testing.T, f *applications.Files, name, owner, adRef, application string) applications.Attachment {
	t.Helper()
	pdf, err := os.ReadFile("testdata/brev.pdf")
	if err != nil {
		t.Fatal(err)
	}
	checked, err := applications.CheckFile(name, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.Save(context.Background(), owner, adRef, application, checked, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// gone reports whether both the record and the object of a are gone.
func gone(t *testing.T, db *storage.DB, blobs applications.Blobs, a applications.Attachment) bool {
	t.Helper()
	ctx := context.Background()
	_, err := db.Attachments().Attachment(ctx, a.ID)
	recordGone := errors.Is(err, applications.ErrNotFound)
	rc, err := blobs.Get(ctx, a.Key)
	if err == nil {
		rc.Close()
	}
	if recordGone != (err != nil) {
		t.Fatalf("%s: record gone %v, object gone %v", a.ID, recordGone, err != nil)
	}
	return recordGone
}

// A stored file that no application names (the upload was cut short before
// its application was saved) is swept once a day old, however old; a file
// on a working copy or in a submitted version stays, and so does a young
// one that its application may be about to name.
func TestSweepRemovesFilesOnNoApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := fixtures.New(t)
	db, blobs, clock, f := fx.DB, fx.Blobs(), fx.Clock, fx.Files()
	draft, sent := onApp(t, db, "owner-1", "EXK-1", clock.Now()), onApp(t, db, "owner-1", "EXK-2", clock.Now())
	onDraft, inVersion := saved(t, f, "owner-1", "EXK-1", draft.ID), saved(t, f, "owner-1", "EXK-2", sent.ID)
	// On an application that went (a draft deleted half-way).
	cutShort := saved(t, f, "owner-1", "EXK-3", "0123456789abcdef01234567")
	// Submitted with the file, which was then taken off the working copy.
	if err := db.Applications().AddVersion(ctx, sent.ID, applications.Version{N: 1, At: clock.Now(), Attachments: []applications.Attachment{inVersion}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Attachments().Detach(ctx, inVersion.ID); err != nil {
		t.Fatal(err)
	}
	clock.Add(30 * 24 * time.Hour)
	young := saved(t, f, "owner-1", "EXK-4", "")
	n, err := f.Sweep(ctx, 24*time.Hour)
	if err != nil || n != (applications.Swept{Unlinked: 1}) {
		t.Fatalf("sweep: %+v, %v", n, err)
	}
	if !gone(t, db, blobs, cutShort) {
		t.Fatal("the file on no application was kept")
	}
	for _, a := range []applications.Attachment{onDraft, inVersion, young} {
		if gone(t, db, blobs, a) {
			t.Fatalf("%s was swept", a.ID)
		}
	}
	if n, err := f.Sweep(ctx, 24*time.Hour); err != nil || n != (applications.Swept{}) {
		t.Fatalf("second sweep: %+v, %v", n, err)
	}
}

// The sweep goes through stored files in batches, deleting as it goes.
func TestSweepGoesThroughEveryBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := fixtures.New(t)
	db, clock, f := fx.DB, fx.Clock, fx.Files()
	app := onApp(t, db, "owner-1", "EXK-1", clock.Now())
	var keep []string
	recs := make(chan applications.Attachment)
	var wg sync.WaitGroup
	for range 8 { // a few writers at once: 1100 inserts one after another are slow
		wg.Go(func() {
			for rec := range recs {
				if err := db.Attachments().InsertAttachment(ctx, rec); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for i := range 1100 {
		id := fmt.Sprintf("%032d", i)
		rec := applications.Attachment{ID: id, Owner: "owner-1", Key: "attachments/" + id, State: applications.AttachmentStored, CreatedAt: clock.Now()}
		if i%3 == 0 {
			rec.Application, rec.Slot = app.ID, i+1
			keep = append(keep, id)
		}
		recs <- rec
	}
	close(recs)
	wg.Wait()
	clock.Add(25 * time.Hour)
	n, err := f.Sweep(ctx, 24*time.Hour)
	if err != nil || n.Unlinked != 1100-len(keep) {
		t.Fatalf("sweep: %+v, %v", n, err)
	}
	for _, id := range keep {
		if _, err := db.Attachments().Attachment(ctx, id); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
}

// When the object cannot be written, the record is undone too.
func TestFailedSaveLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)
	blobs, err := storage.OpenBlobs(ctx, testenv.BlobConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.Destroy(ctx); err != nil { // the bucket is gone: every write fails
		t.Fatal(err)
	}
	f := &applications.Files{Store: db.Attachments(), Blobs: blobs, Now: time.Now}
	pdf, _ := os.ReadFile("testdata/brev.pdf")
	checked, _ := applications.CheckFile("brev.pdf", bytes.NewReader(pdf), int64(len(pdf)))
	if _, err := f.Save(ctx, "owner-1", "EXK-1", "app-1", checked, bytes.NewReader(pdf), int64(len(pdf))); err == nil {
		t.Fatal("save into a missing bucket succeeded")
	}
	stale, _ := db.Attachments().StalePending(ctx, time.Now().Add(time.Hour))
	if len(stale) != 0 {
		t.Fatalf("a record of the failed save remains: %+v", stale)
	}
}
