package staff

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"slices"
	"strings"

	"portal/mail"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"portal/employees"
	"portal/factors"
	"portal/handlers/web"
	"portal/valid"
	"portal/views"
)

// FactorSettings is the settings page of the second factor: mobile
// numbers for codes by text message and the authenticator app. Both can
// be set up only from inside the trusted networks, by a login that began
// there (seed 003); from outside the page says where and how instead.
type FactorSettings struct {
	*web.Kit
	Entry
	Factors interface {
		Settings(ctx context.Context, personID string) (factors.Settings, error)
		AddPhone(ctx context.Context, attempt, personID, number string, compose factors.Compose) error
		ResendPhone(ctx context.Context, attempt, personID, number string, compose factors.Compose) error
		ConfirmPhone(ctx context.Context, attempt, personID, number, input string) error
		RemovePhone(ctx context.Context, personID, number string) error
		StartApp(ctx context.Context, personID string) (factors.AppSetup, error)
		ConfirmApp(ctx context.Context, attempt, personID, input string) error
		RemoveApp(ctx context.Context, personID string) error
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
	// SMS: text messages can be sent; without, numbers cannot be added.
	SMS bool
	// Mailer tells the person at the work address of every change to
	// how they log in; nil: nobody is told.
	Mailer interface {
		Send(ctx context.Context, m mail.Message) error
	}
}

// inside reports whether the request may change the settings: it comes
// from inside, and so did its login.
func (h *FactorSettings) inside(c *fiber.Ctx) bool {
	s := web.SessionOf(c)
	return s != nil && !s.Outside && !h.Network.Outside(c)
}

// notices are the outcomes shown after a change, by the query's "klart".
var notices = map[string]string{
	"sent": "factor.settings.done.sent", "resent": "factor.settings.done.resent", "confirmed": "factor.settings.done.confirmed", "removed": "factor.settings.done.removed",
	"app": "factor.settings.done.app", "app-removed": "factor.settings.done.app_removed",
}

// ShowFactorSettings shows what is set up and the forms to change it.
func (h *FactorSettings) ShowFactorSettings(c *fiber.Ctx) error {
	return h.page(c, nil, nil)
}

// page shows the settings; refused, when given, says why no code was
// sent and how long to wait.
func (h *FactorSettings) page(c *fiber.Ctx, form map[string]string, errs valid.Problems, refused ...string) error {
	s := web.SessionOf(c)
	st, err := h.Factors.Settings(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	email := ""
	if p, err := h.People.Person(c.UserContext(), s.AccountID); err == nil && valid.Email(p.WorkEmail) {
		email = p.WorkEmail
	} else if err != nil && !errors.Is(err, employees.ErrNotFound) {
		return err
	}
	if form == nil {
		form = map[string]string{}
	}
	return h.FormPageIn(c, "staff/factor_settings", "factor.settings.title", "staff-settings", fiber.Map{
		"Inside": h.inside(c), "Settings": st, "WorkEmail": email, "Form": form, "Errors": errs,
		"CanAdd": len(st.Phones) < factors.MaxPhones && h.SMS, "SMS": h.SMS, "Notice": notices[c.Query("klart")],
		"Refused": strings.Join(refused, " "),
	})
}

// refuseOutside answers a change asked for from outside.
func (h *FactorSettings) refuseOutside(c *fiber.Ctx) error {
	return h.Message(c, fiber.StatusForbidden, "staff-settings", "factor.settings.outside.heading",
		"factor.settings.outside.text", false, PathFactorSettings, "factor.settings.back")
}

func (h *FactorSettings) done(c *fiber.Ctx, what string) error {
	return c.Redirect(PathFactorSettings+"?klart="+what, fiber.StatusSeeOther)
}

// changed tells the person by mail to the work address that a way of
// logging in was added or removed (what: confirmed, removed, app,
// app-removed; number: the mobile number it concerns), so that a change
// they did not make does not go unseen; then it shows the outcome.
func (h *FactorSettings) changed(c *fiber.Ctx, what, number string) error {
	if h.Mailer != nil {
		p, err := h.People.Person(c.UserContext(), web.SessionOf(c).AccountID)
		if err != nil {
			return err
		}
		if p.WorkEmail != "" {
			l := web.L(c)
			text := l.T("factor.changed.text", p.Name(), l.T("factor.changed."+what, number), l.DateTime(h.Now()), h.Cfg.SupportEmail, h.Cfg.SiteName)
			if err := h.Mailer.Send(c.UserContext(), mail.Message{To: p.WorkEmail, Subject: l.T("factor.changed.subject", h.Cfg.SiteName), Text: text}); err != nil {
				return err
			}
		}
	}
	return h.done(c, what)
}

// composePhone writes the text message that confirms a new number: it
// says what the code is for, not that someone is logging in.
func composePhone(l *views.Localizer, site string) factors.Compose {
	return func(_, code string) (string, string) {
		return "", l.T("factor.sms.confirm_text", code, site)
	}
}

// AddPhone registers a number and sends a code to it.
func (h *FactorSettings) AddPhone(c *fiber.Ctx) error {
	if !h.inside(c) {
		return h.refuseOutside(c)
	}
	s := web.SessionOf(c)
	f := web.Form(c, "number")
	err := h.Factors.AddPhone(c.UserContext(), s.Key, s.AccountID, f["number"], composePhone(web.L(c), h.Cfg.SiteName))
	if errs, ok := web.FieldErrors(err); ok {
		return h.page(c, f, errs)
	}
	if errors.Is(err, factors.ErrTooManySends) {
		c.Status(fiber.StatusTooManyRequests)
		return h.page(c, f, nil, refusedText(web.L(c), err))
	}
	if errors.Is(err, factors.ErrNoMethod) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return h.done(c, "sent")
}

// codeField is the id of the code field of the number at index i.
func codeField(st factors.Settings, number string) string {
	for i, p := range st.Phones {
		if factors.Number(p.Number) == factors.Number(number) {
			return "code-" + string(rune('0'+i))
		}
	}
	return "code-0"
}

// ConfirmPhone takes the code sent to a number waiting for it.
func (h *FactorSettings) ConfirmPhone(c *fiber.Ctx) error {
	if !h.inside(c) {
		return h.refuseOutside(c)
	}
	s := web.SessionOf(c)
	f := web.Form(c, "number", "code")
	st, err := h.Factors.Settings(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	field := codeField(st, f["number"])
	var errs valid.Problems
	if f["code"] == "" {
		errs.Add(field, "factor.code.required")
		return h.page(c, nil, errs)
	}
	err = h.Factors.ConfirmPhone(c.UserContext(), s.Key, s.AccountID, f["number"], f["code"])
	switch {
	case err == nil:
		return h.changed(c, "confirmed", f["number"])
	case errors.Is(err, factors.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, factors.ErrWrongCode):
		errs.Add(field, wrongCode("factor.code", err))
	case errors.Is(err, factors.ErrCodeFormat):
		errs.Add(field, "factor.code.format")
	case errors.Is(err, factors.ErrExpired):
		errs.Add(field, "factor.code.expired_send")
	case errors.Is(err, factors.ErrNoCode):
		errs.Add(field, "factor.code.none_send")
	case errors.Is(err, factors.ErrTooManyTries):
		errs.Add(field, "factor.code.too_many_send")
	default:
		return err
	}
	return h.page(c, nil, errs)
}

// ResendPhone sends a new code to a number waiting for one.
func (h *FactorSettings) ResendPhone(c *fiber.Ctx) error {
	if !h.inside(c) {
		return h.refuseOutside(c)
	}
	s := web.SessionOf(c)
	f := web.Form(c, "number")
	err := h.Factors.ResendPhone(c.UserContext(), s.Key, s.AccountID, f["number"], composePhone(web.L(c), h.Cfg.SiteName))
	switch {
	case errors.Is(err, factors.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, factors.ErrTooManySends):
		c.Status(fiber.StatusTooManyRequests)
		return h.page(c, nil, nil, refusedText(web.L(c), err))
	case err != nil:
		return err
	}
	return h.done(c, "resent")
}

// confirmRemove asks whether to remove what the form names, in a form
// that sends the same request again with confirm=1: no script needed.
func (h *FactorSettings) confirmRemove(c *fiber.Ctx, action, heading, number, text string) error {
	return h.FormPageIn(c, "staff/factor_remove", "factor.remove.title", "staff-settings", fiber.Map{
		"Action": action, "Heading": heading, "Number": number, "Text": text,
	})
}

// RemovePhone takes a number away, once confirmed.
func (h *FactorSettings) RemovePhone(c *fiber.Ctx) error {
	if !h.inside(c) {
		return h.refuseOutside(c)
	}
	s := web.SessionOf(c)
	number := strings.TrimSpace(c.FormValue("number"))
	if c.FormValue("confirm") != "1" {
		st, err := h.Factors.Settings(c.UserContext(), s.AccountID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(st.Phones, func(p factors.Phone) bool { return factors.Number(p.Number) == factors.Number(number) }) {
			return fiber.ErrNotFound
		}
		return h.confirmRemove(c, PathFactorSettings+"/mobil/ta-bort", "factor.remove.phone_heading", number, "factor.remove.phone_text")
	}
	err := h.Factors.RemovePhone(c.UserContext(), s.AccountID, number)
	if errors.Is(err, factors.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return h.changed(c, "removed", number)
}

// ShowAppSetup shows the secret to register in the authenticator app, as
// a QR code and as text, and the field for the app's first code.
func (h *FactorSettings) ShowAppSetup(c *fiber.Ctx) error {
	return h.appPage(c, nil)
}

func (h *FactorSettings) appPage(c *fiber.Ctx, errs valid.Problems) error {
	if !h.inside(c) {
		return h.page(c, nil, nil) // says where and how instead
	}
	s := web.SessionOf(c)
	setup, err := h.Factors.StartApp(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(setup.URL, qrcode.Medium, 256)
	if err != nil {
		return err
	}
	return h.FormPageIn(c, "staff/factor_app", "factor.app.title", "staff-settings", fiber.Map{
		"Secret": groups(setup.Secret), "Errors": errs,
		// A data: address made here from bytes of our own: safe as a URL.
		"QR": template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
	})
}

// groups writes a secret in groups of four, easier to type.
func groups(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ConfirmApp takes the app's first code; a right one registers the app.
func (h *FactorSettings) ConfirmApp(c *fiber.Ctx) error {
	if !h.inside(c) {
		return h.refuseOutside(c)
	}
	s := web.SessionOf(c)
	code := strings.TrimSpace(c.FormValue("code"))
	var errs valid.Problems
	switch {
	case code == "":
		errs.Add(factors.FieldCode, "factor.code.required")
		return h.appPage(c, errs)
	case !factors.AppCode(code):
		errs.Add(factors.FieldCode, "factor.app.format")
		return h.appPage(c, errs)
	}
	err := h.Factors.ConfirmApp(c.UserContext(), s.Key, s.AccountID, code)
	switch {
	case err == nil:
		return h.changed(c, "app", "")
	case errors.Is(err, factors.ErrWrongCode):
		errs.Add(factors.FieldCode, wrongCode("factor.app", err))
	case errors.Is(err, factors.ErrExpired):
		errs.Add(factors.FieldCode, "factor.app.expired")
	case errors.Is(err, factors.ErrTooManyTries):
		errs.Add(factors.FieldCode, "factor.app.too_many")
	default:
		return err
	}
	return h.appPage(c, errs)
}

// RemoveApp takes the authenticator app away, once confirmed.
func (h *FactorSettings) RemoveApp(c *fiber.Ctx) error {
	if !h.inside(c) {
		return h.refuseOutside(c)
	}
	s := web.SessionOf(c)
	if c.FormValue("confirm") != "1" {
		return h.confirmRemove(c, PathFactorSettings+"/app/ta-bort", "factor.remove.app_heading", "", "factor.remove.app_text")
	}
	if err := h.Factors.RemoveApp(c.UserContext(), s.AccountID); err != nil {
		return err
	}
	return h.changed(c, "app-removed", "")
}
