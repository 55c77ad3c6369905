// Command portal runs the recruitment portal: `portal serve` (the default)
// serves it, `portal seed` fills an empty database with demo ads,
// `portal ads import FILE` and `portal ads publish REF` publish ads,
// `portal staff import FILE` reads the staff directory from the HR export,
// `portal staff courses FILE` records courses completed on the learning
// platform, `portal payroll import FILE` reads payroll's export,
// `portal migrate` brings the database schema up to date and
// `portal healthcheck` asks a running portal whether it is up.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"portal/credentials"
	"portal/demo"
	"portal/internal/app"
	"portal/jobs"
	"portal/mail"
	"portal/mail/elks"
	"portal/mail/smtp"
	"portal/sessions"
	"portal/sso"
	"portal/storage"
	"portal/tasks"
)

func main() {
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd == "healthcheck" { // for container health checks: needs only PORT
		os.Exit(healthcheck())
	}
	if wantsHelp(cmd, args) {
		fmt.Print(usage)
		return
	}
	cfg, err := loadConfig(os.LookupEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "seed":
		err = seed(ctx, cfg, log, args)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "ads":
		err = adsCommand(ctx, cfg, log, args)
	case "staff":
		err = staffCommand(ctx, cfg, log, args)
	case "retention":
		err = retentionCommand(ctx, cfg, log, args)
	case "payroll":
		err = payrollCommand(ctx, cfg, log, args)
	default:
		err = fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if err != nil {
		if cmd == "serve" {
			log.Error("portal stopped", "err", err)
		} else { // a command's failure is for the person who typed it
			fmt.Fprintf(os.Stderr, "portal %s: %v\n", cmd, err)
		}
		os.Exit(1)
	}
}

// usage is what `portal help` prints.
const usage = `Usage: portal COMMAND [ARGUMENTS]

  serve                          run the portal (the default)
  seed [-if-empty] [-ads N] [-open]
                                 store N demo ads (200) and the demo organisation
  migrate                        bring the database schema up to date
  ads import FILE                store ads from a JSON file (all or nothing)
  ads publish REF                publish a draft now
  staff import FILE              make the staff directory what the HR export (.json or .csv) says
  staff courses FILE             record courses completed on the learning platform
  staff personal FILE            store what HR exports of staff's address, phone, e-mail and bank account (JSON)
  staff add-admin USER EMAIL [NAME]
                                 make USER system administrator and mail a temporary password
  payroll import FILE            store payslips, balances and schedules from payroll's export (all or nothing)
  payroll export --period YYYY-MM [--dir DIR]
                                 write the period's approved cases as cases-YYYY-MM.csv and .json, each case once
  retention plan [--at DATE]     print what a culling run at DATE (now) would remove, by recruitment
  retention run                  run the culling now (under the scheduled task's lease)
  healthcheck                    exit 0 when the portal on PORT answers
  help                           this text

The configuration is read from the environment (PORTAL_*); see README.md.
`

// healthcheck asks the running portal's /healthz and returns the exit code.
func healthcheck() int {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	client := http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

func newLogger(cfg Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func openDB(ctx context.Context, cfg Config, log *slog.Logger) (*storage.DB, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := storage.Connect(cctx, cfg.MongoURI, cfg.MongoDB)
	if err != nil {
		return nil, err
	}
	v, err := db.Migrate(cctx)
	if err != nil {
		return nil, err
	}
	log.Debug("database ready", "schema", v)
	return db, nil
}

func migrate(ctx context.Context, cfg Config, log *slog.Logger) error {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	log.Info("database migrated")
	return nil
}

// seed stores the demo ads and the demo organisation. With -if-empty it
// leaves the ads alone when the database has any, and the staff directory
// when it has people; otherwise it replaces the demo ads by reference
// number and imports the organisation, so running it twice adds nothing.
func seed(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	ifEmpty := fs.Bool("if-empty", false, "store demo ads only when there are no ads, the demo organisation only when there are no staff")
	n := fs.Int("ads", 200, "number of demo ads")
	open := fs.Bool("open", false, "make every demo ad open (for benchmarks)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, services, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if err := seedOrganisation(ctx, services.Directory, services.Access, *ifEmpty, log); err != nil {
		return err
	}
	if err := seedPersonal(ctx, db.Personal(), log); err != nil {
		return err
	}
	if err := seedAds(ctx, db, services, *ifEmpty, *n, *open, log); err != nil {
		return err
	}
	if err := seedRecruitment(ctx, db, services, cfg.SiteName, log); err != nil {
		return err
	}
	if err := seedPayroll(ctx, db, services, time.Now(), log); err != nil {
		return err
	}
	return seedCases(ctx, services, time.Now(), log)
}

// seedAds stores n demo ads, unless ifEmpty and the database has ads.
func seedAds(ctx context.Context, db *storage.DB, services *app.Services, ifEmpty bool, n int, open bool, log *slog.Logger) error {
	if ifEmpty {
		count, err := db.Ads().CountAds(ctx)
		if err != nil {
			return err
		}
		if count > 0 {
			log.Info("database has ads; not seeding", "ads", count)
			return nil
		}
	}
	board := services.Board
	ads := demo.Ads(time.Now(), n)
	if open {
		ads = demo.OpenAds(time.Now(), n)
	}
	if err := board.SaveAll(ctx, ads); err != nil {
		return err
	}
	for _, ad := range ads {
		// Demo ads published later tell subscribers when their time comes;
		// those already out are not news.
		if ad.PublishedAt.After(time.Now()) {
			if err := db.Subscriptions().ScheduleDispatch(ctx, ad.Ref, ad.PublishedAt); err != nil {
				return err
			}
		}
	}
	log.Info("demo ads stored", "ads", n)
	return nil
}

func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	removed, release, err := prepareUploads(cfg.UploadDir)
	if err != nil {
		return err
	}
	defer release()
	if removed > 0 {
		log.Info("unfinished uploads removed", "count", removed)
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}

	portal, err := app.New(appConfig(cfg), app.Infra{DB: db, Blobs: blobs, Now: time.Now, Log: log})
	if err != nil {
		return err
	}
	web, alertService := portal.App, portal.Alerts

	host, _ := os.Hostname()
	owner := host + ":" + strconv.Itoa(os.Getpid())
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	workerDone := make(chan struct{})
	if senders := outboxSenders(cfg); len(senders) > 0 {
		w := &mail.Worker{
			Store: db.Outbox(), Owner: owner, MaxAttempts: cfg.MailAttempts, Sender: senders,
			Lease: 2 * time.Minute, Poll: 2 * time.Second, BaseDelay: 30 * time.Second, MaxDelay: time.Hour,
			Now: time.Now, Log: log.With("component", "outbox"),
			Limiter: rate.NewLimiter(rate.Limit(cfg.MailRate), max(1, int(cfg.MailRate))),
		}
		go func() { defer close(workerDone); w.Run(work) }()
	} else {
		close(workerDone)
		log.Warn("no SMTP server configured: e-mail stays in the outbox (see /dev/mail, and /dev/sms for text messages)")
	}

	go func() { // the first dispatch then finds the subscriptions in memory
		if err := alertService.Refresh(work); err != nil && work.Err() == nil {
			log.Warn("loading job alerts", "err", err)
		}
	}()

	sched := tasks.New(db.Locks(), owner, jobs.Stockholm, time.Now, log.With("component", "tasks"))
	for _, t := range portal.Tasks {
		if err := sched.Add(t.Spec, t.Name, t.Timeout, t.Run); err != nil {
			return err
		}
	}
	sched.Start()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- web.Listener(ln) }()
	log.Info("portal listening", "url", cfg.BaseURL, "addr", cfg.Addr, "env", cfg.Env)

	select {
	case <-ctx.Done():
	case err := <-served:
		if err != nil {
			return err
		}
	}
	log.Info("shutting down: draining requests")
	if err := web.ShutdownWithTimeout(cfg.ShutdownGrace); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("shutdown", "err", err)
	}
	stopWork()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	sched.Stop(sctx)
	select {
	case <-workerDone:
	case <-sctx.Done():
	}
	log.Info("stopped")
	return nil
}

// appConfig is the composition's part of the configuration.
func appConfig(cfg Config) app.Config {
	hasher := credentials.DefaultHasher
	hasher.Params.Memory, hasher.Params.Iterations, hasher.Params.Parallelism = uint32(cfg.Argon2Memory), uint32(cfg.Argon2Passes), uint8(cfg.Argon2Lanes)
	policy := sessions.DefaultPolicy
	policy.Idle, policy.Absolute = cfg.SessionIdle, cfg.SessionMax
	staff := sessions.StaffPolicy
	staff.Idle, staff.OutsideIdle, staff.Absolute = cfg.StaffIdle, cfg.StaffOutsideIdle, cfg.StaffMax
	staff.PublicIdle, staff.PublicAbsolute = staff.Idle, staff.Absolute
	return app.Config{
		Dev: cfg.Dev(), BaseURL: cfg.BaseURL, AppealDays: cfg.AppealDays, Retention: cfg.Retention, SiteName: cfg.SiteName, SupportEmail: cfg.SupportEmail,
		SigningKey: cfg.SigningKey, TrustedProxies: cfg.TrustedProxies, BodyLimit: cfg.BodyLimit, UploadDir: cfg.UploadDir,
		ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, IdleTimeout: cfg.IdleTimeout,
		RequestTimeout: cfg.RequestTimeout, AdsRefresh: cfg.AdsRefresh, StaffRefresh: cfg.StaffRefresh, Sessions: policy, StaffSessions: staff, Hasher: hasher,
		SSO: ssoConfig(cfg), SSOName: cfg.SSO.Name,
		Staff: app.Staff{OrgName: cfg.StaffOrgName, OrgCode: cfg.StaffOrgCode, Environment: cfg.Environment,
			PasswordsOff: cfg.StaffPasswordsOff, PasswordMaxAge: cfg.StaffPasswordMaxAge},
		Roles: cfg.Roles, TrustedNetworks: cfg.TrustedNetworks, SMS: cfg.SMSProvider != "", StaffEditable: cfg.StaffEditable,
		PaydayOfMonth: cfg.Payday, PayrollCutoff: cfg.PayrollCutoff, CaseDigest: cfg.CaseDigest,
	}
}

// ssoConfig is the staff's single sign-on, or nil without one.
func ssoConfig(cfg Config) *sso.Config {
	s := cfg.SSO
	if s.Issuer == "" {
		return nil
	}
	return &sso.Config{Issuer: s.Issuer, ClientID: s.ClientID, ClientSecret: s.ClientSecret, UserClaim: s.UserClaim,
		StripDomain: s.StripDomain, AllowHTTP: cfg.Dev()}
}

// outboxSenders are the senders of the outbox's channels: SMTP for e-mail,
// the SMS gateway for text messages. In development a channel without one
// keeps its messages in the outbox (/dev/mail, /dev/sms); with neither
// configured no worker runs and everything stays pending there.
func outboxSenders(cfg Config) mail.Channels {
	senders := mail.Channels{}
	if cfg.SMTPHost != "" {
		senders[mail.ChannelEmail] = smtp.New(smtp.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUser,
			Password: cfg.SMTPPassword, Security: cfg.SMTPSecurity, From: cfg.MailFrom})
	}
	if cfg.SMSProvider == "46elks" {
		senders[mail.ChannelSMS] = elks.New(elks.Config{BaseURL: cfg.SMSBaseURL, User: cfg.SMSUser, Password: cfg.SMSPassword,
			From: cfg.SMSFrom, Timeout: 10 * time.Second})
	}
	if len(senders) > 0 && cfg.Dev() {
		for _, ch := range []string{mail.ChannelEmail, mail.ChannelSMS} {
			if senders[ch] == nil {
				senders[ch] = mail.Keep{}
			}
		}
	}
	return senders
}

// openServices opens the database and builds the services over it, for
// the commands; the caller closes the database.
// openBlobs connects to the bucket of the configuration.
func openBlobs(ctx context.Context, cfg Config) (*storage.Blobs, error) {
	bctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return storage.OpenBlobs(bctx, storage.BlobConfig{
		Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region, TLS: cfg.S3TLS,
	})
}

func openServices(ctx context.Context, cfg Config, log *slog.Logger) (*storage.DB, *app.Services, error) {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	s, err := app.NewServices(appConfig(cfg), app.Infra{DB: db, Now: time.Now, Log: log})
	if err != nil {
		_ = db.Close(context.Background())
		return nil, nil, err
	}
	return db, s, nil
}

// wantsHelp reports whether the command line asks for the usage text:
// "help" (also as "staff help"), or -h / --help anywhere.
func wantsHelp(cmd string, args []string) bool {
	if cmd == "help" {
		return true
	}
	for i, a := range args {
		if a == "-h" || a == "-help" || a == "--help" || (i == 0 && a == "help") {
			return true
		}
	}
	return false
}
