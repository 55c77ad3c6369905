package app

import (
	"context"

	"portal/access"
	"portal/mail"
	"portal/views"
)

// accessMailer writes the e-mail about role requests and puts it in the
// outbox.
type accessMailer struct {
	mails  *views.Mails
	outbox *mail.Outbox
}

// Notify renders the notice and sends it.
func (m accessMailer) Notify(ctx context.Context, n access.Notice) error {
	subject, text, err := m.mails.AccessMail(n)
	if err != nil {
		return err
	}
	return m.outbox.Send(ctx, mail.Message{To: n.To, Subject: subject, Text: text})
}
