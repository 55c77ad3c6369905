package web

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"

	"portal/internal/tokens"
	"portal/views"
)

// Keys of values kept in c.Locals.
const (
	localRequestID = "request_id"
	localLocalizer = "localizer"
	localCSRF      = "csrf"
)

// RequestID gives every request an id of its own, sent back in
// X-Request-ID and logged, so a user's error code finds the log line.
func (k *Kit) RequestID(c *fiber.Ctx) error {
	id := tokens.New(8)
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

// RequestIDOf returns the request's id, the one logged and shown on error pages.
func RequestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// AccessLog logs each request once, after it is answered. Query strings are
// left out: they can hold what people search for.
func (k *Kit) AccessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	if c.Path() == "/healthz" || c.Path() == "/readyz" || strings.HasPrefix(c.Path(), "/static/") {
		return nil
	}
	k.Log.Info("request", "method", c.Method(), "path", loggedPath(c), "status", status,
		"duration_ms", float64(time.Since(start).Microseconds())/1000, "request_id", RequestIDOf(c), "ip", k.ClientIP(c))
	return nil
}

// loggedParams are the route parameters the log may show; any other (a
// confirmation token, a link's signature, a feed's secret name) is logged
// by its name only.
var loggedParams = map[string]bool{"ref": true, "id": true, "att": true, "lang": true, "format": true}

// loggedPath is the request's path with the secrets of links taken out.
// A path that matched no route is logged by its first segment only, as it
// may be a link with a token that was cut or mistyped.
func loggedPath(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || len(r.Params) == 0 || !strings.Contains(r.Path, ":") {
		if r != nil && (r.Path == "/" || strings.HasSuffix(r.Path, "*")) && c.Path() != "/" {
			first := strings.TrimPrefix(c.Path(), "/")
			if i := strings.IndexAny(first, "/%"); i >= 0 { // %2F is a slash too
				first = first[:i]
			}
			return "/" + first + "/…"
		}
		return c.Path()
	}
	segments := strings.Split(r.Path, "/")
	for i, seg := range segments {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			name = strings.TrimSuffix(name, "?")
			if loggedParams[name] {
				segments[i] = c.Params(name)
			}
		}
	}
	return strings.Join(segments, "/")
}

// LogPanic logs a panic in a handler with the request's id and the stack.
func (k *Kit) LogPanic(c *fiber.Ctx, e any) {
	k.Log.Error("panic", "request_id", RequestIDOf(c), "panic", fmt.Sprint(e), "stack", string(debug.Stack()))
}

// Deadline gives the request a context that ends after the route's time:
// every call to the database or the bucket made with it ends by then, and
// the user is told to try again instead of waiting on a server that hangs.
func (k *Kit) Deadline(c *fiber.Ctx) error {
	limit := k.Cfg.RequestTimeout
	if k.Cfg.IsUpload(c.Path()) {
		limit += uploadMax
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), limit)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// StreamContext is for an answer whose body is written after the handler
// returns. Until detach is called it ends with the request's deadline;
// after, it has streamTime of its own, ended by done once the body is sent.
func (k *Kit) StreamContext(c *fiber.Ctx) (ctx context.Context, detach, done func()) {
	ctx, done = context.WithTimeout(context.WithoutCancel(c.UserContext()), k.Cfg.RequestTimeout+streamTime)
	stop := context.AfterFunc(c.UserContext(), done)
	return ctx, func() { stop() }, done
}

// streamTime is how long the body of a download may take to send.
const streamTime = 10 * time.Minute

// CloseWith calls done when rc is closed, as Fiber does after sending it.
func CloseWith(rc io.ReadCloser, done func()) io.ReadCloser { return &closer{rc, done} }

type closer struct {
	io.ReadCloser
	done func()
}

func (c *closer) Close() error {
	defer c.done()
	return c.ReadCloser.Close()
}

// contentSecurityPolicy allows nothing from elsewhere and no inline script or style.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers of every answer. Outside development
// the portal is served over HTTPS only, so HSTS goes out whether or not
// the proxy in front says X-Forwarded-Proto (helmet sends it only when it
// can tell the request came over TLS).
func (k *Kit) SecurityHeaders() fiber.Handler {
	headers := helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy,
		ReferrerPolicy:            "strict-origin-when-cross-origin", // same-origin Referer for CSRF's HTTPS check
		XFrameOptions:             "DENY",
		HSTSMaxAge:                63072000,
		HSTSExcludeSubdomains:     true,
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
		CrossOriginEmbedderPolicy: "require-corp",
		CrossOriginOpenerPolicy:   "same-origin",
		CrossOriginResourcePolicy: "same-origin",
		OriginAgentCluster:        "?1",
		XDNSPrefetchControl:       "off",
		XDownloadOptions:          "noopen",
		XPermittedCrossDomain:     "none",
	})
	return func(c *fiber.Ctx) error {
		if !k.Cfg.Dev {
			c.Set(fiber.HeaderStrictTransportSecurity, hsts)
		}
		return headers(c)
	}
}

// hsts is the Strict-Transport-Security of production: two years.
const hsts = "max-age=63072000"

// Locale picks the language for the request: a remembered choice, else
// the browser's Accept-Language, else Swedish.
func (k *Kit) Locale(c *fiber.Ctx) error {
	c.Locals(localLocalizer, k.Locales.Pick(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage)))
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	return c.Next()
}

// L returns the localizer of the request's language.
func L(c *fiber.Ctx) *views.Localizer {
	l, _ := c.Locals(localLocalizer).(*views.Localizer)
	return l
}

// Limit allows max requests per client address and window, counted in the
// database so that every instance enforces the same limit.
func (k *Kit) Limit(name string, max int64, window time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, reset, err := k.Counter.Hit(c.UserContext(), name+":"+k.ClientIP(c), window, k.Now())
		if err != nil {
			return err
		}
		if n > max {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(time.Until(reset).Seconds())+1))
			return fiber.ErrTooManyRequests
		}
		return c.Next()
	}
}

// proxies are the configured reverse proxies.
type proxies struct{ Ranges }

func parseProxies(list []string) (*proxies, error) {
	r, err := ParseRanges(list, "trusted proxy")
	return &proxies{r}, err
}

func (p *proxies) trusted(s string) bool { return p.Contains(s) }

// Ranges are address ranges, such as the trusted proxies or networks.
type Ranges []netip.Prefix

// ParseRanges reads addresses and CIDR ranges; blank entries are left
// out. An error names the entry as what (e.g. "trusted proxy").
func ParseRanges(list []string, what string) (Ranges, error) {
	var out Ranges
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			addr, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("handlers: %s %q is not an address or range", what, s)
			}
			s = netip.PrefixFrom(addr, addr.BitLen()).String()
		}
		prefix, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("handlers: %s %q is not an address or range", what, s)
		}
		out = append(out, prefix.Masked())
	}
	return out, nil
}

// Contains reports whether the address s (IPv4 also as IPv4-mapped IPv6)
// is in one of the ranges.
func (r Ranges) Contains(s string) bool {
	addr, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, pr := range r {
		if pr.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientIP is the address of the client. X-Forwarded-For counts only when
// the connection comes from a trusted proxy, and is read from the right:
// the first address not of a trusted proxy is the client, since anything
// to its left the client could have written itself. Several header lines
// are one list (a proxy may add a line of its own instead of appending to
// the client's), so every line is read, the last one last.
func (k *Kit) ClientIP(c *fiber.Ctx) string {
	remote := c.Context().RemoteIP().String()
	if !k.proxies.trusted(remote) {
		return remote
	}
	var hops []string
	for _, line := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(line), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if _, err := netip.ParseAddr(hop); err != nil {
			return remote
		}
		if !k.proxies.trusted(hop) {
			return hop
		}
	}
	return remote
}
