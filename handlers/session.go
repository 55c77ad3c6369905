package handlers

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/sessions"
)

const localSession = "session"

func (h *handler) sessionCookie() string {
	if h.cfg.Dev {
		return "sid" // __Host- cookies need HTTPS
	}
	return "__Host-sid"
}

// loadSession finds the session of the request's cookie, if it is live. A
// cookie naming no live session is removed; an unknown id is never taken up.
func (h *handler) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(h.sessionCookie())
	if token == "" {
		return c.Next()
	}
	s, err := h.deps.Sessions.Load(c.UserContext(), token)
	switch {
	case errors.Is(err, sessions.ErrNoSession):
		h.clearSessionCookie(c)
		c.Locals("session_ended", true)
	case err != nil:
		return err
	default:
		c.Locals(localSession, &s)
	}
	return c.Next()
}

func sessionOf(c *fiber.Ctx) *sessions.Session {
	s, _ := c.Locals(localSession).(*sessions.Session)
	return s
}

func (h *handler) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: h.sessionCookie(), Value: token, Path: "/", HTTPOnly: true,
		Secure: !h.cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
}

func (h *handler) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: h.sessionCookie(), Value: "", Path: "/", HTTPOnly: true, MaxAge: -1,
		Secure: !h.cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
}

// requireLogin lets only logged-in applicants through; others go to the
// login page and come back here afterwards. A session opened with a
// temporary password reaches nothing but the page to choose a new one.
// Pages behind it are never stored by the browser.
func (h *handler) requireLogin(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	s := sessionOf(c)
	if s == nil {
		next := string(c.Request().URI().RequestURI())
		if c.Method() != fiber.MethodGet {
			next = string(c.Request().URI().Path())
		}
		q := "?next=" + url.QueryEscape(next)
		if ended, _ := c.Locals("session_ended").(bool); ended {
			q += "&expired=1"
		}
		return c.Redirect("/logga-in"+q, fiber.StatusSeeOther)
	}
	if s.Restricted && c.Path() != "/nytt-losenord" {
		return c.Redirect("/nytt-losenord", fiber.StatusSeeOther)
	}
	c.Set("X-Session-Ends", strconv.FormatInt(s.EndsAt().UnixMilli(), 10))
	return c.Next()
}

// extendSession answers "continue" in the time-out warning. Instead of a
// form token it needs a custom header, which a cross-site page cannot send
// without a CORS preflight that the portal never grants.
func (h *handler) extendSession(c *fiber.Ctx) error {
	if c.Get("X-Requested-With") != "fetch" {
		return fiber.ErrForbidden
	}
	s, err := h.deps.Sessions.Extend(c.UserContext(), *sessionOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"remaining_ms": max(s.EndsAt().Sub(h.deps.Board.Now()).Milliseconds(), 0)})
}
