package recruiting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"portal/applications"
	"portal/stamped"
)

// Stage is one step of the review, with its names in Swedish and English.
// The stage "not selected" has reasons, each tied to the message
// template that tells the applicant.
type Stage struct {
	ID      string
	Name    map[string]string // by language: "sv", "en"
	Reasons []Reason
}

// Reason is why a candidate was not selected.
type Reason struct {
	ID       string
	Name     map[string]string
	Template string // id of the message template that tells the applicant
}

// Label is the name in lang, else the Swedish one.
func (s Stage) Label(lang string) string { return label(s.Name, lang) }

// Label is the name in lang, else the Swedish one.
func (r Reason) Label(lang string) string { return label(r.Name, lang) }

func label(names map[string]string, lang string) string {
	if n := names[lang]; n != "" {
		return n
	}
	return names["sv"]
}

// DefaultStages is the stage set the portal ships.
func DefaultStages() []Stage {
	n := func(sv, en string) map[string]string { return map[string]string{"sv": sv, "en": en} }
	return []Stage{
		{ID: StageReceived, Name: n("Inkommen", "Received")},
		{ID: StageReview, Name: n("Under granskning", "In review")},
		{ID: StageInterview, Name: n("Intervju", "Interview")},
		{ID: StageReferences, Name: n("Referenser", "References")},
		{ID: StageOffer, Name: n("Erbjudande", "Offer")},
		{ID: StageHired, Name: n("Anställd", "Hired")},
		{ID: StageNotSelected, Name: n("Ej aktuell", "Not selected"), Reasons: []Reason{
			{ID: "qualifications", Name: n("Uppfyller inte kraven", "Does not meet the requirements"), Template: "not-selected-qualifications"},
			{ID: "others", Name: n("Andra sökande bedömdes mer meriterade", "Other applicants were found better qualified"), Template: "not-selected-others"},
			{ID: "after-interview", Name: n("Ej aktuell efter intervju", "Not selected after interview"), Template: "not-selected-interview"},
		}},
	}
}

// Reveals reports whether reaching the stage shows who the candidate is
// in an anonymised review: interview and every stage after it in the set,
// but not "not selected".
func Reveals(stages []Stage, id string) bool {
	if id == StageNotSelected {
		return false
	}
	at := slices.IndexFunc(stages, func(s Stage) bool { return s.ID == id })
	interview := slices.IndexFunc(stages, func(s Stage) bool { return s.ID == StageInterview })
	return at >= 0 && interview >= 0 && at >= interview
}

// HidesIdentity reports whether the candidate is named only by number:
// in an anonymised review, until they reach the interview stage.
func (r Recruitment) HidesIdentity(c Candidate) bool { return r.Anonymised && !c.Revealed }

// StageEvent is one move of a candidate from a stage to another.
type StageEvent struct {
	CandidateID   string
	RecruitmentID string
	From, To      string
	Reason        string // for "not selected"
	By            string // the person who moved them
	At            time.Time
}

// StageStore keeps where candidates are and how they got there. Moves are
// recorded as events, inserted only; the candidate's current stage is set
// beside them.
type StageStore interface {
	AddStageEvents(ctx context.Context, events []StageEvent) error
	// SetStage sets the candidate's stage; revealed, once true, stays.
	SetStage(ctx context.Context, candidateID, stage string, at time.Time, revealed bool) error
	// StageEvents returns the moves of one candidate, oldest first.
	StageEvents(ctx context.Context, candidateID string) ([]StageEvent, error)
}

// StageSettings reads the organisation's stage set.
type StageSettings interface {
	// StageSet returns the stage set, or nil when the default holds.
	StageSet(ctx context.Context) ([]Stage, error)
}

// Applications reads the applications candidates made.
type Applications interface {
	ApplicationByID(ctx context.Context, id string) (applications.Application, error)
}

// ErrWithdrawn is returned when a withdrawn application is to be moved.
var ErrWithdrawn = errors.New("recruiting: the application is withdrawn")

// Stages moves candidates between stages.
type Stages struct {
	Candidates CandidateStore
	Store      StageStore
	Settings   StageSettings // nil: the default set
	Apps       Applications
	Changes    Changes // nil: no list to tell
	// Decided finds a recruitment's decision; after it nobody is moved by
	// hand. nil: never decided.
	Decided interface {
		Decision(ctx context.Context, recruitmentID string) (Decision, error)
	}
	Now func() time.Time
	// Refresh bounds how stale the set that Shown returns may be, when
	// the system administrator changed it through another instance.
	Refresh time.Duration

	once  sync.Once
	shown *stamped.Cache[[]Stage]
}

// Shown returns the stage set for showing (the candidate list's counts
// and menus), kept in memory and read anew at most once per Refresh, at
// once after a change through this process. Moving a candidate checks
// against Set, read every time.
func (s *Stages) Shown(ctx context.Context) ([]Stage, error) {
	s.once.Do(func() {
		src := stamped.Source[[]Stage]{Load: s.Set}
		if w, ok := s.Settings.(interface{ StageSetWrites() uint64 }); ok {
			src.Writes = w.StageSetWrites
		}
		s.shown = stamped.New(src, s.Refresh)
	})
	set, err := s.shown.Get(ctx)
	return slices.Clone(set), err
}

// Set returns the stage set in force.
func (s *Stages) Set(ctx context.Context) ([]Stage, error) {
	if s.Settings == nil {
		return DefaultStages(), nil
	}
	set, err := s.Settings.StageSet(ctx)
	if err != nil || len(set) == 0 {
		return DefaultStages(), err
	}
	return set, nil
}

// Withdrawn reports whether the candidate's application is withdrawn.
func (s *Stages) Withdrawn(ctx context.Context, c Candidate) (bool, error) {
	if c.Source != SourcePortal {
		return false, nil
	}
	a, err := s.Apps.ApplicationByID(ctx, c.ID)
	if errors.Is(err, applications.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return a.Status == applications.StatusWithdrawn, nil
}

// Move moves candidates of the recruitment to a stage, with a reason for
// "not selected". Every candidate is checked first: one of another
// recruitment is ErrNotFound, a withdrawn one ErrWithdrawn, and then none
// is moved. Candidates already at the stage are left as they are.
func (s *Stages) Move(ctx context.Context, v Viewer, r Recruitment, ids []string, to, reason string) (int, error) {
	if !v.Review {
		return 0, ErrForbidden
	}
	if s.Decided != nil {
		// The decision has placed everyone: hired or not selected.
		if _, err := s.Decided.Decision(ctx, r.ID); err == nil {
			return 0, ErrDecided
		} else if !errors.Is(err, ErrNotFound) {
			return 0, err
		}
	}
	set, err := s.Set(ctx)
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(set, func(st Stage) bool { return st.ID == to })
	if i < 0 {
		return 0, fmt.Errorf("recruiting: no stage %q: %w", to, ErrNotFound)
	}
	if len(set[i].Reasons) > 0 && !slices.ContainsFunc(set[i].Reasons, func(x Reason) bool { return x.ID == reason }) {
		return 0, fmt.Errorf("recruiting: stage %q needs a reason: %w", to, ErrNoReason)
	}
	if len(set[i].Reasons) == 0 {
		reason = ""
	}
	var moving []Candidate
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, err := s.Candidates.Candidate(ctx, id)
		if err != nil {
			return 0, err
		}
		if c.RecruitmentID != r.ID {
			return 0, ErrNotFound
		}
		if gone, err := s.Withdrawn(ctx, c); err != nil {
			return 0, err
		} else if gone {
			return 0, ErrWithdrawn
		}
		if c.Stage != to {
			moving = append(moving, c)
		}
	}
	if len(moving) == 0 {
		return 0, nil
	}
	now := s.Now()
	events := make([]StageEvent, len(moving))
	for i, c := range moving {
		events[i] = StageEvent{CandidateID: c.ID, RecruitmentID: r.ID, From: c.Stage, To: to, Reason: reason, By: v.PersonID, At: now}
	}
	if err := s.Store.AddStageEvents(ctx, events); err != nil {
		return 0, err
	}
	reveals := Reveals(set, to)
	for _, c := range moving {
		if err := s.Store.SetStage(ctx, c.ID, to, now, c.Revealed || reveals); err != nil {
			return 0, err
		}
	}
	if s.Changes != nil {
		if err := s.Changes.Changed(ctx, r.ID); err != nil {
			return 0, err
		}
	}
	return len(moving), nil
}

// ErrNoReason is returned when a stage that needs a reason is given none.
var ErrNoReason = errors.New("recruiting: a reason is needed")
