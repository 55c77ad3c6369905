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
	// Menu tells which pages the person may open; nil: only their own.
	Menu Menu
	// Recruiting tells whether the person has recruitments to see; nil:
	// no link to them.
	Recruiting interface {
		SeesRecruitments(ctx context.Context, personID string) (bool, error)
	}
	// Registrar tells whether the person handles requests for official
	// documents; nil: no link to them.
	Registrar interface {
		May(ctx context.Context, personID string) (bool, error)
	}
}

// Menu is what the start page asks to list the pages a person may open.
type Menu interface {
	// Permitted returns the permissions of the person's active roles.
	Permitted(ctx context.Context, personID string) (map[access.Permission]bool, error)
	// ManagesAnyone reports whether the person manages any employment.
	ManagesAnyone(ctx context.Context, personID string) (bool, error)
}

// Link is one page of the start page's list.
type Link struct{ Href, Text string }

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
	c.Set("X-Session-Ends", strconv.FormatInt(s.EndsAt().UnixMilli(), 10))
	return c.Next()
}

// ShowHome is the start page of the staff surface: the pages the person
// may open, their own first, then those their roles give.
func (h *Home) ShowHome(c *fiber.Ctx) error {
	links := []Link{{"/personal/behorigheter", "access.roles.title"}, {"/personal/installningar", "stafflogin.settings.title"}}
	var admin []Link
	if h.Menu != nil {
		ctx, id := c.UserContext(), web.SessionOf(c).AccountID
		manages, err := h.Menu.ManagesAnyone(ctx, id)
		if err != nil {
			return err
		}
		if manages {
			links = append(links, Link{"/personal/behorigheter/att-signera", "access.sign.title"})
		}
		if h.Recruiting != nil {
			sees, err := h.Recruiting.SeesRecruitments(ctx, id)
			if err != nil {
				return err
			}
			if sees {
				links = append(links, Link{PathRecruitments, "recruit.list.title"})
			}
		}
		perms, err := h.Menu.Permitted(ctx, id)
		if err != nil {
			return err
		}
		for _, l := range []struct {
			perm access.Permission
			Link
		}{
			{access.PermGrantRoles, Link{"/personal/admin/behorigheter", "access.admin.title"}},
			{access.PermRecordCourses, Link{"/personal/admin/kurser", "access.courses.title"}},
			{access.PermReadAudit, Link{"/personal/admin/logg", "access.audit.title"}},
			{access.PermManageMail, Link{"/personal/admin/utskick", "admin.outbox.title"}},
			{access.PermRecruitStages, Link{PathStages, "recruitlist.stages.title"}},
			{access.PermRetention, Link{PathRetention, "retention.title"}},
		} {
			if perms[l.perm] {
				admin = append(admin, l.Link)
			}
		}
		if h.Registrar != nil {
			if ok, err := h.Registrar.May(ctx, id); err != nil {
				return err
			} else if ok {
				admin = append(admin, Link{PathRequests, "disclose.list.title"})
			}
		}
	}
	return h.Render(c, "staff/home", web.Page{Title: web.L(c).T("staff.home.title"), Section: "staff-home",
		Data: fiber.Map{"Links": links, "Admin": admin}})
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
