package applicant

import (
	"context"
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"portal/applicants"
	"portal/handlers/web"
	"portal/sessions"
	"portal/valid"
)

// Sessions starts and ends applicants' logins.
type Sessions interface {
	Start(ctx context.Context, accountID string, public, restricted bool) (string, sessions.Session, error)
	End(ctx context.Context, s sessions.Session) error
	// EndOthers ends every other session of the account.
	EndOthers(ctx context.Context, s sessions.Session) error
}

// Entry starts and ends logins; the login and profile pages share it.
type Entry struct {
	Realm    *web.Realm
	Sessions Sessions
}

// Login is the pages of logging in and out, registering, confirming the
// address and choosing a new password.
type Login struct {
	*web.Kit
	Entry
	Accounts interface {
		Register(ctx context.Context, r applicants.Registration) error
		SendVerification(ctx context.Context, a applicants.Account, lang string) error
		Verify(ctx context.Context, token string) (applicants.Account, error)
		Login(ctx context.Context, email, password, ip string) (applicants.Account, bool, error)
		RequestReset(ctx context.Context, email, ip, lang string) error
		SetNewPassword(ctx context.Context, id, password, ip, lang string) error
		Account(ctx context.Context, id string) (applicants.Account, error)
		Record(ctx context.Context, id, kind, ip string)
	}
}

// logIn starts a new session (a new id at every login and change of
// privilege) and ends the one the request came with.
func (h Entry) logIn(c *fiber.Ctx, accountID string, public, restricted bool) error {
	if old := web.SessionOf(c); old != nil {
		_ = h.Sessions.End(c.UserContext(), *old)
	}
	token, s, err := h.Sessions.Start(c.UserContext(), accountID, public, restricted)
	if err != nil {
		return err
	}
	h.Realm.Enter(c, token, &s)
	return nil
}

// ShowLogin shows the login page, with a notice after a timed-out session or a changed password.
func (h *Login) ShowLogin(c *fiber.Ctx) error {
	notice := ""
	switch {
	case c.Query("expired") == "1":
		notice = "login.expired"
	case c.Query("changed") == "1":
		notice = "login.password_changed"
	}
	return h.FormPage(c, "account/login", "login.title", fiber.Map{"Next": web.LocalPathOrEmpty(c.Query("next")), "Notice": notice})
}

// Login logs the applicant in and goes on to the page asked for, or to choosing a new password after a temporary one.
func (h *Login) Login(c *fiber.Ctx) error {
	f := web.Form(c, "email", "password", "public", "next")
	next := web.LocalPathOrEmpty(f["next"])
	acc, temp, err := h.Accounts.Login(c.UserContext(), f["email"], f["password"], h.ClientIP(c))
	if errors.Is(err, applicants.ErrBadCredentials) {
		return h.FormPage(c, "account/login", "login.title", fiber.Map{"Form": f, "Next": next,
			"Errors": valid.Problems{{Field: "email", Key: "login.error"}}})
	}
	if err != nil {
		return err
	}
	if err := h.logIn(c, acc.ID, f["public"] == "1", temp); err != nil {
		return err
	}
	if temp {
		return c.Redirect("/nytt-losenord", fiber.StatusSeeOther)
	}
	if next == "" {
		next = "/mina-uppgifter"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// ShowLogout shows the logout page, and after logging out says that it is done.
func (h *Login) ShowLogout(c *fiber.Ctx) error {
	return h.FormPage(c, "account/logout", "logout.title", fiber.Map{"Done": c.Query("done") == "1" && web.SessionOf(c) == nil})
}

// Logout ends the session on the server. After a public-computer session
// the browser is told to forget everything of this site.
func (h *Login) Logout(c *fiber.Ctx) error {
	if s := web.SessionOf(c); s != nil {
		if err := h.Sessions.End(c.UserContext(), *s); err != nil {
			return err
		}
		h.Accounts.Record(c.UserContext(), s.AccountID, applicants.EventLogout, h.ClientIP(c))
		if s.Public {
			c.Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
		}
	}
	h.Realm.ClearCookie(c)
	h.NewCSRFSecret(c)
	return c.Redirect("/logga-ut?done=1", fiber.StatusSeeOther)
}

// ShowRegister shows the form for creating an account.
func (h *Login) ShowRegister(c *fiber.Ctx) error {
	return h.FormPage(c, "account/register", "register.title", fiber.Map{"Next": web.LocalPathOrEmpty(c.Query("next"))})
}

// Register creates an account and answers the same whether the address was free or already taken.
func (h *Login) Register(c *fiber.Ctx) error {
	f := web.Form(c, "email", "password", "consent", "protected", "next")
	next := web.LocalPathOrEmpty(f["next"])
	protected, err := applicants.ParseProtected("protected", f["protected"])
	if err == nil {
		err = h.Accounts.Register(c.UserContext(), applicants.Registration{
			Email: f["email"], Password: f["password"], Consent: f["consent"] == "1", Protected: protected,
			Lang: web.L(c).Lang, IP: h.ClientIP(c), Next: next,
		})
	}
	if errs, ok := web.FieldErrors(err); ok {
		return h.FormPage(c, "account/register", "register.title", fiber.Map{"Form": f, "Errors": errs, "Next": next})
	}
	if err != nil {
		return err
	}
	// The same page whether the address was free or taken: its owner, if
	// any, learns of it by mail.
	return h.FormPage(c, "account/registered", "register.sent_heading", fiber.Map{
		"Email": applicants.NormalizeEmail(f["email"]), "Next": url.QueryEscape(next)})
}

// ShowVerifyEmail is where the link that confirms an address leads: a
// button confirms it, so a mail scanner opening the link confirms nothing.
func (h *Login) ShowVerifyEmail(c *fiber.Ctx) error {
	c.Set(fiber.HeaderReferrerPolicy, "same-origin") // the address carries the token
	action := "/konto/verifiera?token=" + url.QueryEscape(c.Query("token"))
	if next := web.LocalPathOrEmpty(c.Query("next")); next != "" {
		action += "&next=" + url.QueryEscape(next)
	}
	return h.FormPage(c, "pages/action", "verify.title", fiber.Map{
		"Heading": "verify.title", "Text": "verify.confirm_text", "Action": action, "Button": "verify.confirm_button",
	})
}

// VerifyEmail confirms the address of the link's token and leads on to the page the applicant was going to, or to My details.
func (h *Login) VerifyEmail(c *fiber.Ctx) error {
	_, err := h.Accounts.Verify(c.UserContext(), c.Query("token"))
	ok := err == nil
	if err != nil && !errors.Is(err, applicants.ErrBadToken) {
		return err
	}
	if !ok {
		return h.Message(c, fiber.StatusBadRequest, "", "verify.title", "verify.bad", false, "/mina-uppgifter", "verify.to_profile")
	}
	if next := web.LocalPathOrEmpty(c.Query("next")); next != "" {
		return h.Message(c, fiber.StatusOK, "", "verify.title", "verify.done", true, "/logga-in?next="+url.QueryEscape(next), "verify.to_next")
	}
	return h.Message(c, fiber.StatusOK, "", "verify.title", "verify.done", true, "/mina-uppgifter", "verify.to_profile")
}

// ResendVerification mails a new confirmation link unless the address is already confirmed.
func (h *Login) ResendVerification(c *fiber.Ctx) error {
	acc, err := h.Accounts.Account(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	if !acc.Verified() {
		if err := h.Accounts.SendVerification(c.UserContext(), acc, web.L(c).Lang); err != nil {
			return err
		}
	}
	return c.Redirect("/mina-uppgifter?skickat=1", fiber.StatusSeeOther)
}

// ShowForgot shows the form for asking for a new password.
func (h *Login) ShowForgot(c *fiber.Ctx) error {
	return h.FormPage(c, "account/forgot", "forgot.title", fiber.Map{})
}

// RequestReset mails a temporary password and answers the same whether the account exists.
func (h *Login) RequestReset(c *fiber.Ctx) error {
	f := web.Form(c, "email")
	err := h.Accounts.RequestReset(c.UserContext(), f["email"], h.ClientIP(c), web.L(c).Lang)
	if errs, ok := web.FieldErrors(err); ok {
		return h.FormPage(c, "account/forgot", "forgot.title", fiber.Map{"Form": f, "Errors": errs})
	}
	if err != nil {
		return err
	}
	return h.FormPage(c, "account/forgot", "forgot.title", fiber.Map{"Form": f, "Sent": true})
}

// ShowNewPassword shows the form for choosing a new password after logging in with a temporary one.
func (h *Login) ShowNewPassword(c *fiber.Ctx) error {
	acc, err := h.Accounts.Account(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	return h.FormPage(c, "account/newpassword", "newpw.title", fiber.Map{"Email": acc.Email})
}

// SetNewPassword finishes a login with a temporary password: the new
// password ends every other session and this one becomes a full login.
func (h *Login) SetNewPassword(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "password", "confirm")
	acc, err := h.Accounts.Account(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	if f["password"] != f["confirm"] {
		return h.FormPage(c, "account/newpassword", "newpw.title", fiber.Map{"Email": acc.Email,
			"Errors": valid.Problems{{Field: "confirm", Key: "password.error.mismatch"}}})
	}
	err = h.Accounts.SetNewPassword(c.UserContext(), s.AccountID, f["password"], h.ClientIP(c), web.L(c).Lang)
	if errs, ok := web.FieldErrors(err); ok {
		return h.FormPage(c, "account/newpassword", "newpw.title", fiber.Map{"Email": acc.Email, "Errors": errs})
	}
	if err != nil {
		return err
	}
	return h.afterPasswordChange(c, s)
}

// afterPasswordChange ends every session of the account, this one
// included, and continues in a new full login (a new id at every change of
// privilege).
func (h Entry) afterPasswordChange(c *fiber.Ctx, s *sessions.Session) error {
	if err := h.Sessions.EndOthers(c.UserContext(), *s); err != nil {
		return err
	}
	if err := h.logIn(c, s.AccountID, s.Public, false); err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?losenord=1", fiber.StatusSeeOther)
}
