// Package applications holds applications to job ads, their answers,
// attachments, versions and receipts.
package applications

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"portal/jobs"
	"portal/links"
	"portal/mail"
	"portal/valid"
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
	ErrNotFound   = errors.New("applications: not found")
	ErrClosed     = errors.New("applications: the last application day has passed")
	ErrUnverified = errors.New("applications: the e-mail address is not confirmed")
	ErrIncomplete = errors.New("applications: required answers are missing")
	// ErrConflict is returned when answers were saved in another window
	// since the form was filled in, and the two disagree.
	ErrConflict = errors.New("applications: the application was changed in another window")
)

// RevisionField is the form field that carries the revision of the answers
// a questions form was filled in from.
const RevisionField = "rev"

// Application is one applicant's application to one ad: the working copy
// the form edits, and the number of versions submitted so far. The files
// of the working copy are the attachment records that name it.
type Application struct {
	ID        string
	Applicant string
	AdRef     string
	AdTitle   string
	// ClosesAt is when the ad's last application day ends. The service
	// reads it from the ad whenever it judges the deadline, so a last day
	// moved after the application began applies to it too.
	ClosesAt    time.Time
	Status      string
	Step        string
	Answers     jobs.Answers
	Rev         int // the revision of the answers: 0 as created, one more at each save
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
	// Applicant is who the applicant said they were when the version was
	// submitted: what the recruiters read, whatever the profile says later.
	Applicant Snapshot `json:"applicant"`
}

// Snapshot is the applicant's details as they were at a submission.
type Snapshot struct {
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	Town       string `json:"town"`
	Country    string `json:"country"`
	// Protected is set when the applicant stated that they have protected
	// personal data: their contact details are shown only to those who
	// must reach them, and masked in exports and disclosure copies.
	Protected bool `json:"protected,omitempty"`
	// Masked is set on a copy whose contact details were taken out for
	// its reader (see WithoutContact); it is never stored.
	Masked bool `json:"-"`
}

// Least is what a submitted version keeps of the details: all of them,
// except for an applicant with protected personal data, whose postal
// address is left out. The portal never writes to anyone by post, so the
// address is never needed to reach them: the recruiter reaches them
// through the e-mail address (the one messages go to) or the phone number
// (to call them to an interview), which stay, as does the name.
func (s Snapshot) Least() Snapshot {
	if !s.Protected {
		return s
	}
	s.Street, s.PostalCode, s.Town, s.Country = "", "", "", ""
	return s
}

// WithoutContact returns the details with the contact details (e-mail,
// phone, postal address) taken out and Masked set: what is shown in their
// place of an applicant with protected personal data.
func (s Snapshot) WithoutContact() Snapshot {
	return Snapshot{FirstName: s.FirstName, LastName: s.LastName, Protected: s.Protected, Masked: true}
}

// Name is the first and last name.
func (s Snapshot) Name() string {
	switch {
	case s.FirstName == "":
		return s.LastName
	case s.LastName == "":
		return s.FirstName
	}
	return s.FirstName + " " + s.LastName
}

// Arrivals is told of every version submitted, so that the recruitment
// the ad belongs to takes it in. It must be safe to tell it twice.
type Arrivals interface {
	Arrived(ctx context.Context, a Application, v Version, lang string) error
}

// Withdrawals is told of every application withdrawn.
type Withdrawals interface {
	Withdrew(ctx context.Context, a Application) error
}

// KeyedMailer puts e-mail in the outbox once for each key.
type KeyedMailer interface {
	SendOnce(ctx context.Context, msgs []mail.Keyed) (int, error)
}

// ApplicationStore keeps applications, their answers and their versions.
//
// Requests from two windows may change one application at the same time,
// and FerretDB v1 applies an update by reading the document and writing it
// back, so a targeted $set or $push can still undo another. Nothing that
// competes is therefore an update of the application document: answers are
// saved as revisions, each a document whose _id is the application id and
// the revision number, so of two saves from one revision only one goes in
// and the other learns of it; each file is a record of its own (see
// AttachmentStore). The application document changes only when it is
// submitted or withdrawn, and once after its ad's last day has moved.
type ApplicationStore interface {
	// CreateApplication stores a new draft; a second one for the same
	// applicant and ad collides on a unique index and returns ErrExists.
	CreateApplication(ctx context.Context, a Application) (string, error)
	// ApplicationFor and ApplicationByID return an application with its
	// latest answers.
	ApplicationFor(ctx context.Context, applicant, adRef string) (Application, error)
	ApplicationByID(ctx context.Context, id string) (Application, error)
	// AnswersAt returns the answers of one revision, or ErrNotFound.
	AnswersAt(ctx context.Context, id string, rev int) (jobs.Answers, error)
	// SaveAnswers stores answers and step as revision rev, or returns
	// ErrConflict when that revision exists already.
	SaveAnswers(ctx context.Context, id string, rev int, answers jobs.Answers, step string, at time.Time) error
	// SetClosesAt records a changed closing time of the ad on the
	// application, where MarkSubmitted and MarkWithdrawn judge it.
	SetClosesAt(ctx context.Context, id string, closes time.Time) error
	// MarkSubmitted sets version n, made of answers revision rev, in one
	// update whose filter holds the deadline: after it, nothing matches
	// and ErrClosed is returned.
	MarkSubmitted(ctx context.Context, id string, n, rev int, now time.Time) error
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
	// ResetWorkingCopy makes the answers of the working copy those of
	// version v, whatever the deadline, and removes the answers saved
	// before; when v is no longer the latest version it is ErrNotFound.
	ResetWorkingCopy(ctx context.Context, id string, v Version, at time.Time) error
}

// AdStore reads the ads applications are made to.
type AdStore interface {
	// AdByRef returns the ad as it is now, or jobs.ErrNotFound.
	AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
}

// ErrExists is returned when an applicant already has an application to an ad.
var ErrExists = errors.New("applications: application exists")

// Applicant is what applying needs to know of the applicant's account.
type Applicant struct {
	Email    string
	Verified bool // the address is confirmed
	// Details are the profile as it is now, e-mail address included.
	Details Snapshot
}

// Accounts reads the accounts of those who apply.
type Accounts interface {
	// Applicant returns the address of an account and whether it is
	// confirmed.
	Applicant(ctx context.Context, id string) (Applicant, error)
}

// Receipt is what the receipt of a submitted version tells.
type Receipt struct {
	Ad          jobs.Ad
	Version     int
	Answers     jobs.Answers
	Attachments []Attachment
	// ApplicationsURL is the applicant's list of applications, where the
	// application can be updated or withdrawn.
	ApplicationsURL string
}

// MailRenderer writes the e-mail of applications.
type MailRenderer interface {
	// Receipt writes the receipt of a version in lang: its subject and
	// plain text.
	Receipt(lang string, r Receipt) (subject, text string, err error)
}

// Service is what the portal does with applications.
type Service struct {
	Apps     ApplicationStore
	Ads      AdStore
	Accounts Accounts
	Files    *Files
	Mailer   KeyedMailer
	Render   MailRenderer
	Links    links.Links
	// Arrivals is told of each submitted version; nil: nobody is.
	Arrivals Arrivals
	// Withdrawals is told of each withdrawal; nil: nobody is.
	Withdrawals Withdrawals
	Now         func() time.Time
}

// Start returns the applicant's application to the ad, creating a draft
// the first time; opening "apply" again leads to the same application.
func (s *Service) Start(ctx context.Context, applicant string, ad jobs.Ad) (Application, error) {
	a, err := s.Apps.ApplicationFor(ctx, applicant, ad.Ref)
	if err == nil {
		return s.withDeadline(ctx, a)
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
		if a, err = s.Apps.ApplicationFor(ctx, applicant, ad.Ref); err != nil {
			return Application{}, err
		}
		return s.withDeadline(ctx, a)
	}
	if err != nil {
		return Application{}, err
	}
	a.ID = id
	return a, nil
}

// withDeadline sets the application's closing time from its ad as it is
// now. An ad no longer stored leaves the time the application has.
func (s *Service) withDeadline(ctx context.Context, a Application) (Application, error) {
	ad, err := s.Ads.AdByRef(ctx, a.AdRef)
	if errors.Is(err, jobs.ErrNotFound) {
		return a, nil
	}
	if err != nil {
		return a, err
	}
	a.ClosesAt = ad.ClosesAt()
	return a, nil
}

// latest reloads the application as stored, judged by its ad's current
// deadline, and brings the stored deadline up to date so that the filter
// of the next write judges by it too.
func (s *Service) latest(ctx context.Context, id string) (Application, error) {
	stored, err := s.Apps.ApplicationByID(ctx, id)
	if err != nil {
		return Application{}, err
	}
	a, err := s.withDeadline(ctx, stored)
	if err != nil {
		return a, err
	}
	if !a.ClosesAt.Equal(stored.ClosesAt) {
		if err := s.Apps.SetClosesAt(ctx, id, a.ClosesAt); err != nil {
			return a, err
		}
	}
	return a, nil
}

// Get returns an application of the applicant; another applicant's id is
// ErrNotFound.
func (s *Service) Get(ctx context.Context, applicant, id string) (Application, error) {
	a, err := s.Apps.ApplicationByID(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if a.Applicant != applicant {
		return Application{}, ErrNotFound
	}
	return s.withDeadline(ctx, a)
}

// saveTries bounds how often a save is merged again with answers another
// window saved meanwhile.
const saveTries = 5

// SaveAnswers keeps what was typed, even with mistakes, so nothing is lost,
// and reports the mistakes. Without mistakes the form moves on to next.
//
// The form's RevisionField names the revision it was filled in from (none:
// the revision of a). Answers saved from another window since then are
// merged question by question: what this form left as it was takes the
// other window's answer. A question both changed, differently, is a
// conflict: nothing is saved, ErrConflict is returned with the latest
// application and those questions, and saving the form again keeps it.
func (s *Service) SaveAnswers(ctx context.Context, a Application, questions []jobs.Question, form map[string][]string, next string) (Application, valid.Problems, error) {
	a, err := s.withDeadline(ctx, a)
	if err != nil {
		return a, nil, err
	}
	if !a.Open(s.Now()) {
		return a, nil, ErrClosed
	}
	base := a.Rev
	if v := form[RevisionField]; len(v) == 1 {
		if n, err := strconv.Atoi(v[0]); err == nil && n >= 0 {
			base = n
		}
	}
	mine, _ := jobs.CheckAnswers(questions, form)
	var baseAnswers jobs.Answers
	for range saveTries {
		answers := mine
		if a.Rev != base {
			if baseAnswers == nil {
				if baseAnswers, err = s.Apps.AnswersAt(ctx, a.ID, base); errors.Is(err, ErrNotFound) {
					baseAnswers = jobs.Answers{} // unknown: every difference counts
					base = -1
				} else if err != nil {
					return a, nil, err
				}
			}
			var conflicts valid.Problems
			if answers, conflicts = mergeAnswers(questions, baseAnswers, a.Answers, mine, base < 0); len(conflicts) > 0 {
				return a, conflicts, ErrConflict
			}
		}
		_, errs := jobs.CheckAnswers(questions, answers.Form(questions))
		step := a.Step
		if len(errs) == 0 {
			step = next
		}
		now := s.Now()
		err := s.Apps.SaveAnswers(ctx, a.ID, a.Rev+1, answers, step, now)
		if err == nil {
			a.Answers, a.Rev, a.Step, a.UpdatedAt = answers, a.Rev+1, step, now
			return a, errs, nil
		}
		if !errors.Is(err, ErrConflict) {
			return a, nil, err
		}
		// Another window saved first: merge with what it saved.
		if a, err = s.Apps.ApplicationByID(ctx, a.ID); err != nil {
			return a, nil, err
		}
		if a, err = s.withDeadline(ctx, a); err != nil {
			return a, nil, err
		}
	}
	return a, nil, ErrConflict
}

// mergeAnswers merges mine, filled in from base, with theirs, saved since
// from base too. It returns the merged answers, or a field error for each
// question both changed to different answers; with unknownBase every
// question where mine and theirs differ is such a conflict.
func mergeAnswers(questions []jobs.Question, base, theirs, mine jobs.Answers, unknownBase bool) (jobs.Answers, valid.Problems) {
	merged := jobs.Answers{}
	var conflicts valid.Problems
	for _, q := range questions {
		b, t, m := base[q.ID], theirs[q.ID], mine[q.ID]
		pick := m
		switch {
		case slices.Equal(m, t):
		case !unknownBase && slices.Equal(m, b):
			pick = t
		case !unknownBase && slices.Equal(t, b):
		default:
			conflicts.Add(q.Field(), "apply.error.changed_elsewhere")
		}
		if len(pick) > 0 {
			merged[q.ID] = pick
		}
	}
	return merged, conflicts
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
func (s *Service) AddFiles(ctx context.Context, a Application, uploads []Upload) (Application, []*FileError, error) {
	a, err := s.withDeadline(ctx, a)
	if err != nil {
		return a, nil, err
	}
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
		_, err = s.Files.Save(ctx, a.Applicant, a.AdRef, a.ID, checked, u.Body, u.Size)
		if errors.As(err, &ferr) {
			refused = append(refused, ferr)
			continue
		}
		if err != nil {
			return a, refused, err
		}
	}
	return a, refused, nil
}

// RemoveFile takes an attachment off the working copy and deletes it,
// unless a submitted version names it: that one stays on record.
func (s *Service) RemoveFile(ctx context.Context, a Application, attID string) (Application, error) {
	a, err := s.withDeadline(ctx, a)
	if err != nil {
		return a, err
	}
	if !a.Open(s.Now()) {
		return a, ErrClosed
	}
	att, err := s.Files.Store.Attachment(ctx, attID)
	if err != nil {
		return a, err
	}
	if att.Owner != a.Applicant || att.Application != a.ID {
		return a, ErrNotFound
	}
	versions, err := s.Apps.Versions(ctx, a.ID)
	if err != nil {
		return a, err
	}
	for _, v := range versions {
		for _, f := range v.Attachments {
			if f.ID == attID {
				return a, s.Files.Store.Detach(ctx, attID)
			}
		}
	}
	return a, s.Files.Remove(ctx, a.Applicant, attID)
}

// AttachmentsOf returns the stored files of a working copy, in upload order.
func (s *Service) AttachmentsOf(ctx context.Context, a Application) ([]Attachment, error) {
	on, err := s.Files.Store.AttachmentsOf(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	var out []Attachment
	for _, att := range on {
		if att.State == AttachmentStored {
			out = append(out, att)
		}
	}
	return out, nil
}

// Submit sends the working copy, as stored now, in as the next version: the
// address must be confirmed, required answers given and the ad's last day,
// as the ad has it now, not passed. A receipt listing the answers and each
// file's name, size and SHA-256 is e-mailed.
func (s *Service) Submit(ctx context.Context, a Application, ad jobs.Ad, lang string) (Application, error) {
	acc, err := s.Accounts.Applicant(ctx, a.Applicant)
	if err != nil {
		return a, err
	}
	if !acc.Verified {
		return a, ErrUnverified
	}
	if a, err = s.latest(ctx, a.ID); err != nil {
		return a, err
	}
	if _, errs := jobs.CheckAnswers(ad.Questions, a.Answers.Form(ad.Questions)); len(errs) > 0 {
		return a, ErrIncomplete
	}
	if !a.Open(s.Now()) {
		return a, ErrClosed
	}
	atts, err := s.AttachmentsOf(ctx, a)
	if err != nil {
		return a, err
	}
	details, err := s.stated(ctx, a, acc.Details)
	if err != nil {
		return a, err
	}
	n := a.Version + 1
	// The time of the write, which its filter judges against the deadline.
	now := s.Now()
	if err := s.Apps.MarkSubmitted(ctx, a.ID, n, a.Rev, now); err != nil {
		return a, err
	}
	v := Version{N: n, At: now, Answers: a.Answers, Attachments: atts, Applicant: details}
	if err := s.Apps.AddVersion(ctx, a.ID, v); err != nil {
		return a, err
	}
	a.Status, a.Version, a.SubmittedAt, a.Step = StatusSubmitted, n, now, StepSummary
	if s.Arrivals != nil {
		if err := s.Arrivals.Arrived(ctx, a, v, lang); err != nil {
			return a, err
		}
	}
	subject, text, err := s.Render.Receipt(lang, Receipt{Ad: ad, Version: n, Answers: a.Answers, Attachments: atts,
		ApplicationsURL: s.Links.URL(links.Applications)})
	if err != nil {
		return a, fmt.Errorf("applications: render receipt: %w", err)
	}
	// One receipt a version, however many submits of it arrive at once.
	_, err = s.Mailer.SendOnce(ctx, []mail.Keyed{{Key: fmt.Sprintf("receipt:%s:%d", a.ID, n),
		Message: mail.Message{To: acc.Email, Subject: subject, Text: text}}})
	return a, err
}

// stated returns the details a new version of the application keeps (see
// Snapshot.Least). Once a version was sent stating protected personal
// data, every later version of that application states it too: the
// employer has been told, and a version that no longer says so would
// show the group what the earlier ones kept from it.
func (s *Service) stated(ctx context.Context, a Application, d Snapshot) (Snapshot, error) {
	if !d.Protected && a.Version > 0 {
		versions, err := s.Apps.Versions(ctx, a.ID)
		if err != nil {
			return d, err
		}
		for _, v := range versions {
			if v.Applicant.Protected {
				d.Protected = true
				break
			}
		}
	}
	return d.Least(), nil
}

// Withdraw withdraws a submitted application before the deadline; it stays
// in the applicant's list, marked withdrawn.
func (s *Service) Withdraw(ctx context.Context, a Application) (Application, error) {
	a, err := s.latest(ctx, a.ID)
	if err != nil {
		return a, err
	}
	now := s.Now()
	if !a.Open(now) {
		return a, ErrClosed
	}
	if err := s.Apps.MarkWithdrawn(ctx, a.ID, now); err != nil {
		return a, err
	}
	a.Status, a.WithdrawnAt = StatusWithdrawn, now
	if s.Withdrawals != nil {
		if err := s.Withdrawals.Withdrew(ctx, a); err != nil {
			return a, err
		}
	}
	return a, nil
}

// OpenFile opens one of the applicant's own attachments for download.
func (s *Service) OpenFile(ctx context.Context, owner, id string) (Attachment, io.ReadCloser, error) {
	return s.Files.Open(ctx, owner, id)
}

// StatFile checks that one of the applicant's own attachments can be
// opened, without opening it.
func (s *Service) StatFile(ctx context.Context, owner, id string) (Attachment, error) {
	return s.Files.Stat(ctx, owner, id)
}

// Versions returns the submitted versions of an application, oldest first.
func (s *Service) Versions(ctx context.Context, a Application) ([]Version, error) {
	return s.Apps.Versions(ctx, a.ID)
}

// List returns the applicant's applications, newest first, each with its
// ad's current deadline.
func (s *Service) List(ctx context.Context, applicant string) ([]Application, error) {
	apps, err := s.Apps.ApplicationsOf(ctx, applicant)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		if apps[i], err = s.withDeadline(ctx, apps[i]); err != nil {
			return nil, err
		}
	}
	return apps, nil
}
