package staff

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"portal/employees"
	"portal/handlers/web"
	"portal/internal/tokens"
	"portal/sso"
)

// Paths of single sign-on.
const (
	PathSSO     = "/personal/sso"
	PathSSODone = "/personal/sso/klar" // the redirect URL registered at the provider
)

// ssoTTL is how long a login at the identity provider may take.
const ssoTTL = 10 * time.Minute

// SingleSignOn is the employer's identity provider, as the login uses it.
type SingleSignOn interface {
	// Begin starts a login: where to send the browser and what to keep
	// for the answer; sso.ErrUnavailable when the provider does not answer.
	Begin(ctx context.Context) (sso.Login, error)
	// Finish turns the provider's code for the login into the user name;
	// sso.ErrUnavailable, sso.ErrRefused or sso.ErrNoUser when it cannot.
	Finish(ctx context.Context, code string, l sso.Login) (string, error)
}

// People finds members of staff by user name.
type People interface {
	// Person returns the person, or employees.ErrNotFound.
	Person(ctx context.Context, user string) (employees.Person, error)
}

// Spender spends single-use keys, shared by every instance.
type Spender interface {
	// Spend reports true for the first use of key only.
	Spend(ctx context.Context, key string, keepUntil time.Time) (bool, error)
}

// SSO is single sign-on with the employer's identity provider: the start
// of a login there, and its answer.
type SSO struct {
	*web.Kit
	Entry
	Provider SingleSignOn // nil: no single sign-on, its pages are not found
	People   People
	Once     Spender
}

// ssoAttempt is what is kept of a login under way, under its state.
type ssoAttempt struct {
	Login   sso.Login `json:"login"`
	Bind    string    `json:"bind"` // the hash of the browser's binding cookie
	Next    string    `json:"next,omitempty"`
	Started time.Time `json:"started"`
}

// cookie binds a login to the browser that started it: an answer carried
// to another browser finds no login there.
func (h *SSO) cookie() string {
	if h.Cfg.Dev {
		return "sso"
	}
	return "__Host-sso"
}

// StartSSO sends the browser to the identity provider, with a state,
// nonce and PKCE challenge kept for the answer.
func (h *SSO) StartSSO(c *fiber.Ctx) error {
	if h.Provider == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	l, err := h.Provider.Begin(c.UserContext())
	if errors.Is(err, sso.ErrUnavailable) {
		return h.unavailable(c, err)
	}
	if err != nil {
		return err
	}
	// One binding serves the logins of every tab of the browser.
	bind := c.Cookies(h.cookie())
	if !hex64.MatchString(bind) {
		bind = tokens.New(32)
	}
	b, err := json.Marshal(ssoAttempt{Login: l, Bind: tokens.Hash(bind), Next: ssoNext(c.Query("next")), Started: h.Now()})
	if err != nil {
		return err
	}
	if err := h.Stash.Set(ssoKey(l.State), b, ssoTTL); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: h.cookie(), Value: bind, Path: "/", MaxAge: int(ssoTTL / time.Second), HTTPOnly: true,
		Secure: !h.Cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
	return c.Redirect(l.URL, fiber.StatusSeeOther)
}

// FinishSSO takes the identity provider's answer: the login it belongs to
// (in this browser, once), then the code for the user name, then the
// person, whose login goes on through the entry like any first factor.
func (h *SSO) FinishSSO(c *fiber.Ctx) error {
	if h.Provider == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer") // the address holds the code
	ctx := c.UserContext()
	a, ok, err := h.takeAttempt(c, utils.CopyString(c.Query("state")))
	if err != nil {
		return err
	}
	if !ok {
		h.Log.Info("single sign-on refused", "request_id", web.RequestIDOf(c), "reason", "no such login in this browser")
		return h.ssoPage(c, fiber.StatusBadRequest, "staff.sso.refused", "staff.sso.refused_text", "")
	}
	if e := c.Query("error"); e != "" {
		return h.providerError(c, e)
	}
	code := utils.CopyString(c.Query("code"))
	if code == "" {
		h.Log.Info("single sign-on refused", "request_id", web.RequestIDOf(c), "reason", "no code")
		return h.ssoPage(c, fiber.StatusBadRequest, "staff.sso.refused", "staff.sso.refused_text", "")
	}
	user, err := h.Provider.Finish(ctx, code, a.Login)
	switch {
	case errors.Is(err, sso.ErrUnavailable):
		return h.unavailable(c, err)
	case errors.Is(err, sso.ErrNoUser):
		h.Log.Info("single sign-on refused", "request_id", web.RequestIDOf(c), "reason", err)
		return h.ssoPage(c, fiber.StatusForbidden, "staff.sso.not_staff", "staff.sso.not_staff_text", "")
	case errors.Is(err, sso.ErrRefused):
		h.Log.Info("single sign-on refused", "request_id", web.RequestIDOf(c), "reason", err)
		return h.ssoPage(c, fiber.StatusBadRequest, "staff.sso.refused", "staff.sso.refused_text", "")
	case err != nil:
		return err
	}
	p, err := h.People.Person(ctx, user)
	if errors.Is(err, employees.ErrNotFound) || (err == nil && !p.Active) {
		// Not logged with the name: it is the provider's, and personal.
		h.Log.Info("single sign-on refused", "request_id", web.RequestIDOf(c), "reason", "not in the staff directory or inactive")
		return h.ssoPage(c, fiber.StatusForbidden, "staff.sso.not_staff", "staff.sso.not_staff_text", "")
	}
	if err != nil {
		return err
	}
	return h.FirstFactorDone(c, p.ID, false, a.Next)
}

// takeAttempt finds the login of the state, if this browser started it,
// and spends it: a state works once.
func (h *SSO) takeAttempt(c *fiber.Ctx, state string) (ssoAttempt, bool, error) {
	var a ssoAttempt
	if !hex64.MatchString(state) {
		return a, false, nil
	}
	b, err := h.Stash.Get(ssoKey(state))
	if err != nil || b == nil {
		return a, false, err
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return a, false, nil
	}
	// Another browser's answer is refused before it can spend the state.
	bind := c.Cookies(h.cookie())
	if bind == "" || subtle.ConstantTimeCompare([]byte(tokens.Hash(bind)), []byte(a.Bind)) != 1 || a.Login.State != state {
		return a, false, nil
	}
	first, err := h.Once.Spend(c.UserContext(), tokens.Hash(state), a.Started.Add(ssoTTL))
	if err != nil || !first {
		return a, false, err
	}
	_ = h.Stash.Delete(ssoKey(state))
	return a, true, nil
}

// providerError shows what the identity provider answered instead of a
// code: a refusal, or its trouble.
func (h *SSO) providerError(c *fiber.Ctx, code string) error {
	if !errorCode.MatchString(code) {
		code = "invalid"
	}
	h.Log.Info("single sign-on: the provider answered with an error", "request_id", web.RequestIDOf(c), "error", code)
	switch code {
	case "access_denied":
		return h.ssoPage(c, fiber.StatusForbidden, "staff.sso.denied", "staff.sso.denied_text", "")
	case "temporarily_unavailable", "server_error":
		c.Set(fiber.HeaderRetryAfter, "30")
		return h.ssoPage(c, fiber.StatusServiceUnavailable, "staff.sso.unavailable", "staff.sso.unavailable_text", "")
	}
	return h.ssoPage(c, fiber.StatusBadRequest, "staff.sso.failed", "staff.sso.failed_text", code)
}

// unavailable is the page for a provider that does not answer.
func (h *SSO) unavailable(c *fiber.Ctx, err error) error {
	h.Log.Warn("single sign-on: the provider does not answer", "request_id", web.RequestIDOf(c), "err", err)
	c.Set(fiber.HeaderRetryAfter, "30")
	return h.ssoPage(c, fiber.StatusServiceUnavailable, "staff.sso.unavailable", "staff.sso.unavailable_text", "")
}

// ssoPage shows why a single sign-on did not log in, with a way to try
// again.
func (h *SSO) ssoPage(c *fiber.Ctx, status int, heading, message, detail string) error {
	c.Status(status)
	return h.Render(c, "staff/sso", web.Page{Title: web.L(c).T(heading), Data: fiber.Map{
		"Heading": heading, "Message": message, "Detail": detail, "Retry": PathSSO, "Login": PathLogin,
	}})
}

func ssoKey(state string) string { return "sso:" + tokens.Hash(state) }

var (
	hex64     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	errorCode = regexp.MustCompile(`^[a-z_]{1,40}$`)
)

// ssoNext is where a login may go afterwards: a page of the staff
// surface, else the start page.
func ssoNext(next string) string {
	next = web.LocalPathOrEmpty(next)
	if next != PathHome && !strings.HasPrefix(next, PathHome+"/") || strings.HasPrefix(next, PathSSO) {
		return ""
	}
	return next
}
