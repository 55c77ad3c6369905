package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/mail"
)

// requireAdmin lets only administrators through; it runs after
// requireLogin.
func (h *handler) requireAdmin(c *fiber.Ctx) error {
	acc, err := h.deps.Accounts.Account(c.UserContext(), sessionOf(c).AccountID)
	if err != nil {
		return err
	}
	if !acc.Admin {
		return errNotAdmin
	}
	return c.Next()
}

// outboxStatuses are the rows of the outbox counts, in order.
var outboxStatuses = []string{mail.StatusPending, mail.StatusSending, mail.StatusSent, mail.StatusFailed, mail.StatusCancelled}

// showOutbox lists the e-mail given up on, with a way to try again.
func (h *handler) showOutbox(c *fiber.Ctx) error {
	counts, err := h.deps.Outbox.Counts(c.UserContext())
	if err != nil {
		return err
	}
	failed, err := h.deps.Outbox.Failed(c.UserContext(), 200)
	if err != nil {
		return err
	}
	notice := ""
	if c.Query("igen") == "1" {
		notice = "admin.outbox.requeued"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, "admin/outbox", page{Title: localizer(c).T("admin.outbox.title"), Section: "admin", Data: fiber.Map{
		"Counts": counts, "Statuses": outboxStatuses, "Failed": failed, "CSRF": csrfToken(c), "Notice": notice,
	}})
}

func (h *handler) retryMail(c *fiber.Ctx) error {
	err := h.deps.Outbox.Requeue(c.UserContext(), strings.Clone(c.Params("id")), h.deps.Board.Now())
	if errors.Is(err, mail.ErrNotFailed) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/utskick?igen=1", fiber.StatusSeeOther)
}
