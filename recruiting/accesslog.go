package recruiting

import (
	"context"
	"time"
)

// What an access-log entry records being opened.
const (
	AccessApplication = "application" // the application page, a version of it
	AccessAttachment  = "attachment"  // an attached file
	// AccessIdentifying is an attached file opened while the review is
	// anonymised: it may tell who the applicant is.
	AccessIdentifying = "identifying attachment"
)

// Access is one look at a candidate's application by a member of the
// staff. It holds ids only, nothing of the applicant's personal data.
type Access struct {
	RecruitmentID string
	CandidateID   string
	PersonID      string // the staff member's user name
	Kind          string // AccessApplication, AccessAttachment or AccessIdentifying
	Version       int    // the version read; 0 for one registered by hand
	Attachment    string // the file's id, for files
	At            time.Time
}

// AccessStore keeps the access log; entries are only ever inserted.
type AccessStore interface {
	AddAccess(ctx context.Context, a Access) error
	// AccessOfCandidate returns the entries of one candidate, newest first.
	AccessOfCandidate(ctx context.Context, candidateID string, limit int) ([]Access, error)
	// AccessOfRecruitment returns the entries of a recruitment, newest first.
	AccessOfRecruitment(ctx context.Context, recruitmentID string, limit int) ([]Access, error)
	// AccessOfCandidates returns the entries of any of the candidates,
	// oldest first.
	AccessOfCandidates(ctx context.Context, candidateIDs []string) ([]Access, error)
}

// LogLimit bounds how many entries a page of the log shows.
const LogLimit = 1000

// AccessLog records who opened which application and file, and shows it
// to those who manage the recruitment and to the applicant.
type AccessLog struct {
	Store AccessStore
	Now   func() time.Time
}

// Viewed records that the viewer read version n of the candidate's
// application.
func (l *AccessLog) Viewed(ctx context.Context, v Viewer, c Candidate, n int) error {
	return l.Store.AddAccess(ctx, Access{RecruitmentID: c.RecruitmentID, CandidateID: c.ID, PersonID: v.PersonID, Kind: AccessApplication, Version: n, At: l.Now()})
}

// Opened records that the viewer opened a file of the candidate, as one
// that may identify them when the review hides who they are.
func (l *AccessLog) Opened(ctx context.Context, v Viewer, r Recruitment, c Candidate, n int, attachmentID string) error {
	kind := AccessAttachment
	if r.HidesIdentity(c) {
		kind = AccessIdentifying
	}
	return l.Store.AddAccess(ctx, Access{RecruitmentID: c.RecruitmentID, CandidateID: c.ID, PersonID: v.PersonID, Kind: kind, Version: n,
		Attachment: attachmentID, At: l.Now()})
}

// OfCandidate returns who opened what of the candidate, newest first; only
// those who manage the recruitment may read it.
func (l *AccessLog) OfCandidate(ctx context.Context, v Viewer, r Recruitment, c Candidate) ([]Access, error) {
	if !v.Manage {
		return nil, ErrForbidden
	}
	if c.RecruitmentID != r.ID {
		return nil, ErrNotFound
	}
	return l.Store.AccessOfCandidate(ctx, c.ID, LogLimit)
}

// OfRecruitment returns who opened what in the recruitment, newest first;
// only those who manage it may read it.
func (l *AccessLog) OfRecruitment(ctx context.Context, v Viewer, r Recruitment) ([]Access, error) {
	if !v.Manage {
		return nil, ErrForbidden
	}
	return l.Store.AccessOfRecruitment(ctx, r.ID, LogLimit)
}

// OfApplications returns who opened what of the applications, oldest
// first: what an applicant's data export lists.
func (l *AccessLog) OfApplications(ctx context.Context, ids []string) ([]Access, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return l.Store.AccessOfCandidates(ctx, ids)
}
