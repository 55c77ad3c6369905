package staff

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"portal/employees"
	"portal/handlers/web"
	"portal/sessions"
	"portal/staffauth"
	"portal/valid"
)

// Account is the staff member's Settings: changing the password, and the
// employment to work in and to start in ("Byt anställning").
type Account struct {
	*web.Kit
	Entry
	Settings  Settings
	Passwords Passwords
	Header    *Header
}

func (h *Account) settingsPage(c *fiber.Ctx, data fiber.Map) error {
	s := web.SessionOf(c)
	w, _, _, err := h.Header.who(c, s)
	if err != nil {
		return err
	}
	data["Who"] = w
	data["Passwords"] = !h.Settings.PasswordsOff
	data["User"] = s.AccountID
	switch {
	case c.Query("losenord") == "1":
		data["Notice"] = "stafflogin.settings.password_changed"
	case c.Query("anstallning") == "1":
		data["Notice"] = "stafflogin.settings.employment_saved"
	}
	return h.FormPageIn(c, "staff/settings", "stafflogin.settings.title", "staff-settings", data)
}

// ShowSettings shows Settings.
func (h *Account) ShowSettings(c *fiber.Ctx) error {
	return h.settingsPage(c, fiber.Map{})
}

// ChangePassword changes the password after checking the old one; the
// person's other sessions end and this one goes on under a new id, in the
// employment it was working in.
func (h *Account) ChangePassword(c *fiber.Ctx) error {
	if h.Settings.PasswordsOff {
		return fiber.ErrNotFound
	}
	s := web.SessionOf(c)
	f := web.Form(c, "old_password", "new_password", "confirm")
	err := h.Passwords.ChangePassword(c.UserContext(), s.AccountID, staffauth.Change{Old: f["old_password"], New: f["new_password"],
		Confirm: f["confirm"], Lang: web.L(c).Lang})
	if errs, ok := web.FieldErrors(err); ok {
		return h.settingsPage(c, fiber.Map{"Errors": errs})
	}
	if err != nil {
		return err
	}
	if err := h.Sessions.EndOthers(c.UserContext(), *s); err != nil {
		return err
	}
	var chosen []byte
	if h.Stash != nil {
		chosen, _ = h.Stash.Get(stashKey(s))
	}
	if err := h.Advance(c, s, sessions.Options{}, PathSettings+"?losenord=1"); err != nil {
		return err
	}
	if len(chosen) > 0 {
		if ns := web.SessionOf(c); ns != nil {
			_ = h.Header.choose(ns, string(chosen), h.Now())
		}
	}
	return nil
}

// SwitchEmployment makes one of the person's employments the one the
// session works in, and with the box ticked the one every login starts
// in; no new login is needed.
func (h *Account) SwitchEmployment(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "employment", "default", "next")
	emps, err := h.Header.Directory.Employments(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	var chosen *employees.Employment
	for i, e := range emps {
		if e.Active && e.ID == f["employment"] {
			chosen = &emps[i]
		}
	}
	if chosen == nil {
		return h.settingsPage(c, fiber.Map{"Errors": valid.Problems{{Field: "employment", Key: "stafflogin.error.employment"}}})
	}
	if err := h.Header.choose(s, chosen.ID, h.Now()); err != nil {
		return err
	}
	if f["default"] == "1" {
		if err := h.Header.Directory.SetDefault(c.UserContext(), s.AccountID, chosen.ID); err != nil && !errors.Is(err, employees.ErrNotFound) {
			return err
		}
	}
	next := SafeNext(f["next"])
	if next == "" || next == PathSettings {
		next = PathSettings + "?anstallning=1"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}
