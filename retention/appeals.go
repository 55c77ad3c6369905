package retention

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
)

// Appeal is an appeal of a recruitment's employment decision, as the
// registrar records it. Recording it holds the appellant's application,
// or the whole recruitment when someone else appealed.
type Appeal struct {
	ID            string
	RecruitmentID string
	// CandidateID is the appellant among the applicants; "" when someone
	// else appealed, named by Name.
	CandidateID string
	Name        string
	ArrivedOn   jobs.Day
	Court       string // optional: the court the appeal went to
	CaseNumber  string // optional: its case number there
	HoldID      string // the hold the appeal placed
	RecordedBy  string
	RecordedAt  time.Time
}

// AppealStore keeps the appeals; they are never changed.
type AppealStore interface {
	// AddAppeal stores a new appeal.
	AddAppeal(ctx context.Context, a Appeal) error
	// Appeals returns the recruitment's appeals, oldest first.
	Appeals(ctx context.Context, recruitmentID string) ([]Appeal, error)
}

// AppealDraft is the appeal as the form gives it.
type AppealDraft struct {
	// Appellant is a candidate's id, or AppellantOther.
	Appellant  string
	Name       string // when AppellantOther
	ArrivedOn  string // YYYY-MM-DD
	Court      string
	CaseNumber string
}

// ErrAppealExists is returned when the same appeal is recorded again.
var ErrAppealExists = errors.New("retention: the appeal is recorded already")

// AppellantOther is the appellant who is none of the applicants.
const AppellantOther = "other"

// Bounds of the appeal's texts.
const (
	maxAppellantName = 200
	maxCourt         = 200
	maxCaseNumber    = 60
)

// Appeals records appeals of decisions and the holds they place.
type Appeals struct {
	Store AppealStore
	Holds *Holds
	Now   func() time.Time
}

// Record records an appeal of the decided recruitment r, by a person who
// may place holds over its unit, and places its hold: on the appellant's
// application, or on the whole recruitment when someone else appealed.
// cands are the recruitment's candidates. Without the right it is
// ErrForbidden, and nothing is stored.
//
// The same appeal recorded twice (a double click, two tabs) is recorded
// once: its id is made of what it says, so the second is ErrExists.
func (s *Appeals) Record(ctx context.Context, personID string, r recruiting.Recruitment, dec *recruiting.Decision, cands []recruiting.Candidate, d AppealDraft) (Appeal, error) {
	if ok, err := s.Holds.may(ctx, personID, r.UnitID, PermPlace); err != nil {
		return Appeal{}, err
	} else if !ok {
		return Appeal{}, ErrForbidden
	}
	a := Appeal{RecruitmentID: r.ID, Name: strings.TrimSpace(d.Name), Court: strings.TrimSpace(d.Court),
		CaseNumber: strings.TrimSpace(d.CaseNumber)}
	var errs valid.Problems
	var appellant *recruiting.Candidate
	switch d.Appellant {
	case "":
		errs.Add("appellant", "appeal.error.appellant")
	case AppellantOther:
		switch {
		case a.Name == "":
			errs.Add("appeal_name", "appeal.error.name")
		case utf8.RuneCountInString(a.Name) > maxAppellantName:
			errs.Add("appeal_name", "appeal.error.name_long")
		case !valid.Plain(a.Name):
			errs.Add("appeal_name", "appeal.error.chars")
		}
	default:
		for i := range cands {
			if cands[i].ID == d.Appellant {
				appellant = &cands[i]
			}
		}
		switch {
		case appellant == nil:
			errs.Add("appellant", "appeal.error.appellant")
		case dec != nil && dec.IsHired(appellant.ID):
			errs.Add("appellant", "appeal.error.hired")
		default:
			a.CandidateID, a.Name = appellant.ID, ""
		}
	}
	if dec == nil {
		errs.Add("appellant", "appeal.error.undecided")
	}
	now := s.Now()
	if strings.TrimSpace(d.ArrivedOn) == "" {
		errs.Add("arrived_on", "appeal.error.arrived")
	} else if day, err := jobs.ParseDay(strings.TrimSpace(d.ArrivedOn)); err != nil {
		errs.Add("arrived_on", "appeal.error.arrived_format")
	} else if day.Start().After(jobs.DayOf(now).Start()) {
		errs.Add("arrived_on", "appeal.error.arrived_future")
	} else if dec != nil && day.Start().Before(dec.PostedOn.Start()) {
		errs.Add("arrived_on", "appeal.error.arrived_early")
	} else {
		a.ArrivedOn = day
	}
	if utf8.RuneCountInString(a.Court) > maxCourt {
		errs.Add("court", "appeal.error.court_long")
	} else if !valid.Plain(a.Court) {
		errs.Add("court", "appeal.error.chars")
	}
	if utf8.RuneCountInString(a.CaseNumber) > maxCaseNumber {
		errs.Add("case_number", "appeal.error.case_long")
	} else if !valid.Plain(a.CaseNumber) {
		errs.Add("case_number", "appeal.error.chars")
	}
	if len(errs) > 0 {
		return Appeal{}, errs
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{r.ID, a.CandidateID, strings.ToLower(a.Name), a.ArrivedOn.String(),
		strings.ToLower(a.CaseNumber)}, "\x00")))
	a.ID = hex.EncodeToString(sum[:12])
	reason := "Överklagande av anställningsbeslutet, inkom " + a.ArrivedOn.String()
	if a.Court != "" || a.CaseNumber != "" {
		reason += " (" + strings.TrimSpace(a.Court+" "+a.CaseNumber) + ")"
	}
	// The hold first: an appeal is never recorded without its hold.
	h, err := s.Holds.add(ctx, Hold{ID: "appeal-" + a.ID, RecruitmentID: r.ID, CandidateID: a.CandidateID, Kind: HoldAppeal,
		Reason: reason, Since: a.ArrivedOn.Start(), PlacedBy: personID}, now)
	if errors.Is(err, ErrExists) {
		// Recorded before, or a recording cut short after its hold: the
		// insert below completes the one and collides with the other.
		h.ID, err = "appeal-"+a.ID, nil
	}
	if err != nil {
		return Appeal{}, err
	}
	a.HoldID, a.RecordedBy, a.RecordedAt = h.ID, personID, now
	if err := s.Store.AddAppeal(ctx, a); errors.Is(err, ErrExists) {
		return Appeal{}, ErrAppealExists
	} else if err != nil {
		return Appeal{}, err
	}
	return a, nil
}

// Of returns the recruitment's appeals, oldest first.
func (s *Appeals) Of(ctx context.Context, recruitmentID string) ([]Appeal, error) {
	return s.Store.Appeals(ctx, recruitmentID)
}

// MayPlace reports whether the person may place holds, and record
// appeals, over the unit: a registrar or a records administrator there.
func (s *Holds) MayPlace(ctx context.Context, personID, unit string) (bool, error) {
	return s.may(ctx, personID, unit, PermPlace)
}

// MayLift reports whether the person may lift holds over the unit: a
// records administrator there.
func (s *Holds) MayLift(ctx context.Context, personID, unit string) (bool, error) {
	return s.may(ctx, personID, unit, PermManage)
}

// OfRecruitment is where the records of the recruitment's applicants who
// were not hired stand, at now: undecided, kept through a day, held by a
// hold on the whole recruitment, or due.
func (s *Schedule) OfRecruitment(ctx context.Context, recruitmentID string) (Status, error) {
	d, found, err := s.decision(ctx, recruitmentID)
	if err != nil || !found {
		return Status{State: StateUndecided}, err
	}
	holds, err := s.Holds.Holds(ctx, recruitmentID)
	if err != nil {
		return Status{}, err
	}
	// A candidate of no id is hired by no decision and covered only by
	// the holds on the whole recruitment.
	return s.status(d, true, holds, recruiting.Candidate{RecruitmentID: recruitmentID}, s.Now()), nil
}
