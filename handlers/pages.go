package handlers

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

func (h *handler) showAccessibility(c *fiber.Ctx) error {
	return h.render(c, "pages/accessibility", page{Title: localizer(c).T("a11y.title")})
}

// switchLanguage remembers the chosen language for a year and goes back to
// the page the user came from.
func (h *handler) switchLanguage(c *fiber.Ctx) error {
	lang := c.Params("lang")
	if h.locales.Get(lang).Lang != lang {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{
		Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: !h.cfg.Dev, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	return c.Redirect(localPath(c.Query("next")), fiber.StatusSeeOther)
}

// localPath returns next if it is a path on this site, else the job board;
// it keeps redirects from leading elsewhere.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/jobb"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/jobb"
	}
	return next
}

// localPathOrEmpty is localPath for an optional "next": "" stays "".
func localPathOrEmpty(next string) string {
	if next == "" {
		return ""
	}
	return localPath(next)
}

func (h *handler) showHealth(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// showReady reports whether the database and the bucket answer. Each
// check runs at once with a deadline of its own, so one that hangs makes
// no other look down.
func (h *handler) showReady(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	results := make([]error, len(h.deps.Checks))
	var wg sync.WaitGroup
	for i, chk := range h.deps.Checks {
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
	for i, chk := range h.deps.Checks {
		status[chk.Name] = "ok"
		if err := results[i]; err != nil {
			status[chk.Name] = "unavailable"
			c.Status(fiber.StatusServiceUnavailable)
			h.deps.Log.Warn("not ready", "check", chk.Name, "err", err)
		}
	}
	return c.JSON(status)
}

// checkTimeout bounds each check of /readyz.
const checkTimeout = 3 * time.Second
