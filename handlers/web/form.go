package web

import (
	"errors"
	"net/url"
	"strings"

	"portal/valid"

	"github.com/gofiber/fiber/v2"
)

// Form reads the named fields of a posted form, trimmed (passwords as
// typed) and copied out of Fiber's reused buffers.
func Form(c *fiber.Ctx, fields ...string) map[string]string {
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		v := strings.Clone(c.FormValue(f))
		if !strings.Contains(f, "password") && f != "current" && f != "confirm" {
			v = strings.TrimSpace(v)
		}
		out[f] = v
	}
	return out
}

// FieldErrors returns what is wrong with a form when err says so.
func FieldErrors(err error) (valid.Problems, bool) {
	var p valid.Problems
	return p, errors.As(err, &p)
}

// FormPage renders a form page of the account section with what was typed
// and what is wrong.
func (k *Kit) FormPage(c *fiber.Ctx, name, titleKey string, data fiber.Map) error {
	return k.FormPageIn(c, name, titleKey, "account", data)
}

// FormPageIn is formPage for a page of any menu section; never cached.
func (k *Kit) FormPageIn(c *fiber.Ctx, name, titleKey, section string, data fiber.Map) error {
	data["CSRF"] = CSRFToken(c)
	if _, ok := data["Form"]; !ok {
		data["Form"] = map[string]string{}
	}
	if errs, ok := data["Errors"].(valid.Problems); ok && len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return k.Render(c, name, Page{Title: L(c).T(titleKey), Section: section, Data: data})
}

// LocalPath returns next if it is a path on this site, else the job board;
// it keeps redirects from leading elsewhere.
func LocalPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/jobb"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/jobb"
	}
	return next
}

// LocalPathOrEmpty is localPath for an optional "next": "" stays "".
func LocalPathOrEmpty(next string) string {
	if next == "" {
		return ""
	}
	return LocalPath(next)
}
