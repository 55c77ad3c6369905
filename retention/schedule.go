package retention

import (
	"context"
	"errors"
	"slices"
	"time"

	"portal/jobs"
	"portal/recruiting"
)

// Recruitments reads what the rule is applied to.
type Recruitments interface {
	Recruitments(ctx context.Context) ([]recruiting.Recruitment, error)
	Recruitment(ctx context.Context, id string) (recruiting.Recruitment, error)
	CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error)
	Candidate(ctx context.Context, id string) (recruiting.Candidate, error)
}

// Decisions reads the employment decisions.
type Decisions interface {
	// Decision returns the recruitment's decision, or
	// recruiting.ErrNotFound.
	Decision(ctx context.Context, recruitmentID string) (recruiting.Decision, error)
}

// Ads reads a recruitment's ad, for its last application day.
type Ads interface {
	AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
}

// States of an application's records.
const (
	// StateUndecided: no decision yet, so kept; never culled by itself.
	StateUndecided = "undecided"
	// StateArchived: the applicant was hired; kept for good.
	StateArchived = "archived"
	// StateKept: kept through KeptThrough, then culled.
	StateKept = "kept"
	// StateHeld: a hold keeps it beyond its date.
	StateHeld = "held"
	// StateDue: its date has passed; the next run culls it.
	StateDue = "due"
)

// Status is where an application's records stand under the rule.
type Status struct {
	State       string
	KeptThrough jobs.Day  // when kept, held or due: the last day by the rule
	CullFrom    time.Time // the moment it may go, unless held
}

// Schedule applies the rule to recruitments and their candidates.
type Schedule struct {
	Recruitments Recruitments
	Decisions    Decisions
	Holds        HoldStore
	Rules        Rules
	Now          func() time.Time
}

// Of returns the status of one candidate's records (for an application
// through the portal, the candidate id is the application id), at now.
func (s *Schedule) Of(ctx context.Context, candidateID string) (Status, error) {
	c, err := s.Recruitments.Candidate(ctx, candidateID)
	if errors.Is(err, recruiting.ErrNotFound) {
		// Not taken in by a recruitment (an ad without one): kept until
		// a decision is recorded.
		return Status{State: StateUndecided}, nil
	}
	if err != nil {
		return Status{}, err
	}
	d, found, err := s.decision(ctx, c.RecruitmentID)
	if err != nil {
		return Status{}, err
	}
	holds, err := s.Holds.Holds(ctx, c.RecruitmentID)
	if err != nil {
		return Status{}, err
	}
	return s.status(d, found, holds, c, s.Now()), nil
}

func (s *Schedule) decision(ctx context.Context, recruitmentID string) (recruiting.Decision, bool, error) {
	d, err := s.Decisions.Decision(ctx, recruitmentID)
	if errors.Is(err, recruiting.ErrNotFound) {
		return d, false, nil
	}
	return d, err == nil, err
}

// status applies the rule to one candidate at the moment at.
func (s *Schedule) status(d recruiting.Decision, decided bool, holds []Hold, c recruiting.Candidate, at time.Time) Status {
	if !decided {
		return Status{State: StateUndecided}
	}
	if d.IsHired(c.ID) {
		return Status{State: StateArchived}
	}
	from := s.Rules.CullFrom(d.FinalOn)
	for _, h := range holds {
		if !h.Covers(c.RecruitmentID, c.ID) {
			continue
		}
		if h.Active() {
			return Status{State: StateHeld, KeptThrough: s.Rules.KeptThrough(d.FinalOn), CullFrom: from}
		}
		if h.Kind == HoldClaim {
			// The claim interrupted the two years: they run anew from it.
			if again := s.Rules.CullFrom(jobs.DayOf(h.Since)); again.After(from) {
				from = again
			}
		}
	}
	st := Status{State: StateKept, KeptThrough: jobs.DayOf(from).AddDays(-1), CullFrom: from}
	if !at.Before(from) {
		st.State = StateDue
	}
	return st
}

// Due is one recruitment's records that a run at a moment would cull.
type Due struct {
	Recruitment recruiting.Recruitment
	Decision    recruiting.Decision
	Category    string // CategoryNotHired or CategoryCancelled
	Rule        string
	Candidates  []recruiting.Candidate // whose records go
	Archived    []recruiting.Candidate // hired: kept and marked archived
	Held        int                    // kept by a hold though due
}

// Categories of culled records.
const (
	CategoryNotHired  = "not-hired"
	CategoryCancelled = "cancelled"
)

// Undecided is a recruitment waiting for its decision past the point it
// should have one.
type Undecided struct {
	Recruitment recruiting.Recruitment
	LastDay     jobs.Day
	Since       time.Time // listed from
	Candidates  int
}

// Overview is the rule applied to every recruitment at a moment.
type Overview struct {
	At        time.Time
	Due       []Due
	Undecided []Undecided
	Holds     []Hold // active
}

// At applies the rule to every recruitment at the moment at: what a run
// then would cull, the recruitments waiting for a decision, the holds.
func (s *Schedule) At(ctx context.Context, ads Ads, at time.Time) (Overview, error) {
	o := Overview{At: at}
	holds, err := s.each(ctx, ads, at, func(d Due) error {
		o.Due = append(o.Due, d)
		return nil
	}, func(u Undecided) { o.Undecided = append(o.Undecided, u) })
	for _, h := range holds {
		if h.Active() {
			o.Holds = append(o.Holds, h)
		}
	}
	return o, err
}

// Each calls fn with each recruitment that has records due at the moment,
// one at a time, in order of reference number, so that a run holds one
// recruitment's candidates at a time.
func (s *Schedule) Each(ctx context.Context, at time.Time, fn func(Due) error) error {
	_, err := s.each(ctx, nil, at, fn, nil)
	return err
}

func (s *Schedule) each(ctx context.Context, ads Ads, at time.Time, onDue func(Due) error, onUndecided func(Undecided)) ([]Hold, error) {
	rs, err := s.Recruitments.Recruitments(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rs, func(a, b recruiting.Recruitment) int { return compareRef(a.Ref, b.Ref) })
	holds, err := s.Holds.Holds(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return holds, err
		}
		d, decided, err := s.decision(ctx, r.ID)
		if err != nil {
			return holds, err
		}
		if !decided {
			if ads == nil || onUndecided == nil {
				continue
			}
			ad, err := ads.AdByRef(ctx, r.Ref)
			if errors.Is(err, jobs.ErrNotFound) {
				continue
			} else if err != nil {
				return holds, err
			}
			last := jobs.DayOf(ad.ClosesAt().Add(-time.Nanosecond))
			if since := s.Rules.UndecidedFrom(last); !at.Before(since) {
				cands, err := s.Recruitments.CandidatesOf(ctx, r.ID)
				if err != nil {
					return holds, err
				}
				onUndecided(Undecided{Recruitment: r, LastDay: last, Since: since, Candidates: len(cands)})
			}
			continue
		}
		if at.Before(s.Rules.CullFrom(d.FinalOn)) {
			continue // nothing is due before the rule's date; holds only keep longer
		}
		due := Due{Recruitment: r, Decision: d, Category: CategoryNotHired, Rule: RuleNotHired}
		if d.Outcome == recruiting.OutcomeCancelled {
			due.Category, due.Rule = CategoryCancelled, RuleCancelled
		}
		// Read again now: a run is long, and a hold placed since it began
		// must count.
		rh, err := s.Holds.Holds(ctx, r.ID)
		if err != nil {
			return holds, err
		}
		cands, err := s.Recruitments.CandidatesOf(ctx, r.ID)
		if err != nil {
			return holds, err
		}
		for _, c := range cands {
			switch st := s.status(d, true, rh, c, at); st.State {
			case StateDue:
				due.Candidates = append(due.Candidates, c)
			case StateArchived:
				due.Archived = append(due.Archived, c)
			case StateHeld, StateKept:
				due.Held++ // a hold keeps it, or a claim's new period
			}
		}
		// The hired are marked archived when the others' date comes.
		unarchived := slices.ContainsFunc(due.Archived, func(c recruiting.Candidate) bool { return c.ArchivedAt.IsZero() })
		if len(due.Candidates) > 0 || due.Held > 0 || unarchived {
			if err := onDue(due); err != nil {
				return holds, err
			}
		}
	}
	return holds, nil
}

func compareRef(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
