package staff

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/handlers/web"
	"portal/mail"
)

// Outbox is the administrators' page of outgoing e-mail, behind the
// permission to manage it.
type Outbox struct {
	*web.Kit
	Outbox interface {
		Counts(ctx context.Context) (map[string]int64, error)
		Failed(ctx context.Context, limit int) ([]mail.Record, error)
		Requeue(ctx context.Context, id string) error
	}
	// Policy gives the links to the other administration pages.
	Policy interface {
		Permitted(ctx context.Context, personID string) (map[access.Permission]bool, error)
	}
}

// outboxStatuses are the rows of the outbox counts, in order.
var outboxStatuses = []string{mail.StatusPending, mail.StatusSending, mail.StatusSent, mail.StatusFailed, mail.StatusCancelled}

// ShowOutbox lists the e-mail given up on, with a way to try again.
func (h *Outbox) ShowOutbox(c *fiber.Ctx) error {
	counts, err := h.Outbox.Counts(c.UserContext())
	if err != nil {
		return err
	}
	failed, err := h.Outbox.Failed(c.UserContext(), 200)
	if err != nil {
		return err
	}
	notice := ""
	if c.Query("igen") == "1" {
		notice = "admin.outbox.requeued"
	}
	links, err := permLinks(c, h.Policy)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.Render(c, "staff/outbox", web.Page{Title: web.L(c).T("admin.outbox.title"), Section: "staff-admin", Data: fiber.Map{
		"Counts": counts, "Statuses": outboxStatuses, "Failed": failed, "Notice": notice, "Perms": links,
	}})
}

// RetryMail puts a message that was given up on back in the outbox.
func (h *Outbox) RetryMail(c *fiber.Ctx) error {
	if err := h.Outbox.Requeue(c.UserContext(), strings.Clone(c.Params("id"))); err != nil {
		return err
	}
	return c.Redirect(PathOutbox+"?igen=1", fiber.StatusSeeOther)
}
