// Package handlers is the HTTP side of the portal: the one route table,
// thin handlers, middleware and the mapping of errors to pages.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"portal/jobs"
	"portal/mail"
	"portal/views"
)

// JobBoard is what the job pages need.
type JobBoard interface {
	Search(ctx context.Context, q jobs.Query) (jobs.Result, error)
	Ad(ctx context.Context, ref string) (jobs.Ad, error)
	Generation(ctx context.Context) (string, error)
	Now() time.Time
}

// Mailer puts e-mail in the outbox.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// MailLog lists recent outbox messages (development only).
type MailLog interface {
	Recent(ctx context.Context, limit int) ([]mail.Record, error)
}

// Counter counts events per key in fixed windows, shared by all instances.
type Counter interface {
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error)
}

// Storage keeps middleware state (CSRF tokens) where every instance sees it;
// it has the shape of fiber.Storage.
type Storage = fiber.Storage

// Check is one dependency /readyz tries.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Config is the HTTP side's part of the configuration.
type Config struct {
	Dev            bool
	BaseURL        string // absolute, without a trailing slash
	SiteName       string // the employer, shown in the header and titles
	SupportEmail   string
	BodyLimit      int
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	TrustedProxies []string
}

// Deps are the services the handlers call.
type Deps struct {
	Board   JobBoard
	Mailer  Mailer
	MailLog MailLog
	Counter Counter
	Storage Storage
	Checks  []Check
	Log     *slog.Logger
}

type handler struct {
	cfg     Config
	deps    Deps
	locales *views.Locales
	proxies *proxies
	feeds   *cache[renderedFeed]
	pages   *cache[[]byte]
}

// New builds the Fiber app with every route.
func New(cfg Config, deps Deps) (*fiber.App, error) {
	engine, err := views.NewEngine(deps.Board.Now)
	if err != nil {
		return nil, err
	}
	locales, err := views.LoadLocales()
	if err != nil {
		return nil, err
	}
	trusted, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	h := &handler{cfg: cfg, deps: deps, locales: locales, proxies: trusted, feeds: newCache[renderedFeed](256), pages: newCache[[]byte](512)}
	app := fiber.New(fiber.Config{
		Views:                   engine,
		ErrorHandler:            h.handleError,
		BodyLimit:               cfg.BodyLimit,
		ReadTimeout:             cfg.ReadTimeout,
		WriteTimeout:            cfg.WriteTimeout,
		IdleTimeout:             cfg.IdleTimeout,
		ReadBufferSize:          16 * 1024,
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableTrustedProxyCheck: true, // Fiber trusts every client otherwise
		TrustedProxies:          cfg.TrustedProxies,
		DisableStartupMessage:   true,
		ServerHeader:            "",
		AppName:                 "portal",
	})

	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: h.logPanic}))
	app.Use(h.requestID, h.accessLog, securityHeaders(), h.locale)

	app.Get("/healthz", h.showHealth)
	app.Get("/readyz", h.showReady)
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(views.Static()), MaxAge: 365 * 24 * 3600}))
	app.Get("/robots.txt", h.showRobots)
	app.Get("/sitemap.xml", h.showSitemap)
	app.Get("/sprak/:lang", h.switchLanguage)

	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/jobb", fiber.StatusFound) })
	app.Get("/jobb", h.showJobList)
	app.Get("/jobb/feed.:format", h.showFeed)
	app.Get("/jobb/:ref", h.showJobPage)
	app.Get("/jobb/:ref/ansok", h.showApplyPage)
	app.Get("/tillganglighet", h.showAccessibility)

	forms := app.Group("", h.csrf())
	forms.Get("/support", h.showSupport)
	forms.Post("/support", h.limit("support", 5, time.Hour), h.sendSupport)

	if cfg.Dev {
		app.Get("/dev/mail", h.showDevMail)
		app.Get("/dev/mail.json", h.showDevMailJSON)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}
