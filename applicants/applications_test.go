package applicants_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"portal/applicants"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/mail"
	"portal/storage"
)

var applyNow = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

// applying is the application service on a fresh database and bucket, with
// one open ad.
type applying struct {
	t     *testing.T
	db    *storage.DB
	clock *testenv.Clock
	svc   *applicants.Applying
	ad    jobs.Ad
}

func newApplying(t *testing.T) *applying {
	t.Helper()
	db := testenv.DB(t)
	clock := testenv.NewClock(applyNow)
	f := &applying{t: t, db: db, clock: clock}
	f.svc = &applicants.Applying{
		Apps: db.Applications(), Ads: db.Ads(), Accounts: db.Accounts(),
		Files:  &applicants.Files{Store: db.Attachments(), Blobs: testenv.Blobs(t), Now: clock.Now},
		Mailer: mail.NewOutbox(db.Outbox(), clock.Now), Now: clock.Now, BaseURL: "https://jobb.example.se",
		Translate: func(_, key string, _ ...any) string { return key },
	}
	f.ad = jobs.Ad{
		Ref: "EXR-2026-0001", Title: "Sjuksköterska", Organisation: "Exempelregionen", Area: "health", Place: "Växjö",
		Extent: jobs.Extent{Percent: 100}, Employment: jobs.Permanent, Positions: 1, Text: "Välkommen.",
		PublishedAt: applyNow.Add(-48 * time.Hour), LastDay: jobs.DayOf(applyNow).AddDays(5),
		Questions: []jobs.Question{
			{ID: "start", Type: jobs.QuestionShort, Text: "När kan du börja?", Required: true},
			{ID: "motivering", Type: jobs.QuestionLong, Text: "Varför söker du?"},
		},
	}
	f.saveAd(f.ad)
	return f
}

// saveAd stores the ad as an import does, replacing the one with its reference.
func (f *applying) saveAd(ad jobs.Ad) {
	f.t.Helper()
	if err := f.db.Ads().SaveAd(context.Background(), ad); err != nil {
		f.t.Fatal(err)
	}
}

// applicant creates an account, with its address confirmed or not.
func (f *applying) applicant(email string, verified bool) string {
	f.t.Helper()
	ctx := context.Background()
	id, err := f.db.Accounts().CreateAccount(ctx, applicants.Account{Email: email, CreatedAt: f.clock.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
	if verified {
		if err := f.db.Accounts().MarkVerified(ctx, id, f.clock.Now()); err != nil {
			f.t.Fatal(err)
		}
	}
	return id
}

// started is a started application with every required answer given.
func (f *applying) started(applicant string) applicants.Application {
	f.t.Helper()
	ctx := context.Background()
	a, err := f.svc.Start(ctx, applicant, f.ad)
	if err != nil {
		f.t.Fatal(err)
	}
	a, errs, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Genast"}}, applicants.StepAttachments)
	if err != nil || len(errs) > 0 {
		f.t.Fatalf("answers: %v %v", errs, err)
	}
	return a
}

func (f *applying) mails(to string) int {
	f.t.Helper()
	recs, err := f.db.Outbox().Recent(context.Background(), 100)
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.To == to {
			n++
		}
	}
	return n
}

func (f *applying) reload(a applicants.Application) applicants.Application {
	f.t.Helper()
	got, err := f.svc.Get(context.Background(), a.Applicant, a.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func pdfUpload(t *testing.T, name string, size int) applicants.Upload {
	t.Helper()
	pdf, err := os.ReadFile("testdata/brev.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if size > len(pdf) {
		pdf = append(pdf, bytes.Repeat([]byte("%\n"), (size-len(pdf))/2)...)
	}
	return applicants.Upload{Name: name, Size: int64(len(pdf)), Body: bytes.NewReader(pdf)}
}

func TestSubmitNeedsAConfirmedAddress(t *testing.T) {
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("obekraftad@example.se", false)
	a := f.started(id)
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); !errors.Is(err, applicants.ErrUnverified) {
		t.Fatalf("submit with an unconfirmed address: %v", err)
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 0 || f.reload(a).Status != applicants.StatusDraft || f.mails("obekraftad@example.se") != 0 {
		t.Fatal("an unconfirmed address submitted")
	}
	if err := f.db.Accounts().MarkVerified(ctx, id, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); err != nil {
		t.Fatalf("submit once confirmed: %v", err)
	}
}

// The last day ends between the service's check and the write: the write's
// own filter refuses it.
func TestSubmitRefusedWhenTheDayEndsBeforeTheWrite(t *testing.T) {
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("sist@example.se", true)
	a := f.started(id)
	closes := f.ad.ClosesAt()
	calls := 0
	f.svc.Now = func() time.Time { // a second before midnight when the service looks, midnight after
		calls++
		if calls == 1 {
			return closes.Add(-time.Second)
		}
		return closes
	}
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); !errors.Is(err, applicants.ErrClosed) {
		t.Fatalf("submitted at midnight: %v", err)
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 0 || f.mails("sist@example.se") != 0 {
		t.Fatal("a version or receipt after the deadline")
	}
}

// The deadline is the ad's last day as it is now: moved earlier, it stops
// changes to applications already started; moved later, it lets them go on.
func TestDeadlineIsTheAdsCurrentLastDay(t *testing.T) {
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("flyttad@example.se", true)
	a := f.started(id)
	a, _, err := f.svc.AddFiles(ctx, a, []applicants.Upload{pdfUpload(t, "CV.pdf", 0)})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = f.svc.Submit(ctx, a, f.ad, "sv"); err != nil {
		t.Fatal(err)
	}
	files, _ := f.svc.AttachmentsOf(ctx, a)

	shortened := f.ad
	shortened.LastDay = jobs.DayOf(applyNow).AddDays(-1)
	f.saveAd(shortened)
	a = f.reload(a)
	if a.Open(f.clock.Now()) {
		t.Fatal("the application is open after its ad's last day")
	}
	for name, try := range map[string]func() error{
		"save answers": func() error {
			_, _, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Om en månad"}}, applicants.StepAttachments)
			return err
		},
		"add a file": func() error {
			_, _, err := f.svc.AddFiles(ctx, a, []applicants.Upload{pdfUpload(t, "Brev.pdf", 0)})
			return err
		},
		"remove a file": func() error { _, err := f.svc.RemoveFile(ctx, a, files[0].ID); return err },
		"submit":        func() error { _, err := f.svc.Submit(ctx, a, f.ad, "sv"); return err },
		"withdraw":      func() error { _, err := f.svc.Withdraw(ctx, a); return err },
	} {
		if err := try(); !errors.Is(err, applicants.ErrClosed) {
			t.Errorf("%s after the new last day: %v", name, err)
		}
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 1 || f.mails("flyttad@example.se") != 1 {
		t.Fatal("a change went through after the new last day")
	}

	// Extended: a day later than the first last day, still open.
	extended := f.ad
	extended.LastDay = jobs.DayOf(applyNow).AddDays(10)
	f.saveAd(extended)
	f.clock.Set(f.ad.ClosesAt().Add(time.Hour))
	a = f.reload(a)
	if !a.Open(f.clock.Now()) {
		t.Fatal("closed on the old last day")
	}
	if _, _, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Om en månad"}}, applicants.StepSummary); err != nil {
		t.Fatalf("save after the old last day: %v", err)
	}
	if a, err = f.svc.Submit(ctx, a, extended, "sv"); err != nil || a.Version != 2 {
		t.Fatalf("submit after the old last day: %v", err)
	}
	if _, err := f.svc.Withdraw(ctx, a); err != nil {
		t.Fatalf("withdraw after the old last day: %v", err)
	}
}

func TestFilesPerApplicationAreCapped(t *testing.T) {
	f := newApplying(t)
	ctx := context.Background()
	a := f.started(f.applicant("tio@example.se", true))
	for batch := range 2 {
		var ups []applicants.Upload
		for i := range 5 {
			ups = append(ups, pdfUpload(t, "Fil "+string(rune('A'+batch*5+i))+".pdf", 0))
		}
		if _, refused, err := f.svc.AddFiles(ctx, a, ups); err != nil || len(refused) != 0 {
			t.Fatalf("batch %d: %v %v", batch, refused, err)
		}
	}
	_, refused, err := f.svc.AddFiles(ctx, a, []applicants.Upload{pdfUpload(t, "Elva.pdf", 0)})
	if err != nil || len(refused) != 1 || refused[0].Name != "Elva.pdf" || refused[0].Key != "file.error.max_files" {
		t.Fatalf("an eleventh file: %v %v", refused, err)
	}
	if files, _ := f.svc.AttachmentsOf(ctx, a); len(files) != applicants.MaxFiles {
		t.Fatalf("%d files kept", len(files))
	}

	// Bytes: five files just under 5 MB fit, a sixth does not.
	b := f.started(f.applicant("stora@example.se", true))
	big := applicants.MaxTotalSize / 5 * 98 / 100
	var ups []applicants.Upload
	for i := range 5 {
		ups = append(ups, pdfUpload(t, "Stor "+string(rune('A'+i))+".pdf", big))
	}
	if _, refused, err := f.svc.AddFiles(ctx, b, ups); err != nil || len(refused) != 0 {
		t.Fatalf("five large files: %v %v", refused, err)
	}
	_, refused, err = f.svc.AddFiles(ctx, b, []applicants.Upload{pdfUpload(t, "Stor F.pdf", big)})
	if err != nil || len(refused) != 1 || refused[0].Name != "Stor F.pdf" || refused[0].Key != "file.error.total_size" {
		t.Fatalf("a sixth large file: %v %v", refused, err)
	}
}

// Large files uploaded at once from several windows cannot pass the byte
// cap between them.
func TestByteCapHoldsForParallelUploads(t *testing.T) {
	f := newApplying(t)
	ctx := context.Background()
	a := f.started(f.applicant("parallellt@example.se", true))
	big := applicants.MaxTotalSize / 5 * 98 / 100
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, refused, err := f.svc.AddFiles(ctx, a, []applicants.Upload{pdfUpload(t, "Stor "+string(rune('A'+i))+".pdf", big)})
			if err == nil && len(refused) == 1 && refused[0].Key != "file.error.total_size" {
				err = errors.New(refused[0].Key)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	files, _ := f.svc.AttachmentsOf(ctx, a)
	var total int64
	for _, file := range files {
		total += file.Size
	}
	if total > applicants.MaxTotalSize || len(files) == 0 {
		t.Fatalf("%d files of %d bytes in all kept", len(files), total)
	}
}

// A file taken off after a submission stays on record with the version
// that names it; one never submitted is deleted. Nobody else can remove
// either.
func TestRemovingFiles(t *testing.T) {
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("bort@example.se", true)
	a := f.started(id)
	a, _, err := f.svc.AddFiles(ctx, a, []applicants.Upload{pdfUpload(t, "Inskickad.pdf", 0), pdfUpload(t, "Utkast.pdf", 0)})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := f.svc.AttachmentsOf(ctx, a)
	if len(files) != 2 || files[0].Name != "Inskickad.pdf" {
		t.Fatalf("files %+v", files)
	}
	other := f.started(f.applicant("annan@example.se", true))
	if _, err := f.svc.RemoveFile(ctx, other, files[0].ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("another applicant removed a file: %v", err)
	}
	if _, err := f.svc.RemoveFile(ctx, a, files[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.OpenFile(ctx, id, files[1].ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("a removed draft file is still stored: %v", err)
	}
	if a, err = f.svc.Submit(ctx, a, f.ad, "sv"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RemoveFile(ctx, a, files[0].ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.svc.AttachmentsOf(ctx, a); len(left) != 0 {
		t.Fatalf("the working copy still has %v", left)
	}
	if _, rc, err := f.svc.OpenFile(ctx, id, files[0].ID); err != nil {
		t.Fatalf("the submitted file is gone: %v", err)
	} else {
		rc.Close()
	}
	if _, err := f.svc.RemoveFile(ctx, a, files[0].ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("removed twice: %v", err)
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 1 || len(v[0].Attachments) != 1 || v[0].Attachments[0].ID != files[0].ID {
		t.Fatalf("versions %+v", v)
	}
}
