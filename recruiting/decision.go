package recruiting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"portal/applications"
	"portal/jobs"
	"portal/valid"
)

// ErrDecided is returned when a recruitment has its decision already: it
// is taken once.
var ErrDecided = errors.New("recruiting: decided already")

// Outcomes of a recruitment.
const (
	OutcomeHired     = "hired"     // one or more candidates are employed
	OutcomeCancelled = "cancelled" // the recruitment ends without anyone employed
)

// DefaultAppealDays is how long the decision can be appealed after it is
// posted: three weeks (kommunallagen 13 kap. 5 §).
const DefaultAppealDays = 21

// Decision is the employment decision of a recruitment, taken once. It is
// posted the day it is recorded; it can be appealed until AppealUntil and
// is final from FinalOn, from which the records' retention is counted.
type Decision struct {
	RecruitmentID string
	Outcome       string
	Hired         []string // candidate ids, when hired
	Reason        string   // why, when cancelled
	DecidedOn     jobs.Day
	DecidedBy     string
	PostedOn      jobs.Day
	AppealDays    int
	AppealUntil   jobs.Day // the last day an appeal can arrive
	FinalOn       jobs.Day // the first day the decision stands
	At            time.Time
}

// IsHired reports whether the candidate is employed by the decision.
func (d Decision) IsHired(candidateID string) bool {
	return d.Outcome == OutcomeHired && slices.Contains(d.Hired, candidateID)
}

// DecisionStore keeps decisions, the stage changes they make and the
// requests for statements.
type DecisionStore interface {
	// AddDecision stores the decision; a second one for the recruitment
	// is ErrExists.
	AddDecision(ctx context.Context, d Decision) error
	// Decision returns the recruitment's decision, or ErrNotFound.
	Decision(ctx context.Context, recruitmentID string) (Decision, error)
	// AddKeyedStageEvent records a stage change under a key of its own;
	// one with the key recorded is ErrExists.
	AddKeyedStageEvent(ctx context.Context, key string, e StageEvent) error
	// AddStatementRequest stores a request; one with its id stored is
	// ErrExists.
	AddStatementRequest(ctx context.Context, q StatementRequest) error
	// StatementRequest returns one request, or ErrNotFound.
	StatementRequest(ctx context.Context, id string) (StatementRequest, error)
	// StatementRequests returns the requests of the recruitments (all,
	// when none is named), oldest first.
	StatementRequests(ctx context.Context, recruitmentIDs []string) ([]StatementRequest, error)
	// StatementRequestsOf returns the requests of the candidates, oldest
	// first.
	StatementRequestsOf(ctx context.Context, candidateIDs []string) ([]StatementRequest, error)
	// MarkAnswered records that the request has its answer.
	MarkAnswered(ctx context.Context, id string, at time.Time) error
}

// Decisions records employment decisions and tells the candidates, and
// answers requests for the statement of the hired person's merits.
type Decisions struct {
	Store       DecisionStore
	Candidates  CandidateStore
	Withdrawals Applications
	// Stages sets the candidates' current stage.
	Stages   StageStore
	Changes  Changes // the candidate list's; nil: no list to tell
	Messages *Messages
	// Ads reads the recruitment's ad, which must be closed for
	// applications before the decision; nil: not checked.
	Ads AdReader
	// AppealDays is the appeal period; zero: DefaultAppealDays.
	AppealDays int
	Now        func() time.Time
}

// DecidedAt tells statistics when the recruitment was decided: the
// decision date of one that hired; a cancelled or undecided one has none.
func (s *Decisions) DecidedAt(ctx context.Context, recruitmentID string) (time.Time, bool, error) {
	d, err := s.Store.Decision(ctx, recruitmentID)
	if errors.Is(err, ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil || d.Outcome != OutcomeHired {
		return time.Time{}, false, err
	}
	return d.DecidedOn.Start(), true, nil
}

func (s *Decisions) appealDays() int {
	if s.AppealDays <= 0 {
		return DefaultAppealDays
	}
	return s.AppealDays
}

// Decision returns the recruitment's decision, or ErrNotFound.
func (s *Decisions) Decision(ctx context.Context, r Recruitment) (Decision, error) {
	return s.Store.Decision(ctx, r.ID)
}

// Withdrawn reports whether the candidate withdrew the application.
func (s *Decisions) Withdrawn(ctx context.Context, c Candidate) (bool, error) {
	if c.Source != SourcePortal {
		return false, nil
	}
	a, err := s.Withdrawals.ApplicationByID(ctx, c.ID)
	if errors.Is(err, applications.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return a.Status == applications.StatusWithdrawn, nil
}

// Draft is the decision as the form gives it.
type DecisionDraft struct {
	Outcome   string
	Hired     []string
	Reason    string
	DecidedOn string // 2006-01-02
}

// Decide records the employment decision, once: of two recruiters
// deciding at once one decides and the other gets ErrDecided. Then the
// hired move to the stage hired and the others, unless withdrawn, to not
// selected, and each candidate is told from a template. A repeat changes
// nothing and tells nobody twice; it completes what an interrupted
// decision left undone.
func (s *Decisions) Decide(ctx context.Context, v Viewer, r Recruitment, dd DecisionDraft) (Decision, error) {
	if !v.Decide {
		return Decision{}, ErrForbidden
	}
	cands, err := s.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return Decision{}, err
	}
	if d, err := s.Store.Decision(ctx, r.ID); err == nil {
		// Decided before: finish what an interrupted decision left.
		if err := s.complete(ctx, r, d, cands); err != nil {
			return d, err
		}
		return d, ErrDecided
	} else if !errors.Is(err, ErrNotFound) {
		return Decision{}, err
	}
	now := s.Now()
	today := jobs.DayOf(now)
	d := Decision{RecruitmentID: r.ID, Outcome: dd.Outcome, DecidedBy: v.PersonID, PostedOn: today, AppealDays: s.appealDays(), At: now}
	var errs valid.Problems
	if s.Ads != nil {
		// Nobody may apply after the decision: it would leave them out.
		ad, err := s.Ads.AdByRef(ctx, r.Ref)
		if err != nil && !errors.Is(err, jobs.ErrNotFound) {
			return Decision{}, err
		}
		if err == nil && ad.Open(now) {
			errs.Add("outcome", "decide.error.ad_open")
		}
	}
	if day, err := jobs.ParseDay(strings.TrimSpace(dd.DecidedOn)); err != nil {
		errs.Add("decided_on", "decide.error.date")
	} else if day.Start().After(today.Start()) {
		errs.Add("decided_on", "decide.error.date_future")
	} else if day.Start().Before(jobs.DayOf(r.CreatedAt).Start()) {
		errs.Add("decided_on", "decide.error.date_early")
	} else {
		d.DecidedOn = day
	}
	switch dd.Outcome {
	case OutcomeHired:
		for _, id := range dd.Hired {
			if id == "" || slices.Contains(d.Hired, id) {
				continue
			}
			i := slices.IndexFunc(cands, func(c Candidate) bool { return c.ID == id })
			if i < 0 {
				return Decision{}, ErrNotFound
			}
			if w, err := s.Withdrawn(ctx, cands[i]); err != nil {
				return Decision{}, err
			} else if w {
				errs.Add("hired", "decide.error.withdrawn")
				continue
			}
			d.Hired = append(d.Hired, id)
		}
		if len(d.Hired) == 0 && !slices.ContainsFunc(errs, func(p valid.Problem) bool { return p.Field == "hired" }) {
			errs.Add("hired", "decide.error.none_hired")
		} else if len(d.Hired) > r.Positions {
			errs.Add("hired", "decide.error.too_many")
		}
	case OutcomeCancelled:
		d.Reason = strings.TrimSpace(dd.Reason)
		if d.Reason == "" {
			errs.Add("reason", "decide.error.reason")
		} else if utf8.RuneCountInString(d.Reason) > 2000 {
			errs.Add("reason", "decide.error.reason_long")
		}
	default:
		errs.Add("outcome", "decide.error.outcome")
	}
	if len(errs) > 0 {
		return Decision{}, errs
	}
	d.AppealUntil = d.PostedOn.AddDays(d.AppealDays)
	d.FinalOn = d.AppealUntil.AddDays(1)
	if err := s.Store.AddDecision(ctx, d); errors.Is(err, ErrExists) {
		stored, err := s.Store.Decision(ctx, r.ID)
		if err != nil {
			return Decision{}, err
		}
		if err := s.complete(ctx, r, stored, cands); err != nil {
			return stored, err
		}
		return stored, ErrDecided
	} else if err != nil {
		return Decision{}, err
	}
	return d, s.complete(ctx, r, d, cands)
}

// Complete carries out a decision taken: the stage changes and the
// e-mail, each keyed so that a repeat does nothing twice.
func (s *Decisions) Complete(ctx context.Context, v Viewer, r Recruitment) error {
	if !v.Decide {
		return ErrForbidden
	}
	d, err := s.Store.Decision(ctx, r.ID)
	if err != nil {
		return err
	}
	cands, err := s.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return err
	}
	return s.complete(ctx, r, d, cands)
}

func (s *Decisions) complete(ctx context.Context, r Recruitment, d Decision, cands []Candidate) error {
	tpls := map[string]Template{}
	for _, id := range []string{TemplateHired, TemplateNotSelected, TemplateCancelled} {
		t, err := s.Messages.Template(ctx, id)
		if err != nil {
			return fmt.Errorf("recruiting: template %s: %w", id, err)
		}
		tpls[id] = t
	}
	for _, c := range cands {
		withdrawn, err := s.Withdrawn(ctx, c)
		if err != nil {
			return err
		}
		tpl, stage := tpls[TemplateNotSelected], StageNotSelected
		switch {
		case d.Outcome == OutcomeCancelled:
			tpl, stage = tpls[TemplateCancelled], ""
		case d.IsHired(c.ID):
			tpl, stage = tpls[TemplateHired], StageHired
		case withdrawn:
			stage = ""
		}
		if stage != "" && c.Stage != stage {
			err := s.Store.AddKeyedStageEvent(ctx, c.ID+":decision", StageEvent{RecruitmentID: r.ID, CandidateID: c.ID,
				From: c.Stage, To: stage, By: d.DecidedBy, At: d.At})
			if err != nil && !errors.Is(err, ErrExists) {
				return err
			}
			// The hired are named from now on, as the decision names them.
			if err := s.Stages.SetStage(ctx, c.ID, stage, d.At, c.Revealed || stage == StageHired); err != nil {
				return err
			}
			if s.Changes != nil {
				if err := s.Changes.Changed(ctx, r.ID); err != nil {
					return err
				}
			}
			c.Stage = stage
		}
		l := s.Messages.Write(tpl, r, c, "")
		e := LogEntry{Key: "rdec:" + r.ID + ":" + c.ID, RecruitmentID: r.ID, CandidateID: c.ID, Kind: LogOutcome, TemplateID: tpl.ID,
			Lang: l.Lang, Subject: l.Subject, Body: l.Body, By: d.DecidedBy, At: s.Now()}
		if _, err := s.Messages.deliver(ctx, c, e); err != nil {
			return err
		}
	}
	return nil
}

// StatementRequest is a non-hired applicant's request for the written
// statement of the hired person's education, experience and other merits
// (diskrimineringslagen 2 kap. 4 §). Its id is the candidate's and the
// request's number, so that of two requests at once one is stored.
type StatementRequest struct {
	ID            string
	RecruitmentID string
	CandidateID   string
	Applicant     string
	N             int
	At            time.Time
	AnsweredAt    time.Time // zero while open
}

// Open reports whether the request waits for its answer.
func (q StatementRequest) Open() bool { return q.AnsweredAt.IsZero() }

// AnswerKey is the key of the answer's entry in the log and the outbox.
func (q StatementRequest) AnswerKey() string { return "rstmt:" + q.ID }

// MayRequest reports whether the candidate may ask for the statement now:
// an applicant through the portal, after a decision that hired someone
// else.
func (s *Decisions) MayRequest(d Decision, c Candidate) bool {
	return c.Source == SourcePortal && d.Outcome == OutcomeHired && !d.IsHired(c.ID)
}

// RequestStatement records the applicant's request for the statement;
// the application must be the applicant's own (else ErrNotFound). One
// request may be open at a time.
func (s *Decisions) RequestStatement(ctx context.Context, applicantID, candidateID string) (StatementRequest, error) {
	c, err := s.Candidates.Candidate(ctx, candidateID)
	if err != nil {
		return StatementRequest{}, err
	}
	if c.Applicant != applicantID || c.Source != SourcePortal {
		return StatementRequest{}, ErrNotFound
	}
	d, err := s.Store.Decision(ctx, c.RecruitmentID)
	if errors.Is(err, ErrNotFound) {
		return StatementRequest{}, ErrForbidden
	}
	if err != nil {
		return StatementRequest{}, err
	}
	if !s.MayRequest(d, c) {
		return StatementRequest{}, ErrForbidden
	}
	earlier, err := s.Store.StatementRequestsOf(ctx, []string{c.ID})
	if err != nil {
		return StatementRequest{}, err
	}
	for _, q := range earlier {
		if q.Open() {
			return q, ErrExists
		}
	}
	q := StatementRequest{ID: fmt.Sprintf("%s:%d", c.ID, len(earlier)+1), RecruitmentID: c.RecruitmentID, CandidateID: c.ID,
		Applicant: applicantID, N: len(earlier) + 1, At: s.Now()}
	if err := s.Store.AddStatementRequest(ctx, q); err != nil {
		return q, err // ErrExists: a request sent at the same moment went in
	}
	return q, nil
}

// OpenRequests returns the requests of the recruitment that wait for
// their answer.
func (s *Decisions) OpenRequests(ctx context.Context, r Recruitment) ([]StatementRequest, error) {
	all, err := s.Store.StatementRequests(ctx, []string{r.ID})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(q StatementRequest) bool { return !q.Open() }), nil
}

// OpenRequestsIn returns the waiting requests of the recruitments the
// person manages, by recruitment.
func (s *Decisions) OpenRequestsIn(ctx context.Context, rs []Listed) (map[string][]StatementRequest, error) {
	var ids []string
	for _, r := range rs {
		if r.Manage {
			ids = append(ids, r.ID)
		}
	}
	out := map[string][]StatementRequest{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := s.Store.StatementRequests(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, q := range all {
		if q.Open() {
			out[q.RecruitmentID] = append(out[q.RecruitmentID], q)
		}
	}
	return out, nil
}

// Answer sends the recruiter's written statement to the applicant who
// asked, from the statement template, and logs it. A request is answered
// once; a second answer is ErrExists.
func (s *Decisions) Answer(ctx context.Context, v Viewer, r Recruitment, requestID, text string) error {
	if !v.Manage {
		return ErrForbidden
	}
	q, err := s.Store.StatementRequest(ctx, requestID)
	if err != nil {
		return err
	}
	if q.RecruitmentID != r.ID {
		return ErrNotFound
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	var errs valid.Problems
	if text == "" {
		errs.Add("answer", "decide.error.answer")
	} else if utf8.RuneCountInString(text) > maxBody {
		errs.Add("answer", "decide.error.answer_long")
	}
	if len(errs) > 0 {
		return errs
	}
	if !q.Open() {
		return ErrExists
	}
	c, err := s.Candidates.Candidate(ctx, q.CandidateID)
	if err != nil {
		return err
	}
	t, err := s.Messages.Template(ctx, TemplateStatement)
	if err != nil {
		return err
	}
	l := s.Messages.Write(t, r, c, text)
	e := LogEntry{Key: q.AnswerKey(), RecruitmentID: r.ID, CandidateID: c.ID, Kind: LogStatement, TemplateID: t.ID,
		Lang: l.Lang, Subject: l.Subject, Body: l.Body, By: v.PersonID, At: s.Now()}
	res, err := s.Messages.deliver(ctx, c, e)
	if err != nil {
		return err
	}
	if err := s.Store.MarkAnswered(ctx, q.ID, e.At); err != nil {
		return err
	}
	if res == repeated {
		return ErrExists
	}
	return nil
}

// ApplicantView is what My applications shows of one application's
// recruitment: the messages sent, and the statement of merits.
type ApplicantView struct {
	Messages []LogEntry
	// MayRequest: the decision hired someone else and no request waits.
	MayRequest bool
	Waiting    *StatementRequest // the open request, if any
}

// ForApplicant returns, by application id, what the applicant's
// applications have had from their recruitments.
func (s *Decisions) ForApplicant(ctx context.Context, applicantID string, appIDs []string) (map[string]ApplicantView, error) {
	out := map[string]ApplicantView{}
	var mine []Candidate
	for _, id := range appIDs {
		c, err := s.Candidates.Candidate(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.Applicant == applicantID {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		return out, nil
	}
	ids := make([]string, len(mine))
	for i, c := range mine {
		ids[i] = c.ID
	}
	entries, err := s.Messages.Log.EntriesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	reqs, err := s.Store.StatementRequestsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range mine {
		var v ApplicantView
		for _, e := range entries {
			if e.CandidateID == c.ID {
				v.Messages = append(v.Messages, e)
			}
		}
		for _, q := range reqs {
			if q.CandidateID == c.ID && q.Open() {
				v.Waiting = &q
			}
		}
		d, err := s.Store.Decision(ctx, c.RecruitmentID)
		if err == nil {
			v.MayRequest = v.Waiting == nil && s.MayRequest(d, c)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		out[c.ID] = v
	}
	return out, nil
}
