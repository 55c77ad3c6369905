package recruiting

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"portal/applications"
	"portal/valid"
)

// VersionStore reads the submitted versions of portal applications.
type VersionStore interface {
	// Versions returns the versions of an application, oldest first.
	Versions(ctx context.Context, id string) ([]applications.Version, error)
}

// FileRecords reads attachment records.
type FileRecords interface {
	// Attachment returns one record, or applications.ErrNotFound.
	Attachment(ctx context.Context, id string) (applications.Attachment, error)
	// AttachmentsOf returns the records on an application, in upload order.
	AttachmentsOf(ctx context.Context, application string) ([]applications.Attachment, error)
}

// FileBlobs reads the contents of files.
type FileBlobs interface {
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

// Papers is what the group reads of a candidate: the application's
// versions and files, each look recorded in the access log.
type Papers struct {
	Candidates CandidateStore
	Versions   VersionStore
	Registered RegistrationStore
	Files      FileRecords
	Blobs      FileBlobs
	Log        *AccessLog
}

// Paper is one version of a candidate's application as the group reads
// it, with the list of every version.
type Paper struct {
	Candidate Candidate
	// Versions are the submitted versions, oldest first; none for one
	// registered by hand.
	Versions []applications.Version
	// Shown is the version read. For one registered by hand it is the
	// registration: N is 0 and the files are those the recruiter added.
	Shown applications.Version
	// Latest reports whether Shown is the newest version.
	Latest bool
}

// Details are the applicant's details as the shown version has them.
func (p Paper) Details() applications.Snapshot {
	if p.Shown.Applicant != (applications.Snapshot{}) {
		return p.Shown.Applicant
	}
	return p.Candidate.Details
}

// Candidate returns a candidate of the recruitment; one of another
// recruitment is ErrNotFound, as one that does not exist.
func (p *Papers) Candidate(ctx context.Context, r Recruitment, id string) (Candidate, error) {
	return candidateIn(ctx, p.Candidates, r, id)
}

func candidateIn(ctx context.Context, store CandidateStore, r Recruitment, id string) (Candidate, error) {
	c, err := store.Candidate(ctx, id)
	if err != nil {
		return Candidate{}, err
	}
	if c.RecruitmentID != r.ID {
		return Candidate{}, ErrNotFound
	}
	return c, nil
}

// Read returns version n of the candidate's application (0: the latest)
// and records that the viewer read it; a version that does not exist is
// ErrNotFound. With log false the look is not recorded again (the same
// page drawn once more after a form was refused).
func (p *Papers) Read(ctx context.Context, v Viewer, c Candidate, n int, log bool) (Paper, error) {
	if !v.See {
		return Paper{}, ErrNotFound
	}
	paper := Paper{Candidate: c, Latest: true}
	if c.Source == SourcePortal {
		versions, err := p.Versions.Versions(ctx, c.ID)
		if err != nil {
			return Paper{}, err
		}
		if len(versions) == 0 {
			return Paper{}, ErrNotFound
		}
		paper.Versions = versions
		paper.Shown = versions[len(versions)-1]
		if n != 0 {
			found := false
			for _, ver := range versions {
				if ver.N == n {
					paper.Shown, found = ver, true
				}
			}
			if !found {
				return Paper{}, ErrNotFound
			}
			paper.Latest = n == versions[len(versions)-1].N
		}
	} else {
		if n != 0 {
			return Paper{}, ErrNotFound
		}
		shown, err := p.registered(ctx, c)
		if err != nil {
			return Paper{}, err
		}
		paper.Shown = shown
	}
	paper.markProtected()
	if log {
		if err := p.Log.Viewed(ctx, v, c, paper.Shown.N); err != nil {
			return Paper{}, err
		}
	}
	return paper, nil
}

// registered is the application of one registered by hand, as a version:
// the details and answers typed in and the files added.
func (p *Papers) registered(ctx context.Context, c Candidate) (applications.Version, error) {
	ver := applications.Version{At: c.ArrivedAt, Applicant: c.Details}
	if c.Protected() {
		return ver, nil
	}
	answers, err := p.Registered.RegisteredAnswers(ctx, c.ID)
	if err != nil {
		return ver, err
	}
	ver.Answers = answers
	files, err := p.Files.AttachmentsOf(ctx, c.ID)
	if err != nil {
		return ver, err
	}
	for _, f := range files {
		if f.State == applications.AttachmentStored {
			ver.Attachments = append(ver.Attachments, f)
		}
	}
	return ver, nil
}

// OpenFile opens a file of the candidate's application, one that a
// version of it names (or, for one registered by hand, that the recruiter
// added), and records that the viewer opened it: as a file that may
// identify the applicant while the review hides who they are. Any other
// id is ErrNotFound, whoever's file it is.
func (p *Papers) OpenFile(ctx context.Context, v Viewer, r Recruitment, c Candidate, id string) (applications.Attachment, io.ReadCloser, error) {
	if !v.See || c.RecruitmentID != r.ID {
		return applications.Attachment{}, nil, ErrNotFound
	}
	n := -1
	if c.Source == SourcePortal {
		versions, err := p.Versions.Versions(ctx, c.ID)
		if err != nil {
			return applications.Attachment{}, nil, err
		}
		for _, ver := range versions {
			for _, f := range ver.Attachments {
				if f.ID == id {
					n = ver.N
				}
			}
		}
	}
	att, err := p.Files.Attachment(ctx, id)
	if errors.Is(err, applications.ErrNotFound) {
		return applications.Attachment{}, nil, ErrNotFound
	}
	if err != nil {
		return applications.Attachment{}, nil, err
	}
	if c.Source != SourcePortal && !c.Protected() && att.Application == c.ID {
		n = 0
	}
	if n < 0 || att.State != applications.AttachmentStored {
		return applications.Attachment{}, nil, ErrNotFound
	}
	rc, err := p.Blobs.Get(ctx, att.Key)
	if errors.Is(err, applications.ErrNotFound) {
		return applications.Attachment{}, nil, ErrNotFound
	}
	if err != nil {
		return applications.Attachment{}, nil, err
	}
	if err := p.Log.Opened(ctx, v, r, c, n, id); err != nil {
		rc.Close()
		return applications.Attachment{}, nil, err
	}
	return att, rc, nil
}

// Rating is one reviewer's score of a candidate, 1 to 5, with a comment.
type Rating struct {
	CandidateID   string
	RecruitmentID string
	PersonID      string
	Score         int
	Comment       string
	At            time.Time
}

// Note is a remark of a group member on a candidate; notes are only added.
type Note struct {
	CandidateID   string
	RecruitmentID string
	PersonID      string
	Text          string
	At            time.Time
}

// ReviewStore keeps ratings and notes.
type ReviewStore interface {
	// PutRating stores the person's rating of the candidate, in place of
	// the one they gave before: one rating a reviewer and candidate.
	PutRating(ctx context.Context, r Rating) error
	// RatingsOf returns the ratings of a candidate, oldest first.
	RatingsOf(ctx context.Context, candidateID string) ([]Rating, error)
	// RecruitmentRatings returns every rating in a recruitment.
	RecruitmentRatings(ctx context.Context, recruitmentID string) ([]Rating, error)
	// AddNote stores a note.
	AddNote(ctx context.Context, n Note) error
	// NotesOf returns the notes of a candidate, oldest first.
	NotesOf(ctx context.Context, candidateID string) ([]Note, error)
}

// Limits of what a reviewer writes.
const (
	MaxComment = 2000 // characters of a rating's comment
	MaxNote    = 4000 // characters of a note
)

// Reviews are the group's ratings and notes of candidates.
type Reviews struct {
	Store   ReviewStore
	Changes Changes // the candidate list's; nil: no list to tell
	Now     func() time.Time
}

// Rate stores the viewer's rating of the candidate, replacing theirs.
func (s *Reviews) Rate(ctx context.Context, v Viewer, r Recruitment, c Candidate, score int, comment string) (Rating, error) {
	if !v.Review {
		return Rating{}, ErrForbidden
	}
	if c.RecruitmentID != r.ID {
		return Rating{}, ErrNotFound
	}
	comment = strings.TrimSpace(comment)
	var errs valid.Problems
	if score < 1 || score > 5 {
		errs.Add("score", "recruitapp.error.score")
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		errs.Add("comment", "recruitapp.error.comment_long")
	}
	if len(errs) > 0 {
		return Rating{}, errs
	}
	rt := Rating{CandidateID: c.ID, RecruitmentID: r.ID, PersonID: v.PersonID, Score: score, Comment: comment, At: s.Now()}
	if err := s.Store.PutRating(ctx, rt); err != nil {
		return rt, err
	}
	if s.Changes != nil {
		return rt, s.Changes.Changed(ctx, r.ID)
	}
	return rt, nil
}

// Ratings returns the candidate's ratings and their average (0 when
// there are none).
func (s *Reviews) Ratings(ctx context.Context, c Candidate) ([]Rating, float64, error) {
	list, err := s.Store.RatingsOf(ctx, c.ID)
	if err != nil || len(list) == 0 {
		return list, 0, err
	}
	sum := 0
	for _, rt := range list {
		sum += rt.Score
	}
	return list, float64(sum) / float64(len(list)), nil
}

// Averages returns the average rating of each rated candidate of the
// recruitment, by candidate id.
func (s *Reviews) Averages(ctx context.Context, recruitmentID string) (map[string]float64, error) {
	list, err := s.Store.RecruitmentRatings(ctx, recruitmentID)
	if err != nil {
		return nil, err
	}
	sums, counts := map[string]int{}, map[string]int{}
	for _, rt := range list {
		sums[rt.CandidateID] += rt.Score
		counts[rt.CandidateID]++
	}
	out := make(map[string]float64, len(sums))
	for id, sum := range sums {
		out[id] = float64(sum) / float64(counts[id])
	}
	return out, nil
}

// AddNote adds the viewer's note on the candidate.
func (s *Reviews) AddNote(ctx context.Context, v Viewer, r Recruitment, c Candidate, text string) (Note, error) {
	if !v.Review {
		return Note{}, ErrForbidden
	}
	if c.RecruitmentID != r.ID {
		return Note{}, ErrNotFound
	}
	text = strings.TrimSpace(text)
	var errs valid.Problems
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		errs.Add("note", "recruitapp.error.note")
	case n > MaxNote:
		errs.Add("note", "recruitapp.error.note_long")
	}
	if len(errs) > 0 {
		return Note{}, errs
	}
	note := Note{CandidateID: c.ID, RecruitmentID: r.ID, PersonID: v.PersonID, Text: text, At: s.Now()}
	return note, s.Store.AddNote(ctx, note)
}

// Notes returns the candidate's notes, oldest first.
func (s *Reviews) Notes(ctx context.Context, c Candidate) ([]Note, error) {
	return s.Store.NotesOf(ctx, c.ID)
}
