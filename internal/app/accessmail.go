package app

import (
	"context"

	"portal/access"
	"portal/inbox"
	"portal/mail"
	"portal/views"
)

// accessMailer writes the e-mail about role requests and puts it in the
// outbox; a role granted is also a message from the portal in the
// person's Meddelanden.
type accessMailer struct {
	mails  *views.Mails
	outbox *mail.Outbox
	inbox  *inbox.Service // nil: e-mail only
}

// Notify renders the notice and sends it.
func (m accessMailer) Notify(ctx context.Context, n access.Notice) error {
	subject, text, err := m.mails.AccessMail(n)
	if err != nil {
		return err
	}
	if err := m.outbox.Send(ctx, mail.Message{To: n.To, Subject: subject, Text: text}); err != nil {
		return err
	}
	if m.inbox != nil && n.Kind == access.MailGranted && n.PersonID != "" {
		if _, err := m.inbox.Send(ctx, "", []string{n.PersonID}, subject, text); err != nil {
			return err
		}
	}
	return nil
}
