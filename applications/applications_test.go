package applications_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/applicants"
	"portal/applications"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/links"
	"portal/mail"
	"portal/storage"
	"portal/views"
)

var applyNow = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

// applying is the application service on a fresh database and bucket, with
// one open ad.
type applying struct {
	t     *testing.T
	db    *storage.DB
	clock *testenv.Clock
	svc   *applications.Service
	ad    jobs.Ad
}

func newApplying(t *testing.T) *applying {
	t.Helper()
	db := testenv.DB(t)
	clock := testenv.NewClock(applyNow)
	f := &applying{t: t, db: db, clock: clock}
	f.svc = &applications.Service{
		Apps: db.Applications(), Ads: db.Ads(), Accounts: db.Accounts(),
		Files:  &applications.Files{Store: db.Attachments(), Blobs: testenv.Blobs(t), Now: clock.Now},
		Mailer: mail.NewOutbox(db.Outbox(), clock.Now), Now: clock.Now, Links: links.Table{Base: "https://jobb.example.se"},
		Render: mails(t),
	}
	f.ad = jobs.Ad{
		Ref: "EXR-2026-0001", Title: "Sjuksköterska", Organisation: "Exempelregionen", Area: "health", Place: "Växjö",
		Extent: jobs.Extent{Percent: 100}, Employment: jobs.Permanent, Positions: 1, Text: "Välkommen.",
		PublishedAt: applyNow.Add(-48 * time.Hour), LastDay: jobs.DayOf(applyNow).AddDays(5),
		Questions: []jobs.Question{
			{ID: "start", Type: jobs.QuestionShort, Text: "När kan du börja?", Required: true},
			{ID: "motivering", Type: jobs.QuestionLong, Text: "Varför söker du?"},
			{ID: "legitimation", Type: jobs.QuestionYesNo, Text: "Har du legitimation?"},
		},
	}
	f.saveAd(f.ad)
	return f
}

// mails is the portal's renderer of e-mail.
func mails(t *testing.T) *views.Mails {
	t.Helper()
	locales, err := views.LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	m, err := views.NewMails(locales, "Exempelregionen")
	if err != nil {
		t.Fatal(err)
	}
	return m
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
func (f *applying) started(applicant string) applications.Application {
	f.t.Helper()
	ctx := context.Background()
	a, err := f.svc.Start(ctx, applicant, f.ad)
	if err != nil {
		f.t.Fatal(err)
	}
	a, errs, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Genast"}}, applications.StepAttachments)
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

func (f *applying) reload(a applications.Application) applications.Application {
	f.t.Helper()
	got, err := f.svc.Get(context.Background(), a.Applicant, a.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func pdfUpload(t *testing.T, name string, size int) applications.Upload {
	t.Helper()
	pdf, err := os.ReadFile("testdata/brev.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if size > len(pdf) {
		pdf = append(pdf, bytes.Repeat([]byte(" "), size-len(pdf))...)
	}
	return applications.Upload{Name: name, Size: int64(len(pdf)), Body: bytes.NewReader(pdf)}
}

func TestSubmitNeedsAConfirmedAddress(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("obekraftad@example.se", false)
	a := f.started(id)
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); !errors.Is(err, applications.ErrUnverified) {
		t.Fatalf("submit with an unconfirmed address: %v", err)
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 0 || f.reload(a).Status != applications.StatusDraft || f.mails("obekraftad@example.se") != 0 {
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
	t.Parallel()
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
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); !errors.Is(err, applications.ErrClosed) {
		t.Fatalf("submitted at midnight: %v", err)
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 0 || f.mails("sist@example.se") != 0 {
		t.Fatal("a version or receipt after the deadline")
	}
}

// The deadline is the ad's last day as it is now: moved earlier, it stops
// changes to applications already started; moved later, it lets them go on.
func TestDeadlineIsTheAdsCurrentLastDay(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("flyttad@example.se", true)
	a := f.started(id)
	a, _, err := f.svc.AddFiles(ctx, a, []applications.Upload{pdfUpload(t, "CV.pdf", 0)})
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
	if list, _ := f.svc.List(ctx, id); a.Open(f.clock.Now()) || len(list) != 1 || list[0].Open(f.clock.Now()) {
		t.Fatal("the application is open after its ad's last day")
	}
	for name, try := range map[string]func() error{
		"save answers": func() error {
			_, _, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Om en månad"}}, applications.StepAttachments)
			return err
		},
		"add a file": func() error {
			_, _, err := f.svc.AddFiles(ctx, a, []applications.Upload{pdfUpload(t, "Brev.pdf", 0)})
			return err
		},
		"remove a file": func() error { _, err := f.svc.RemoveFile(ctx, a, files[0].ID); return err },
		"submit":        func() error { _, err := f.svc.Submit(ctx, a, f.ad, "sv"); return err },
		"withdraw":      func() error { _, err := f.svc.Withdraw(ctx, a); return err },
	} {
		if err := try(); !errors.Is(err, applications.ErrClosed) {
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
	if _, _, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Om en månad"}}, applications.StepSummary); err != nil {
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
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	a := f.started(f.applicant("tio@example.se", true))
	for batch := range 2 {
		var ups []applications.Upload
		for i := range 5 {
			ups = append(ups, pdfUpload(t, "Fil "+string(rune('A'+batch*5+i))+".pdf", 0))
		}
		if _, refused, err := f.svc.AddFiles(ctx, a, ups); err != nil || len(refused) != 0 {
			t.Fatalf("batch %d: %v %v", batch, refused, err)
		}
	}
	_, refused, err := f.svc.AddFiles(ctx, a, []applications.Upload{pdfUpload(t, "Elva.pdf", 0)})
	if err != nil || len(refused) != 1 || refused[0].Name != "Elva.pdf" || refused[0].Key != "file.error.max_files" {
		t.Fatalf("an eleventh file: %v %v", refused, err)
	}
	if files, _ := f.svc.AttachmentsOf(ctx, a); len(files) != applications.MaxFiles {
		t.Fatalf("%d files kept", len(files))
	}

	// Bytes: five files of 5 MB fill the 25 MB exactly; one more does not fit.
	b := f.started(f.applicant("stora@example.se", true))
	var ups []applications.Upload
	for i := range 5 {
		ups = append(ups, pdfUpload(t, "Stor "+string(rune('A'+i))+".pdf", applications.MaxTotalSize/5))
	}
	if _, refused, err := f.svc.AddFiles(ctx, b, ups); err != nil || len(refused) != 0 {
		t.Fatalf("five large files: %v %v", refused, err)
	}
	_, refused, err = f.svc.AddFiles(ctx, b, []applications.Upload{pdfUpload(t, "Liten.pdf", 0)})
	if err != nil || len(refused) != 1 || refused[0].Name != "Liten.pdf" || refused[0].Key != "file.error.total_size" {
		t.Fatalf("a file beyond 25 MB: %v %v", refused, err)
	}
}

// Large files uploaded at once from several windows cannot pass the byte
// cap between them.
func TestByteCapHoldsForParallelUploads(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	a := f.started(f.applicant("parallellt@example.se", true))
	big := applications.MaxTotalSize / 5 * 98 / 100
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, refused, err := f.svc.AddFiles(ctx, a, []applications.Upload{pdfUpload(t, "Stor "+string(rune('A'+i))+".pdf", big)})
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
	if total > applications.MaxTotalSize || len(files) == 0 {
		t.Fatalf("%d files of %d bytes in all kept", len(files), total)
	}
}

// A file taken off after a submission stays on record with the version
// that names it; one never submitted is deleted. Nobody else can remove
// either.
func TestRemovingFiles(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("bort@example.se", true)
	a := f.started(id)
	a, _, err := f.svc.AddFiles(ctx, a, []applications.Upload{pdfUpload(t, "Inskickad.pdf", 0), pdfUpload(t, "Utkast.pdf", 0)})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := f.svc.AttachmentsOf(ctx, a)
	if len(files) != 2 || files[0].Name != "Inskickad.pdf" {
		t.Fatalf("files %+v", files)
	}
	other := f.started(f.applicant("annan@example.se", true))
	if _, err := f.svc.RemoveFile(ctx, other, files[0].ID); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("another applicant removed a file: %v", err)
	}
	if _, err := f.svc.RemoveFile(ctx, a, files[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.OpenFile(ctx, id, files[1].ID); !errors.Is(err, applications.ErrNotFound) {
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
	if _, err := f.svc.RemoveFile(ctx, a, files[0].ID); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("removed twice: %v", err)
	}
	if v, _ := f.svc.Versions(ctx, a); len(v) != 1 || len(v[0].Attachments) != 1 || v[0].Attachments[0].ID != files[0].ID {
		t.Fatalf("versions %+v", v)
	}
}

// Answers saved from two windows filled in from one revision: changes to
// different questions are both kept, whichever window's copy is older; the
// same question changed differently is not saved, and saving again from
// the revision the conflict reports keeps it.
func TestAnswersFromTwoWindows(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	qs := f.ad.Questions
	a := f.started(f.applicant("fonster@example.se", true))
	form := func(rev, start, why string) map[string][]string {
		return map[string][]string{"q_start": {start}, "q_motivering": {why}, applications.RevisionField: {rev}}
	}
	one, _, err := f.svc.SaveAnswers(ctx, a, qs, form("1", "Genast", "Ett"), applications.StepAttachments)
	if err != nil || one.Rev != 2 || one.Answers["motivering"][0] != "Ett" {
		t.Fatalf("first window: %+v %v", one, err)
	}
	// The second window's request read the application before the first
	// saved, and changed another question.
	two, _, err := f.svc.SaveAnswers(ctx, a, qs, form("1", "I mars", ""), applications.StepAttachments)
	if err != nil || two.Rev != 3 || two.Answers["start"][0] != "I mars" || two.Answers["motivering"][0] != "Ett" {
		t.Fatalf("second window: %+v %v", two, err)
	}
	// A third, read after, changed the first window's question back.
	three, _, err := f.svc.SaveAnswers(ctx, f.reload(a), qs, form("2", "Genast", "Tre"), applications.StepAttachments)
	if err != nil || three.Answers["start"][0] != "I mars" || three.Answers["motivering"][0] != "Tre" {
		t.Fatalf("third window: %+v %v", three, err)
	}
	got, conflicts, err := f.svc.SaveAnswers(ctx, f.reload(a), qs, form("3", "I mars", "Fyra"), applications.StepAttachments)
	if !errors.Is(err, applications.ErrConflict) || len(conflicts) != 1 || conflicts[0].Field != "q_motivering" || got.Rev != 4 {
		t.Fatalf("a conflicting save: %v %v %+v", conflicts, err, got)
	}
	if now := f.reload(a); now.Rev != 4 || now.Answers["motivering"][0] != "Tre" {
		t.Fatalf("the conflict was saved: %+v", now)
	}
	if again, _, err := f.svc.SaveAnswers(ctx, got, qs, form("4", "I mars", "Fyra"), applications.StepAttachments); err != nil || again.Answers["motivering"][0] != "Fyra" {
		t.Fatalf("saving again: %+v %v", again, err)
	}
	if now := f.reload(a); now.Answers["motivering"][0] != "Fyra" || now.Answers["start"][0] != "I mars" {
		t.Fatalf("stored: %+v", now.Answers)
	}
}

// The form moves on to the next step only when nothing is missing; what
// was typed is kept either way.
func TestStepMovesOnWithoutMistakes(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	a, err := f.svc.Start(ctx, f.applicant("steg@example.se", true), f.ad)
	if err != nil {
		t.Fatal(err)
	}
	a, errs, err := f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_motivering": {"Halvfärdigt"}}, applications.StepAttachments)
	if err != nil || len(errs) != 1 || errs[0].Field != "q_start" || a.Step != applications.StepQuestions {
		t.Fatalf("a missing answer: %v %v %q", errs, err, a.Step)
	}
	if got := f.reload(a); got.Step != applications.StepQuestions || got.Answers["motivering"][0] != "Halvfärdigt" {
		t.Fatalf("stored: %+v", got)
	}
	a, errs, err = f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Genast"}}, applications.StepAttachments)
	if err != nil || len(errs) != 0 || a.Step != applications.StepAttachments || f.reload(a).Step != applications.StepAttachments {
		t.Fatalf("complete answers: %v %v %q", errs, err, a.Step)
	}
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); err != nil {
		t.Fatal(err)
	}
	if got := f.reload(a); got.Step != applications.StepSummary {
		t.Fatalf("after submitting: step %q", got.Step)
	}
}

// The receipt lists every question with its answer, a dash for none, and
// the files, a dash for none.
func TestReceiptListsAnswersAndFiles(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	a, err := f.svc.Start(ctx, f.applicant("kvitto@example.se", true), f.ad)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = f.svc.SaveAnswers(ctx, a, f.ad.Questions, map[string][]string{"q_start": {"Genast"}, "q_legitimation": {"yes"}}, applications.StepAttachments)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, a, f.ad, "sv"); err != nil {
		t.Fatal(err)
	}
	recs, _ := f.db.Outbox().Recent(ctx, 1)
	text := recs[0].Text
	for _, want := range []string{"När kan du börja?\n  Genast\n", "Varför söker du?\n  –\n", "Har du legitimation?\n  Ja\n", "Bifogade filer:\n–\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, text)
		}
	}
}

// Only a submitted application can be withdrawn; it stays in the list,
// marked withdrawn, and can be submitted again before the deadline.
func TestWithdrawing(t *testing.T) {
	t.Parallel()
	f := newApplying(t)
	ctx := context.Background()
	id := f.applicant("aterkalla@example.se", true)
	a := f.started(id)
	if got, err := f.svc.Withdraw(ctx, a); err == nil || got.Status == applications.StatusWithdrawn || f.reload(a).Status != applications.StatusDraft {
		t.Fatalf("withdrew a draft: %v", err)
	}
	a, err := f.svc.Submit(ctx, a, f.ad, "sv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Withdraw(ctx, a)
	if err != nil || got.Status != applications.StatusWithdrawn || got.WithdrawnAt.IsZero() {
		t.Fatalf("withdraw: %+v %v", got, err)
	}
	list, _ := f.svc.List(ctx, id)
	if len(list) != 1 || list[0].Status != applications.StatusWithdrawn {
		t.Fatalf("list: %+v", list)
	}
	if a, err = f.svc.Submit(ctx, a, f.ad, "sv"); err != nil || a.Version != 2 || f.reload(a).Status != applications.StatusSubmitted {
		t.Fatalf("submit again: %v", err)
	}
}
