package applicant

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/applicants"
	"portal/handlers/web"
	"portal/mail"
)

// Admin is the administration page of outgoing e-mail.
type Admin struct {
	*web.Kit
	Accounts interface {
		Account(ctx context.Context, id string) (applicants.Account, error)
	}
	Outbox interface {
		Counts(ctx context.Context) (map[string]int64, error)
		Failed(ctx context.Context, limit int) ([]mail.Record, error)
		Requeue(ctx context.Context, id string) error
	}
}

// RequireAdmin lets only administrators through; it runs after
// requireLogin.
func (h *Admin) RequireAdmin(c *fiber.Ctx) error {
	acc, err := h.Accounts.Account(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	if !acc.Admin {
		return ErrNotAdmin
	}
	return c.Next()
}

// ErrNotAdmin is returned when someone other than an administrator asks
// for an administration page.
var ErrNotAdmin = errors.New("applicant: not an administrator")

// outboxStatuses are the rows of the outbox counts, in order.
var outboxStatuses = []string{mail.StatusPending, mail.StatusSending, mail.StatusSent, mail.StatusFailed, mail.StatusCancelled}

// ShowOutbox lists the e-mail given up on, with a way to try again.
func (h *Admin) ShowOutbox(c *fiber.Ctx) error {
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
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.Render(c, "admin/outbox", web.Page{Title: web.L(c).T("admin.outbox.title"), Section: "admin", Data: fiber.Map{
		"Counts": counts, "Statuses": outboxStatuses, "Failed": failed, "CSRF": web.CSRFToken(c), "Notice": notice,
	}})
}

// RetryMail puts a message that was given up on back in the outbox, for administrators only.
func (h *Admin) RetryMail(c *fiber.Ctx) error {
	err := h.Outbox.Requeue(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	return c.Redirect("/admin/utskick?igen=1", fiber.StatusSeeOther)
}
