package staff

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/sessions"
	"portal/staffauth"
	"portal/valid"
)

// More paths of the staff login.
const (
	PathForgot   = "/personal/glomt-losenord"
	PathSettings = "/personal/installningar"
)

// Settings are how the staff login looks and what it offers.
type Settings struct {
	OrgName     string // "Exempelkommunen"
	OrgCode     string // "EXK_PP01"
	Environment string // "production", "test", "development" (shown translated) or any text
	// PasswordsOff: only single sign-on; the password form, forgotten
	// password and password change are gone.
	PasswordsOff bool
	// SSOName names the identity provider on the "Log in with" button;
	// empty: no single sign-on.
	SSOName string
}

// Passwords is what the login pages ask of staff passwords.
type Passwords interface {
	Login(ctx context.Context, user, password, ip string) (staffauth.Login, error)
	RequestReset(ctx context.Context, user, ip, lang string) error
	ChangePassword(ctx context.Context, personID string, ch staffauth.Change) error
	PasswordExpired(ctx context.Context, personID string) (bool, error)
}

// Login is the staff's pages of logging in with a password, the
// forgotten password and the new password a temporary or expired one
// leads to.
type Login struct {
	*web.Kit
	Entry
	Settings  Settings
	Passwords Passwords
	Header    *Header
}

// SafeNext is next when it is a page of the staff surface, else "".
func SafeNext(next string) string {
	next = web.LocalPathOrEmpty(next)
	lower := strings.ToLower(next)
	if lower == PathHome || strings.HasPrefix(lower, PathHome+"/") || strings.HasPrefix(lower, PathHome+"?") {
		return next
	}
	return ""
}

// PasswordsOn lets a route through only while local passwords are on.
func (h *Login) PasswordsOn(c *fiber.Ctx) error {
	if h.Settings.PasswordsOff {
		return fiber.ErrNotFound
	}
	return c.Next()
}

func (h *Login) page(c *fiber.Ctx, name, title string, data fiber.Map) error {
	data["Org"] = h.Settings.OrgName
	data["OrgCode"] = h.Settings.OrgCode
	data["Environment"] = h.environment(c)
	data["Passwords"] = !h.Settings.PasswordsOff
	data["SSOName"] = h.Settings.SSOName
	return h.FormPageIn(c, name, title, "staff-login", data)
}

// environment is the environment's name in the page's language.
func (h *Login) environment(c *fiber.Ctx) string {
	switch e := strings.ToLower(h.Settings.Environment); e {
	case "production", "test", "development":
		return web.L(c).T("stafflogin.env." + e)
	}
	return h.Settings.Environment
}

// ShowLogin shows the staff login page: the organisation and the
// environment, the password form and, when set up, single sign-on.
func (h *Login) ShowLogin(c *fiber.Ctx) error {
	next := SafeNext(c.Query("next"))
	if s := web.SessionOf(c); s != nil && s.Stage == "" && !s.Restricted {
		return c.Redirect(Onwards(s, next), fiber.StatusSeeOther)
	}
	notice := ""
	switch {
	case c.Query("utloggad") == "1":
		notice = "stafflogin.notice.logged_out"
	case c.Query("expired") == "1":
		notice = "stafflogin.notice.expired"
	}
	sso := PathSSO
	if next != "" {
		sso += "?next=" + url.QueryEscape(next)
	}
	return h.page(c, "staff/login", "stafflogin.login.title", fiber.Map{"Next": next, "Notice": notice, "SSOLink": sso})
}

// LogIn checks the user name and password and hands the login on to the
// one entry of staff logins; whichever was wrong, the answer is the same.
func (h *Login) LogIn(c *fiber.Ctx) error {
	f := web.Form(c, "user", "password", "next")
	next := SafeNext(f["next"])
	// An empty field is said at the field: that tells nothing of anyone.
	var empty valid.Problems
	if strings.TrimSpace(f["user"]) == "" {
		empty.Add("user", "stafflogin.error.user")
	}
	if f["password"] == "" {
		empty.Add("password", "stafflogin.error.password")
	}
	if len(empty) > 0 {
		return h.page(c, "staff/login", "stafflogin.login.title", fiber.Map{"Form": f, "Next": next, "Errors": empty})
	}
	l, err := h.Passwords.Login(c.UserContext(), f["user"], f["password"], h.ClientIP(c))
	if errors.Is(err, staffauth.ErrBadCredentials) {
		return h.page(c, "staff/login", "stafflogin.login.title", fiber.Map{"Form": f, "Next": next,
			"Errors": valid.Problems{{Field: "user", Key: "stafflogin.error.login"}}})
	}
	if err != nil {
		return err
	}
	return h.FirstFactorDone(c, l.Person.ID, l.MustChange(), next)
}

// ShowForgot shows the form that asks for a new temporary password.
func (h *Login) ShowForgot(c *fiber.Ctx) error {
	return h.page(c, "staff/forgot", "stafflogin.forgot.title", fiber.Map{})
}

// RequestReset mails a temporary password to the work address on file
// and answers the same whether the user name is known.
func (h *Login) RequestReset(c *fiber.Ctx) error {
	f := web.Form(c, "user")
	err := h.Passwords.RequestReset(c.UserContext(), f["user"], h.ClientIP(c), web.L(c).Lang)
	if errs, ok := web.FieldErrors(err); ok {
		return h.page(c, "staff/forgot", "stafflogin.forgot.title", fiber.Map{"Form": f, "Errors": errs})
	}
	if err != nil {
		return err
	}
	return h.page(c, "staff/forgot", "stafflogin.forgot.title", fiber.Map{"Form": f, "Sent": true})
}

// RequireNewPassword lets through only a login that must choose a new
// password; others go where they belong.
func (h *Login) RequireNewPassword(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	s := web.SessionOf(c)
	switch {
	case s == nil:
		return c.Redirect(PathLogin, fiber.StatusSeeOther)
	case s.Stage != "" || !s.Restricted:
		return c.Redirect(Onwards(s, ""), fiber.StatusSeeOther)
	}
	return c.Next()
}

func (h *Login) newPasswordPage(c *fiber.Ctx, data fiber.Map) error {
	expired, err := h.Passwords.PasswordExpired(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	data["Expired"] = expired
	data["User"] = web.SessionOf(c).AccountID
	data["Next"] = SafeNext(c.Query("next"))
	return h.page(c, "staff/newpassword", "stafflogin.newpw.title", data)
}

// ShowNewPassword shows the form for choosing a new password after a
// temporary or expired one: old, new, confirm.
func (h *Login) ShowNewPassword(c *fiber.Ctx) error {
	return h.newPasswordPage(c, fiber.Map{})
}

// SetNewPassword sets the new password; the person's other sessions end
// and this one becomes a whole login under a new id.
func (h *Login) SetNewPassword(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "old_password", "new_password", "confirm")
	err := h.Passwords.ChangePassword(c.UserContext(), s.AccountID, staffauth.Change{Old: f["old_password"], New: f["new_password"],
		Confirm: f["confirm"], Restricted: true, Lang: web.L(c).Lang})
	if errs, ok := web.FieldErrors(err); ok {
		return h.newPasswordPage(c, fiber.Map{"Errors": errs})
	}
	if err != nil {
		return err
	}
	if err := h.Sessions.EndOthers(c.UserContext(), *s); err != nil {
		return err
	}
	next := SafeNext(c.Query("next"))
	if next == "" {
		next = PathSettings + "?losenord=1"
	}
	return h.Advance(c, s, sessions.Options{}, next)
}
