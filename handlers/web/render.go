package web

import (
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/views"
)

// Page is what every Page gives the layout besides its own data.
type Page struct {
	Title       string
	Section     string // the menu entry to mark current
	Description string
	Canonical   string
	Feeds       []FeedLink
	JSONLD      template.JS
	Data        fiber.Map
}

// FeedLink is a feed the page links to in its head.
type FeedLink struct {
	Type, Title, URL string
}

// Render draws a Page inside the base layout.
func (k *Kit) Render(c *fiber.Ctx, name string, p Page) error {
	l := L(c)
	bind := fiber.Map{
		"L":                l,
		"Title":            p.Title,
		"Site":             k.Cfg.SiteName,
		"Section":          p.Section,
		"Description":      p.Description,
		"Canonical":        p.Canonical,
		"Feeds":            p.Feeds,
		"JSONLD":           p.JSONLD,
		"AssetVersion":     views.AssetVersion,
		"LoggedIn":         SessionOf(c) != nil,
		"SessionRemaining": sessionRemaining(c, k.Now()),
		"CSRF":             CSRFToken(c), // for the forms of the layout
		"LangSwitch":       "/sprak/" + l.Other() + "?next=" + url.QueryEscape(langNext(c)),
	}
	if extra, ok := c.Locals(localLayout).(fiber.Map); ok {
		for k, v := range extra {
			bind[k] = v
		}
	}
	for k, v := range p.Data {
		bind[k] = v
	}
	r := realmOf(c)
	if r != nil && r.Private {
		c.Set(fiber.HeaderCacheControl, "no-store")
	} else if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	layout := "layouts/base"
	if r != nil && r.layout != "" {
		layout = r.layout
	}
	return c.Render(name, bind, layout)
}

// localLayout keeps what middleware gives the layout of the request's page.
const localLayout = "layout_data"

// SetLayout gives the layout of the request's page v under key, for what
// a realm's layout shows on every page (the staff header's person).
func SetLayout(c *fiber.Ctx, key string, v any) {
	m, ok := c.Locals(localLayout).(fiber.Map)
	if !ok {
		m = fiber.Map{}
		c.Locals(localLayout, m)
	}
	m[key] = v
}

// sessionRemaining is how many milliseconds the login has left.
func sessionRemaining(c *fiber.Ctx, now time.Time) int64 {
	s := SessionOf(c)
	if s == nil {
		return 0
	}
	return max(s.EndsAt().Sub(now).Milliseconds(), 0)
}

// Abs makes a path absolute with the configured base address.
func (k *Kit) Abs(path string) string { return k.Cfg.BaseURL + path }

// Message shows a Page with one message and a link onwards: the outcome of
// a link from an e-mail or of an action that leaves nothing to fill in.
// Such addresses may carry tokens, so the Page is not kept and tells no
// other site where it was (its own forms still send their origin).
func (k *Kit) Message(c *fiber.Ctx, status int, section, heading, msg string, ok bool, link, linkText string) error {
	c.Status(status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return k.Render(c, "account/message", Page{Title: L(c).T(heading), Section: section, Data: fiber.Map{
		"Heading": heading, "Message": msg, "OK": ok, "Link": link, "LinkText": linkText,
	}})
}

// langNext is the page the language link comes back to: this one, or for
// the answer to a form (whose address takes only the form) the page the
// form was on, else the start page of the realm.
func langNext(c *fiber.Ctx) string {
	if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead {
		return string(c.Request().URI().RequestURI())
	}
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Host == c.Hostname() && ref.Path != "" {
		return ref.RequestURI()
	}
	if r := realmOf(c); r != nil && r.Home != "" {
		return r.Home
	}
	return "/"
}
