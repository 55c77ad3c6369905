package staff

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
)

// DevOutsideCookie, in development only, makes the portal treat the
// browser as outside the trusted networks (set at /dev/natverk), so that
// testers see the second step without leaving the office.
const DevOutsideCookie = "dev_outside"

// Networks are the trusted address ranges (the organisation's own
// networks): a request from elsewhere needs a second factor. The client's
// address counts only as the kit reads it: X-Forwarded-For only from a
// trusted proxy.
type Networks struct {
	Kit     *web.Kit
	Trusted web.Ranges
}

// NewNetworks reads the ranges: addresses or CIDR ranges; "none" or no
// range at all means that every request comes from outside.
func NewNetworks(k *web.Kit, ranges []string) (*Networks, error) {
	ranges = slices.DeleteFunc(slices.Clone(ranges), func(s string) bool { return strings.TrimSpace(s) == "none" })
	trusted, err := web.ParseRanges(ranges, "trusted network")
	if err != nil {
		return nil, err
	}
	return &Networks{Kit: k, Trusted: trusted}, nil
}

// Outside reports whether the request comes from outside every trusted
// range (or, in development, from a browser that asked to be treated so).
func (n *Networks) Outside(c *fiber.Ctx) bool {
	if n.Kit.Cfg.Dev && c.Cookies(DevOutsideCookie) == "1" {
		return true
	}
	return !n.Trusted.Contains(n.Kit.ClientIP(c))
}

// DevNetwork is the development page that switches the browser between
// inside and outside the trusted networks.
type DevNetwork struct {
	*web.Kit
	Network *Networks
}

// ShowDevNetwork says where the browser counts as being, with the switch.
func (h *DevNetwork) ShowDevNetwork(c *fiber.Ctx) error {
	return h.Render(c, "dev/network", web.Page{Title: web.L(c).T("factor.dev.title"), Data: fiber.Map{
		"Outside": h.Network.Outside(c), "Forced": c.Cookies(DevOutsideCookie) == "1", "IP": h.ClientIP(c),
		"CSRF": web.CSRFToken(c),
	}})
}

// SetDevNetwork sets or clears the cookie that makes the browser count as
// outside.
func (h *DevNetwork) SetDevNetwork(c *fiber.Ctx) error {
	if c.FormValue("outside") == "1" {
		c.Cookie(&fiber.Cookie{Name: DevOutsideCookie, Value: "1", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	} else {
		c.Cookie(&fiber.Cookie{Name: DevOutsideCookie, Value: "", Path: "/", HTTPOnly: true, MaxAge: -1, SameSite: fiber.CookieSameSiteLaxMode})
	}
	return c.Redirect("/dev/natverk", fiber.StatusSeeOther)
}
