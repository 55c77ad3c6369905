// Package testapp builds the whole portal for tests: a fresh database with
// demo ads, the real stores and the Fiber app, as cmd/portal wires them.
package testapp

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/credentials"
	"portal/demo"
	"portal/factors"
	"portal/internal/app"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/mail"
	"portal/personal"
	"portal/sessions"
	"portal/sso"
	"portal/staffauth"
	"portal/storage"
)

// FastHasher is argon2id with small parameters, so tests do not wait on
// hashing; the production parameters are measured by make bench.
var FastHasher = credentials.Hasher{Params: argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}

// Options shape a test portal.
type Options struct {
	Dev            bool
	Now            time.Time // a fixed, settable clock from this moment; zero: the real clock
	Ads            int       // demo ads to store
	TrustedProxies []string
	// TrustedNetworks are the staff's inside ranges; nil: the address
	// app.Test requests come from (0.0.0.0) and loopback; "none": none.
	TrustedNetworks []string
	BaseURL         string          // default https://jobb.example.se
	Log             io.Writer       // default: nothing logged
	LogRequests     bool            // log every request, not only warnings
	Sessions        sessions.Policy // zero: sessions.DefaultPolicy
	BodyLimit       int             // zero: room for five 5 MiB attachments
	RequestTimeout  time.Duration   // zero: the portal's default
	ReadTimeout     time.Duration   // zero: 10 s
	UploadIdle      time.Duration   // zero: the portal's default
	// SSO is the staff's single sign-on (see internal/oidctest); nil: none.
	SSO *sso.Config
	// Staff configures the staff login.
	Staff app.Staff
	// StaffEditable is what staff may change under Personligt; nil: the
	// default, everything.
	StaffEditable personal.Editable
	// DB and Blobs, when set, are used instead of a fresh database and
	// bucket on the test servers.
	DB    *storage.DB
	Blobs *storage.Blobs
}

// Portal is a test portal.
type Portal struct {
	App      *fiber.App
	DB       *storage.DB
	Board    *jobs.Board
	Clock    *testenv.Clock // nil with the real clock
	Accounts *applicants.Accounts
	Applying *applications.Service
	Files    *applications.Files
	Blobs    *storage.Blobs
	Sessions *sessions.Manager
	// StaffSessions are the logins of the staff realm.
	StaffSessions *sessions.Manager
	Alerts        *alerts.Service
	// StaffAuth is the staff's passwords.
	StaffAuth *staffauth.Service
	// Access is the staff's roles, requests and grants.
	Access *access.Service
	// Personal is the staff's own personal data and relatives.
	Personal *personal.Service
	// Factors is the second step of staff logins from outside.
	Factors *factors.Service
	Publish *jobs.Publishing
	Outbox  *mail.Outbox
	Now     func() time.Time
	Ads     []jobs.Ad
	// UploadDir is where uploads wait while they are checked.
	UploadDir string
	// Services are all the portal's services, for what the fields above
	// do not name.
	*app.Services
}

// SigningKey signs the alert links of test portals.
var SigningKey = []byte("test signing key, thirty-two bytes or more")

// New builds a portal with its own database, wired by the same
// composition as cmd/portal.
func New(t testing.TB, o Options) *Portal {
	t.Helper()
	db := o.DB
	if db == nil {
		db = testenv.DB(t)
	}
	p := &Portal{DB: db, Now: time.Now}
	if !o.Now.IsZero() {
		p.Clock = testenv.NewClock(o.Now)
		p.Now = p.Clock.Now
	}
	if o.BaseURL == "" {
		o.BaseURL = "https://jobb.example.se"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = 27 << 20
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = 10 * time.Second
	}
	p.Blobs = o.Blobs
	if p.Blobs == nil {
		p.Blobs = testenv.Blobs(t)
	}
	if o.TrustedNetworks == nil {
		o.TrustedNetworks = []string{"0.0.0.0/32", "127.0.0.0/8", "::1/128"}
	}
	level := slog.LevelWarn
	if o.LogRequests {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: level}))
	p.UploadDir = t.TempDir()
	portal, err := app.New(app.Config{
		Dev: o.Dev, BaseURL: o.BaseURL, SiteName: "Exempelkommunen", SupportEmail: "support@example.se",
		SigningKey: SigningKey, TrustedProxies: o.TrustedProxies, BodyLimit: o.BodyLimit, UploadDir: p.UploadDir,
		ReadTimeout: o.ReadTimeout, WriteTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second,
		RequestTimeout: o.RequestTimeout, UploadIdle: o.UploadIdle, AdsRefresh: time.Second, StaffRefresh: 250 * time.Millisecond,
		Sessions: o.Sessions, Hasher: FastHasher, SSO: o.SSO, SSOName: ssoName(o.SSO), Staff: o.Staff,
		TrustedNetworks: o.TrustedNetworks, SMS: true, StaffEditable: o.StaffEditable,
	}, app.Infra{DB: db, Blobs: p.Blobs, Now: p.Now, Log: logger, Sleep: func(context.Context, time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	p.App, p.Board, p.Accounts, p.Applying, p.Files = portal.App, portal.Board, portal.Accounts, portal.Applying, portal.Files
	p.Sessions, p.StaffSessions, p.Alerts, p.Publish, p.Outbox = portal.Sessions, portal.StaffSessions, portal.Alerts, portal.Publish, portal.Outbox
	p.StaffAuth = portal.StaffAuth
	p.Access, p.Personal = portal.Access, portal.Personal
	p.Factors = portal.Factors
	p.Services = portal.Services
	p.Ads = demo.Ads(p.Now(), o.Ads)
	if err := p.Board.SaveAll(context.Background(), p.Ads); err != nil {
		t.Fatal(err)
	}
	return p
}

// Serve runs the portal on a real loopback socket until the test ends and
// returns its address.
func (p *Portal) Serve(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.App.Listener(ln) }()
	t.Cleanup(func() { _ = p.App.Shutdown() })
	return "http://" + ln.Addr().String()
}

// ssoName is the single sign-on button's text of a test portal.
func ssoName(c *sso.Config) string {
	if c == nil {
		return ""
	}
	return "Exempelkommunens inloggning"
}
