// Package app is the portal's one composition: it builds every service
// from the configuration and the infrastructure (database, bucket, clock,
// logger), and the HTTP app over them. cmd/portal and the test harness both
// call it, so a new service is wired in one place.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/cases"
	"portal/credentials"
	"portal/disclosure"
	"portal/employees"
	"portal/factors"
	"portal/favourites"
	"portal/handlers"
	"portal/handlers/staff"
	"portal/inbox"
	"portal/jobs"
	"portal/links"
	"portal/mail"
	"portal/overview"
	"portal/payroll"
	"portal/personal"
	"portal/recruiting"
	"portal/retention"
	"portal/sessions"
	"portal/sso"
	"portal/staffauth"
	"portal/storage"
	"portal/tasks"
	"portal/views"
)

// Config is what the composition needs of the portal's configuration.
type Config struct {
	Dev            bool
	BaseURL        string // absolute, without a trailing slash
	SiteName       string
	SupportEmail   string
	SigningKey     []byte
	TrustedProxies []string
	BodyLimit      int
	UploadDir      string
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	RequestTimeout time.Duration // zero: the HTTP side's default
	UploadIdle     time.Duration // zero: the HTTP side's default
	AdsRefresh     time.Duration
	StaffRefresh   time.Duration   // of the staff directory and the grants (Directory.Refresh, Policy.Refresh)
	Sessions       sessions.Policy // of applicants; zero: sessions.DefaultPolicy
	StaffSessions  sessions.Policy // of staff; zero: sessions.StaffPolicy
	// SSO is the staff's single sign-on; nil: none. Its RedirectURL
	// defaults to BaseURL + /personal/sso/klar.
	SSO *sso.Config
	// SSOName is the text of the single sign-on button.
	SSOName string
	Hasher  credentials.Hasher
	Staff   Staff
	Roles   *access.Catalogue // nil: the shipped catalogue
	// TrustedNetworks are the organisation's address ranges; from
	// elsewhere staff logins need a second factor. Empty: every address is
	// outside.
	TrustedNetworks []string
	// RecruitmentPrefix starts the reference number of every recruitment
	// and its ad; empty: "REK".
	RecruitmentPrefix string
	// AppealDays is how long an employment decision can be appealed after
	// it is posted; zero: three weeks.
	AppealDays int
	// Retention is the retention rule's durations; zero: the defaults.
	Retention retention.Rules
	// StaffEditable is what staff may change of their contact details;
	// nil: personal.DefaultEditable.
	StaffEditable personal.Editable
	// SMS: an SMS gateway is configured (in development the outbox at
	// /dev/sms stands in for one).
	SMS bool
	// PaydayOfMonth is the day of the month salaries are paid; 0: the 25th.
	PaydayOfMonth int
	// PayrollCutoff is the last day of a month whose approved cases are
	// paid with that month's payday; 0: the 10th.
	PayrollCutoff int
	// CaseDigest: managers get a daily digest of new cases rather than a
	// message per case.
	CaseDigest bool
}

// Staff is the configuration of the staff login.
type Staff struct {
	OrgName, OrgCode, Environment string        // shown on the login page; empty: the site name, "", production
	PasswordsOff                  bool          // only single sign-on
	PasswordMaxAge                time.Duration // zero: passwords do not expire
}

// Infra is what the services run on.
type Infra struct {
	DB    *storage.DB
	Blobs *storage.Blobs // may be nil for commands that touch no files
	Now   func() time.Time
	Log   *slog.Logger
	// Sleep waits out the even time of a failed login; nil: a real wait.
	Sleep func(ctx context.Context, d time.Duration)
}

// Services are the portal's domain services, wired together.
type Services struct {
	Locales       *views.Locales
	Board         *jobs.Board
	Publish       *jobs.Publishing
	Outbox        *mail.Outbox
	Accounts      *applicants.Accounts
	Applying      *applications.Service
	Files         *applications.Files
	Alerts        *alerts.Service
	Sessions      *sessions.Manager
	StaffSessions *sessions.Manager
	Directory     *employees.Directory
	SSO           *sso.Client // nil: no single sign-on
	StaffAuth     *staffauth.Service
	Access        *access.Service
	Policy        *access.Policy
	Roles         *access.Catalogue
	Factors       *factors.Service
	Personal      *personal.Service // the person's own details and relatives
	Recruiting    *recruiting.Service
	Candidates    *recruiting.Candidates
	Stages        *recruiting.Stages
	// Review is the candidate list of a recruitment.
	Review *recruiting.Review
	// RecruitAds is the ad editor of recruitments.
	RecruitAds *recruiting.Ads
	// Statistics counts what happened in recruitments.
	Statistics *recruiting.Statistics
	// The review of one application: what the group reads, rates and
	// notes, who looked, and applications registered by hand.
	Papers    *recruiting.Papers
	Reviews   *recruiting.Reviews
	AccessLog *recruiting.AccessLog
	Registry  *recruiting.Registry
	// The recruiters' word to applicants, the decision, and the group's e-mail.
	Messages     *recruiting.Messages
	Decisions    *recruiting.Decisions
	GroupNotices *recruiting.Notifier
	// Records and retention: holds, the rule applied, the culling.
	Holds    *retention.Holds
	Schedule *retention.Schedule
	Culler   *retention.Culler
	// Requests for official documents and their disclosure copies.
	Disclosure *disclosure.Service
	Appeals    *retention.Appeals
	// Overview keeps each person's layout of the staff start page.
	Overview *overview.Service
	// Payroll is what payroll exported and the preliminary pay;
	// PayrollImport reads payroll's export into it.
	Payroll       *payroll.Service
	PayrollImport *payroll.Importer
	// Cases are the employees' cases and the managers' approval.
	Cases *cases.Service
	// The staff's messages ("Meddelanden") and favourites.
	Inbox      *inbox.Service
	Favourites *favourites.Service
}

// Portal is the whole portal: its services, the HTTP app and the tasks
// the scheduler runs.
type Portal struct {
	*Services
	App   *fiber.App
	Tasks []Task
}

// Task is scheduled work.
type Task struct {
	Spec    string // cron, Swedish time
	Name    string // also the name of its lease
	Timeout time.Duration
	Run     func(ctx context.Context) error
}

// NewServices builds the domain services.
func NewServices(cfg Config, in Infra) (*Services, error) {
	if in.DB == nil || in.Now == nil || in.Log == nil {
		return nil, errors.New("app: a database, a clock and a logger are needed")
	}
	locales, err := views.LoadLocales()
	if err != nil {
		return nil, err
	}
	mails, err := views.NewMails(locales, cfg.SiteName)
	if err != nil {
		return nil, err
	}
	if cfg.Hasher == (credentials.Hasher{}) {
		cfg.Hasher = credentials.DefaultHasher
	}
	if in.Sleep == nil {
		in.Sleep = credentials.SleepContext
	}
	if cfg.Sessions == (sessions.Policy{}) {
		cfg.Sessions = sessions.DefaultPolicy
	}
	if cfg.StaffSessions == (sessions.Policy{}) {
		cfg.StaffSessions = sessions.StaffPolicy
	}
	db, now := in.DB, in.Now
	site := links.Table{Base: cfg.BaseURL}
	s := &Services{Locales: locales}
	s.Board = jobs.NewBoard(db.Ads(), now, cfg.AdsRefresh)
	s.Outbox = mail.NewOutbox(db.Outbox(), now)
	s.Alerts = &alerts.Service{
		Store: db.Subscriptions(), Ledger: db.Subscriptions(), Outbox: s.Outbox, Counter: db.Counters(), Ads: db.Ads(),
		Render: mails, Signer: alerts.Signer{Key: cfg.SigningKey}, Now: now, Links: site,
		Log: in.Log.With("component", "alerts"),
	}
	s.Publish = &jobs.Publishing{Board: s.Board, Announcer: s.Alerts}
	s.Sessions = &sessions.Manager{Store: db.Sessions(), Realm: sessions.Applicant, Policy: cfg.Sessions, Now: now}
	s.StaffSessions = &sessions.Manager{Store: db.Sessions(), Realm: sessions.Staff, Policy: cfg.StaffSessions, Now: now}
	s.Accounts = &applicants.Accounts{
		Store: db.Accounts(), Counter: db.Counters(), Mailer: s.Outbox, Hasher: cfg.Hasher, Limits: applicants.DefaultLimits,
		Now: now, Links: site, Render: mails, Sleep: in.Sleep, Sessions: s.Sessions, Interest: s.Alerts,
		Log: in.Log.With("component", "accounts"),
	}
	s.Files = &applications.Files{Store: db.Attachments(), Blobs: in.Blobs, Now: now}
	s.Applying = &applications.Service{Apps: db.Applications(), Ads: s.Board, Accounts: db.Accounts(), Files: s.Files, Mailer: s.Outbox,
		Render: mails, Links: site, Now: now}
	s.Accounts.Drafts, s.Accounts.Applications = s.Applying, s.Applying
	s.Directory = &employees.Directory{Store: db.Employees(), Now: now, Refresh: cfg.StaffRefresh}
	if cfg.SSO != nil {
		c := *cfg.SSO
		if c.RedirectURL == "" {
			c.RedirectURL = cfg.BaseURL + "/personal/sso/klar"
		}
		if s.SSO, err = sso.New(c); err != nil {
			return nil, err
		}
	}
	s.StaffAuth = &staffauth.Service{
		Store: db.StaffCredentials(), People: db.Employees(), Counter: db.Counters(), Mailer: s.Outbox, Render: mails,
		Hasher: cfg.Hasher, Limits: staffauth.DefaultLimits, MaxAge: cfg.Staff.PasswordMaxAge, Now: now,
		LoginURL: cfg.BaseURL + staff.PathLogin, Sleep: in.Sleep, Log: in.Log.With("component", "staffauth"),
	}
	s.Roles = cfg.Roles
	if s.Roles == nil {
		s.Roles = access.DefaultCatalogue()
	}
	s.Policy = &access.Policy{Grants: db.Access(), Dir: s.Directory, Roles: s.Roles, Refresh: cfg.StaffRefresh}
	s.Inbox = &inbox.Service{Store: db.Inbox(), People: s.Directory, Now: now}
	s.Favourites = &favourites.Service{Store: db.Favourites(), Now: now}
	s.Access = &access.Service{Store: db.Access(), Dir: s.Directory, Roles: s.Roles, Policy: s.Policy, Now: now,
		Notify: accessMailer{mails, s.Outbox, s.Inbox}, BaseURL: cfg.BaseURL, Logger: in.Log.With("component", "access")}
	s.Recruiting = &recruiting.Service{Store: db.Recruitments(), Policy: s.Policy, People: s.Directory, RefPrefix: cfg.RecruitmentPrefix, Now: now}
	s.Candidates = &recruiting.Candidates{Recruitments: db.Recruitments(), Store: db.Recruitments(), Changes: db.Recruitments(), Now: now}
	s.Applying.Arrivals = s.Candidates
	s.Applying.Withdrawals = s.Candidates
	s.Stages = &recruiting.Stages{Candidates: db.Recruitments(), Store: db.Recruitments(), Apps: db.Applications(), Settings: db.StageSettings(),
		Changes: db.Recruitments(), Now: now, Refresh: cfg.StaffRefresh}
	s.RecruitAds = &recruiting.Ads{Board: s.Board, Publisher: s.Publish, Log: db.AdEditing(), Templates: db.AdEditing(), Now: now}
	s.Statistics = &recruiting.Statistics{Candidates: db.Recruitments(), Ads: s.Board, Statuses: db.Applications(), Stages: s.Stages,
		Recruitments: s.Recruiting, Units: s.Directory, Now: now}
	s.AccessLog = &recruiting.AccessLog{Store: db.RecruitReview(), Now: now}
	s.Papers = &recruiting.Papers{Candidates: db.Recruitments(), Versions: db.Applications(), Registered: db.RecruitReview(),
		Files: db.Attachments(), Blobs: in.Blobs, Log: s.AccessLog}
	s.Reviews = &recruiting.Reviews{Store: db.RecruitReview(), Changes: db.Recruitments(), Now: now}
	s.Review = &recruiting.Review{Store: db.Recruitments(), Ratings: s.Reviews, Ads: s.Board, Registered: db.RecruitReview()}
	s.Registry = &recruiting.Registry{Candidates: s.Candidates, Answers: db.RecruitReview(), Files: s.Files, Now: now}
	s.Accounts.Viewings = staffViewings{s.AccessLog, s.Directory}
	defaults, err := views.RecruitTemplates()
	if err != nil {
		return nil, err
	}
	s.Messages = &recruiting.Messages{Templates: db.RecruitDecisions(), Log: db.RecruitDecisions(), Candidates: db.Recruitments(),
		Addresses: applicantAddresses{db.Accounts()}, Outbox: s.Outbox, Policy: s.Policy, Defaults: defaults, Employer: cfg.SiteName,
		ApplicationsURL: site.URL(links.Applications), Now: now}
	s.Decisions = &recruiting.Decisions{Store: db.RecruitDecisions(), Candidates: db.Recruitments(), Withdrawals: db.Applications(),
		Stages: db.Recruitments(), Changes: db.Recruitments(), Messages: s.Messages, Ads: s.Board, AppealDays: cfg.AppealDays, Now: now}
	s.Stages.Decided = db.RecruitDecisions()
	s.Statistics.Decisions = s.Decisions
	s.GroupNotices = &recruiting.Notifier{Recruitments: db.Recruitments(), Arrivals: db.RecruitDecisions(), People: s.Directory,
		Outbox: s.Outbox, Render: mails, Now: now,
		CandidateURL: func(rid, cid string) string { return cfg.BaseURL + staff.RecruitmentPath(rid) + "/kandidater/" + cid }}
	s.Candidates.Announcer = s.GroupNotices
	rules := cfg.Retention
	if rules == (retention.Rules{}) {
		rules = retention.DefaultRules()
	}
	s.Holds = &retention.Holds{Store: db.Retention(), Policy: s.Policy, Now: now}
	s.Schedule = &retention.Schedule{Recruitments: db.Recruitments(), Decisions: db.RecruitDecisions(), Holds: db.Retention(), Rules: rules, Now: now}
	s.Culler = &retention.Culler{Schedule: s.Schedule, Ads: s.Board, Records: db.Retention(), Changes: db.Recruitments(),
		Lease: RetentionLease, Now: now}
	if in.Blobs != nil {
		s.Culler.Objects = in.Blobs
	}
	s.Disclosure = &disclosure.Service{Store: db.Disclosure(), Recruitments: db.Recruitments(), Policy: s.Policy, Now: now,
		Copies: &disclosure.Copies{Candidates: db.Recruitments(), Versions: db.Applications(), Registered: db.RecruitReview(),
			Files: db.Attachments(), Blobs: in.Blobs, Reviews: db.RecruitReview(), Ads: s.Board, Log: db.RecruitReview(), Now: now},
		Holds: s.Holds}
	s.Accounts.Retention = accountRecords{s.Schedule, s.Culler}
	s.Accounts.Unused = applicants.Unused{Years: rules.AccountIdleYears, NoticeDays: rules.NoticeDays}
	s.Appeals = &retention.Appeals{Store: db.Retention(), Holds: s.Holds, Now: now}
	s.Factors = &factors.Service{Store: db.Factors(), Counter: db.Counters(), Outbox: s.Outbox, People: db.Employees(),
		Key: cfg.SigningKey, Issuer: cfg.SiteName, SMS: cfg.SMS || cfg.Dev, Now: now}
	editable := cfg.StaffEditable
	if editable == nil {
		editable, _ = personal.ParseEditable(personal.DefaultEditable)
	}
	s.Personal = &personal.Service{Store: db.Personal(), Editable: editable, Now: now}
	s.Overview = &overview.Service{Store: db.Overview(), Now: now}
	s.Payroll = &payroll.Service{Store: db.Payroll(), Schedule: db.Payroll(), PaydayOfMonth: cfg.PaydayOfMonth, Now: now}
	s.PayrollImport = &payroll.Importer{Records: db.Payroll(), Employments: payrollEmployments{s.Directory}, Now: now}
	s.Cases = &cases.Service{Store: db.Cases(), Directory: s.Directory, Policy: s.Policy, Balances: s.Payroll, Cutoff: cfg.PayrollCutoff, Now: now,
		Digest: cfg.CaseDigest, Notify: caseMailer{locales: s.Locales, outbox: s.Outbox, inbox: s.Inbox, baseURL: cfg.BaseURL, once: db.SingleUse("case-digest")}}
	if in.Blobs != nil {
		s.Cases.Blobs = in.Blobs
	}
	s.Payroll.Approved = s.Cases // approved cases feed the preliminary pay
	return s, nil
}

// RetentionTask names the culling's task and lease, which `portal
// retention run` takes too, so that one run goes at a time.
const RetentionTask = "retention"

// RetentionSpec is when the culling runs: 04:30 Swedish time, outside the
// hour the clocks change.
const RetentionSpec = "30 4 * * *"

// RetentionLease bounds one culling run.
const RetentionLease = 3 * time.Hour

// New builds the services, the HTTP app and the tasks.
func New(cfg Config, in Infra) (*Portal, error) {
	if in.Blobs == nil {
		return nil, errors.New("app: the portal needs its bucket")
	}
	s, err := NewServices(cfg, in)
	if err != nil {
		return nil, err
	}
	db := in.DB
	var login handlers.SingleSignOn
	if s.SSO != nil { // a nil *sso.Client would be no nil interface
		login = s.SSO
	}
	web, err := handlers.New(handlers.Config{
		Dev: cfg.Dev, BaseURL: cfg.BaseURL, SiteName: cfg.SiteName, SupportEmail: cfg.SupportEmail,
		BodyLimit: cfg.BodyLimit, ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, RequestTimeout: cfg.RequestTimeout,
		UploadIdle: cfg.UploadIdle, IdleTimeout: cfg.IdleTimeout, TrustedProxies: cfg.TrustedProxies, SigningKey: cfg.SigningKey,
		UploadDir: cfg.UploadDir, TrustedNetworks: cfg.TrustedNetworks,
	}, handlers.Deps{
		Now: in.Now, Locales: s.Locales, Board: s.Board, Outbox: s.Outbox, Counter: db.Counters(),
		SSO: login, Accounts: s.Accounts, Applying: s.Applying, Alerts: s.Alerts, Sessions: s.Sessions, StaffSessions: s.StaffSessions, Directory: s.Directory,
		StaffAuth: s.StaffAuth, StaffLogin: staffLogin(cfg), Access: s.Access, Policy: s.Policy, Roles: s.Roles,
		Storage: db.KV("fiber", in.Now), Log: in.Log, SingleUse: db.SingleUse("sso"), Factors: s.Factors,
		Recruiting: s.Recruiting, Candidates: s.Candidates, RecruitAds: s.RecruitAds, Statistics: s.Statistics,
		Stages: s.Stages, Review: s.Review, StageSettings: db.StageSettings(), Papers: s.Papers, Reviews: s.Reviews, AccessLog: s.AccessLog, Registry: s.Registry,
		Messages: s.Messages, Decisions: s.Decisions, Disclosure: s.Disclosure, Personal: s.Personal, Overview: s.Overview, Payroll: s.Payroll,
		Inbox: s.Inbox, Favourites: s.Favourites, Cases: s.Cases,
		Holds: s.Holds, Schedule: s.Schedule, Culler: s.Culler, Appeals: s.Appeals, RetentionRuns: db.Retention(),
		NextCulling: func(now time.Time) (time.Time, error) { return tasks.Next(RetentionSpec, jobs.Stockholm, now) },
		Checks:      []handlers.Check{{Name: "database", Ping: db.Ping}, {Name: "storage", Ping: in.Blobs.Ping}},
	})
	if err != nil {
		return nil, err
	}
	return &Portal{Services: s, App: web, Tasks: s.tasks(db, in)}, nil
}

// staffLogin is how the staff login page looks, with its defaults.
func staffLogin(cfg Config) staff.Settings {
	st := staff.Settings{OrgName: cfg.Staff.OrgName, OrgCode: cfg.Staff.OrgCode, Environment: cfg.Staff.Environment,
		PasswordsOff: cfg.Staff.PasswordsOff, SSOName: cfg.SSOName}
	if st.OrgName == "" {
		st.OrgName = cfg.SiteName
	}
	if cfg.SSO == nil {
		st.SSOName = ""
	} else if st.SSOName == "" {
		st.SSOName = st.OrgName
	}
	if st.Environment == "" {
		st.Environment = "production"
		if cfg.Dev {
			st.Environment = "development"
		}
	}
	return st
}

// tasks is the scheduled work. Each logs at info what it did, and only
// when it did something.
func (s *Services) tasks(db *storage.DB, in Infra) []Task {
	log := in.Log.With("component", "tasks")
	counted := func(what string, run func(ctx context.Context) (int, error)) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			n, err := run(ctx)
			if n > 0 {
				log.Info(what, "count", n)
			}
			return err
		}
	}
	return []Task{
		{"*/10 * * * *", "remove-expired", 5 * time.Minute, counted("expired records removed", func(ctx context.Context) (int, error) {
			n, err := db.RemoveExpired(ctx, in.Now())
			if err != nil {
				return int(n), err
			}
			old, err := s.Outbox.RemoveOld(ctx)
			return int(n) + old, err
		})},
		// Swedish time, outside the hours the clocks change (02:00-03:59).
		{"15 4 * * *", "delete-due-accounts", 30 * time.Minute, counted("account deletions cut short finished", s.Accounts.DeleteDue)},
		{"45 4 * * *", "delete-unused-accounts", 2 * time.Hour, counted("unused accounts deleted", s.Accounts.DeleteUnused)},
		{"* * * * *", "alert-dispatch", 10 * time.Minute, counted("job alerts queued", s.Alerts.RunDispatches)},
		{fmt.Sprintf("5 %d * * *", alerts.DigestHour), "alert-digests", 30 * time.Minute, counted("daily alert digests queued", s.Alerts.SendDigests)},
		{"30 9 * * *", "alert-reminders", 30 * time.Minute, counted("alert renewal reminders queued", s.Alerts.SendReminders)},
		{"20 * * * *", "alert-cleanup", 10 * time.Minute, counted("unconfirmed and ended job alerts removed", s.Alerts.RemoveStale)},
		{"5 7 * * *", "recruit-digests", 30 * time.Minute, counted("daily digests of new applications queued", s.GroupNotices.SendDigests)},
		{"10 7 * * *", "case-digests", 30 * time.Minute, counted("daily digests of new cases sent", s.Cases.SendDigests)},
		{RetentionSpec, RetentionTask, RetentionLease, func(ctx context.Context) error {
			run, err := s.Culler.Run(ctx, "task")
			if run.Counts.Applications+run.Counts.Drafts+run.Resumed > 0 {
				log.Info("records culled", "run", run.ID, "applications", run.Counts.Applications, "drafts", run.Counts.Drafts,
					"objects", run.Counts.Objects, "resumed", run.Resumed)
			}
			return err
		}},
		{"40 * * * *", "sweep-attachments", 30 * time.Minute, func(ctx context.Context) error {
			n, err := s.Files.Sweep(ctx, 24*time.Hour)
			if n.Pending+n.Unlinked+n.Objects > 0 {
				log.Info("attachment leftovers removed", "pending", n.Pending, "unlinked", n.Unlinked, "objects", n.Objects)
			}
			return err
		}},
	}
}
