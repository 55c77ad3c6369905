package recruiting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"portal/applications"
)

// Where a candidate's application came from.
const (
	SourcePortal    = "portal" // applied through the portal
	SourcePaper     = "paper"  // sent on paper, registered by a recruiter
	SourceEmail     = "email"  // sent by e-mail, registered by a recruiter
	SourceProtected = "protected"
)

// The stages of the default set, in order. An administrator may rename
// them and add others; these ids stay, as the decision and anonymisation
// rely on them.
const (
	StageReceived    = "received"
	StageReview      = "review"
	StageInterview   = "interview"
	StageReferences  = "references"
	StageOffer       = "offer"
	StageHired       = "hired"
	StageNotSelected = "not-selected"
)

// Candidate is one application in a recruitment as the group reviews it.
// One who applied through the portal has the application's id; one
// registered by a recruiter an id of their own and no account.
type Candidate struct {
	ID            string
	RecruitmentID string
	// Number is the candidate's place in order of arrival, "Sökande 17":
	// how an anonymised review names them.
	Number       int
	Source       string
	Applicant    string                // the account; empty for those registered by hand
	Details      applications.Snapshot // at the first submission; empty when protected
	Lang         string                // the language to write to them in
	ArrivedAt    time.Time
	RegisteredBy string // the recruiter, for those registered by hand
	Stage        string
	StageAt      time.Time
	// Revealed: the candidate has reached the interview stage, so an
	// anonymised review shows who they are from then on.
	Revealed bool
	// ArchivedAt is when the records' culling kept the hired candidate's
	// application for good.
	ArchivedAt time.Time
}

// Protected reports whether the candidate is a placeholder for an
// applicant with protected personal data.
func (c Candidate) Protected() bool { return c.Source == SourceProtected }

// CandidateStore keeps the candidates of recruitments.
type CandidateStore interface {
	// AddCandidate stores a candidate; one with the same id is ErrExists.
	AddCandidate(ctx context.Context, c Candidate) error
	// ClaimNumber takes the number n in the recruitment, or returns
	// ErrExists when another candidate has it.
	ClaimNumber(ctx context.Context, recruitmentID string, n int, candidateID string) error
	// CountNumbers returns how many numbers the recruitment has given.
	CountNumbers(ctx context.Context, recruitmentID string) (int64, error)
	// Candidate returns one candidate, or ErrNotFound.
	Candidate(ctx context.Context, id string) (Candidate, error)
	// CandidatesOf returns the recruitment's candidates in order of arrival.
	CandidatesOf(ctx context.Context, recruitmentID string) ([]Candidate, error)
}

// Candidates takes applications into their recruitments.
type Candidates struct {
	Recruitments Store
	Store        CandidateStore
	Changes      Changes // nil: no list to tell
	// Announcer tells the group of each new candidate; nil: nobody.
	Announcer interface {
		Announce(ctx context.Context, r Recruitment, c Candidate) error
	}
	Now func() time.Time
}

// Arrived takes a submitted application into the recruitment of its ad,
// the first time it is submitted; a later version only changes what the
// list shows of it. An ad with no recruitment (one imported from a file)
// has no candidates.
func (c *Candidates) Arrived(ctx context.Context, a applications.Application, v applications.Version, lang string) error {
	r, err := c.Recruitments.RecruitmentByRef(ctx, a.AdRef)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	cand, err := c.Store.Candidate(ctx, a.ID)
	if err == nil {
		if err := c.changed(ctx, r.ID); err != nil {
			return err
		}
		// The first version again (a retry after a failure): the group
		// may not have been told yet; the announcement is keyed.
		if v.N == 1 {
			return c.announce(ctx, r, cand)
		}
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	cand, err = c.add(ctx, r, Candidate{ID: a.ID, Source: SourcePortal, Applicant: a.Applicant, Details: v.Applicant, Lang: lang, ArrivedAt: v.At})
	if err != nil {
		return err
	}
	if err := c.changed(ctx, r.ID); err != nil {
		return err
	}
	return c.announce(ctx, r, cand)
}

// Withdrew tells the recruitment of the application's ad that it was
// withdrawn, so that its list shows it so.
func (c *Candidates) Withdrew(ctx context.Context, a applications.Application) error {
	r, err := c.Recruitments.RecruitmentByRef(ctx, a.AdRef)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.changed(ctx, r.ID)
}

func (c *Candidates) changed(ctx context.Context, recruitmentID string) error {
	if c.Changes == nil {
		return nil
	}
	return c.Changes.Changed(ctx, recruitmentID)
}

func (c *Candidates) announce(ctx context.Context, r Recruitment, cand Candidate) error {
	if c.Announcer == nil {
		return nil
	}
	return c.Announcer.Announce(ctx, r, cand)
}

// add numbers a new candidate and stores them at the first stage. Two at
// once never get one number: each number is claimed by an insert.
func (c *Candidates) add(ctx context.Context, r Recruitment, cand Candidate) (Candidate, error) {
	cand.RecruitmentID, cand.Stage, cand.StageAt = r.ID, StageReceived, cand.ArrivedAt
	n, err := c.Store.CountNumbers(ctx, r.ID)
	if err != nil {
		return cand, err
	}
	for try := int64(1); ; try++ {
		if try > 1000 {
			return cand, fmt.Errorf("recruiting: no free candidate number in %s", r.ID)
		}
		err := c.Store.ClaimNumber(ctx, r.ID, int(n+try), cand.ID)
		if errors.Is(err, ErrExists) {
			continue
		}
		if err != nil {
			return cand, err
		}
		cand.Number = int(n + try)
		break
	}
	err = c.Store.AddCandidate(ctx, cand)
	if errors.Is(err, ErrExists) {
		// The same application arrived twice at once and the other was
		// stored first: theirs is the candidate, with its number.
		return c.Store.Candidate(ctx, cand.ID)
	}
	return cand, err
}
