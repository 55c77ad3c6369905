// Package staff is the staff surface: the pages of employees, managers,
// recruiters and administrators, under /personal, with logins of their own
// (the staff realm) and their own layout. Each area gets a file of its own
// here, its templates under views/templates/staff and its texts under the
// "staff." keys.
package staff

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/handlers/web"
)

// Home is the staff start page and logging out.
type Home struct {
	*web.Kit
	Entry
	// Header puts who is logged in into the layout; nil: nobody is shown.
	Header *Header
	// Nav puts the menu, favourites and messages into the layout; nil:
	// the layout has no menu.
	Nav *Nav
}

// Menu is what the menu asks to show the pages a person may open.
type Menu interface {
	// Permitted returns the permissions of the person's active roles.
	Permitted(ctx context.Context, personID string) (map[access.Permission]bool, error)
	// ManagesAnyone reports whether the person manages any employment.
	ManagesAnyone(ctx context.Context, personID string) (bool, error)
}

// RequireLogin lets only logged-in staff through, and gives the layout
// who they are; others go to the staff login page and come back here
// afterwards. Staff pages are never stored by the browser.
func (h *Home) RequireLogin(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	s := web.SessionOf(c)
	if s == nil {
		next := string(c.Request().URI().RequestURI())
		if c.Method() != fiber.MethodGet {
			next = string(c.Request().URI().Path())
		}
		q := ""
		if next = SafeNext(next); next != "" && next != PathHome && next != PathHome+"/" {
			q = "?next=" + url.QueryEscape(next)
		}
		if web.SessionEnded(c) {
			if q == "" {
				q = "?expired=1"
			} else {
				q += "&expired=1"
			}
		}
		return c.Redirect(PathLogin+q, fiber.StatusSeeOther)
	}
	if s.Stage != "" || s.Restricted { // a login not yet whole
		return c.Redirect(Onwards(s, ""), fiber.StatusSeeOther)
	}
	if h.Header != nil {
		ok, err := h.Header.Load(c, s)
		if err != nil {
			return err
		}
		if !ok { // the person has left since logging in
			if err := h.Sessions.End(c.UserContext(), *s); err != nil {
				return err
			}
			h.Realm.Leave(c)
			return c.Redirect(PathLogin, fiber.StatusSeeOther)
		}
	}
	if h.Nav != nil {
		if err := h.Nav.Load(c, s.AccountID); err != nil {
			return err
		}
	}
	c.Set("X-Session-Ends", strconv.FormatInt(s.EndsAt().UnixMilli(), 10))
	return c.Next()
}

// Logout ends the staff session on the server and shows the staff login
// page with "you are logged out".
func (h *Home) Logout(c *fiber.Ctx) error {
	if s := web.SessionOf(c); s != nil {
		if err := h.Sessions.End(c.UserContext(), *s); err != nil {
			return err
		}
	}
	h.Realm.ClearCookie(c)
	h.NewCSRFSecret(c)
	return c.Redirect(PathLogin+"?utloggad=1", fiber.StatusSeeOther)
}
