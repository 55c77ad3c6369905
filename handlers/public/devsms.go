package public

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/mail"
)

// smsJSON is one text message as /dev/sms.json shows it.
type smsJSON struct {
	ID        string    `json:"id"`
	To        string    `json:"to"`
	Text      string    `json:"text"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// ShowDevSMS lists the latest outgoing text messages, in development only.
func (h *DevMail) ShowDevSMS(c *fiber.Ctx) error {
	recs, err := h.Mail.RecentOn(c.UserContext(), mail.ChannelSMS, 100)
	if err != nil {
		return err
	}
	return h.Render(c, "dev/sms", web.Page{Title: web.L(c).T("factor.devsms.title"), Data: fiber.Map{"SMS": recs}})
}

// ShowDevSMSJSON gives the latest outgoing text messages as JSON, newest
// first, in development only.
func (h *DevMail) ShowDevSMSJSON(c *fiber.Ctx) error {
	recs, err := h.Mail.RecentOn(c.UserContext(), mail.ChannelSMS, 100)
	if err != nil {
		return err
	}
	out := make([]smsJSON, len(recs))
	for i, r := range recs {
		out[i] = smsJSON{ID: r.ID, To: r.To, Text: r.Text, Status: r.Status, CreatedAt: r.CreatedAt}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
