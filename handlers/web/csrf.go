package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/internal/tokens"
)

// Forms are protected by a signed double-submit token. The browser holds a
// random secret in an HttpOnly __Host- cookie; every form carries an HMAC
// of that secret under the portal's key. Nothing is stored on the server,
// so a Page view writes nothing and any instance can check any form. The
// secret is replaced at login and logout, so a token drawn before does not
// work after; a login that merely ran out keeps it, so answers posted then
// can still be kept.
// Fiber's own middleware is not used: it writes every token to the store
// and, over HTTPS, demands a Referer header that privacy settings and the
// Referrer-Policy of pages with signed links take away.

const (
	csrfField      = "_csrf"
	csrfSecretSize = 32 // bytes of the cookie's secret, before encoding
	// maxCSRFPart bounds the first part of a multipart form, where the
	// token must be: the rest of the body is not read before it is checked.
	maxCSRFPart = 512
)

// localMultipart keeps the reader of a multipart form whose first part,
// the token, the check has read; the handler reads the rest from it.
const localMultipart = "multipart"

func (k *Kit) csrfCookie() string {
	if k.Cfg.Dev {
		return "csrf" // __Host- cookies need HTTPS
	}
	return "__Host-csrf"
}

// CSRFToken is the token for forms on the Page being drawn.
func CSRFToken(c *fiber.Ctx) string {
	t, _ := c.Locals(localCSRF).(string)
	return t
}

// sign is the form token for a cookie secret.
func (k *Kit) sign(secret string) string {
	mac := hmac.New(sha256.New, k.csrfKey)
	mac.Write([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// NewCSRFSecret gives the browser a new secret, and the Page being drawn
// a token for it.
func (k *Kit) NewCSRFSecret(c *fiber.Ctx) {
	secret := tokens.New(csrfSecretSize)
	c.Cookie(&fiber.Cookie{Name: k.csrfCookie(), Value: secret, Path: "/", HTTPOnly: true,
		Secure: !k.Cfg.Dev, SameSite: fiber.CookieSameSiteLaxMode})
	c.Locals(localCSRF, k.sign(secret))
}

// CSRF gives the Page a token and, for a form sent to the route, checks
// where it came from and its token before anything else reads the body.
func (k *Kit) CSRF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		secret := c.Cookies(k.csrfCookie())
		if len(secret) != 2*csrfSecretSize { // hex
			secret = ""
		}
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
			if secret == "" {
				k.NewCSRFSecret(c)
			} else {
				c.Locals(localCSRF, k.sign(secret))
			}
			return c.Next()
		}
		if reason := k.crossSite(c); reason != "" {
			return k.refuseCSRF(c, reason)
		}
		if secret == "" {
			return k.refuseCSRF(c, "no cookie")
		}
		sent, err := k.sentToken(c)
		if err != nil {
			return err
		}
		want := k.sign(secret)
		if sent == "" || !hmac.Equal([]byte(sent), []byte(want)) {
			return k.refuseCSRF(c, "token does not match")
		}
		c.Locals(localCSRF, want)
		return c.Next()
	}
}

func (k *Kit) refuseCSRF(c *fiber.Ctx, reason string) error {
	k.Log.Warn("csrf refused", "request_id", RequestIDOf(c), "reason", reason)
	return ErrCSRF
}

// crossSite tells why a request came from another site, when the browser
// says so: Sec-Fetch-Site, or an Origin other than the portal's own.
func (k *Kit) crossSite(c *fiber.Ctx) string {
	switch c.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return "sent from another site"
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || origin == "null" || k.origin == "" {
		return ""
	}
	if !strings.EqualFold(origin, k.origin) {
		return "origin " + origin + " is not " + k.origin
	}
	return ""
}

// sentToken reads the token of a form. In a multipart form it must be the
// first part, so that nothing else is read before it is checked; the
// reader is kept for the handler.
func (k *Kit) sentToken(c *fiber.Ctx) (string, error) {
	mediaType, params, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if mediaType != fiber.MIMEMultipartForm {
		// From the body only: a token in an address would end up in logs
		// and Referer headers.
		return string(c.Request().PostArgs().Peek(csrfField)), nil
	}
	if params["boundary"] == "" {
		return "", fiber.ErrBadRequest
	}
	mr := multipart.NewReader(k.bodyReader(c), params["boundary"])
	part, err := mr.NextPart()
	if err != nil {
		return "", k.ReadError(c, err)
	}
	defer part.Close()
	if part.FormName() != csrfField || part.FileName() != "" {
		return "", nil
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(limitReader(part, maxCSRFPart)); err != nil {
		return "", k.ReadError(c, err)
	}
	c.Locals(localMultipart, mr)
	return b.String(), nil
}

// originOf is the scheme and host of an absolute address, as browsers
// send it in Origin.
func originOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
