package applications_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/mail"
	"portal/sessions"
	"portal/storage"
)

// A deletion cut short by the object store leaves the account to try again
// and the draft's file on no application, where the sweep finds it; the
// next try finishes.
func TestDeletionCutShortIsFinishedLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := fixtures.New(t)
	db, clock, files := fx.DB, fx.Clock, fx.Files()
	id := fx.Account("avbruten@example.se").ID
	draft := onApp(t, db, id, "EXK-1", clock.Now())
	cv := saved(t, files, id, "EXK-1", draft.ID)
	if err := db.Accounts().ScheduleDeletion(ctx, id, clock.Now()); err != nil {
		t.Fatal(err)
	}

	down, err := storage.OpenBlobs(ctx, testenv.BlobConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := down.Destroy(ctx); err != nil { // a bucket that is not there: every removal fails
		t.Fatal(err)
	}
	svc := &applicants.Accounts{Store: db.Accounts(), Now: clock.Now, Sessions: &sessions.Manager{Store: db.Sessions()}, Interest: &alerts.Service{Store: db.Subscriptions(), Ledger: db.Subscriptions(), Outbox: mail.NewOutbox(db.Outbox(), clock.Now), Now: clock.Now},
		Drafts: &applications.Service{Apps: db.Applications(), Files: &applications.Files{Store: db.Attachments(), Blobs: down, Now: clock.Now}}}
	if n, err := svc.DeleteDue(ctx); err == nil || n != 0 {
		t.Fatalf("deleted %d with the object store down: %v", n, err)
	}
	if _, err := db.Accounts().AccountByID(ctx, id); err != nil {
		t.Fatalf("the account went before its files: %v", err)
	}
	if apps, _ := db.Applications().ApplicationsOf(ctx, id); len(apps) != 0 {
		t.Fatal("the draft is still there")
	}

	clock.Add(25 * time.Hour)
	if n, err := files.Sweep(ctx, 24*time.Hour); err != nil || n.Unlinked != 1 {
		t.Fatalf("sweep: %+v %v", n, err)
	}
	if _, err := db.Attachments().Attachment(ctx, cv.ID); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("the file's record is still there: %v", err)
	}
	svc.Drafts = &applications.Service{Apps: db.Applications(), Files: files}
	if n, err := svc.DeleteDue(ctx); err != nil || n != 1 {
		t.Fatalf("second try: %d %v", n, err)
	}
	if _, err := db.Accounts().AccountByID(ctx, id); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("account kept: %v", err)
	}
}
