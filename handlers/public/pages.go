package public

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
)

// Check is one dependency /readyz tries.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Pages is the pages of the site itself: accessibility statement, the
// language switch and the health answers.
type Pages struct {
	*web.Kit
	Checks []Check
}

// ShowAccessibility shows the accessibility statement.
func (h *Pages) ShowAccessibility(c *fiber.Ctx) error {
	return h.Render(c, "pages/accessibility", web.Page{Title: web.L(c).T("a11y.title")})
}

// SwitchLanguage remembers the chosen language for a year and goes back to
// the page the user came from.
func (h *Pages) SwitchLanguage(c *fiber.Ctx) error {
	lang := c.Params("lang")
	if h.Locales.Get(lang).Lang != lang {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{
		Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: !h.Cfg.Dev, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	return c.Redirect(web.LocalPath(c.Query("next")), fiber.StatusSeeOther)
}

// ShowHealth answers that the server is running, whatever the database does.
func (h *Pages) ShowHealth(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// ShowReady reports whether the database and the bucket answer. Each
// check runs at once with a deadline of its own, so one that hangs makes
// no other look down.
func (h *Pages) ShowReady(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	results := make([]error, len(h.Checks))
	var wg sync.WaitGroup
	for i, chk := range h.Checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
			defer cancel()
			results[i] = chk.Ping(ctx)
		}()
	}
	wg.Wait()
	status := map[string]string{}
	for i, chk := range h.Checks {
		status[chk.Name] = "ok"
		if err := results[i]; err != nil {
			status[chk.Name] = "unavailable"
			c.Status(fiber.StatusServiceUnavailable)
			h.Log.Warn("not ready", "check", chk.Name, "err", err)
		}
	}
	return c.JSON(status)
}

// checkTimeout bounds each check of /readyz.
const checkTimeout = 3 * time.Second
