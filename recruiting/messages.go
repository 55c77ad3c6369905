package recruiting

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"portal/access"
	"portal/mail"
	"portal/valid"
)

// Languages are the languages every message template is written in,
// Swedish first.
var Languages = []string{"sv", "en"}

// Ids of the message templates the decision uses; the others are
// "stage-<stage>" for each stage and, for each reason a candidate is not
// selected, the template its Reason names ("not-selected-others").
const (
	TemplateHired       = "stage-" + StageHired       // to the hired
	TemplateNotSelected = "stage-" + StageNotSelected // to the others: the post is filled
	TemplateCancelled   = "cancelled"                 // to everyone: the recruitment is cancelled
	TemplateStatement   = "statement"                 // the answer to a statement request, {svar}
)

// Placeholders are what a template may hold, each filled in per message:
// the post's title, the reference number, the applicant's name, the
// employer, the link to My applications and, in the statement, the answer.
var Placeholders = []string{"{titel}", "{referens}", "{namn}", "{arbetsgivare}", "{lank}", "{svar}"}

// placeholder finds anything shaped like a placeholder.
var placeholder = regexp.MustCompile(`\{[^{}\s]{1,30}\}`)

// Text is one language of a message template.
type Text struct {
	Subject string
	Body    string
}

// Template is a message to applicants with a text in each language. The
// portal ships one for each stage, each reason and each outcome; those
// who run recruitments may change them for the whole organisation.
type Template struct {
	ID        string
	Texts     map[string]Text // by language
	UpdatedBy string          // empty: as shipped
	UpdatedAt time.Time
}

// Text returns the template in lang, Swedish when lang has none.
func (t Template) Text(lang string) Text {
	if x, ok := t.Texts[lang]; ok && x.Subject != "" {
		return x
	}
	return t.Texts["sv"]
}

// TemplateStore keeps the templates as changed; the shipped ones are not
// stored.
type TemplateStore interface {
	// SavedTemplates returns every changed template.
	SavedTemplates(ctx context.Context) ([]Template, error)
	// SaveTemplate stores a changed template in place of the earlier one.
	SaveTemplate(ctx context.Context, t Template) error
}

// Kinds of entries in a candidate's log of messages.
const (
	LogMessage   = "message"   // a message from a template
	LogOutcome   = "outcome"   // the outcome of the recruitment
	LogStatement = "statement" // the answer to a statement request
)

// LogEntry is a message sent to a candidate, as the application's log
// keeps it: who sent what, when. Entries are only ever inserted; Key is
// unique and is also the message's key in the outbox, so a message is
// logged and sent once.
type LogEntry struct {
	Key           string
	RecruitmentID string
	CandidateID   string
	Kind          string
	TemplateID    string
	Lang          string
	Subject       string
	Body          string
	By            string // the staff member; the decision's maker for outcomes
	At            time.Time
}

// MessageLog keeps the messages sent to candidates.
type MessageLog interface {
	// AddEntry stores an entry; one with the key stored is ErrExists.
	AddEntry(ctx context.Context, e LogEntry) error
	// Entry returns the entry with the key, or ErrNotFound.
	Entry(ctx context.Context, key string) (LogEntry, error)
	// EntriesOf returns the entries of the candidates, oldest first.
	EntriesOf(ctx context.Context, candidateIDs []string) ([]LogEntry, error)
}

// Addresses finds where an applicant's account receives e-mail.
type Addresses interface {
	// Address returns the account's e-mail address, empty when the
	// account is gone.
	Address(ctx context.Context, applicantID string) (string, error)
}

// KeyedMailer puts e-mail in the outbox once for each key.
type KeyedMailer interface {
	SendOnce(ctx context.Context, msgs []mail.Keyed) (int, error)
}

// Messages writes to candidates from templates: in each one's language,
// through the outbox, once for each key, and kept in the log.
type Messages struct {
	Templates  TemplateStore
	Log        MessageLog
	Candidates CandidateStore
	Addresses  Addresses
	Outbox     KeyedMailer
	Policy     Policy
	// Defaults are the templates as shipped.
	Defaults []Template
	// Employer fills {arbetsgivare}; ApplicationsURL fills {lank}.
	Employer        string
	ApplicationsURL string
	Now             func() time.Time
}

// All returns every template, the changed ones in place of the shipped,
// in the order shipped.
func (m *Messages) All(ctx context.Context) ([]Template, error) {
	saved, err := m.Templates.SavedTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(m.Defaults)
	for i, t := range out {
		for _, s := range saved {
			if s.ID == t.ID {
				out[i] = s
			}
		}
	}
	return out, nil
}

// Template returns one template, or ErrNotFound.
func (m *Messages) Template(ctx context.Context, id string) (Template, error) {
	all, err := m.All(ctx)
	if err != nil {
		return Template{}, err
	}
	for _, t := range all {
		if t.ID == id {
			return t, nil
		}
	}
	return Template{}, ErrNotFound
}

// MayEdit reports whether the person may change the organisation's
// templates: a recruiter by a grant, or an administrator.
func (m *Messages) MayEdit(ctx context.Context, personID string) (bool, error) {
	if ok, err := m.Policy.Can(ctx, personID, PermManage, ""); err != nil || ok {
		return ok, err
	}
	return m.Policy.Can(ctx, personID, access.PermGrantRoles, "")
}

// Longest subject and text of a template.
const (
	maxSubject = 200
	maxBody    = 10000
)

// SaveTemplate changes a template for the whole organisation. Both
// languages need a subject and a text; a placeholder the portal does not
// know is refused, so that no message goes out with "{nmn}" in it.
func (m *Messages) SaveTemplate(ctx context.Context, personID string, t Template) (Template, error) {
	if ok, err := m.MayEdit(ctx, personID); err != nil {
		return t, err
	} else if !ok {
		return t, ErrForbidden
	}
	if _, err := m.Template(ctx, t.ID); err != nil {
		return t, err
	}
	var errs valid.Problems
	texts := map[string]Text{}
	for _, lang := range Languages {
		x := t.Texts[lang]
		x.Subject, x.Body = strings.TrimSpace(x.Subject), strings.TrimSpace(strings.ReplaceAll(x.Body, "\r\n", "\n"))
		switch {
		case x.Subject == "":
			errs.Add("subject_"+lang, "decide.error.subject")
		case utf8.RuneCountInString(x.Subject) > maxSubject || strings.ContainsAny(x.Subject, "\r\n"):
			errs.Add("subject_"+lang, "decide.error.subject_long")
		case unknownPlaceholder(x.Subject) != "":
			errs.Add("subject_"+lang, "decide.error.placeholder")
		}
		switch {
		case x.Body == "":
			errs.Add("body_"+lang, "decide.error.body")
		case utf8.RuneCountInString(x.Body) > maxBody:
			errs.Add("body_"+lang, "decide.error.body_long")
		case unknownPlaceholder(x.Body) != "":
			errs.Add("body_"+lang, "decide.error.placeholder")
		}
		texts[lang] = x
	}
	t.Texts = texts
	if len(errs) > 0 {
		return t, errs
	}
	t.UpdatedBy, t.UpdatedAt = personID, m.Now()
	return t, m.Templates.SaveTemplate(ctx, t)
}

func unknownPlaceholder(s string) string {
	for _, p := range placeholder.FindAllString(s, -1) {
		if !slices.Contains(Placeholders, p) {
			return p
		}
	}
	return ""
}

// fill puts the values in a text.
func fill(s string, r Recruitment, c Candidate, employer, link, answer string) string {
	return strings.NewReplacer("{titel}", r.Title, "{referens}", r.Ref, "{namn}", c.Details.Name(),
		"{arbetsgivare}", employer, "{lank}", link, "{svar}", answer).Replace(s)
}

// Letter is a message as it goes to one candidate.
type Letter struct {
	Lang    string
	Subject string
	Body    string
}

// Write fills the template in for one candidate, in the candidate's
// language.
func (m *Messages) Write(t Template, r Recruitment, c Candidate, answer string) Letter {
	lang := c.Lang
	if !slices.Contains(Languages, lang) {
		lang = "sv"
	}
	x := t.Text(lang)
	return Letter{Lang: lang, Subject: fill(x.Subject, r, c, m.Employer, m.ApplicationsURL, answer),
		Body: fill(x.Body, r, c, m.Employer, m.ApplicationsURL, answer)}
}

// Sent is what became of a message to many candidates.
type Sent struct {
	Sent      []Candidate // sent now
	Already   []Candidate // sent before, not again
	NoAddress []Candidate // registered by hand: no e-mail address, nothing sent
}

// Total is how many candidates were asked for.
func (s Sent) Total() int { return len(s.Sent) + len(s.Already) + len(s.NoAddress) }

// Send writes the template to each candidate of the recruitment, in the
// candidate's language. A message is sent once: the same template to the
// same candidate again sends nothing, also when asked twice at once.
// Candidates registered by hand have no address and get nothing; the
// answer says who. An id of another recruitment's candidate is
// ErrNotFound, and nothing is sent.
func (m *Messages) Send(ctx context.Context, v Viewer, r Recruitment, candidateIDs []string, templateID string) (Sent, error) {
	if !v.Manage {
		return Sent{}, ErrForbidden
	}
	t, err := m.Template(ctx, templateID)
	if err != nil {
		return Sent{}, err
	}
	cands, err := m.candidates(ctx, r, candidateIDs)
	if err != nil {
		return Sent{}, err
	}
	var out Sent
	for _, c := range cands {
		l := m.Write(t, r, c, "")
		e := LogEntry{Key: "rmsg:" + r.ID + ":" + c.ID + ":" + t.ID, RecruitmentID: r.ID, CandidateID: c.ID, Kind: LogMessage,
			TemplateID: t.ID, Lang: l.Lang, Subject: l.Subject, Body: l.Body, By: v.PersonID, At: m.Now()}
		res, err := m.deliver(ctx, c, e)
		if err != nil {
			return out, err
		}
		switch res {
		case delivered:
			out.Sent = append(out.Sent, c)
		case repeated:
			out.Already = append(out.Already, c)
		case noAddress:
			out.NoAddress = append(out.NoAddress, c)
		}
	}
	return out, nil
}

// candidates returns the candidates of the ids, each once, all of the
// recruitment.
func (m *Messages) candidates(ctx context.Context, r Recruitment, ids []string) ([]Candidate, error) {
	var out []Candidate
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, err := m.Candidates.Candidate(ctx, id)
		if err != nil {
			return nil, err
		}
		if c.RecruitmentID != r.ID {
			return nil, ErrNotFound
		}
		out = append(out, c)
	}
	return out, nil
}

type outcome int

const (
	delivered outcome = iota
	repeated
	noAddress
)

// deliver logs the entry and sends it. The log's unique key decides who
// sends: a second sender finds the entry and sends what it says, which the
// outbox's key makes nothing when it was sent, and the message when a
// crash came between the two.
func (m *Messages) deliver(ctx context.Context, c Candidate, e LogEntry) (outcome, error) {
	to, err := m.address(ctx, c)
	if err != nil {
		return 0, err
	}
	if to == "" {
		return noAddress, nil
	}
	err = m.Log.AddEntry(ctx, e)
	if errors.Is(err, ErrExists) {
		if e, err = m.Log.Entry(ctx, e.Key); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	n, err := m.Outbox.SendOnce(ctx, []mail.Keyed{{Key: e.Key, Message: mail.Message{To: to, Subject: e.Subject, Text: e.Body}}})
	if err != nil {
		return 0, fmt.Errorf("recruiting: send to candidate %s: %w", c.ID, err)
	}
	if n == 0 {
		return repeated, nil
	}
	return delivered, nil
}

// address is where the candidate receives e-mail now: their account's
// address, or for one registered by hand the address the recruiter
// wrote down; empty when there is none (a placeholder for protected
// personal data never has one). When the applicant has deleted the
// account, the application is still theirs: the address given in it.
func (m *Messages) address(ctx context.Context, c Candidate) (string, error) {
	switch {
	case c.Protected():
		return "", nil
	case c.Source != SourcePortal:
		return c.Details.Email, nil
	case c.Applicant == "":
		return "", nil
	}
	addr, err := m.Addresses.Address(ctx, c.Applicant)
	if err == nil && addr == "" {
		addr = c.Details.Email
	}
	return addr, err
}

// Reachable reports whether the portal can write to the candidate.
func (c Candidate) Reachable() bool {
	if c.Source == SourcePortal {
		return c.Applicant != ""
	}
	return !c.Protected() && c.Details.Email != ""
}

// ShownName is how staff pages name a candidate: "Sökande 17" while the
// review is anonymised and the candidate has not reached the interview
// stage, else the name. lang is the page's language.
func (c Candidate) ShownName(r Recruitment, numbered func(n int) string) string {
	if c.Protected() || c.Details.Name() == "" || r.HidesIdentity(c) {
		return numbered(c.Number)
	}
	return c.Details.Name() + " (" + numbered(c.Number) + ")"
}
