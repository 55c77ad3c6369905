// Package web is the small kit every surface of the portal is built
// with: the middleware every request passes (request id, access log,
// deadline, headers, language, body rules), rendering, messages, form
// tokens, rate limits, the client's address, session realms, typed form
// reading and one table that maps errors to pages.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"portal/views"
)

// Config is the HTTP side's part of the configuration.
type Config struct {
	Dev            bool
	BaseURL        string // absolute, without a trailing slash
	SiteName       string // the employer, shown in the header and titles
	SupportEmail   string
	BodyLimit      int    // of an upload form; other forms have formLimit
	UploadDir      string // where uploaded files wait while they are checked
	SigningKey     []byte // keys the forms' tokens
	ReadTimeout    time.Duration
	RequestTimeout time.Duration // for the work of a request; uploads get uploadMax more
	UploadIdle     time.Duration // longest wait for more of an upload
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	TrustedProxies []string
	// TrustedNetworks are the organisation's address ranges (staff from
	// elsewhere need a second factor); empty: every address is outside.
	TrustedNetworks []string
	// IsUpload tells the upload route by its path: only it takes a body
	// over the form limit, read part by part.
	IsUpload func(path string) bool
}

// Counter counts events per key in fixed windows, shared by all instances.
type Counter interface {
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error)
}

// Kit is what every handler is built on.
type Kit struct {
	Cfg     Config
	Now     func() time.Time
	Locales *views.Locales
	Log     *slog.Logger
	Counter Counter
	// Stash keeps short-lived state where every instance sees it.
	Stash fiber.Storage

	proxies *proxies
	csrfKey []byte
	origin  string // of BaseURL, as browsers send it in Origin
	errors  []errorPage
}

// NewKit checks the configuration and makes the kit.
func NewKit(cfg Config, now func() time.Time, locales *views.Locales, log *slog.Logger, counter Counter, stash fiber.Storage) (*Kit, error) {
	trusted, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	if cfg.UploadIdle <= 0 {
		cfg.UploadIdle = 30 * time.Second
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 20 * time.Second
	}
	if cfg.IsUpload == nil {
		cfg.IsUpload = func(string) bool { return false }
	}
	if len(cfg.SigningKey) == 0 {
		return nil, errors.New("web: no signing key")
	}
	if now == nil || locales == nil || log == nil {
		return nil, errors.New("web: a clock, the locales and a logger are needed")
	}
	mac := hmac.New(sha256.New, cfg.SigningKey)
	mac.Write([]byte("csrf"))
	return &Kit{Cfg: cfg, Now: now, Locales: locales, Log: log, Counter: counter, Stash: stash,
		proxies: trusted, csrfKey: mac.Sum(nil), origin: originOf(cfg.BaseURL)}, nil
}

// App makes the Fiber app with the kit's error handler and limits.
func (k *Kit) App() (*fiber.App, error) {
	engine, err := views.NewEngine(k.Now)
	if err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		Views:          pages{engine},
		ErrorHandler:   k.HandleError,
		BodyLimit:      k.Cfg.BodyLimit,
		ReadTimeout:    k.Cfg.ReadTimeout,
		WriteTimeout:   k.Cfg.WriteTimeout,
		IdleTimeout:    k.Cfg.IdleTimeout,
		ReadBufferSize: 16 * 1024,
		// Bodies are read as they arrive: an upload's files go to temporary
		// files on disk instead of memory, so many uploads at once stay cheap.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ProxyHeader:                  fiber.HeaderXForwardedFor,
		EnableTrustedProxyCheck:      true, // Fiber trusts every client otherwise
		TrustedProxies:               k.Cfg.TrustedProxies,
		DisableStartupMessage:        true,
		ServerHeader:                 "",
		AppName:                      "portal",
	})
	app.Server().HeaderReceived = k.HeaderReceived
	// Fiber lists the mounted apps at the first render, unguarded: first
	// renders at once race over the list. One render here makes it before
	// any request; its own outcome does not matter.
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	_ = c.Render("errors/error", fiber.Map{})
	app.ReleaseCtx(c)
	return app, nil
}
