package recruiting

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"portal/applications"
	"portal/internal/tokens"
	"portal/jobs"
	"portal/valid"
)

// ProtectedName is how a placeholder for an applicant with protected
// personal data is named everywhere.
const ProtectedName = "Sökande med skyddade personuppgifter"

// RegistrationStore keeps the answers of applications registered by hand.
type RegistrationStore interface {
	SaveRegisteredAnswers(ctx context.Context, candidateID, recruitmentID string, answers jobs.Answers) error
	// RegisteredAnswers returns the answers, none when none were typed in.
	RegisteredAnswers(ctx context.Context, candidateID string) (jobs.Answers, error)
}

// Register numbers a candidate registered by hand and stores them at the
// first stage, as Arrived does for applications through the portal.
func (c *Candidates) Register(ctx context.Context, r Recruitment, cand Candidate) (Candidate, error) {
	if cand.ID == "" {
		cand.ID = tokens.New(12)
	}
	cand, err := c.add(ctx, r, cand)
	if err != nil {
		return cand, err
	}
	return cand, c.changed(ctx, r.ID)
}

// Registration is an application that came on paper or by e-mail, as the
// recruiter types it in.
type Registration struct {
	Source  string // SourcePaper or SourceEmail
	Details applications.Snapshot
	Arrived string // the day it arrived, 2006-01-02
	// Answers are the form values of the ad's questions, any left out.
	Answers map[string][]string
	Lang    string // to write to them in; Swedish unless said
}

// Registry registers applications that did not come through the portal.
type Registry struct {
	Candidates *Candidates
	Answers    RegistrationStore
	Files      *applications.Files
	Now        func() time.Time
}

// Field limits of a registration.
const (
	maxNamePart = 100
	maxDetail   = 200
)

// Register checks a registration and takes it in as a new candidate, with
// the answers given to the ad's questions. Nothing is stored when
// anything is wrong.
func (g *Registry) Register(ctx context.Context, v Viewer, r Recruitment, questions []jobs.Question, reg Registration) (Candidate, error) {
	if !v.Manage {
		return Candidate{}, ErrForbidden
	}
	d := trimSnapshot(reg.Details)
	var errs valid.Problems
	if reg.Source != SourcePaper && reg.Source != SourceEmail {
		errs.Add("source", "recruitapp.error.source")
	}
	if d.FirstName == "" {
		errs.Add("first_name", "recruitapp.error.first_name")
	} else if utf8.RuneCountInString(d.FirstName) > maxNamePart {
		errs.Add("first_name", "recruitapp.error.name_long")
	}
	if d.LastName == "" {
		errs.Add("last_name", "recruitapp.error.last_name")
	} else if utf8.RuneCountInString(d.LastName) > maxNamePart {
		errs.Add("last_name", "recruitapp.error.name_long")
	}
	if d.Email != "" && !valid.Email(d.Email) {
		errs.Add("email", "recruitapp.error.email")
	}
	for _, f := range []struct{ name, value string }{{"phone", d.Phone}, {"street", d.Street}, {"postal_code", d.PostalCode}, {"town", d.Town}, {"country", d.Country}} {
		if utf8.RuneCountInString(f.value) > maxDetail || strings.ContainsAny(f.value, "\r\n") {
			errs.Add(f.name, "recruitapp.error.too_long")
		}
	}
	arrived, key := g.arrival(reg.Arrived)
	if key != "" {
		errs.Add("arrived", key)
	}
	answers, aerrs := jobs.CheckAnswers(questions, reg.Answers)
	for _, e := range aerrs {
		if e.Key != "answer.error.required" { // what the paper left out stays out
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return Candidate{}, errs
	}
	lang := reg.Lang
	if lang != "en" {
		lang = "sv"
	}
	id := tokens.New(12)
	// The answers first: a candidate whose answers were not stored would
	// be counted with nothing to read.
	if len(answers) > 0 {
		if err := g.Answers.SaveRegisteredAnswers(ctx, id, r.ID, answers); err != nil {
			return Candidate{}, err
		}
	}
	return g.Candidates.Register(ctx, r, Candidate{ID: id, Source: reg.Source, Details: d, Lang: lang, ArrivedAt: arrived, RegisteredBy: v.PersonID})
}

// RegisterProtected registers a placeholder for an applicant with
// protected personal data: nothing about them, so that the count is right
// while their documents stay outside the portal.
func (g *Registry) RegisterProtected(ctx context.Context, v Viewer, r Recruitment, arrivedOn string) (Candidate, error) {
	if !v.Manage {
		return Candidate{}, ErrForbidden
	}
	arrived, key := g.arrival(arrivedOn)
	if key != "" {
		return Candidate{}, valid.Problems{{Field: "protected_arrived", Key: key}}
	}
	return g.Candidates.Register(ctx, r, Candidate{Source: SourceProtected, Lang: "sv", ArrivedAt: arrived, RegisteredBy: v.PersonID})
}

// arrival reads the day an application arrived: not after today. Today
// is taken as the moment of registering, an earlier day as its start.
func (g *Registry) arrival(s string) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, "recruitapp.error.arrived"
	}
	day, err := jobs.ParseDay(s)
	if err != nil {
		return time.Time{}, "recruitapp.error.arrived"
	}
	now := g.Now()
	today := jobs.DayOf(now)
	switch {
	case day.Start().After(today.Start()):
		return time.Time{}, "recruitapp.error.arrived_future"
	case day == today:
		return now, ""
	case day.Start().Before(today.AddDays(-5 * 365).Start()):
		return time.Time{}, "recruitapp.error.arrived"
	}
	return day.Start(), ""
}

func trimSnapshot(s applications.Snapshot) applications.Snapshot {
	t := strings.TrimSpace
	return applications.Snapshot{FirstName: t(s.FirstName), LastName: t(s.LastName), Email: strings.ToLower(t(s.Email)), Phone: t(s.Phone),
		Street: t(s.Street), PostalCode: t(s.PostalCode), Town: t(s.Town), Country: t(s.Country)}
}

// ErrNotRegistered is returned when files are added to a candidate who
// applied through the portal, or to a placeholder.
var ErrNotRegistered = errors.New("recruiting: files are added only to applications registered by hand")

// AddFiles checks every file of a batch by the rules of the portal's
// applications and keeps those that pass on the registered candidate; it
// returns an error for each file refused, naming the file and the rule.
func (g *Registry) AddFiles(ctx context.Context, v Viewer, r Recruitment, c Candidate, uploads []applications.Upload) ([]*applications.FileError, error) {
	if !v.Manage {
		return nil, ErrForbidden
	}
	if c.RecruitmentID != r.ID {
		return nil, ErrNotFound
	}
	if c.Source != SourcePaper && c.Source != SourceEmail {
		return nil, ErrNotRegistered
	}
	if err := applications.CheckBatch(len(uploads)); err != nil {
		var ferr *applications.FileError
		if errors.As(err, &ferr) {
			return []*applications.FileError{ferr}, nil
		}
		return nil, err
	}
	var refused []*applications.FileError
	for _, u := range uploads {
		checked, err := applications.CheckFile(u.Name, u.Body, u.Size)
		var ferr *applications.FileError
		if errors.As(err, &ferr) {
			refused = append(refused, ferr)
			continue
		}
		if err != nil {
			return refused, err
		}
		if _, err := u.Body.Seek(0, io.SeekStart); err != nil {
			return refused, err
		}
		// The file is the recruitment's, not an account's: no owner.
		_, err = g.Files.Save(ctx, "", r.Ref, c.ID, checked, u.Body, u.Size)
		if errors.As(err, &ferr) {
			refused = append(refused, ferr)
			continue
		}
		if err != nil {
			return refused, err
		}
	}
	return refused, nil
}
