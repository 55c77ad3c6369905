// Package smtp delivers outbox messages to an SMTP server.
package smtp

import (
	"context"
	"fmt"

	gomail "github.com/wneessen/go-mail"

	"portal/mail"
)

// Config is how to reach the mail server.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// Security is "none", "starttls" (required) or "tls" (implicit TLS).
	Security string
	From     string
}

// Sender sends messages to an SMTP server.
type Sender struct {
	cfg Config
}

// New returns a sender for cfg.
func New(cfg Config) *Sender { return &Sender{cfg} }

// Send delivers one message: plain text, with an HTML alternative when the
// message has one.
func (s *Sender) Send(ctx context.Context, m mail.Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("smtp: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("smtp: to: %w", err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return fmt.Errorf("smtp: reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port)}
	switch s.cfg.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp: send: %w", err)
	}
	return nil
}
