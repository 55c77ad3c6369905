package staff

import (
	"context"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/sessions"
)

// Stages of a staff login that is not yet whole.
const (
	// StageFactor: the first factor (password or single sign-on) is done
	// from outside the trusted networks; the second step is missing.
	StageFactor = "factor"
)

// Paths of the login's steps.
const (
	PathLogin       = "/personal/logga-in"
	PathSecondStep  = "/personal/logga-in/steg-tva"
	PathNewPassword = "/personal/byt-losenord"
	PathHome        = "/personal"
)

// Logins opens and ends staff sessions.
type Logins interface {
	Open(ctx context.Context, accountID string, o sessions.Options) (string, sessions.Session, error)
	End(ctx context.Context, s sessions.Session) error
	// EndOthers ends every other session of the person.
	EndOthers(ctx context.Context, s sessions.Session) error
}

// Network tells whether a request comes from outside the trusted
// networks, where a second factor is needed.
type Network interface {
	Outside(c *fiber.Ctx) bool
}

// Inside is the network of a portal with no second factor: every request
// counts as inside.
type Inside struct{}

// Outside reports false.
func (Inside) Outside(*fiber.Ctx) bool { return false }

// Entry is the one way into a staff login: every first factor (password,
// single sign-on) ends in FirstFactorDone, every later step in Advance,
// so that the rules of the stages live in one place.
type Entry struct {
	Realm    *web.Realm
	Sessions Logins
	Network  Network
	// Languages records the language of each whole login, for the
	// e-mail sent to the person later; nil: none is recorded.
	Languages interface {
		SetLanguage(ctx context.Context, personID, lang string) error
	}
}

// FirstFactorDone starts the login of the person whose first factor has
// just been checked: from outside it still lacks the second step; with a
// temporary or expired password it may only choose a new one. It answers
// with the redirect to where the login goes next.
func (e Entry) FirstFactorDone(c *fiber.Ctx, personID string, mustChangePassword bool, next string) error {
	o := sessions.Options{Restricted: mustChangePassword, Outside: e.Network.Outside(c)}
	if o.Outside {
		o.Stage = StageFactor
	}
	return e.open(c, personID, o, next)
}

// Advance replaces the session with a new one (a new id at every change
// of privilege) with the options o, and answers with the redirect onwards.
func (e Entry) Advance(c *fiber.Ctx, s *sessions.Session, o sessions.Options, next string) error {
	o.Outside = s.Outside // where the login came from stays
	return e.open(c, s.AccountID, o, next)
}

func (e Entry) open(c *fiber.Ctx, personID string, o sessions.Options, next string) error {
	if old := web.SessionOf(c); old != nil {
		_ = e.Sessions.End(c.UserContext(), *old)
	}
	token, s, err := e.Sessions.Open(c.UserContext(), personID, o)
	if err != nil {
		return err
	}
	if e.Languages != nil && o.Stage == "" && !o.Restricted {
		if err := e.Languages.SetLanguage(c.UserContext(), personID, web.L(c).Lang); err != nil {
			return err
		}
	}
	e.Realm.Enter(c, token, &s)
	return c.Redirect(Onwards(&s, next), fiber.StatusSeeOther)
}

// Onwards is where a session goes next: the step it lacks, else the page
// asked for, else the start page.
func Onwards(s *sessions.Session, next string) string {
	switch {
	case s.Stage == StageFactor:
		return withNext(PathSecondStep, next)
	case s.Restricted:
		return withNext(PathNewPassword, next)
	case next != "":
		return next
	}
	return PathHome
}

func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

// RequireSession lets through any staff session, at whatever stage: for
// "continue" in the time-out warning, which every page with a session
// shows, the pages of the second step included.
func RequireSession(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if web.SessionOf(c) == nil {
		return fiber.ErrUnauthorized
	}
	return c.Next()
}

// RequireStage lets through only a session that is at the stage (for
// the pages of that step); others go where they belong.
func RequireStage(stage string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		s := web.SessionOf(c)
		if s == nil {
			return c.Redirect(PathLogin, fiber.StatusSeeOther)
		}
		if s.Stage != stage {
			return c.Redirect(Onwards(s, ""), fiber.StatusSeeOther)
		}
		return c.Next()
	}
}
