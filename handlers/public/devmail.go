package public

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/mail"

	"portal/handlers/web"
)

// DevMail lists the outbox, e-mail and text messages apart, in
// development only.
type DevMail struct {
	*web.Kit
	Mail interface {
		RecentOn(ctx context.Context, channel string, limit int) ([]mail.Record, error)
	}
}

// mailJSON is one message as /dev/mail.json shows it.
type mailJSON struct {
	ID        string            `json:"id"`
	To        string            `json:"to"`
	Subject   string            `json:"subject"`
	Text      string            `json:"text"`
	HTML      string            `json:"html,omitempty"`
	Headers   map[string]string `json:"headers"`
	Status    string            `json:"status"`
	CreatedAt time.Time         `json:"created_at"`
}

// ShowDevMail lists the latest outgoing messages, in development only.
func (h *DevMail) ShowDevMail(c *fiber.Ctx) error {
	recs, err := h.Mail.RecentOn(c.UserContext(), mail.ChannelEmail, 100)
	if err != nil {
		return err
	}
	return h.Render(c, "dev/mail", web.Page{Title: web.L(c).T("dev.mail.title"), Data: fiber.Map{"Mail": recs}})
}

// ShowDevMailJSON gives the latest outgoing messages as JSON, newest first, in development only.
func (h *DevMail) ShowDevMailJSON(c *fiber.Ctx) error {
	recs, err := h.Mail.RecentOn(c.UserContext(), mail.ChannelEmail, 100)
	if err != nil {
		return err
	}
	out := make([]mailJSON, len(recs))
	for i, r := range recs {
		headers := map[string]string{}
		for k, v := range r.Headers {
			headers[k] = v
		}
		if r.ReplyTo != "" {
			headers["Reply-To"] = r.ReplyTo
		}
		out[i] = mailJSON{ID: r.ID, To: r.To, Subject: r.Subject, Text: r.Text, HTML: r.HTML,
			Headers: headers, Status: r.Status, CreatedAt: r.CreatedAt}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
