package retention

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"portal/access"
	"portal/internal/tokens"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
)

// Kinds of hold.
const (
	// HoldAppeal: the decision is appealed; recording the appeal holds the
	// appellant's application, or the recruitment when someone else
	// appealed.
	HoldAppeal = "appeal"
	// HoldClaim: a discrimination claim, which interrupts the two years:
	// after it is lifted they run again from the day the claim came.
	HoldClaim = "claim"
	// HoldRequest: a request for the documents is pending; the request
	// places and lifts it.
	HoldRequest = "request"
	// HoldOther: any other reason the administrator records.
	HoldOther = "other"
)

// HoldKinds are the kinds a person may place by hand.
var HoldKinds = []string{HoldAppeal, HoldClaim, HoldOther}

// Permissions: the registrar records appeals, claims and requests; the
// records administrator also lifts holds and sees the culling.
const (
	PermPlace  = access.PermRegister
	PermManage = access.PermRetention
)

// Errors of holds.
var (
	ErrNotFound  = errors.New("retention: not found")
	ErrForbidden = errors.New("retention: not allowed")
	ErrLifted    = errors.New("retention: the hold is lifted already")
	ErrExists    = errors.New("retention: exists")
)

// Hold stops the culling of a recruitment, or of one application in it,
// until it is lifted with a reason.
type Hold struct {
	ID            string
	RecruitmentID string
	CandidateID   string // "" holds the whole recruitment
	Kind          string
	Reason        string
	// Since is the day the matter arose (the appeal or claim arrived).
	Since time.Time
	// Source names what placed it, e.g. "request:ID"; "" by hand.
	Source     string
	PlacedBy   string
	PlacedAt   time.Time
	LiftedBy   string
	LiftedAt   time.Time
	LiftReason string
}

// Active reports whether the hold still stops culling.
func (h Hold) Active() bool { return h.LiftedAt.IsZero() }

// Covers reports whether the hold concerns the candidate of the
// recruitment.
func (h Hold) Covers(recruitmentID, candidateID string) bool {
	return h.RecruitmentID == recruitmentID && (h.CandidateID == "" || h.CandidateID == candidateID)
}

// HoldStore keeps holds; they are never deleted.
type HoldStore interface {
	// AddHold stores a new hold; one with its id is ErrExists.
	AddHold(ctx context.Context, h Hold) error
	// Hold returns one hold, or ErrNotFound.
	Hold(ctx context.Context, id string) (Hold, error)
	// Holds returns the holds of the recruitments (all, when none is
	// named), oldest first.
	Holds(ctx context.Context, recruitmentIDs ...string) ([]Hold, error)
	// LiftHold records the lifting of an active hold; a lifted one is
	// ErrLifted.
	LiftHold(ctx context.Context, id, by, reason string, at time.Time) error
}

// Policy is what retention asks the access policy.
type Policy interface {
	Can(ctx context.Context, personID string, perm access.Permission, unit string) (bool, error)
}

// Holds places and lifts holds.
type Holds struct {
	Store  HoldStore
	Policy Policy
	Now    func() time.Time
}

// maxReason bounds a reason's length.
const maxReason = 2000

// Place records a hold on the recruitment r (or one application in it)
// by a person with the right over its unit. The kind must be one of
// HoldKinds; the reason is required; the day the matter arose is neither
// in the future nor before the recruitment was opened.
func (s *Holds) Place(ctx context.Context, personID string, r recruiting.Recruitment, h Hold) (Hold, error) {
	h.RecruitmentID = r.ID
	if ok, err := s.may(ctx, personID, r.UnitID, PermPlace); err != nil {
		return Hold{}, err
	} else if !ok {
		return Hold{}, ErrForbidden
	}
	h.Reason = strings.TrimSpace(h.Reason)
	var errs valid.Problems
	known := false
	for _, k := range HoldKinds {
		known = known || k == h.Kind
	}
	if !known {
		errs.Add("kind", "hold.error.kind")
	}
	switch {
	case h.Reason == "":
		errs.Add("reason", "hold.error.reason")
	case utf8.RuneCountInString(h.Reason) > maxReason:
		errs.Add("reason", "hold.error.reason_long")
	case !valid.PlainText(h.Reason):
		errs.Add("reason", "hold.error.chars")
	}
	now := s.Now()
	switch {
	case h.Since.IsZero():
		h.Since = now
	case h.Since.After(now):
		errs.Add("since", "hold.error.since_future")
	case h.Since.Before(jobs.DayOf(r.CreatedAt).Start()):
		errs.Add("since", "hold.error.since_early")
	}
	if len(errs) > 0 {
		return Hold{}, errs
	}
	h.PlacedBy, h.Source = personID, ""
	// The same hold sent twice (a double click, two tabs) is placed once:
	// its id is made of what it says.
	sum := sha256.Sum256([]byte(strings.Join([]string{h.RecruitmentID, h.CandidateID, h.Kind, h.Reason,
		jobs.DayOf(h.Since).String(), personID}, "\x00")))
	h.ID = "hand-" + hex.EncodeToString(sum[:12])
	placed, err := s.add(ctx, h, now)
	if errors.Is(err, ErrExists) {
		return s.Store.Hold(ctx, h.ID)
	}
	return placed, err
}

// PlaceFor records a hold placed by something else, such as a pending
// request for the documents; source names it, so that it lifts it. A
// second hold from the same source on the same records is not added.
func (s *Holds) PlaceFor(ctx context.Context, source, personID string, h Hold) (Hold, error) {
	h.Source, h.PlacedBy = source, personID
	if h.Kind == "" {
		h.Kind = HoldRequest
	}
	h.ID = source + "|" + h.RecruitmentID + "|" + h.CandidateID
	if h.Since.IsZero() {
		h.Since = s.Now()
	}
	hold, err := s.add(ctx, h, s.Now())
	if errors.Is(err, ErrExists) {
		return s.Store.Hold(ctx, h.ID)
	}
	return hold, err
}

func (s *Holds) add(ctx context.Context, h Hold, now time.Time) (Hold, error) {
	if h.ID == "" {
		h.ID = tokens.New(12)
	}
	h.PlacedAt = now
	h.LiftedAt, h.LiftedBy, h.LiftReason = time.Time{}, "", ""
	if err := s.Store.AddHold(ctx, h); err != nil {
		return Hold{}, err
	}
	return h, nil
}

// Lift ends a hold, by a records administrator over the unit, with a
// reason. A hold a request placed is lifted by the request.
func (s *Holds) Lift(ctx context.Context, personID, unit, id, reason string) error {
	if ok, err := s.may(ctx, personID, unit, PermManage); err != nil {
		return err
	} else if !ok {
		return ErrForbidden
	}
	h, err := s.Store.Hold(ctx, id)
	if err != nil {
		return err
	}
	if h.Source != "" {
		return valid.Problems{{Field: "reason", Key: "hold.error.placed_by_request"}}
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return valid.Problems{{Field: "reason", Key: "hold.error.lift_reason"}}
	case utf8.RuneCountInString(reason) > maxReason:
		return valid.Problems{{Field: "reason", Key: "hold.error.reason_long"}}
	case !valid.PlainText(reason):
		return valid.Problems{{Field: "reason", Key: "hold.error.chars"}}
	}
	return s.Store.LiftHold(ctx, id, personID, reason, s.Now())
}

// LiftFor lifts the holds a source placed, such as a request answered.
func (s *Holds) LiftFor(ctx context.Context, source, personID, reason string, recruitmentIDs ...string) error {
	holds, err := s.Store.Holds(ctx, recruitmentIDs...)
	if err != nil {
		return err
	}
	for _, h := range holds {
		if h.Source != source || !h.Active() {
			continue
		}
		if err := s.Store.LiftHold(ctx, h.ID, personID, reason, s.Now()); err != nil && !errors.Is(err, ErrLifted) {
			return err
		}
	}
	return nil
}

// Of returns the holds of a recruitment, oldest first.
func (s *Holds) Of(ctx context.Context, recruitmentID string) ([]Hold, error) {
	return s.Store.Holds(ctx, recruitmentID)
}

func (s *Holds) may(ctx context.Context, personID, unit string, perm access.Permission) (bool, error) {
	if ok, err := s.Policy.Can(ctx, personID, perm, unit); err != nil || ok {
		return ok, err
	}
	if perm == PermPlace {
		// The records administrator may do what the registrar does.
		return s.Policy.Can(ctx, personID, PermManage, unit)
	}
	return false, nil
}
