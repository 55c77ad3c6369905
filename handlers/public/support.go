package public

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"

	portalmail "portal/mail"
	"portal/valid"
)

// Support is the contact form.
type Support struct {
	*web.Kit
	Mailer interface {
		Send(ctx context.Context, m portalmail.Message) error
	}
}

var supportFields = []string{"name", "email", "subject", "message"}

// ShowSupport shows the contact form, with a thank-you after a message is sent.
func (h *Support) ShowSupport(c *fiber.Ctx) error {
	return h.renderSupport(c, map[string]string{}, nil, c.Query("sent") == "1")
}

func (h *Support) renderSupport(c *fiber.Ctx, form map[string]string, errs valid.Problems, sent bool) error {
	return h.Render(c, "pages/support", web.Page{Title: web.L(c).T("support.title"), Section: "support", Data: fiber.Map{
		"Form": form, "Errors": errs, "Sent": sent, "CSRF": web.CSRFToken(c),
	}})
}

// validateSupport checks the contact form; it returns the cleaned form and
// what is wrong, in field order.
func validateSupport(c *fiber.Ctx) (map[string]string, valid.Problems) {
	form := map[string]string{}
	for _, f := range supportFields {
		form[f] = strings.TrimSpace(strings.Clone(c.FormValue(f)))
	}
	var errs valid.Problems
	add := func(field, key string) { errs = append(errs, valid.Problem{Field: field, Key: key}) }
	limits := map[string]int{"name": 200, "email": 200, "subject": 200, "message": 5000}
	for _, f := range supportFields {
		switch {
		case form[f] == "":
			add(f, "support.error."+f)
		case utf8.RuneCountInString(form[f]) > limits[f]:
			add(f, "support.error.too_long")
		case f == "email":
			if !valid.Email(form[f]) {
				add(f, "support.error.email")
			}
		case f != "message" && strings.ContainsAny(form[f], "\r\n"):
			add(f, "support.error."+f)
		}
	}
	return form, errs
}

// SendSupport puts the message to support in the outbox, then redirects so
// that reloading the page does not send it again.
func (h *Support) SendSupport(c *fiber.Ctx) error {
	form, errs := validateSupport(c)
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSupport(c, form, errs, false)
	}
	l := web.L(c)
	// The support team reads Swedish; the sender's language is noted.
	sv := h.Locales.Get("sv")
	err := h.Mailer.Send(c.UserContext(), portalmail.Message{
		To:      h.Cfg.SupportEmail,
		ReplyTo: form["email"],
		Subject: sv.T("support.mail_subject", form["subject"]),
		Text:    sv.T("support.mail_body", form["name"], form["email"], l.Lang, form["message"]),
	})
	if err != nil {
		return err
	}
	return c.Redirect("/support?sent=1", fiber.StatusSeeOther)
}
