package web

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/sessions"
)

// Keys of the realm and session of a request in c.Locals.
const (
	localRealm   = "realm"
	localSession = "session"
	localEnded   = "session_ended"
)

// SessionLoader finds the live session of a token.
type SessionLoader interface {
	// Load returns the session, or sessions.ErrNoSession for a token that
	// names no live session of the loader's realm.
	Load(ctx context.Context, token string) (sessions.Session, error)
}

// Realm is one part of the portal with logins of its own: its own cookie,
// its own sessions (a session of one realm never counts in another) and
// its own layout.
type Realm struct {
	// Private pages are never kept by the browser, error pages included.
	Private bool
	// Home and HomeText are the way back an error page offers; empty:
	// the job board.
	Home, HomeText string
	// NotFoundText replaces the text of the page for what is not found;
	// empty: the public site's (which speaks of ads).
	NotFoundText string
	kit          *Kit
	name         sessions.Realm
	cookie       string
	layout       string
	sessions     SessionLoader
}

// NewRealm makes the realm whose session cookie is called cookie (with
// the __Host- prefix outside development) and whose pages use layout.
func (k *Kit) NewRealm(name sessions.Realm, cookie, layout string, s SessionLoader) *Realm {
	if !k.Cfg.Dev {
		cookie = "__Host-" + cookie // __Host- cookies need HTTPS
	}
	return &Realm{kit: k, name: name, cookie: cookie, layout: layout, sessions: s}
}

// Load finds the session of the request's cookie, if it is live. A cookie
// naming no live session is removed; an unknown id is never taken up.
func (r *Realm) Load(c *fiber.Ctx) error {
	c.Locals(localRealm, r)
	c.Locals(localSession, nil) // nothing another realm found counts here
	c.Locals(localEnded, false)
	token := c.Cookies(r.cookie)
	if token == "" {
		return c.Next()
	}
	s, err := r.sessions.Load(c.UserContext(), token)
	switch {
	case errors.Is(err, sessions.ErrNoSession):
		r.ClearCookie(c)
		c.Locals(localEnded, true)
	case err != nil:
		return err
	default:
		c.Locals(localSession, &s)
	}
	return c.Next()
}

// Unless runs h for every request whose path does not start with prefix,
// compared as Fiber matches a group's prefix (in any case, and "/personalx"
// starts with "/personal"), so that exactly one realm loads each request;
// others go on untouched.
func Unless(prefix string, h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if p := c.Path(); len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
			return c.Next()
		}
		return h(c)
	}
}

// SessionOf is the live session of the request in its realm, or nil: a
// session of another realm is none.
func SessionOf(c *fiber.Ctx) *sessions.Session {
	s, _ := c.Locals(localSession).(*sessions.Session)
	if s == nil {
		return nil
	}
	if r := realmOf(c); r == nil || s.Realm != r.name {
		return nil
	}
	return s
}

// SessionEnded reports whether the request came with the cookie of a
// session that has ended.
func SessionEnded(c *fiber.Ctx) bool {
	ended, _ := c.Locals(localEnded).(bool)
	return ended
}

// realmOf is the realm whose pages the request is for, if any.
func realmOf(c *fiber.Ctx) *Realm {
	r, _ := c.Locals(localRealm).(*Realm)
	return r
}

// SetCookie gives the browser the token of a new session.
func (r *Realm) SetCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: r.cookie, Value: token, Path: "/", HTTPOnly: true,
		Secure: !r.kit.Cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
}

// ClearCookie removes the session cookie.
func (r *Realm) ClearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: r.cookie, Value: "", Path: "/", HTTPOnly: true, MaxAge: -1,
		Secure: !r.kit.Cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
}

// Enter makes a new session the request's: the browser gets its token
// and a new form secret (a token drawn before the login does not work
// after), and the page being drawn sees the login.
func (r *Realm) Enter(c *fiber.Ctx, token string, s *sessions.Session) {
	r.SetCookie(c, token)
	c.Locals(localSession, s)
	r.kit.NewCSRFSecret(c)
}

// Leave forgets the request's session: the cookie goes, and the page
// being drawn sees no login.
func (r *Realm) Leave(c *fiber.Ctx) {
	r.ClearCookie(c)
	c.Locals(localSession, nil)
}

// Extender records activity in a session now.
type Extender interface {
	Extend(ctx context.Context, s sessions.Session) (sessions.Session, error)
}

// ExtendSession answers "continue" in the time-out warning of a realm's
// pages. Instead of a form token it needs a custom header, which a
// cross-site page cannot send without a CORS preflight that the portal
// never grants. It runs behind the realm's login check.
func (k *Kit) ExtendSession(e Extender) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Get("X-Requested-With") != "fetch" {
			return fiber.ErrForbidden
		}
		s, err := e.Extend(c.UserContext(), *SessionOf(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"remaining_ms": max(s.EndsAt().Sub(k.Now()).Milliseconds(), 0)})
	}
}
