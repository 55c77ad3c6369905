// Package staff is the staff surface: the pages of employees, managers,
// recruiters and administrators, under /personal, with logins of their own
// (the staff realm) and their own layout. Each area gets a file of its own
// here, its templates under views/templates/staff and its texts under the
// "staff." keys.
package staff

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
)

// Home is the staff start page and logging out.
type Home struct {
	*web.Kit
	Entry
}

// RequireLogin lets only logged-in staff through. Staff pages are never
// stored by the browser. Until staff can log in, no page of the surface
// is found by anyone else.
func (h *Home) RequireLogin(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	s := web.SessionOf(c)
	if s == nil {
		return fiber.ErrNotFound
	}
	if s.Stage != "" || s.Restricted { // a login not yet whole
		return c.Redirect(Onwards(s, ""), fiber.StatusSeeOther)
	}
	c.Set("X-Session-Ends", strconv.FormatInt(s.EndsAt().UnixMilli(), 10))
	return c.Next()
}

// ShowHome is the start page of the staff surface.
func (h *Home) ShowHome(c *fiber.Ctx) error {
	return h.Render(c, "staff/home", web.Page{Title: web.L(c).T("staff.home.title"), Section: "staff-home"})
}

// Logout ends the staff session on the server.
func (h *Home) Logout(c *fiber.Ctx) error {
	if s := web.SessionOf(c); s != nil {
		if err := h.Sessions.End(c.UserContext(), *s); err != nil {
			return err
		}
	}
	h.Realm.ClearCookie(c)
	h.NewCSRFSecret(c)
	return c.Redirect("/jobb", fiber.StatusSeeOther)
}
