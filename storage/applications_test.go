package storage_test

import (
	"errors"
	"testing"
	"time"

	"portal/applications"
	"portal/internal/testenv"
	"portal/jobs"
)

var appNow = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

// The submit write holds the deadline in its filter: given a moment at or
// after the closing time, it changes nothing.
func TestMarkSubmittedHoldsTheDeadline(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Applications()
	closes := appNow.Add(time.Hour)
	id, err := s.CreateApplication(ctx, applications.Application{Applicant: "a1", AdRef: "EXR-1", ClosesAt: closes,
		Status: applications.StatusDraft, Step: applications.StepQuestions, CreatedAt: appNow, UpdatedAt: appNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSubmitted(ctx, id, 1, 0, closes); !errors.Is(err, applications.ErrClosed) {
		t.Fatalf("submitted at the closing time: %v", err)
	}
	if a, _ := s.ApplicationByID(ctx, id); a.Status != applications.StatusDraft || a.Version != 0 {
		t.Fatalf("changed after the deadline: %+v", a)
	}
	if err := s.MarkSubmitted(ctx, id, 1, 0, closes.Add(-time.Millisecond)); err != nil {
		t.Fatalf("submitted before the closing time: %v", err)
	}
	// A closing time moved earlier counts once recorded.
	if err := s.SetClosesAt(ctx, id, appNow); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkWithdrawn(ctx, id, appNow.Add(time.Minute)); !errors.Is(err, applications.ErrClosed) {
		t.Fatalf("withdrawn after the new closing time: %v", err)
	}
}

// Of two saves from one revision, only the first goes in; the answers read
// back are the latest revision's, and the step the one saved with them
// until a submission.
func TestAnswerRevisions(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Applications()
	id, err := s.CreateApplication(ctx, applications.Application{Applicant: "a1", AdRef: "EXR-1", ClosesAt: appNow.Add(time.Hour),
		Status: applications.StatusDraft, Step: applications.StepQuestions, Answers: jobs.Answers{"q": {"noll"}}, CreatedAt: appNow, UpdatedAt: appNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswers(ctx, id, 1, jobs.Answers{"q": {"ett"}}, applications.StepAttachments, appNow); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswers(ctx, id, 1, jobs.Answers{"q": {"annat"}}, applications.StepAttachments, appNow); !errors.Is(err, applications.ErrConflict) {
		t.Fatalf("a second revision 1: %v", err)
	}
	a, err := s.ApplicationByID(ctx, id)
	if err != nil || a.Rev != 1 || a.Answers["q"][0] != "ett" || a.Step != applications.StepAttachments {
		t.Fatalf("read back: %+v %v", a, err)
	}
	if zero, err := s.AnswersAt(ctx, id, 0); err != nil || zero["q"][0] != "noll" {
		t.Fatalf("revision 0: %v %v", zero, err)
	}
	if _, err := s.AnswersAt(ctx, id, 7); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("an unknown revision: %v", err)
	}
	if err := s.MarkSubmitted(ctx, id, 1, 1, appNow); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.ApplicationByID(ctx, id); a.Step != applications.StepSummary || a.Rev != 1 {
		t.Fatalf("after submitting: %+v", a)
	}
	if err := s.SaveAnswers(ctx, id, 2, jobs.Answers{"q": {"två"}}, applications.StepQuestions, appNow); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ApplicationsOf(ctx, "a1"); len(list) != 1 || list[0].Step != applications.StepQuestions || list[0].Answers["q"][0] != "två" {
		t.Fatalf("listed: %+v", list)
	}
	// Answers replaced more than a day ago go at the next save.
	if err := s.SaveAnswers(ctx, id, 3, jobs.Answers{"q": {"tre"}}, applications.StepQuestions, appNow.Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for rev, want := range map[int]error{1: applications.ErrNotFound, 2: applications.ErrNotFound, 3: nil, 0: nil} {
		if _, err := s.AnswersAt(ctx, id, rev); !errors.Is(err, want) {
			t.Errorf("revision %d: %v, want %v", rev, err, want)
		}
	}
}

// One record per slot of an application; a detached record frees its slot
// and keeps its file.
func TestAttachmentSlots(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Attachments()
	rec := func(id string, slot int) applications.Attachment {
		return applications.Attachment{ID: id, Owner: "a1", AdRef: "EXR-1", Name: id + ".pdf", Size: 10, Key: "attachments/" + id,
			State: applications.AttachmentPending, CreatedAt: appNow, Application: "app1", Slot: slot}
	}
	if err := s.InsertAttachment(ctx, rec("f1", 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertAttachment(ctx, rec("f2", 1)); !errors.Is(err, applications.ErrSlotTaken) {
		t.Fatalf("a second file in slot 1: %v", err)
	}
	if err := s.InsertAttachment(ctx, rec("f2", 2)); err != nil {
		t.Fatal(err)
	}
	// Records on no application never collide.
	for _, id := range []string{"l1", "l2"} {
		r := rec(id, 0)
		r.Application = ""
		if err := s.InsertAttachment(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	on, err := s.AttachmentsOf(ctx, "app1")
	if err != nil || len(on) != 2 || on[0].ID != "f1" || on[0].Slot != 1 || on[1].Slot != 2 {
		t.Fatalf("on the application: %+v %v", on, err)
	}
	if err := s.Detach(ctx, "f1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Attachment(ctx, "f1"); err != nil || got.Application != "" || got.Slot != 0 {
		t.Fatalf("detached: %+v %v", got, err)
	}
	if err := s.InsertAttachment(ctx, rec("f3", 1)); err != nil {
		t.Fatalf("the freed slot: %v", err)
	}
}
