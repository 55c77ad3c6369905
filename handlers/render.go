package handlers

import (
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/views"
)

// page is what every page gives the layout besides its own data.
type page struct {
	Title       string
	Section     string // the menu entry to mark current
	Description string
	Canonical   string
	Feeds       []feedLink
	JSONLD      template.JS
	Data        fiber.Map
}

type feedLink struct {
	Type, Title, URL string
}

// render draws a page inside the base layout.
func (h *handler) render(c *fiber.Ctx, name string, p page) error {
	l := localizer(c)
	bind := fiber.Map{
		"L":                l,
		"Title":            p.Title,
		"Site":             h.cfg.SiteName,
		"Section":          p.Section,
		"Description":      p.Description,
		"Canonical":        p.Canonical,
		"Feeds":            p.Feeds,
		"JSONLD":           p.JSONLD,
		"AssetVersion":     views.AssetVersion,
		"LoggedIn":         sessionOf(c) != nil,
		"SessionRemaining": sessionRemaining(c, h.deps.Board.Now()),
		"LangSwitch":       "/sprak/" + l.Other() + "?next=" + url.QueryEscape(string(c.Request().URI().RequestURI())),
	}
	for k, v := range p.Data {
		bind[k] = v
	}
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Render(name, bind, "layouts/base")
}

// sessionRemaining is how many milliseconds the login has left.
func sessionRemaining(c *fiber.Ctx, now time.Time) int64 {
	s := sessionOf(c)
	if s == nil {
		return 0
	}
	return max(s.EndsAt().Sub(now).Milliseconds(), 0)
}

// abs makes a path absolute with the configured base address.
func (h *handler) abs(path string) string { return h.cfg.BaseURL + path }

// message shows a page with one message and a link onwards: the outcome of
// a link from an e-mail or of an action that leaves nothing to fill in.
// Such addresses may carry tokens, so the page is not kept and tells no
// other site where it was (its own forms still send their origin).
func (h *handler) message(c *fiber.Ctx, status int, section, heading, msg string, ok bool, link, linkText string) error {
	c.Status(status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return h.render(c, "account/message", page{Title: localizer(c).T(heading), Section: section, Data: fiber.Map{
		"Heading": heading, "Message": msg, "OK": ok, "Link": link, "LinkText": linkText,
	}})
}
