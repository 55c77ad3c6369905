package app

import (
	"context"
	"strings"
	"time"

	"portal/cases"
	"portal/employees"
	"portal/handlers/staff"
	"portal/inbox"
	"portal/mail"
	"portal/views"
)

// caseMailer tells people about cases, in the recipient's language: the
// manager of a new case, the employee of a decision, each by a message
// from the portal in Meddelanden and an e-mail to the work address.
type caseMailer struct {
	locales *views.Locales
	outbox  *mail.Outbox
	inbox   *inbox.Service
	baseURL string
	codes   *cases.Codes
	// once claims each manager's digest of a day, so that two instances
	// running the task send it once.
	once interface {
		Spend(ctx context.Context, key string, keepUntil time.Time) (bool, error)
	}
}

func (m caseMailer) send(ctx context.Context, to employees.Person, subject, text string) error {
	if _, err := m.inbox.Send(ctx, "", []string{to.ID}, subject, text); err != nil {
		return err
	}
	if to.WorkEmail == "" {
		return nil
	}
	return m.outbox.Send(ctx, mail.Message{To: to.WorkEmail, Subject: subject, Text: text})
}

func (m caseMailer) title(l *views.Localizer, c cases.Case) string {
	codes := m.codes
	if codes == nil {
		codes = cases.DefaultCodes()
	}
	return l.T("cases.kind."+string(c.Kind)) + ": " + staff.CaseTitle(l, codes, c.Decided())
}

// Submitted tells the manager of a new case.
func (m caseMailer) Submitted(ctx context.Context, c cases.Case, manager employees.Person) error {
	l := m.locales.Get(manager.Lang)
	name := c.PersonID
	if p, err := m.inbox.People.Person(ctx, c.PersonID); err == nil {
		name = p.Name()
	}
	subject := l.T("cases.mail.submitted.subject", m.title(l, c))
	text := l.T("cases.mail.submitted.text", name, m.title(l, c), m.baseURL+staff.CasePath(c.ID), m.baseURL+staff.PathApproval)
	return m.send(ctx, manager, subject, text)
}

// Decided tells the employee of the manager's decision.
func (m caseMailer) Decided(ctx context.Context, c cases.Case, employee employees.Person) error {
	l := m.locales.Get(employee.Lang)
	link := m.baseURL + staff.CasePath(c.ID)
	var subject, text string
	if c.End.Kind == cases.StepApproved {
		subject = l.T("cases.mail.approved.subject", m.title(l, c))
		text = l.T("cases.mail.approved.text", m.title(l, c), l.T("month."+monthOf(string(c.End.Period)))+" "+yearOf(string(c.End.Period)), link)
	} else {
		subject = l.T("cases.mail.rejected.subject", m.title(l, c))
		text = l.T("cases.mail.rejected.text", m.title(l, c), c.End.Reason, link)
	}
	return m.send(ctx, employee, subject, text)
}

func monthOf(p string) string {
	if len(p) != 7 {
		return ""
	}
	if p[5] == '0' {
		return p[6:]
	}
	return p[5:]
}

func yearOf(p string) string {
	if len(p) < 4 {
		return p
	}
	return p[:4]
}

// Digest sends the manager one message of the day's submitted cases,
// once per manager and day.
func (m caseMailer) Digest(ctx context.Context, manager employees.Person, day time.Time, submitted []cases.Case) (bool, error) {
	key := manager.ID + ":" + day.Format(time.DateOnly)
	if m.once != nil {
		ok, err := m.once.Spend(ctx, key, day.AddDate(0, 0, 30))
		if err != nil || !ok {
			return false, err
		}
	}
	l := m.locales.Get(manager.Lang)
	var b strings.Builder
	for _, c := range submitted {
		name := c.PersonID
		if p, err := m.inbox.People.Person(ctx, c.PersonID); err == nil {
			name = p.Name()
		}
		b.WriteString("- " + name + ": " + m.title(l, c) + "\n  " + m.baseURL + staff.CasePath(c.ID) + "\n")
	}
	subject := l.T("cases.mail.digest.subject", len(submitted), l.Date(day))
	text := l.T("cases.mail.digest.text", l.Date(day), b.String(), m.baseURL+staff.PathApproval)
	return true, m.send(ctx, manager, subject, text)
}
