package applicants

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"portal/jobs"
	"portal/mail"
)

// Application statuses. A draft becomes submitted at "Skicka in"; updates
// add versions; a withdrawn application stays, marked withdrawn.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusWithdrawn = "withdrawn"
)

// Steps of the application form, in order.
const (
	StepQuestions   = "questions"
	StepAttachments = "attachments"
	StepSummary     = "summary"
)

// Errors of applying.
var (
	ErrClosed     = errors.New("applicants: the last application day has passed")
	ErrUnverified = errors.New("applicants: the e-mail address is not confirmed")
	ErrIncomplete = errors.New("applicants: required answers are missing")
)

// Application is one applicant's application to one ad: the working copy
// the form edits, and the number of versions submitted so far.
type Application struct {
	ID          string
	Applicant   string
	AdRef       string
	AdTitle     string
	ClosesAt    time.Time
	Status      string
	Step        string
	Answers     jobs.Answers
	Attachments []string // attachment ids, in upload order
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time // of the latest version
	WithdrawnAt time.Time
}

// Open reports whether the application can still change at now.
func (a Application) Open(now time.Time) bool { return now.Before(a.ClosesAt) }

// Version is a submitted state of an application, kept for the record.
type Version struct {
	N           int          `json:"version"`
	At          time.Time    `json:"submitted_at"`
	Answers     jobs.Answers `json:"answers"`
	Attachments []Attachment `json:"files"`
}

// ApplicationStore keeps applications and their versions.
type ApplicationStore interface {
	// CreateApplication stores a new draft; a second one for the same
	// applicant and ad collides on a unique index and returns ErrEmailTaken's
	// sibling ErrExists.
	CreateApplication(ctx context.Context, a Application) (string, error)
	ApplicationFor(ctx context.Context, applicant, adRef string) (Application, error)
	ApplicationByID(ctx context.Context, id string) (Application, error)
	SaveWorkingCopy(ctx context.Context, a Application) error
	// MarkSubmitted sets version n in one update whose filter holds the
	// deadline: after it, nothing matches and ErrClosed is returned.
	MarkSubmitted(ctx context.Context, id string, n int, now time.Time) error
	// AddVersion records a submitted version; the id of application and
	// number is unique, so a version is recorded once.
	AddVersion(ctx context.Context, id string, v Version) error
	Versions(ctx context.Context, id string) ([]Version, error)
	// MarkWithdrawn withdraws a submitted application before the deadline.
	MarkWithdrawn(ctx context.Context, id string, now time.Time) error
	ApplicationsOf(ctx context.Context, applicant string) ([]Application, error)
	// DeleteDraft deletes an application that was never submitted; a
	// submitted or unknown one is ErrNotFound.
	DeleteDraft(ctx context.Context, id string) error
	// ResetWorkingCopy makes the answers and files of the working copy
	// those of version v, whatever the deadline; when v is no longer the
	// latest version it is ErrNotFound.
	ResetWorkingCopy(ctx context.Context, id string, v Version) error
}

// ErrExists is returned when an applicant already has an application to an ad.
var ErrExists = errors.New("applicants: application exists")

// Applying is the application service.
type Applying struct {
	Apps      ApplicationStore
	Accounts  Store
	Files     *Files
	Mailer    Mailer
	Translate Translate
	Now       func() time.Time
	BaseURL   string
}

// Start returns the applicant's application to the ad, creating a draft
// the first time; opening "apply" again leads to the same application.
func (s *Applying) Start(ctx context.Context, applicant string, ad jobs.Ad) (Application, error) {
	a, err := s.Apps.ApplicationFor(ctx, applicant, ad.Ref)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Application{}, err
	}
	if !ad.Open(s.Now()) {
		return Application{}, ErrClosed
	}
	now := s.Now()
	a = Application{Applicant: applicant, AdRef: ad.Ref, AdTitle: ad.Title, ClosesAt: ad.ClosesAt(),
		Status: StatusDraft, Step: StepQuestions, Answers: jobs.Answers{}, CreatedAt: now, UpdatedAt: now}
	id, err := s.Apps.CreateApplication(ctx, a)
	if errors.Is(err, ErrExists) { // a second tab got there first
		return s.Apps.ApplicationFor(ctx, applicant, ad.Ref)
	}
	if err != nil {
		return Application{}, err
	}
	a.ID = id
	return a, nil
}

// Get returns an application of the applicant; another applicant's id is
// ErrNotFound.
func (s *Applying) Get(ctx context.Context, applicant, id string) (Application, error) {
	a, err := s.Apps.ApplicationByID(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if a.Applicant != applicant {
		return Application{}, ErrNotFound
	}
	return a, nil
}

// SaveAnswers keeps what was typed, even with mistakes, so nothing is lost,
// and reports the mistakes. Without mistakes the form moves on to next.
func (s *Applying) SaveAnswers(ctx context.Context, a Application, questions []jobs.Question, form map[string][]string, next string) (Application, []jobs.FieldError, error) {
	if !a.Open(s.Now()) {
		return a, nil, ErrClosed
	}
	answers, errs := jobs.CheckAnswers(questions, form)
	a.Answers = answers
	if len(errs) == 0 {
		a.Step = next
	}
	a.UpdatedAt = s.Now()
	return a, errs, s.Apps.SaveWorkingCopy(ctx, a)
}

// Upload is one file of an upload batch.
type Upload struct {
	Name string
	Size int64
	Body interface {
		io.Reader
		io.ReaderAt
		io.Seeker
	}
}

// AddFiles checks every file of a batch and stores those that pass; it
// returns an error for each file refused, naming the file and the rule.
func (s *Applying) AddFiles(ctx context.Context, a Application, uploads []Upload) (Application, []*FileError, error) {
	if !a.Open(s.Now()) {
		return a, nil, ErrClosed
	}
	if err := CheckBatch(len(uploads)); err != nil {
		return a, []*FileError{err.(*FileError)}, nil
	}
	var refused []*FileError
	for _, u := range uploads {
		checked, err := CheckFile(u.Name, u.Body, u.Size)
		var ferr *FileError
		if errors.As(err, &ferr) {
			refused = append(refused, ferr)
			continue
		}
		if err != nil {
			return a, refused, err
		}
		if _, err := u.Body.Seek(0, io.SeekStart); err != nil {
			return a, refused, err
		}
		att, err := s.Files.Save(ctx, a.Applicant, a.AdRef, checked, u.Body, u.Size)
		if err != nil {
			return a, refused, err
		}
		a.Attachments = append(a.Attachments, att.ID)
	}
	a.UpdatedAt = s.Now()
	return a, refused, s.Apps.SaveWorkingCopy(ctx, a)
}

// RemoveFile takes an attachment off the working copy and deletes it,
// unless a submitted version names it: that one stays on record.
func (s *Applying) RemoveFile(ctx context.Context, a Application, attID string) (Application, error) {
	if !a.Open(s.Now()) {
		return a, ErrClosed
	}
	kept := a.Attachments[:0:0]
	found := false
	for _, id := range a.Attachments {
		if id == attID {
			found = true
			continue
		}
		kept = append(kept, id)
	}
	if !found {
		return a, ErrNotFound
	}
	a.Attachments, a.UpdatedAt = kept, s.Now()
	if err := s.Apps.SaveWorkingCopy(ctx, a); err != nil {
		return a, err
	}
	versions, err := s.Apps.Versions(ctx, a.ID)
	if err != nil {
		return a, err
	}
	for _, v := range versions {
		for _, att := range v.Attachments {
			if att.ID == attID {
				return a, nil
			}
		}
	}
	return a, s.Files.Remove(ctx, a.Applicant, attID)
}

// AttachmentsOf returns the stored attachments of a working copy.
func (s *Applying) AttachmentsOf(ctx context.Context, a Application) ([]Attachment, error) {
	var out []Attachment
	for _, id := range a.Attachments {
		att, err := s.Files.Store.Attachment(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, att)
	}
	return out, nil
}

// Submit sends the working copy in as the next version: the address must
// be confirmed, required answers given and the deadline not passed. A
// receipt listing the answers and each file's name, size and SHA-256 is
// e-mailed.
func (s *Applying) Submit(ctx context.Context, a Application, ad jobs.Ad, lang string) (Application, error) {
	acc, err := s.Accounts.AccountByID(ctx, a.Applicant)
	if err != nil {
		return a, err
	}
	if !acc.Verified() {
		return a, ErrUnverified
	}
	if _, errs := jobs.CheckAnswers(ad.Questions, a.Answers.Form(ad.Questions)); len(errs) > 0 {
		return a, ErrIncomplete
	}
	now := s.Now()
	if !a.Open(now) {
		return a, ErrClosed
	}
	atts, err := s.AttachmentsOf(ctx, a)
	if err != nil {
		return a, err
	}
	n := a.Version + 1
	if err := s.Apps.MarkSubmitted(ctx, a.ID, n, now); err != nil {
		return a, err
	}
	if err := s.Apps.AddVersion(ctx, a.ID, Version{N: n, At: now, Answers: a.Answers, Attachments: atts}); err != nil {
		return a, err
	}
	a.Status, a.Version, a.SubmittedAt, a.Step = StatusSubmitted, n, now, StepSummary
	return a, s.Mailer.Send(ctx, s.receipt(acc.Email, a, ad, atts, lang))
}

func (s *Applying) receipt(to string, a Application, ad jobs.Ad, atts []Attachment, lang string) mail.Message {
	t := func(key string, args ...any) string { return s.Translate(lang, key, args...) }
	var b strings.Builder
	b.WriteString(t("mail.receipt.intro", ad.Title, ad.Organisation, ad.Ref, a.Version) + "\n\n")
	for _, q := range ad.Questions {
		answer := strings.Join(a.Answers[q.ID], ", ")
		if q.Type == jobs.QuestionYesNo && answer != "" {
			answer = t("answer." + answer)
		}
		if answer == "" {
			answer = "–"
		}
		fmt.Fprintf(&b, "%s\n  %s\n", q.Text, answer)
	}
	b.WriteString("\n" + t("mail.receipt.files") + "\n")
	for _, att := range atts {
		fmt.Fprintf(&b, "- %s (%d bytes)\n  SHA-256 %s\n", att.Name, att.Size, att.SHA256)
	}
	if len(atts) == 0 {
		b.WriteString("–\n")
	}
	b.WriteString("\n" + t("mail.receipt.outro", s.BaseURL+"/mina-ansokningar", ad.LastDay.String()) + "\n")
	return mail.Message{To: to, Subject: t("mail.receipt.subject", ad.Title), Text: b.String()}
}

// Withdraw withdraws a submitted application before the deadline; it stays
// in the applicant's list, marked withdrawn.
func (s *Applying) Withdraw(ctx context.Context, a Application) (Application, error) {
	now := s.Now()
	if !a.Open(now) {
		return a, ErrClosed
	}
	if err := s.Apps.MarkWithdrawn(ctx, a.ID, now); err != nil {
		return a, err
	}
	a.Status, a.WithdrawnAt = StatusWithdrawn, now
	return a, nil
}

// OpenFile opens one of the applicant's own attachments for download.
func (s *Applying) OpenFile(ctx context.Context, owner, id string) (Attachment, io.ReadCloser, error) {
	return s.Files.Open(ctx, owner, id)
}

// StatFile checks that one of the applicant's own attachments can be
// opened, without opening it.
func (s *Applying) StatFile(ctx context.Context, owner, id string) (Attachment, error) {
	return s.Files.Stat(ctx, owner, id)
}

// Versions returns the submitted versions of an application, oldest first.
func (s *Applying) Versions(ctx context.Context, a Application) ([]Version, error) {
	return s.Apps.Versions(ctx, a.ID)
}

// List returns the applicant's applications, newest first.
func (s *Applying) List(ctx context.Context, applicant string) ([]Application, error) {
	return s.Apps.ApplicationsOf(ctx, applicant)
}
