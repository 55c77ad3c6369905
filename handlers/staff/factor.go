package staff

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/factors"
	"portal/handlers/web"
	"portal/sessions"
	"portal/valid"
	"portal/views"
)

// PathFactorSettings is where staff set up their second factor.
const PathFactorSettings = "/personal/installningar/inloggning"

// SecondStep is the second step of a login from outside the trusted
// networks: the person chooses a way (the authenticator app first), gets
// a code if it is sent, and types it.
type SecondStep struct {
	*web.Kit
	Entry
	Factors interface {
		Methods(ctx context.Context, personID string) ([]factors.Method, error)
		SendLoginCode(ctx context.Context, attempt, personID, choice string, compose factors.Compose) (factors.Method, error)
		CheckLogin(ctx context.Context, attempt, personID, choice, input string) error
		LoginCodeSent(ctx context.Context, attempt, choice string) (bool, error)
	}
}

// MethodView is a way of the second step as the page shows it.
type MethodView struct {
	factors.Method
	Label string // what the choice says, the target masked
}

// staffNext keeps a "next" only when it is a page of the staff surface.
func staffNext(next string) string {
	next = web.LocalPathOrEmpty(next)
	if next != PathHome && !strings.HasPrefix(next, PathHome+"/") {
		return ""
	}
	return next
}

// methodLabel says where a code goes without giving the whole number or
// address away to someone who has only the password.
func methodLabel(l *views.Localizer, m factors.Method) string {
	switch m.Kind {
	case factors.KindApp:
		return l.T("factor.method.app")
	case factors.KindSMS:
		return l.T("factor.method.sms", m.Target[max(len(m.Target)-3, 0):])
	}
	local, domain, _ := strings.Cut(m.Target, "@")
	if len(local) > 1 {
		local = local[:1] + "…"
	}
	return l.T("factor.method.email", local+"@"+domain)
}

// compose writes the code's message in the reader's language.
func compose(l *views.Localizer, site string) factors.Compose {
	return func(kind, code string) (string, string) {
		if kind == factors.KindSMS {
			return "", l.T("factor.sms.text", code, site)
		}
		return l.T("factor.mail.subject", site), l.T("factor.mail.text", code, site)
	}
}

// ShowSecondStep offers the ways the person has, or, with a way chosen,
// the field for its code.
func (h *SecondStep) ShowSecondStep(c *fiber.Ctx) error {
	sent := ""
	switch c.Query("skickad") {
	case "1":
		sent = "factor.code.sent"
	case "2":
		sent = "factor.code.resent"
	}
	return h.page(c, strings.Clone(c.Query("metod")), sent, "", strings.Clone(c.Query("next")), nil)
}

// refusedText says that no code was sent, and how long to wait.
func refusedText(l *views.Localizer, err error) string {
	if n, ok := factors.WaitMinutes(err); ok && n > 1 {
		return l.T("factor.code.too_many_sends_n", n)
	}
	return l.T("factor.code.too_many_sends_1")
}

// page shows the step; sent is the key of the notice of a code just sent,
// if one was; refused says why no code was sent, if one was asked for.
// The page says a code was sent only when the attempt's current code
// went by the chosen way.
func (h *SecondStep) page(c *fiber.Ctx, choice, sent, refused, next string, errs valid.Problems) error {
	s := web.SessionOf(c)
	l := web.L(c)
	ms, err := h.Factors.Methods(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	list := make([]MethodView, len(ms))
	var chosen *MethodView
	for i, m := range ms {
		list[i] = MethodView{m, methodLabel(l, m)}
		if m.Choice == choice {
			chosen = &list[i]
		}
	}
	hasCode := false
	if chosen != nil && chosen.Kind != factors.KindApp {
		if hasCode, err = h.Factors.LoginCodeSent(c.UserContext(), s.Key, chosen.Choice); err != nil {
			return err
		}
	}
	if !hasCode {
		sent = ""
	}
	return h.FormPageIn(c, "staff/factor", "factor.step.title", "staff-login", fiber.Map{
		"Methods": list, "Chosen": chosen, "Sent": sent, "Refused": refused, "HasCode": hasCode, "Errors": errs,
		"Next": staffNext(next), "SettingsPath": PathFactorSettings,
	})
}

// SendCode sends a code by the chosen way and shows the field for it;
// the page then says whether it was the first code or a new one, which
// voids the one before.
func (h *SecondStep) SendCode(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "method", "next", "again")
	if f["method"] == factors.KindApp { // nothing to send: the app shows the code
		return c.Redirect(h.stepURL(f["method"], "", staffNext(f["next"])), fiber.StatusSeeOther)
	}
	_, err := h.Factors.SendLoginCode(c.UserContext(), s.Key, s.AccountID, f["method"], compose(web.L(c), h.Cfg.SiteName))
	var errs valid.Problems
	switch {
	case errors.Is(err, factors.ErrNoMethod):
		errs.Add("method-0", "factor.method.choose")
		return h.page(c, "", "", "", f["next"], errs)
	case errors.Is(err, factors.ErrTooManySends):
		c.Status(fiber.StatusTooManyRequests)
		return h.page(c, f["method"], "", refusedText(web.L(c), err), f["next"], nil)
	case err != nil:
		return err
	}
	sent := "1"
	if f["again"] == "1" {
		sent = "2"
	}
	return c.Redirect(h.stepURL(f["method"], sent, staffNext(f["next"])), fiber.StatusSeeOther)
}

// stepURL is the step's page with the way chosen; sent is "1" after the
// first code, "2" after a new one, else "".
func (h *SecondStep) stepURL(choice, sent, next string) string {
	q := url.Values{"metod": {choice}}
	if sent != "" {
		q.Set("skickad", sent)
	}
	if next != "" {
		q.Set("next", next)
	}
	return PathSecondStep + "?" + q.Encode()
}

// CheckCode judges the code; a right one makes the login whole. After the
// last wrong try the attempt is void: the session ends and the person
// starts again from the password.
func (h *SecondStep) CheckCode(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "method", "code", "next")
	if f["code"] == "" {
		var errs valid.Problems
		errs.Add("code", "factor.code.required")
		return h.page(c, f["method"], "", "", f["next"], errs)
	}
	err := h.Factors.CheckLogin(c.UserContext(), s.Key, s.AccountID, f["method"], f["code"])
	if err == nil {
		return h.Advance(c, s, sessions.Options{Restricted: s.Restricted}, staffNext(f["next"]))
	}
	key := ""
	switch {
	case errors.Is(err, factors.ErrTooManyTries):
		if err := h.Sessions.End(c.UserContext(), *s); err != nil {
			return err
		}
		h.Realm.Leave(c)
		h.NewCSRFSecret(c)
		return h.Message(c, fiber.StatusTooManyRequests, "staff-login", "factor.void.heading", "factor.void.text", false, PathLogin, "factor.void.link")
	case errors.Is(err, factors.ErrWrongCode):
		key = wrongCode("factor.code", err)
	case errors.Is(err, factors.ErrAppFormat):
		key = "factor.app.format"
	case errors.Is(err, factors.ErrCodeFormat):
		key = "factor.code.format"
	case errors.Is(err, factors.ErrExpired):
		key = "factor.code.expired"
	case errors.Is(err, factors.ErrNoCode):
		key = "factor.code.none"
	case errors.Is(err, factors.ErrNoMethod):
		key = "factor.method.choose"
	default:
		return err
	}
	var errs valid.Problems
	errs.Add("code", key)
	return h.page(c, f["method"], "", "", f["next"], errs)
}

// wrongCode is the key of the message of a wrong code under prefix,
// with the tries left when known (one to four: the fifth wrong try voids).
func wrongCode(prefix string, err error) string {
	if left, ok := factors.TriesLeft(err); ok && left >= 1 && left < factors.MaxTries {
		return prefix + ".wrong_" + strconv.Itoa(left)
	}
	return prefix + ".wrong"
}
