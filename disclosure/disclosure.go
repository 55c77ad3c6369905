// Package disclosure holds requests for official documents (begäran om
// allmän handling) about recruitments: the registrar records who asked
// for which applications, a pending request holds what it names from
// culling, the portal builds the disclosure copy with the confidential
// details masked, and every release is logged: what went to whom.
package disclosure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"portal/access"
	"portal/internal/tokens"
	"portal/jobs"
	"portal/recruiting"
	"portal/retention"
	"portal/valid"
)

// Errors of disclosure.
var (
	// ErrNotFound is the answer for a request that does not exist or that
	// the person may not see: the two are never told apart.
	ErrNotFound = errors.New("disclosure: not found")
	// ErrForbidden is returned to a person who may handle no requests.
	ErrForbidden = errors.New("disclosure: not allowed")
	// ErrDecided is returned when a request that is no longer pending is
	// changed or answered again.
	ErrDecided = errors.New("disclosure: the request is answered already")
	// ErrExists is returned when a unique thing is stored twice.
	ErrExists = errors.New("disclosure: exists")
)

// The states of a request.
const (
	StatePending   = "pending"
	StateReleased  = "released"
	StateRefused   = "refused"
	StateWithdrawn = "withdrawn"
)

// States lists the states in display order.
var States = []string{StatePending, StateReleased, StateRefused, StateWithdrawn}

// PermRegister is the registrar's: requests over the units of the grant.
const PermRegister = access.PermRegister

// AccessDisclosure is the kind of the access-log entries a copy writes.
const AccessDisclosure = "disclosure"

// Requester is who asked for the documents.
type Requester struct {
	Name         string
	Organisation string
	Email        string
	Phone        string
	Address      string
}

// Request is one request for official documents of a recruitment.
type Request struct {
	ID        string
	Requester Requester
	// ArrivedOn is the day the request arrived (midnight, Swedish time).
	ArrivedOn     time.Time
	RecruitmentID string
	Ref           string // the recruitment's reference number
	// CandidateIDs are the applications asked for; none: all of the
	// recruitment.
	CandidateIDs []string
	Note         string
	Masking      Masking
	RecordedBy   string
	RecordedAt   time.Time
	// Outcome is the answer; the zero value while pending.
	Outcome Outcome
}

// State is the request's state.
func (r Request) State() string {
	if r.Outcome.State == "" {
		return StatePending
	}
	return r.Outcome.State
}

// Pending reports whether the request waits for its answer.
func (r Request) Pending() bool { return r.State() == StatePending }

// WholeRecruitment reports whether the request names every application.
func (r Request) WholeRecruitment() bool { return len(r.CandidateIDs) == 0 }

// Source is what the request's holds name as their source.
func (r Request) Source() string { return "request:" + r.ID }

// Outcome is how a request was answered. Outcomes are only inserted, one
// per request, and never culled: released ones are the log of what was
// released to whom.
type Outcome struct {
	RequestID string
	State     string // released, refused or withdrawn
	Reason    string // why it was refused, or a remark
	By        string // the registrar's user name
	At        time.Time
	// Release is what was released; set for released requests only.
	Release *Release
}

// Release records one copy given out. It holds no more personal data than
// the log needs: the recipient's name and the applications by number.
type Release struct {
	Recipient     string
	RecruitmentID string
	Ref           string
	Candidates    []int    // the applications' numbers, "Sökande N"
	Masked        []string // what was masked, in words
	Files         []ReleasedFile
}

// ReleasedFile is one attached file in a released copy.
type ReleasedFile struct {
	Candidate int
	Name      string
	SHA256    string
}

// Store keeps requests and their outcomes.
type Store interface {
	// AddRequest stores a new request; one with its id is ErrExists.
	AddRequest(ctx context.Context, r Request) error
	// Request returns one request with its outcome, or ErrNotFound.
	Request(ctx context.Context, id string) (Request, error)
	// Requests returns every request with its outcome, newest first.
	Requests(ctx context.Context) ([]Request, error)
	// SaveMasking replaces the masking chosen for a request.
	SaveMasking(ctx context.Context, id string, m Masking) error
	// AddOutcome stores the answer to a request; a request answered
	// already is ErrExists, so that of two answers at once one wins.
	AddOutcome(ctx context.Context, o Outcome) error
}

// Recruitments reads recruitments and their candidates.
type Recruitments interface {
	Recruitment(ctx context.Context, id string) (recruiting.Recruitment, error)
	RecruitmentByRef(ctx context.Context, ref string) (recruiting.Recruitment, error)
	Recruitments(ctx context.Context) ([]recruiting.Recruitment, error)
	Candidate(ctx context.Context, id string) (recruiting.Candidate, error)
	CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error)
}

// Policy is what disclosure asks the access policy.
type Policy interface {
	Can(ctx context.Context, personID string, perm access.Permission, unit string) (bool, error)
}

// Holds places and lifts the holds of pending requests.
type Holds interface {
	PlaceFor(ctx context.Context, source, personID string, h retention.Hold) (retention.Hold, error)
	LiftFor(ctx context.Context, source, personID, reason string, recruitmentIDs ...string) error
}

// Service records and answers requests.
type Service struct {
	Store        Store
	Recruitments Recruitments
	Policy       Policy
	Holds        Holds
	Copies       *Copies
	Now          func() time.Time
}

// Limits of what a registrar types.
const (
	maxShort = 200  // a name, organisation, e-mail, phone
	maxLong  = 2000 // an address, a note, a reason
)

// May reports whether the person may handle requests at all: a
// registrar. The records administrator's right (which the system
// administrator carries) opens no application, so no copy either.
func (s *Service) May(ctx context.Context, personID string) (bool, error) {
	return s.Policy.Can(ctx, personID, PermRegister, "")
}

// covers reports whether the person may handle requests about the unit.
func (s *Service) covers(ctx context.Context, personID, unit string) (bool, error) {
	return s.Policy.Can(ctx, personID, PermRegister, unit)
}

// RecruitmentsFor returns the recruitments the person may record requests
// about, newest first.
func (s *Service) RecruitmentsFor(ctx context.Context, personID string) ([]recruiting.Recruitment, error) {
	all, err := s.Recruitments.Recruitments(ctx)
	if err != nil {
		return nil, err
	}
	var out []recruiting.Recruitment
	for _, r := range all {
		ok, err := s.covers(ctx, personID, r.UnitID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// Draft is what the registrar fills in to record a request.
type Draft struct {
	Requester Requester
	ArrivedOn string // YYYY-MM-DD
	// Recruitment is the recruitment's id, as chosen from the list, or
	// Ref its reference number as typed; the id wins when both are given.
	Recruitment string
	Ref         string
	// All asks for every application; otherwise Which names them by
	// number ("3", "Sökande 3") or by name, separated by commas or lines.
	All   bool
	Which string
	Note  string
}

// Stockholm is the time zone request days are in.
var Stockholm = jobs.Stockholm

// dayStart is midnight at the start of t's day, Swedish time.
func dayStart(t time.Time) time.Time { return jobs.DayOf(t).Start() }

// Record stores a new pending request by a registrar over the
// recruitment's unit and holds what it names. Bad input is a
// valid.Problems and stores nothing.
func (s *Service) Record(ctx context.Context, personID string, d Draft) (Request, error) {
	if ok, err := s.May(ctx, personID); err != nil {
		return Request{}, err
	} else if !ok {
		return Request{}, ErrForbidden
	}
	var errs valid.Problems
	req := Request{ID: tokens.New(12), RecordedBy: personID, RecordedAt: s.Now()}
	rq := Requester{
		Name: strings.TrimSpace(d.Requester.Name), Organisation: strings.TrimSpace(d.Requester.Organisation),
		Email: strings.TrimSpace(d.Requester.Email), Phone: strings.TrimSpace(d.Requester.Phone),
		Address: strings.TrimSpace(d.Requester.Address),
	}
	switch {
	case rq.Name == "":
		errs.Add("name", "disclose.error.name")
	case utf8.RuneCountInString(rq.Name) > maxShort:
		errs.Add("name", "disclose.error.too_long")
	}
	if utf8.RuneCountInString(rq.Organisation) > maxShort {
		errs.Add("organisation", "disclose.error.too_long")
	}
	if rq.Email != "" && !valid.Email(rq.Email) {
		errs.Add("email", "disclose.error.email")
	}
	if utf8.RuneCountInString(rq.Phone) > 40 || strings.Trim(rq.Phone, "0123456789+-() ") != "" {
		errs.Add("phone", "disclose.error.phone")
	}
	if utf8.RuneCountInString(rq.Address) > maxLong {
		errs.Add("address", "disclose.error.too_long")
	}
	for field, v := range map[string]string{"name": rq.Name, "organisation": rq.Organisation, "email": rq.Email} {
		if !valid.Plain(v) {
			errs.Add(field, "disclose.error.chars")
		}
	}
	if !valid.PlainText(rq.Address) {
		errs.Add("address", "disclose.error.chars")
	}
	req.Requester = rq
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(d.ArrivedOn), Stockholm)
	switch {
	case strings.TrimSpace(d.ArrivedOn) == "":
		errs.Add("arrived", "disclose.error.arrived")
	case err != nil:
		errs.Add("arrived", "disclose.error.arrived_format")
	case day.After(s.Now()):
		errs.Add("arrived", "disclose.error.arrived_future")
	}
	req.ArrivedOn = day
	req.Note = strings.TrimSpace(d.Note)
	if utf8.RuneCountInString(req.Note) > maxLong {
		errs.Add("note", "disclose.error.too_long")
	} else if !valid.PlainText(req.Note) {
		errs.Add("note", "disclose.error.chars")
	}
	r, found, err := s.findRecruitment(ctx, personID, d)
	if err != nil {
		return Request{}, err
	}
	if !found {
		if strings.TrimSpace(d.Recruitment) == "" && strings.TrimSpace(d.Ref) == "" {
			errs.Add("recruitment", "disclose.error.recruitment")
		} else {
			errs.Add("recruitment", "disclose.error.recruitment_unknown")
		}
	} else {
		req.RecruitmentID, req.Ref = r.ID, r.Ref
		if err == nil && !req.ArrivedOn.IsZero() && req.ArrivedOn.Before(dayStart(r.CreatedAt)) {
			errs.Add("arrived", "disclose.error.arrived_early")
		}
		if !d.All {
			ids, problem, err := s.whichCandidates(ctx, r, d.Which)
			if err != nil {
				return Request{}, err
			}
			if problem != nil {
				errs = append(errs, *problem)
			}
			req.CandidateIDs = ids
		}
	}
	if len(errs) > 0 {
		return Request{}, errs
	}
	// The holds first: a request stored without them could let its
	// documents be culled; a hold left by a request that failed to be
	// stored only keeps them longer, and is seen on the holds page.
	if err := s.hold(ctx, personID, req); err != nil {
		return Request{}, err
	}
	if err := s.Store.AddRequest(ctx, req); err != nil {
		return Request{}, err
	}
	return req, nil
}

func (s *Service) hold(ctx context.Context, personID string, req Request) error {
	if s.Holds == nil {
		return nil
	}
	ids := req.CandidateIDs
	if len(ids) == 0 {
		ids = []string{""}
	}
	for _, cid := range ids {
		_, err := s.Holds.PlaceFor(ctx, req.Source(), personID, retention.Hold{
			RecruitmentID: req.RecruitmentID, CandidateID: cid, Kind: retention.HoldRequest,
			Reason: "Begäran om allmän handling", Since: req.ArrivedOn,
		})
		if err != nil {
			return fmt.Errorf("disclosure: hold: %w", err)
		}
	}
	return nil
}

// findRecruitment finds the recruitment the draft names among those the
// person may record requests about.
func (s *Service) findRecruitment(ctx context.Context, personID string, d Draft) (recruiting.Recruitment, bool, error) {
	var r recruiting.Recruitment
	var err error
	switch id, ref := strings.TrimSpace(d.Recruitment), strings.ToUpper(strings.TrimSpace(d.Ref)); {
	case id != "":
		r, err = s.Recruitments.Recruitment(ctx, id)
	case ref != "":
		r, err = s.Recruitments.RecruitmentByRef(ctx, ref)
	default:
		return r, false, nil
	}
	if errors.Is(err, recruiting.ErrNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	ok, err := s.covers(ctx, personID, r.UnitID)
	return r, ok, err
}

// whichCandidates reads the applications a request names: numbers, with
// or without "Sökande", or names as the applications have them.
func (s *Service) whichCandidates(ctx context.Context, r recruiting.Recruitment, which string) ([]string, *valid.Problem, error) {
	parts := strings.FieldsFunc(which, func(c rune) bool { return c == ',' || c == ';' || c == '\n' || c == '\r' })
	var words []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			words = append(words, p)
		}
	}
	if len(words) == 0 {
		return nil, &valid.Problem{Field: "which", Key: "disclose.error.which"}, nil
	}
	if len(words) > 500 {
		return nil, &valid.Problem{Field: "which", Key: "disclose.error.which_many"}, nil
	}
	all, err := s.Recruitments.CandidatesOf(ctx, r.ID)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, w := range words {
		var found []recruiting.Candidate
		num := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(w), "sökande"), "applicant"))
		if n, err := strconv.Atoi(num); err == nil {
			for _, c := range all {
				if c.Number == n {
					found = append(found, c)
				}
			}
		} else {
			for _, c := range all {
				if name := c.Details.Name(); name != "" && strings.EqualFold(strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(w), " ")) {
					found = append(found, c)
				}
			}
		}
		switch len(found) {
		case 0:
			return nil, &valid.Problem{Field: "which", Key: "disclose.error.which_unknown", Args: []any{w}}, nil
		case 1:
		default:
			return nil, &valid.Problem{Field: "which", Key: "disclose.error.which_ambiguous", Args: []any{w}}, nil
		}
		if !seen[found[0].ID] {
			seen[found[0].ID] = true
			ids = append(ids, found[0].ID)
		}
	}
	return ids, nil, nil
}

// Opened is a request with its recruitment, as the person may handle it.
type Opened struct {
	Request
	Recruitment recruiting.Recruitment
}

// Open returns a request the person may handle: a registrar (or records
// administrator) over its recruitment's unit. Any other is ErrNotFound,
// as one that does not exist.
func (s *Service) Open(ctx context.Context, personID, id string) (Opened, error) {
	req, err := s.Store.Request(ctx, id)
	if err != nil {
		return Opened{}, err
	}
	r, err := s.Recruitments.Recruitment(ctx, req.RecruitmentID)
	if errors.Is(err, recruiting.ErrNotFound) {
		return Opened{}, ErrNotFound
	}
	if err != nil {
		return Opened{}, err
	}
	ok, err := s.covers(ctx, personID, r.UnitID)
	if err != nil {
		return Opened{}, err
	}
	if !ok {
		return Opened{}, ErrNotFound
	}
	return Opened{Request: req, Recruitment: r}, nil
}

// List returns the requests the person may handle, newest first, in the
// state given ("" for all).
func (s *Service) List(ctx context.Context, personID, state string) ([]Opened, error) {
	all, err := s.Store.Requests(ctx)
	if err != nil {
		return nil, err
	}
	recs := map[string]*recruiting.Recruitment{}
	var out []Opened
	for _, req := range all {
		if state != "" && req.State() != state {
			continue
		}
		r, known := recs[req.RecruitmentID]
		if !known {
			got, err := s.Recruitments.Recruitment(ctx, req.RecruitmentID)
			if err == nil {
				if ok, err := s.covers(ctx, personID, got.UnitID); err != nil {
					return nil, err
				} else if ok {
					r = &got
				}
			} else if !errors.Is(err, recruiting.ErrNotFound) {
				return nil, err
			}
			recs[req.RecruitmentID] = r
		}
		if r != nil {
			out = append(out, Opened{Request: req, Recruitment: *r})
		}
	}
	return out, nil
}

// SetMasking stores what a pending request's copy masks.
func (s *Service) SetMasking(ctx context.Context, personID string, o Opened, m Masking) error {
	if !o.Pending() {
		return ErrDecided
	}
	return s.Store.SaveMasking(ctx, o.ID, m.clean())
}

// Release records that the copy was given out: what it held, to whom and
// by whom, and lifts the request's holds. The copy is the one the request
// builds now, so the log names exactly its applications and files.
func (s *Service) Release(ctx context.Context, personID string, o Opened, remark string) (Outcome, error) {
	if !o.Pending() {
		return Outcome{}, ErrDecided
	}
	remark = strings.TrimSpace(remark)
	if utf8.RuneCountInString(remark) > maxLong {
		return Outcome{}, valid.Problems{{Field: "remark", Key: "disclose.error.too_long"}}
	} else if !valid.PlainText(remark) {
		return Outcome{}, valid.Problems{{Field: "remark", Key: "disclose.error.chars"}}
	}
	c, err := s.Copies.Plan(ctx, o)
	if err != nil {
		return Outcome{}, err
	}
	rel := &Release{Recipient: o.Requester.Name, RecruitmentID: o.RecruitmentID, Ref: o.Ref, Masked: c.MaskedSummary()}
	for _, it := range c.Items {
		rel.Candidates = append(rel.Candidates, it.Candidate.Number)
		for _, f := range it.Files {
			if f.Included {
				rel.Files = append(rel.Files, ReleasedFile{Candidate: it.Candidate.Number, Name: f.Name, SHA256: f.SHA256})
			}
		}
	}
	return s.answer(ctx, personID, o, Outcome{State: StateReleased, Reason: remark, Release: rel})
}

// Refuse records that the request was refused, with the reason.
func (s *Service) Refuse(ctx context.Context, personID string, o Opened, reason string) (Outcome, error) {
	if !o.Pending() {
		return Outcome{}, ErrDecided
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Outcome{}, valid.Problems{{Field: "reason", Key: "disclose.error.reason"}}
	case utf8.RuneCountInString(reason) > maxLong:
		return Outcome{}, valid.Problems{{Field: "reason", Key: "disclose.error.too_long"}}
	case !valid.PlainText(reason):
		return Outcome{}, valid.Problems{{Field: "reason", Key: "disclose.error.chars"}}
	}
	return s.answer(ctx, personID, o, Outcome{State: StateRefused, Reason: reason})
}

// Withdraw records that the requester withdrew the request.
func (s *Service) Withdraw(ctx context.Context, personID string, o Opened, remark string) (Outcome, error) {
	if !o.Pending() {
		return Outcome{}, ErrDecided
	}
	remark = strings.TrimSpace(remark)
	if utf8.RuneCountInString(remark) > maxLong {
		return Outcome{}, valid.Problems{{Field: "remark", Key: "disclose.error.too_long"}}
	} else if !valid.PlainText(remark) {
		return Outcome{}, valid.Problems{{Field: "remark", Key: "disclose.error.chars"}}
	}
	return s.answer(ctx, personID, o, Outcome{State: StateWithdrawn, Reason: remark})
}

// answer stores the outcome once and lifts the request's holds. When the
// request was answered already (two answers at once), the holds are
// lifted all the same, in case the first answer stopped before that.
func (s *Service) answer(ctx context.Context, personID string, o Opened, out Outcome) (Outcome, error) {
	out.RequestID, out.By, out.At = o.ID, personID, s.Now()
	err := s.Store.AddOutcome(ctx, out)
	if err != nil && !errors.Is(err, ErrExists) {
		return Outcome{}, err
	}
	if s.Holds != nil {
		if lerr := s.Holds.LiftFor(ctx, o.Source(), personID, "Begäran besvarad: "+out.State, o.RecruitmentID); lerr != nil {
			return Outcome{}, fmt.Errorf("disclosure: lift holds: %w", lerr)
		}
	}
	if errors.Is(err, ErrExists) {
		return Outcome{}, ErrDecided
	}
	return out, nil
}
