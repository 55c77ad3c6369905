package applicant

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/internal/tokens"
)

// Gate guards the applicant's pages.
type Gate struct {
	*web.Kit
}

// RequireLogin lets only logged-in applicants through; others go to the
// login page and come back here afterwards. A session opened with a
// temporary password reaches nothing but the page to choose a new one.
// Pages behind it are never stored by the browser.
func (h *Gate) RequireLogin(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	s := web.SessionOf(c)
	if s == nil {
		if err := stashAnswers(h.Kit, c); err != nil {
			return err
		}
		next := string(c.Request().URI().RequestURI())
		if c.Method() != fiber.MethodGet {
			next = string(c.Request().URI().Path())
		}
		q := "?next=" + url.QueryEscape(next)
		if web.SessionEnded(c) {
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

// Answers typed into the application form when the login had already
// ended are kept for an hour and put back after the applicant logs in.
const stashCookie = "stash"

var questionsPath = regexp.MustCompile(`^/ansokan/[0-9a-f]{24}/fragor$`)

// stashAnswers keeps the answers of a questions form posted without a live
// login, under a random key in a cookie scoped to the application pages.
func stashAnswers(h *web.Kit, c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost || !questionsPath.MatchString(c.Path()) {
		return nil
	}
	vals := url.Values{}
	c.Context().PostArgs().VisitAll(func(k, v []byte) {
		if strings.HasPrefix(string(k), "q_") {
			vals.Add(string(k), string(v))
		}
	})
	if len(vals) == 0 {
		return nil
	}
	key := tokens.New(16)
	if err := h.Stash.Set("stash:"+key+":"+c.Path(), []byte(vals.Encode()), time.Hour); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: stashCookie, Value: key, Path: "/ansokan", MaxAge: 3600, HTTPOnly: true,
		Secure: !h.Cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
	return nil
}

// takeStash returns answers kept for this page, once.
func takeStash(h *web.Kit, c *fiber.Ctx) map[string][]string {
	key := c.Cookies(stashCookie)
	if key == "" {
		return nil
	}
	c.Cookie(&fiber.Cookie{Name: stashCookie, Value: "", Path: "/ansokan", MaxAge: -1, HTTPOnly: true,
		Secure: !h.Cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
	id := "stash:" + key + ":" + c.Path()
	b, err := h.Stash.Get(id)
	if err != nil || b == nil {
		return nil
	}
	_ = h.Stash.Delete(id)
	vals, err := url.ParseQuery(string(b))
	if err != nil {
		return nil
	}
	return vals
}
