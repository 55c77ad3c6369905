// Package handlers is the HTTP side of the portal: the one route table,
// thin handlers, middleware and the mapping of errors to pages.
package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/jobs"
	"portal/mail"
	"portal/sessions"
	"portal/valid"
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

// Accounts is what the account pages need.
type Accounts interface {
	Register(ctx context.Context, r applicants.Registration) error
	SendVerification(ctx context.Context, a applicants.Account, lang string) error
	Verify(ctx context.Context, token string) (applicants.Account, error)
	Login(ctx context.Context, email, password, ip string) (applicants.Account, bool, error)
	RequestReset(ctx context.Context, email, ip, lang string) error
	SetNewPassword(ctx context.Context, id, password, ip, lang string) error
	ChangePassword(ctx context.Context, id, current, password, ip, lang string) error
	UpdateProfile(ctx context.Context, id string, p applicants.Profile, ip string) (applicants.Profile, error)
	Account(ctx context.Context, id string) (applicants.Account, error)
	Events(ctx context.Context, id string) ([]applicants.Event, error)
	Record(ctx context.Context, id, kind, ip string)
	RequestEmailChange(ctx context.Context, id, newEmail, password, lang string) error
	ConfirmEmailChange(ctx context.Context, token, lang string) (applicants.Account, error)
	EarliestDeletion(ctx context.Context, id string) (time.Time, error)
	Delete(ctx context.Context, id, password, ip string) (time.Time, bool, error)
	CancelDeletion(ctx context.Context, id, ip string) error
	ExportData(ctx context.Context, id string) (applicants.Export, error)
}

// Applying is the application service.
type Applying interface {
	Start(ctx context.Context, applicant string, ad jobs.Ad) (applications.Application, error)
	Get(ctx context.Context, applicant, id string) (applications.Application, error)
	SaveAnswers(ctx context.Context, a applications.Application, questions []jobs.Question, form map[string][]string, next string) (applications.Application, valid.Problems, error)
	AddFiles(ctx context.Context, a applications.Application, uploads []applications.Upload) (applications.Application, []*applications.FileError, error)
	RemoveFile(ctx context.Context, a applications.Application, attID string) (applications.Application, error)
	AttachmentsOf(ctx context.Context, a applications.Application) ([]applications.Attachment, error)
	Submit(ctx context.Context, a applications.Application, ad jobs.Ad, lang string) (applications.Application, error)
	Withdraw(ctx context.Context, a applications.Application) (applications.Application, error)
	List(ctx context.Context, applicant string) ([]applications.Application, error)
	OpenFile(ctx context.Context, owner, id string) (applications.Attachment, io.ReadCloser, error)
	// StatFile checks that a file can be opened; a missing one is
	// applications.ErrNotFound, any other error a storage that does not answer.
	StatFile(ctx context.Context, owner, id string) (applications.Attachment, error)
	Versions(ctx context.Context, a applications.Application) ([]applications.Version, error)
}

// Alerts is the job-alert service.
type Alerts interface {
	Subscribe(ctx context.Context, r alerts.Request) error
	Confirmable(ctx context.Context, token string) (alerts.Subscription, error)
	Confirm(ctx context.Context, token string) (alerts.Subscription, error)
	Interest(ctx context.Context, account string) (alerts.Subscription, error)
	SaveInterest(ctx context.Context, o alerts.Owner, r alerts.Request) (alerts.Subscription, error)
	StopInterest(ctx context.Context, account string) error
	Signed(ctx context.Context, purpose, id, sig string) (alerts.Subscription, error)
	Update(ctx context.Context, id, sig string, r alerts.Request) (alerts.Subscription, error)
	Unsubscribe(ctx context.Context, id, sig string) (bool, error)
	Renew(ctx context.Context, id, sig string) (alerts.Subscription, error)
	Feed(ctx context.Context, feedID string, open []jobs.Ad) (alerts.Subscription, []jobs.Ad, error)
	LinksOf(s alerts.Subscription) alerts.Links
}

// OutboxAdmin is what the administration page of e-mail needs.
type OutboxAdmin interface {
	Counts(ctx context.Context) (map[string]int64, error)
	Failed(ctx context.Context, limit int) ([]mail.Record, error)
	Requeue(ctx context.Context, id string, now time.Time) error
}

// Sessions starts, checks and ends logins.
type Sessions interface {
	Start(ctx context.Context, accountID string, public, restricted bool) (string, sessions.Session, error)
	Load(ctx context.Context, token string) (sessions.Session, error)
	End(ctx context.Context, s sessions.Session) error
	EndOthers(ctx context.Context, s sessions.Session) error
	Extend(ctx context.Context, s sessions.Session) (sessions.Session, error)
}

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
	BodyLimit      int    // of an upload form; other forms have formLimit
	UploadDir      string // where uploaded files wait while they are checked
	SigningKey     []byte // keys the forms' tokens
	ReadTimeout    time.Duration
	RequestTimeout time.Duration // for the work of a request; uploads get uploadMax more
	UploadIdle     time.Duration // longest wait for more of an upload
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	TrustedProxies []string
}

// Deps are the services the handlers call.
type Deps struct {
	Board    JobBoard
	Accounts Accounts
	Applying Applying
	Alerts   Alerts
	Outbox   OutboxAdmin
	Sessions Sessions
	Mailer   Mailer
	MailLog  MailLog
	Counter  Counter
	Storage  Storage
	Checks   []Check
	Log      *slog.Logger
}

type handler struct {
	cfg     Config
	deps    Deps
	locales *views.Locales
	proxies *proxies
	csrfKey []byte
	origin  string // of BaseURL, as browsers send it in Origin
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
	if cfg.UploadIdle <= 0 {
		cfg.UploadIdle = 30 * time.Second
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 20 * time.Second
	}
	if len(cfg.SigningKey) == 0 {
		return nil, errors.New("handlers: no signing key")
	}
	mac := hmac.New(sha256.New, cfg.SigningKey)
	mac.Write([]byte("csrf"))
	h := &handler{cfg: cfg, deps: deps, locales: locales, proxies: trusted, csrfKey: mac.Sum(nil), origin: originOf(cfg.BaseURL),
		feeds: newCache[renderedFeed](256), pages: newCache[[]byte](512)}
	app := fiber.New(fiber.Config{
		Views:          engine,
		ErrorHandler:   h.handleError,
		BodyLimit:      cfg.BodyLimit,
		ReadTimeout:    cfg.ReadTimeout,
		WriteTimeout:   cfg.WriteTimeout,
		IdleTimeout:    cfg.IdleTimeout,
		ReadBufferSize: 16 * 1024,
		// Bodies are read as they arrive: an upload's files go to temporary
		// files on disk instead of memory, so many uploads at once stay cheap.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ProxyHeader:                  fiber.HeaderXForwardedFor,
		EnableTrustedProxyCheck:      true, // Fiber trusts every client otherwise
		TrustedProxies:               cfg.TrustedProxies,
		DisableStartupMessage:        true,
		ServerHeader:                 "",
		AppName:                      "portal",
	})

	app.Server().HeaderReceived = h.headerReceived

	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: h.logPanic}))
	// The language comes first, so that even a body refused before it is
	// read gets its page in the user's language.
	app.Use(h.requestID, h.accessLog, h.deadline, h.securityHeaders(), h.locale, h.bodyRules)
	// Health answers load no session: they must answer whatever the
	// database does.
	app.Get("/healthz", h.showHealth)
	app.Get("/readyz", h.showReady)
	app.Use(h.loadSession)
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(views.Static()), MaxAge: 365 * 24 * 3600}))
	app.Get("/robots.txt", h.showRobots)
	app.Get("/sitemap.xml", h.showSitemap)
	app.Get("/sprak/:lang", h.switchLanguage)

	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/jobb", fiber.StatusFound) })
	app.Get("/jobb", h.showJobList)
	app.Get("/jobb/feed.:format", h.showFeed)
	app.Get("/jobb/:ref", h.showJobPage)
	app.Get("/tillganglighet", h.showAccessibility)

	// Forms carry CSRF tokens; account pages also need a login. Middleware
	// is given per route: a Group without a prefix would run it for every
	// route registered after it.
	csrf, login := h.csrf(), h.requireLogin
	app.Get("/support", csrf, h.showSupport)
	app.Post("/support", csrf, h.limit("support", 5, time.Hour), h.sendSupport)
	app.Get("/logga-in", csrf, h.showLogin)
	app.Post("/logga-in", csrf, h.limit("login", 60, 15*time.Minute), h.login)
	app.Get("/logga-ut", csrf, h.showLogout)
	app.Post("/logga-ut", csrf, h.logout)
	app.Get("/konto/ny", csrf, h.showRegister)
	app.Post("/konto/ny", csrf, h.limit("register", 20, time.Hour), h.register)
	app.Get("/glomt-losenord", csrf, h.showForgot)
	app.Post("/glomt-losenord", csrf, h.limit("reset", 30, time.Hour), h.requestReset)
	app.Get("/konto/verifiera", csrf, h.showVerifyEmail)
	app.Post("/konto/verifiera", csrf, h.verifyEmail)
	app.Post("/konto/verifiera/skicka", csrf, login, h.limit("verify", 10, time.Hour), h.resendVerification)
	app.Get("/nytt-losenord", csrf, login, h.showNewPassword)
	app.Post("/nytt-losenord", csrf, login, h.limit("new-password", 30, time.Hour), h.setNewPassword)
	app.Get("/mina-uppgifter", csrf, login, h.showProfile)
	app.Post("/mina-uppgifter", csrf, login, h.saveProfile)
	app.Post("/mina-uppgifter/losenord", csrf, login, h.changePassword)
	app.Post("/mina-uppgifter/e-post", csrf, login, h.changeEmail)
	app.Get("/konto/byt-epost", csrf, h.showConfirmEmailChange)
	app.Post("/konto/byt-epost", csrf, h.confirmEmailChange)
	app.Post("/mina-uppgifter/radera", csrf, login, h.deleteAccount)
	app.Post("/mina-uppgifter/radera/avbryt", csrf, login, h.cancelDeletion)
	app.Get("/mina-uppgifter/hamta", login, h.downloadData)
	app.Post("/session/forlang", login, h.extendSession)
	app.Get("/jobb/:ref/ansok", csrf, login, h.showStartApplication)
	app.Post("/jobb/:ref/ansok", csrf, login, h.startApplication)
	app.Get("/mina-ansokningar", csrf, login, h.showApplications)
	app.Get("/ansokan/:id/fragor", csrf, login, h.showQuestions)
	app.Post("/ansokan/:id/fragor", csrf, login, h.saveQuestions)
	app.Get("/ansokan/:id/bilagor", csrf, login, h.showAttachments)
	app.Post("/ansokan/:id/bilagor", csrf, login, h.uploadAttachments)
	app.Get("/ansokan/:id/bilagor/:att", login, h.downloadAttachment)
	app.Post("/ansokan/:id/bilagor/:att/ta-bort", csrf, login, h.removeAttachment)
	app.Get("/ansokan/:id/sammanfattning", csrf, login, h.showSummary)
	app.Post("/ansokan/:id/skicka", csrf, login, h.submitApplication)
	app.Get("/ansokan/:id/kvitto", login, h.showReceipt)
	app.Get("/ansokan/:id/aterkalla", csrf, login, h.showWithdraw)
	app.Post("/ansokan/:id/aterkalla", csrf, login, h.withdrawApplication)

	app.Get("/bevakning", csrf, h.showSubscribe)
	app.Post("/bevakning", csrf, h.limit("subscribe", 20, time.Hour), h.subscribe)
	app.Get("/bevakning/bekrafta/:token", csrf, h.showConfirm)
	app.Post("/bevakning/bekrafta/:token", csrf, h.confirmSubscription)
	app.Get("/bevakning/flode/:file", h.showAlertFeed)
	app.Get("/bevakning/:id/andra/:sig", csrf, h.showManage)
	app.Post("/bevakning/:id/andra/:sig", csrf, h.saveManage)
	app.Get("/bevakning/:id/avsluta/:sig", h.showUnsubscribe)
	app.Post("/bevakning/:id/avsluta/:sig", h.unsubscribe) // one click from mail programs (RFC 8058): no CSRF token
	app.Get("/bevakning/:id/fornya/:sig", csrf, h.showRenew)
	app.Post("/bevakning/:id/fornya/:sig", csrf, h.renew)
	app.Get("/intresseanmalan", csrf, login, h.showInterest)
	app.Post("/intresseanmalan", csrf, login, h.reviewInterest)
	app.Post("/intresseanmalan/spara", csrf, login, h.saveInterest)
	app.Post("/intresseanmalan/avsluta", csrf, login, h.stopInterest)
	app.Get("/admin/utskick", csrf, login, h.requireAdmin, h.showOutbox)
	app.Post("/admin/utskick/:id/forsok-igen", csrf, login, h.requireAdmin, h.retryMail)

	if cfg.Dev {
		app.Get("/dev/mail", h.showDevMail)
		app.Get("/dev/mail.json", h.showDevMailJSON)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}
