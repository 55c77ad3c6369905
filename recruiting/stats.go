package recruiting

import (
	"context"
	"errors"
	"slices"
	"time"

	"portal/applications"
	"portal/jobs"
)

// AdStore reads the ads of recruitments.
type AdStore interface {
	// AdByRef returns the ad with the reference number, or jobs.ErrNotFound.
	AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
}

// ApplicationStatuses reads the status of applications by id.
type ApplicationStatuses interface {
	// StatusesOf returns the status of each application of ids there is;
	// ids that are no application are left out.
	StatusesOf(ctx context.Context, ids []string) (map[string]string, error)
}

// DecisionDates tells when the employment decision of a recruitment was
// made; a cancelled recruitment has none.
type DecisionDates interface {
	// DecidedAt returns when the recruitment was decided, and false when
	// it has no decision yet.
	DecidedAt(ctx context.Context, recruitmentID string) (time.Time, bool, error)
}

// StageSet returns the stage set in force.
type StageSet interface {
	// Set returns the stages in their order.
	Set(ctx context.Context) ([]Stage, error)
}

// Lister lists the recruitments a person may see.
type Lister interface {
	// List returns the recruitments the person may see.
	List(ctx context.Context, personID string) ([]Listed, error)
}

// UnitTree tells whether a unit lies under another.
type UnitTree interface {
	// Within reports whether unit lies in the tree under top (or is top).
	Within(ctx context.Context, unit, top string) (bool, error)
}

// DayCount is how many applications arrived on one Swedish day.
type DayCount struct {
	Day   jobs.Day
	Count int
}

// MonthCount is how many applications arrived in one month.
type MonthCount struct {
	Month time.Time // midnight of its first day, Swedish time
	Count int
}

// StageCount is how many candidates are at a stage, and how many of them
// have withdrawn their application.
type StageCount struct {
	Stage     Stage
	Count     int
	Withdrawn int
}

// Stats are the figures of one recruitment: counts only, nothing of any
// applicant.
type Stats struct {
	// Published: the ad is published; PublishedOn is its first day.
	Published   bool
	PublishedOn jobs.Day
	// Days has every day from publication (or the first arrival, if
	// earlier) to today or the last application day, whichever comes
	// first, and on to the last arrival if one came later.
	Days      []DayCount
	Total     int
	Withdrawn int
	Stages    []StageCount
	// Decided: the employment decision is made, on DecidedOn,
	// DaysToDecision days after publication (when published).
	Decided        bool
	DecidedOn      jobs.Day
	DaysToDecision int
}

// UnitStats are the figures of the recruitments of a unit (or of all a
// person sees) taken together.
type UnitStats struct {
	Recruitments int
	Applications int
	Withdrawn    int
	// Decided is how many published recruitments have a decision;
	// MedianDays the median of their days from publication to decision.
	Decided    int
	MedianDays float64
	Stages     []StageCount
	// Months are the last 12 months, oldest first, this month last.
	Months []MonthCount
}

// Average is the number of applications per recruitment, 0 with none.
func (u UnitStats) Average() float64 {
	if u.Recruitments == 0 {
		return 0
	}
	return float64(u.Applications) / float64(u.Recruitments)
}

// Statistics counts what happened in recruitments.
type Statistics struct {
	Candidates   CandidateStore
	Ads          AdStore
	Statuses     ApplicationStatuses
	Stages       StageSet
	Decisions    DecisionDates // nil: no recruitment is decided yet
	Recruitments Lister
	Units        UnitTree
	Now          func() time.Time
}

// Of returns the statistics of a recruitment the viewer has opened.
func (s *Statistics) Of(ctx context.Context, v Viewer, r Recruitment) (Stats, error) {
	if !v.See {
		return Stats{}, ErrNotFound
	}
	set, err := s.Stages.Set(ctx)
	if err != nil {
		return Stats{}, err
	}
	st, _, err := s.collect(ctx, r, set)
	return st, err
}

// OfUnit returns the statistics of the recruitments the person may see
// whose unit lies within unitID; "" takes every one they may see.
func (s *Statistics) OfUnit(ctx context.Context, personID, unitID string) (UnitStats, error) {
	list, err := s.Recruitments.List(ctx, personID)
	if err != nil {
		return UnitStats{}, err
	}
	set, err := s.Stages.Set(ctx)
	if err != nil {
		return UnitStats{}, err
	}
	now := s.Now().In(jobs.Stockholm)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, jobs.Stockholm).AddDate(0, -11, 0)
	out := UnitStats{Months: make([]MonthCount, 12), Stages: stageCounts(set)}
	for i := range out.Months {
		out.Months[i].Month = first.AddDate(0, i, 0)
	}
	var days []int
	for _, l := range list {
		if unitID != "" {
			ok, err := s.Units.Within(ctx, l.UnitID, unitID)
			if err != nil {
				return UnitStats{}, err
			}
			if !ok {
				continue
			}
		}
		st, cands, err := s.collect(ctx, l.Recruitment, set)
		if err != nil {
			return UnitStats{}, err
		}
		out.Recruitments++
		out.Applications += st.Total
		out.Withdrawn += st.Withdrawn
		for _, sc := range st.Stages {
			out.Stages = addStage(out.Stages, sc)
		}
		if st.Decided && st.Published {
			days = append(days, st.DaysToDecision)
		}
		for _, c := range cands {
			at := c.ArrivedAt.In(jobs.Stockholm)
			if c.ArrivedAt.IsZero() || at.Before(first) {
				continue
			}
			i := (at.Year()-first.Year())*12 + int(at.Month()) - int(first.Month())
			if i >= 0 && i < len(out.Months) {
				out.Months[i].Count++
			}
		}
	}
	out.Decided, out.MedianDays = len(days), median(days)
	return out, nil
}

// collect counts one recruitment and returns its candidates beside.
func (s *Statistics) collect(ctx context.Context, r Recruitment, set []Stage) (Stats, []Candidate, error) {
	cands, err := s.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return Stats{}, nil, err
	}
	var st Stats
	today := jobs.DayOf(s.Now())
	var start, end jobs.Day
	ad, err := s.Ads.AdByRef(ctx, r.Ref)
	switch {
	case errors.Is(err, jobs.ErrNotFound):
	case err != nil:
		return Stats{}, nil, err
	case ad.Published(s.Now()):
		st.Published, st.PublishedOn = true, jobs.DayOf(ad.PublishedAt)
		start, end = st.PublishedOn, today
		if !ad.LastDay.IsZero() && ad.LastDay.Start().Before(end.Start()) {
			end = ad.LastDay
		}
	}

	withdrawn, err := s.withdrawn(ctx, cands)
	if err != nil {
		return Stats{}, nil, err
	}
	st.Total, st.Stages = len(cands), stageCounts(set)
	perDay := map[string]int{}
	for _, c := range cands {
		gone := withdrawn[c.ID]
		if gone {
			st.Withdrawn++
		}
		st.Stages = addStage(st.Stages, StageCount{Stage: Stage{ID: c.Stage}, Count: 1, Withdrawn: b2i(gone)})
		if c.ArrivedAt.IsZero() {
			continue // no day to count it on
		}
		d := jobs.DayOf(c.ArrivedAt)
		perDay[d.String()]++
		if start.IsZero() || d.Start().Before(start.Start()) {
			start = d
		}
		if end.IsZero() || d.Start().After(end.Start()) {
			end = d
		}
	}
	if !start.IsZero() && !end.Start().Before(start.Start()) {
		for d := start; !d.Start().After(end.Start()); d = d.AddDays(1) {
			st.Days = append(st.Days, DayCount{Day: d, Count: perDay[d.String()]})
		}
	}

	if s.Decisions != nil {
		at, ok, err := s.Decisions.DecidedAt(ctx, r.ID)
		if err != nil {
			return Stats{}, nil, err
		}
		if ok {
			st.Decided, st.DecidedOn = true, jobs.DayOf(at)
			if st.Published {
				st.DaysToDecision = DaysBetween(st.PublishedOn, st.DecidedOn)
			}
		}
	}
	return st, cands, nil
}

// withdrawn returns the ids of the candidates whose application is
// withdrawn; only those who applied through the portal can withdraw.
func (s *Statistics) withdrawn(ctx context.Context, cands []Candidate) (map[string]bool, error) {
	var ids []string
	for _, c := range cands {
		if c.Source == SourcePortal {
			ids = append(ids, c.ID)
		}
	}
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	statuses, err := s.Statuses.StatusesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, status := range statuses {
		if status == applications.StatusWithdrawn {
			out[id] = true
		}
	}
	return out, nil
}

// stageCounts returns a zero count for each stage of the set.
func stageCounts(set []Stage) []StageCount {
	out := make([]StageCount, len(set))
	for i, st := range set {
		out[i].Stage = st
	}
	return out
}

// addStage adds the counts of sc to its stage; a stage no longer in the
// set is added after the others, named by its id.
func addStage(counts []StageCount, sc StageCount) []StageCount {
	i := slices.IndexFunc(counts, func(x StageCount) bool { return x.Stage.ID == sc.Stage.ID })
	if i < 0 {
		st := sc.Stage
		if st.Name == nil {
			st.Name = map[string]string{"sv": st.ID, "en": st.ID}
		}
		return append(counts, StageCount{Stage: st, Count: sc.Count, Withdrawn: sc.Withdrawn})
	}
	counts[i].Count += sc.Count
	counts[i].Withdrawn += sc.Withdrawn
	return counts
}

// DaysBetween returns how many calendar days lie from a to b: 0 on the
// same day, 1 on the next, whatever the clocks did between.
func DaysBetween(a, b jobs.Day) int {
	date := func(d jobs.Day) time.Time {
		y, m, dd := d.Start().Date()
		return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	}
	return int(date(b).Sub(date(a)).Hours() / 24)
}

// median returns the median of the numbers, 0 for none.
func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
