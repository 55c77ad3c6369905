package recruiting

import (
	"context"
	"errors"
	"slices"
	"time"

	"portal/employees"
	"portal/jobs"
	"portal/mail"
)

// Arrival is a new application as the group's e-mail tells of it: the
// recruitment, the candidate's number and the staff page, never the
// applicant's name or details.
type Arrival struct {
	Title  string
	Ref    string
	Number int
	Link   string
}

// GroupMail is one e-mail to a group member about new applications.
type GroupMail struct {
	Arrivals []Arrival
	Day      jobs.Day // of a digest; zero for one application
}

// GroupRenderer writes the group's e-mail.
type GroupRenderer interface {
	GroupMail(lang string, m GroupMail) (subject, text string, err error)
}

// ArrivalStore finds the candidates that arrived in a time.
type ArrivalStore interface {
	// ArrivedBetween returns the candidates that arrived from from until
	// to, in order of arrival.
	ArrivedBetween(ctx context.Context, from, to time.Time) ([]Candidate, error)
}

// Notifier tells the recruitment group of new applications: members who
// chose "now" one e-mail each, "digest" members one a day.
type Notifier struct {
	Recruitments Store
	Arrivals     ArrivalStore
	People       interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
	Outbox KeyedMailer
	Render GroupRenderer
	// CandidateURL returns the staff page of a candidate.
	CandidateURL func(recruitmentID, candidateID string) string
	Now          func() time.Time
}

// Announce tells the members who want every application at once of the
// candidate; twice is once.
func (n *Notifier) Announce(ctx context.Context, r Recruitment, c Candidate) error {
	var msgs []mail.Keyed
	for _, m := range r.Group {
		if m.Notify != NotifyNow {
			continue
		}
		to, lang, err := n.member(ctx, m.PersonID)
		if err != nil {
			return err
		}
		if to == "" {
			continue
		}
		subject, text, err := n.Render.GroupMail(lang, GroupMail{Arrivals: []Arrival{n.arrival(r, c)}})
		if err != nil {
			return err
		}
		msgs = append(msgs, mail.Keyed{Key: "rnew:" + c.ID + ":" + m.PersonID, Message: mail.Message{To: to, Subject: subject, Text: text}})
	}
	if len(msgs) == 0 {
		return nil
	}
	_, err := n.Outbox.SendOnce(ctx, msgs)
	return err
}

func (n *Notifier) arrival(r Recruitment, c Candidate) Arrival {
	return Arrival{Title: r.Title, Ref: r.Ref, Number: c.Number, Link: n.CandidateURL(r.ID, c.ID)}
}

// member returns where a member gets e-mail and in which language; no
// address for one who has left.
func (n *Notifier) member(ctx context.Context, id string) (to, lang string, err error) {
	p, err := n.People.Person(ctx, id)
	if errors.Is(err, employees.ErrNotFound) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	if !p.Active || p.WorkEmail == "" {
		return "", "", nil
	}
	lang = p.Lang
	if !slices.Contains(Languages, lang) {
		lang = "sv"
	}
	return p.WorkEmail, lang, nil
}

// SendDigests sends each member who chose a digest one e-mail listing
// yesterday's new applications in their recruitments, and returns how
// many it queued. Each is keyed by member and day, so a second run, or
// one on another instance, sends nothing twice.
func (n *Notifier) SendDigests(ctx context.Context) (int, error) {
	day := jobs.DayOf(n.Now()).AddDays(-1)
	cands, err := n.Arrivals.ArrivedBetween(ctx, day.Start(), day.End())
	if err != nil || len(cands) == 0 {
		return 0, err
	}
	byMember := map[string][]Arrival{}
	var order []string
	recruitments := map[string]Recruitment{}
	for _, c := range cands {
		r, ok := recruitments[c.RecruitmentID]
		if !ok {
			if r, err = n.Recruitments.Recruitment(ctx, c.RecruitmentID); errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return 0, err
			}
			recruitments[r.ID] = r
		}
		for _, m := range r.Group {
			if m.Notify != NotifyDigest {
				continue
			}
			if _, ok := byMember[m.PersonID]; !ok {
				order = append(order, m.PersonID)
			}
			byMember[m.PersonID] = append(byMember[m.PersonID], n.arrival(r, c))
		}
	}
	var msgs []mail.Keyed
	for _, id := range order {
		to, lang, err := n.member(ctx, id)
		if err != nil {
			return 0, err
		}
		if to == "" {
			continue
		}
		subject, text, err := n.Render.GroupMail(lang, GroupMail{Arrivals: byMember[id], Day: day})
		if err != nil {
			return 0, err
		}
		msgs = append(msgs, mail.Keyed{Key: "rdigest:" + id + ":" + day.String(), Message: mail.Message{To: to, Subject: subject, Text: text}})
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	return n.Outbox.SendOnce(ctx, msgs)
}
