// Package handlers is the HTTP side of the portal: the one route table,
// over the web kit (handlers/web) and the handlers of each surface: the
// public site (handlers/public), the applicant's pages
// (handlers/applicant) and the staff pages (handlers/staff).
package handlers

import (
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"portal/access"
	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/cases"
	"portal/disclosure"
	"portal/employees"
	"portal/factors"
	"portal/favourites"
	"portal/handlers/applicant"
	"portal/handlers/public"
	"portal/handlers/staff"
	"portal/handlers/web"
	"portal/inbox"
	"portal/jobs"
	"portal/mail"
	"portal/overview"
	"portal/payroll"
	"portal/personal"
	"portal/recruiting"
	"portal/retention"
	"portal/sessions"
	"portal/staffauth"
	"portal/views"
)

// Config is the HTTP side's part of the configuration.
type Config = web.Config

// SingleSignOn is the staff's identity provider.
type SingleSignOn = staff.SingleSignOn

// Check is one dependency /readyz tries.
type Check = public.Check

// Deps are the services the handlers call. Each handler type declares
// the few methods it needs of them.
type Deps struct {
	Now           func() time.Time
	Locales       *views.Locales
	Board         *jobs.Board
	Accounts      *applicants.Accounts
	Applying      *applications.Service
	Alerts        *alerts.Service
	Outbox        *mail.Outbox
	Sessions      *sessions.Manager // of applicants
	StaffSessions *sessions.Manager
	Directory     *employees.Directory
	SSO           staff.SingleSignOn // nil: no single sign-on
	SingleUse     staff.Spender
	StaffAuth     *staffauth.Service // staff passwords
	StaffLogin    staff.Settings     // how the staff login looks and what it offers
	Access        *access.Service
	Policy        *access.Policy
	Roles         *access.Catalogue
	Factors       *factors.Service
	Recruiting    *recruiting.Service
	Candidates    *recruiting.Candidates
	RecruitAds    *recruiting.Ads
	Statistics    *recruiting.Statistics
	Stages        *recruiting.Stages
	Review        *recruiting.Review // the candidate list
	StageSettings recruiting.StageSetStore
	// One application: reading it, rating, notes, the access log, and
	// registering applications that came on paper or by e-mail.
	Papers    *recruiting.Papers
	Reviews   *recruiting.Reviews
	AccessLog *recruiting.AccessLog
	Registry  *recruiting.Registry
	Messages  *recruiting.Messages  // to candidates, from templates
	Decisions *recruiting.Decisions // employment decisions and statements
	// Disclosure: requests for official documents and their copies.
	Disclosure *disclosure.Service
	// Overview keeps each person's layout of the start page.
	Overview *overview.Service
	// Payroll: payslips, balances, the summary and the preliminary pay.
	Payroll *payroll.Service
	// Personal data: the person's own details and relatives, and what
	// staff may change.
	Personal *personal.Service
	// Records and retention: holds, the rule applied, the culling and its
	// runs, appeals, and when the nightly run comes next.
	Holds         *retention.Holds
	Schedule      *retention.Schedule
	Culler        *retention.Culler
	Appeals       *retention.Appeals
	RetentionRuns staff.RetentionRuns
	// Cases: absence, work changes, travel claims, additions and
	// deductions, and the managers' approval; nil: no case pages.
	Cases *cases.Service
	// The staff's messages to each other and their favourites.
	Inbox       *inbox.Service
	Favourites  *favourites.Service
	NextCulling func(now time.Time) (time.Time, error)
	Counter     web.Counter
	Storage     fiber.Storage // short-lived state every instance sees
	Checks      []Check
	Log         *slog.Logger
}

// staffPrefix is where the staff surface lives.
const staffPrefix = "/personal"

// uploadPath matches the route that takes files.
var uploadPath = regexp.MustCompile(`^/ansokan/[0-9a-f]{24}/bilagor$`)

// registeredUploadPath matches the route that takes the files of an
// application a recruiter registered.
var registeredUploadPath = regexp.MustCompile(`^/personal/rekrytering/[0-9a-f]{24}/kandidater/[0-9a-f]{24}/bilagor$`)

// outlayPath matches the route that takes an outlay's receipt.
var outlayPath = regexp.MustCompile(`^/personal/arenden/[0-9a-f]{24}/utlagg$`)

// isUpload reports whether path is an upload route. Every request asks,
// so a pattern is tried only on paths of the right shape.
func isUpload(path string) bool {
	if len(path) == len("/personal/arenden//utlagg")+24 && strings.HasPrefix(path, "/personal/arenden/") {
		return outlayPath.MatchString(path)
	}
	if len(path) == len("/personal/rekrytering//kandidater//bilagor")+48 && strings.HasPrefix(path, "/personal/rekrytering/") {
		return registeredUploadPath.MatchString(path)
	}
	return len(path) == len("/ansokan//bilagor")+24 && strings.HasPrefix(path, "/ansokan/") && uploadPath.MatchString(path)
}

// mapErrors is how each domain's errors are shown, registered once.
func mapErrors(k *web.Kit) {
	k.MapError(jobs.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(applications.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(alerts.ErrBadLink, fiber.StatusNotFound, "", "")
	k.MapError(alerts.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(mail.ErrNotFailed, fiber.StatusNotFound, "", "")
	k.MapError(access.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(access.ErrForbidden, fiber.StatusForbidden, "access.forbidden.heading", "access.forbidden_text")
	k.MapError(recruiting.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(recruiting.ErrForbidden, fiber.StatusForbidden, "access.forbidden.heading", "recruit.forbidden")
	k.MapError(retention.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(payroll.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(retention.ErrForbidden, fiber.StatusForbidden, "access.forbidden.heading", "retention.forbidden")
	k.MapError(access.ErrStale, fiber.StatusConflict, "access.stale.heading", "access.stale.text")
	k.MapError(disclosure.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(disclosure.ErrForbidden, fiber.StatusForbidden, "access.forbidden.heading", "access.forbidden_text")
	k.MapError(personal.ErrNotFound, fiber.StatusNotFound, "", "")
	k.MapError(disclosure.ErrDecided, fiber.StatusConflict, "disclose.decided.heading", "disclose.decided.text")
}

// New builds the Fiber app with every route.
func New(cfg Config, deps Deps) (*fiber.App, error) {
	cfg.IsUpload = isUpload
	k, err := web.NewKit(cfg, deps.Now, deps.Locales, deps.Log, deps.Counter, deps.Storage)
	if err != nil {
		return nil, err
	}
	mapErrors(k)
	app, err := k.App()
	if err != nil {
		return nil, err
	}

	// The surfaces, each with the few services it needs.
	applicants := k.NewRealm(sessions.Applicant, "sid", "layouts/base", deps.Sessions)
	staffRealm := k.NewRealm(sessions.Staff, "staff", "layouts/staff", deps.StaffSessions)
	staffRealm.Private = true
	staffRealm.Home, staffRealm.HomeText, staffRealm.NotFoundText = staff.PathHome, "staff.error.to_home", "staff.error.not_found_text"
	entry := applicant.Entry{Realm: applicants, Sessions: deps.Sessions}
	network, err := staff.NewNetworks(k, cfg.TrustedNetworks)
	if err != nil {
		return nil, err
	}
	var (
		board      = public.NewJobs(k, deps.Board)
		pages      = &public.Pages{Kit: k, Checks: deps.Checks}
		support    = &public.Support{Kit: k, Mailer: deps.Outbox}
		alert      = &public.Alerts{Kit: k, Board: deps.Board, Accounts: deps.Accounts, Alerts: deps.Alerts}
		devMail    = &public.DevMail{Kit: k, Mail: deps.Outbox}
		gate       = &applicant.Gate{Kit: k}
		login      = &applicant.Login{Kit: k, Entry: entry, Accounts: deps.Accounts}
		profile    = &applicant.Profile{Kit: k, Entry: entry, Accounts: deps.Accounts, Applying: deps.Applying, Alerts: deps.Alerts}
		apply      = &applicant.Apply{Kit: k, Board: deps.Board, Accounts: deps.Accounts, Applying: deps.Applying}
		staffEntry = staff.Entry{Realm: staffRealm, Sessions: deps.StaffSessions, Network: network, Languages: deps.Directory}
		staffSSO   = &staff.SSO{Kit: k, Entry: staffEntry, Provider: deps.SSO, People: deps.Directory, Once: deps.SingleUse}
		staffHead  = &staff.Header{Kit: k, Directory: deps.Directory}
		staffNav   = &staff.Nav{Checks: deps.Policy, Recruiting: deps.Recruiting, Favourites: deps.Favourites, Inbox: deps.Inbox, Now: deps.Now}
		home       = &staff.Home{Kit: k, Entry: staffEntry, Header: staffHead, Nav: staffNav}
		inboxPages = &staff.Inbox{Kit: k, Service: deps.Inbox, People: deps.Directory, Nav: staffNav}
		favPages   = &staff.Favourites{Kit: k, Nav: staffNav, Service: deps.Favourites}
		staffIn    = &staff.Login{Kit: k, Entry: staffEntry, Settings: deps.StaffLogin, Passwords: deps.StaffAuth, Header: staffHead}
		staffAcct  = &staff.Account{Kit: k, Entry: staffEntry, Settings: deps.StaffLogin, Passwords: deps.StaffAuth, Header: staffHead}
		roles      = &staff.Access{Kit: k, Roles: deps.Roles, Service: deps.Access, Policy: deps.Policy, Units: deps.Directory.Store, People: deps.Directory}
		outbox     = &staff.Outbox{Kit: k, Outbox: deps.Outbox, Policy: deps.Policy}
		candidates = &staff.Candidates{Kit: k, Opener: deps.Recruiting, Review: deps.Review, Stages: deps.Stages}
		stageAdmin = &staff.StageAdmin{Kit: k, Policy: deps.Policy, Stages: deps.Stages, Store: deps.StageSettings}
		secondStep = &staff.SecondStep{Kit: k, Entry: staffEntry, Factors: deps.Factors}
		factorSet  = &staff.FactorSettings{Kit: k, Entry: staffEntry, Factors: deps.Factors, People: deps.Directory, SMS: deps.Factors.SMS, Mailer: deps.Outbox}
		devNetwork = &staff.DevNetwork{Kit: k, Network: network}
		recruitAds = &staff.RecruitAds{Kit: k, Recruitments: deps.Recruiting, Ads: deps.RecruitAds, People: deps.Directory, Organisation: deps.StaffLogin.OrgName}
		recruits   = &staff.Recruitments{Kit: k, Service: deps.Recruiting, Policy: deps.Policy, Units: deps.Directory.Store, People: deps.Directory, Ads: deps.Board}
		stats      = &staff.RecruitStats{Kit: k, Recruitments: deps.Recruiting, Statistics: deps.Statistics, Policy: deps.Policy, Units: deps.Directory.Store}
		appView    = &staff.Application{Kit: k, Recruitments: deps.Recruiting, Papers: deps.Papers, Reviews: deps.Reviews, Stages: deps.Stages,
			Events: deps.Stages.Store, Candidates: deps.Candidates.Store, Log: deps.AccessLog, People: deps.Directory, Ads: deps.Board}
		registry  = &staff.Register{Kit: k, Recruitments: deps.Recruiting, Registry: deps.Registry, Papers: deps.Papers, Ads: deps.Board}
		messages  = &staff.Messages{Kit: k, Opener: deps.Recruiting, Service: deps.Messages, Candidates: deps.Candidates.Store}
		decisions = &staff.Decisions{Kit: k, Opener: deps.Recruiting, Service: deps.Decisions, Candidates: deps.Candidates.Store, People: deps.Directory}
	)
	recruits.Statements, apply.Recruitments = deps.Decisions, deps.Decisions
	start := &staff.Overview{Kit: k, Header: staffHead, Layouts: deps.Overview,
		ToDo: []staff.ToDoSource{&staff.RoleToDo{Roles: deps.Roles, Requests: deps.Access, Managers: deps.Policy}}}
	if deps.Payroll != nil {
		start.Pay = deps.Payroll
	}
	var casePages *staff.Cases
	if deps.Cases != nil {
		casePages = &staff.Cases{Kit: k, Header: staffHead, Service: deps.Cases, People: deps.Directory, Managers: deps.Policy}
		staffNav.Approvers = deps.Cases
		if deps.Payroll != nil {
			casePages.Pay = deps.Payroll
		}
		start.ToDo = append(start.ToDo, &staff.CaseToDo{Service: deps.Cases, Approvers: deps.Cases, Locales: deps.Locales})
		start.Days = staff.CaseDays{}
	}
	pay := &staff.Pay{Kit: k, Header: staffHead, Payroll: deps.Payroll, Employer: deps.StaffLogin.OrgName}
	registrar := &staff.Disclosure{Kit: k, Service: deps.Disclosure, Copies: deps.Disclosure.Copies}
	staffNav.Registrar, staffNav.Names = deps.Disclosure, inboxPages
	// Records and retention: the administrator's page, holds, appeals.
	records := &staff.Retention{Kit: k, Policy: deps.Policy, Culler: deps.Culler, Runs: deps.RetentionRuns, Holds: deps.Holds,
		HoldStore: deps.Holds.Store, Records: deps.Schedule.Recruitments, People: deps.Directory, Next: deps.NextCulling}
	holdForms := &staff.HoldForms{Holds: deps.Holds, Schedule: deps.Schedule, Records: deps.Schedule.Recruitments, People: deps.Directory}
	recruits.HoldForms, appView.HoldForms = holdForms, holdForms
	decisions.Appeals = &staff.AppealForms{Holds: deps.Holds, Appeals: deps.Appeals, People: deps.Directory}
	appView.Order = candidates.Order // previous and next follow the candidate list
	own := &staff.Personal{Kit: k, Header: staffHead, Service: deps.Personal}
	if deps.Personal != nil {
		own.Editable = deps.Personal.Editable
	}
	if deps.Payroll != nil { // the tax details payroll imported
		own.Tax = deps.Payroll
	}

	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: k.LogPanic}))
	// The language comes first, so that even a body refused before it is
	// read gets its page in the user's language.
	app.Use(k.RequestID, k.AccessLog, k.Deadline, k.SecurityHeaders(), k.Locale, k.BodyRules)
	// Health answers load no session: they must answer whatever the
	// database does.
	app.Get("/healthz", pages.ShowHealth)
	app.Get("/readyz", pages.ShowReady)
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(views.Static()), MaxAge: 365 * 24 * 3600}))
	// Every page but the staff surface's belongs to the applicants' realm.
	app.Use(web.Unless(staffPrefix, applicants.Load))
	app.Get("/robots.txt", board.ShowRobots)
	app.Get("/sitemap.xml", board.ShowSitemap)
	app.Get("/sprak/:lang", pages.SwitchLanguage)

	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/jobb", fiber.StatusFound) })
	app.Get("/jobb", board.ShowJobList)
	app.Get("/jobb/feed.:format", board.ShowFeed)
	app.Get("/jobb/:ref", board.ShowJobPage)
	app.Get("/tillganglighet", pages.ShowAccessibility)

	// Forms carry CSRF tokens; account pages also need a login. Middleware
	// is given per route: a Group without a prefix would run it for every
	// route registered after it.
	csrf, needLogin := k.CSRF(), gate.RequireLogin
	app.Get("/support", csrf, support.ShowSupport)
	app.Post("/support", csrf, k.Limit("support", 5, time.Hour), support.SendSupport)
	app.Get("/logga-in", csrf, login.ShowLogin)
	app.Post("/logga-in", csrf, k.Limit("login", 60, 15*time.Minute), login.Login)
	app.Get("/logga-ut", csrf, login.ShowLogout)
	app.Post("/logga-ut", csrf, login.Logout)
	app.Get("/konto/ny", csrf, login.ShowRegister)
	app.Post("/konto/ny", csrf, k.Limit("register", 20, time.Hour), login.Register)
	app.Get("/glomt-losenord", csrf, login.ShowForgot)
	app.Post("/glomt-losenord", csrf, k.Limit("reset", 30, time.Hour), login.RequestReset)
	app.Get("/konto/verifiera", csrf, login.ShowVerifyEmail)
	app.Post("/konto/verifiera", csrf, login.VerifyEmail)
	app.Post("/konto/verifiera/skicka", csrf, needLogin, k.Limit("verify", 10, time.Hour), login.ResendVerification)
	app.Get("/nytt-losenord", csrf, needLogin, login.ShowNewPassword)
	app.Post("/nytt-losenord", csrf, needLogin, k.Limit("new-password", 30, time.Hour), login.SetNewPassword)
	app.Get("/mina-uppgifter", csrf, needLogin, profile.ShowProfile)
	app.Post("/mina-uppgifter", csrf, needLogin, profile.SaveProfile)
	app.Post("/mina-uppgifter/losenord", csrf, needLogin, profile.ChangePassword)
	app.Post("/mina-uppgifter/e-post", csrf, needLogin, profile.ChangeEmail)
	app.Get("/konto/byt-epost", csrf, profile.ShowConfirmEmailChange)
	app.Post("/konto/byt-epost", csrf, profile.ConfirmEmailChange)
	app.Get("/mina-uppgifter/radera", csrf, needLogin, profile.ShowDelete)
	app.Post("/mina-uppgifter/radera", csrf, needLogin, profile.DeleteAccount)
	app.Post("/mina-uppgifter/radera/avbryt", csrf, needLogin, profile.CancelDeletion)
	app.Get("/mina-uppgifter/hamta", needLogin, profile.DownloadData)
	app.Post("/session/forlang", needLogin, k.ExtendSession(deps.Sessions))
	app.Get("/jobb/:ref/ansok", csrf, needLogin, apply.ShowStartApplication)
	app.Post("/jobb/:ref/ansok", csrf, needLogin, apply.StartApplication)
	app.Get("/mina-ansokningar", csrf, needLogin, apply.ShowApplications)
	app.Get("/ansokan/:id/fragor", csrf, needLogin, apply.ShowQuestions)
	app.Post("/ansokan/:id/fragor", csrf, needLogin, apply.SaveQuestions)
	app.Get("/ansokan/:id/bilagor", csrf, needLogin, apply.ShowAttachments)
	app.Post("/ansokan/:id/bilagor", csrf, needLogin, apply.UploadAttachments)
	app.Get("/ansokan/:id/bilagor/:att", needLogin, apply.DownloadAttachment)
	app.Post("/ansokan/:id/bilagor/:att/ta-bort", csrf, needLogin, apply.RemoveAttachment)
	app.Get("/ansokan/:id/sammanfattning", csrf, needLogin, apply.ShowSummary)
	app.Post("/ansokan/:id/skicka", csrf, needLogin, apply.SubmitApplication)
	app.Get("/ansokan/:id/kvitto", needLogin, apply.ShowReceipt)
	app.Get("/ansokan/:id/aterkalla", csrf, needLogin, apply.ShowWithdraw)
	app.Post("/ansokan/:id/aterkalla", csrf, needLogin, apply.WithdrawApplication)
	app.Post("/ansokan/:id/yttrande", csrf, needLogin, k.Limit("statement", 10, time.Hour), apply.RequestStatement)

	app.Get("/bevakning", csrf, alert.ShowSubscribe)
	app.Post("/bevakning", csrf, k.Limit("subscribe", 20, time.Hour), alert.Subscribe)
	app.Get("/bevakning/bekrafta/:token", csrf, alert.ShowConfirm)
	app.Post("/bevakning/bekrafta/:token", csrf, alert.ConfirmSubscription)
	app.Get("/bevakning/flode/:file", alert.ShowAlertFeed)
	app.Get("/bevakning/:id/andra/:sig", csrf, alert.ShowManage)
	app.Post("/bevakning/:id/andra/:sig", csrf, alert.SaveManage)
	app.Get("/bevakning/:id/avsluta/:sig", alert.ShowUnsubscribe)
	app.Post("/bevakning/:id/avsluta/:sig", alert.Unsubscribe) // one click from mail programs (RFC 8058): no CSRF token
	app.Get("/bevakning/:id/fornya/:sig", csrf, alert.ShowRenew)
	app.Post("/bevakning/:id/fornya/:sig", csrf, alert.Renew)
	app.Get("/intresseanmalan", csrf, needLogin, alert.ShowInterest)
	app.Post("/intresseanmalan", csrf, needLogin, alert.ReviewInterest)
	app.Post("/intresseanmalan/spara", csrf, needLogin, alert.SaveInterest)
	app.Post("/intresseanmalan/avsluta", csrf, needLogin, alert.StopInterest)

	// The staff surface: its own realm, layout and login.
	// Every answer under it, error pages included, has a form token for the
	// layout's logout button.
	// ("Continue" in the time-out warning sends a header instead.)
	staffPages := app.Group(staffPrefix, staffRealm.Load, staff.MarkPartial, web.Unless(staffPrefix+"/session/forlang", csrf))
	staffLogin := home.RequireLogin
	staffPages.Get("/", staffLogin, start.ShowOverview)
	staffPages.Get("/oversikt/redigera", staffLogin, start.ShowEditOverview)
	staffPages.Post("/oversikt/redigera", staffLogin, start.EditOverview)
	staffPages.Post("/logga-ut", home.Logout)
	staffPages.Post("/session/forlang", staff.RequireSession, k.ExtendSession(deps.StaffSessions))
	staffPages.Get("/sso", k.Limit("sso", 300, 15*time.Minute), staffSSO.StartSSO)
	staffPages.Get("/sso/klar", staffSSO.FinishSSO)
	// Logging in with a password (seed 000), and Settings (seed 001).
	passwordsOn := staffIn.PasswordsOn
	staffPages.Get("/logga-in", staffIn.ShowLogin)
	staffPages.Post("/logga-in", passwordsOn, k.Limit("staff-login", 60, 15*time.Minute), staffIn.LogIn)
	staffPages.Get("/glomt-losenord", passwordsOn, staffIn.ShowForgot)
	staffPages.Post("/glomt-losenord", passwordsOn, k.Limit("staff-reset", 30, time.Hour), staffIn.RequestReset)
	staffPages.Get("/byt-losenord", passwordsOn, staffIn.RequireNewPassword, staffIn.ShowNewPassword)
	staffPages.Post("/byt-losenord", passwordsOn, staffIn.RequireNewPassword, k.Limit("staff-new-password", 30, time.Hour), staffIn.SetNewPassword)
	// The menu, favourites and messages of the staff layout.
	staffPages.Get("/meny", staffLogin, home.ShowMenu)
	staffPages.Post("/favoriter", staffLogin, favPages.AddFavourite)
	staffPages.Post("/favoriter/ta-bort", staffLogin, favPages.RemoveStar)
	staffPages.Get("/installningar/favoriter", staffLogin, favPages.ShowFavourites)
	staffPages.Post("/installningar/favoriter/:slot/titel", staffLogin, favPages.RenameFavourite)
	staffPages.Post("/installningar/favoriter/:slot/flytta", staffLogin, favPages.MoveFavourite)
	staffPages.Post("/installningar/favoriter/:slot/ta-bort", staffLogin, favPages.RemoveFavourite)
	staffPages.Get("/meddelanden", staffLogin, inboxPages.ShowInbox)
	staffPages.Get("/meddelanden/nytt", staffLogin, inboxPages.ShowNewMessage)
	staffPages.Post("/meddelanden/nytt", staffLogin, k.Limit("staff-message", 120, time.Hour), inboxPages.SendMessage)
	staffPages.Get("/meddelanden/:id", staffLogin, inboxPages.ShowMessage)
	staffPages.Get("/installningar", staffLogin, staffAcct.ShowSettings)
	staffPages.Post("/installningar/losenord", passwordsOn, staffLogin, k.Limit("staff-new-password", 30, time.Hour), staffAcct.ChangePassword)
	staffPages.Post("/anstallning", staffLogin, staffAcct.SwitchEmployment)
	// Roles: one's own, the manager's signatures, the administrator's
	// pages; each asks the access policy.
	staffPages.Get("/behorigheter", staffLogin, roles.ShowRoles)
	staffPages.Post("/behorigheter", staffLogin, k.Limit("role-request", 30, time.Hour), roles.SubmitRequest)
	staffPages.Post("/behorigheter/:id/aterkalla", staffLogin, roles.WithdrawRequest)
	staffPages.Get("/behorigheter/att-signera", staffLogin, roles.ShowSign)
	staffPages.Post("/behorigheter/:id/signera", staffLogin, roles.SignRequest)
	staffPages.Post("/behorigheter/:id/avsla", staffLogin, roles.DeclineRequest)
	staffPages.Get("/admin/behorigheter", staffLogin, roles.RequireGranting, roles.ShowAdminRoles)
	staffPages.Post("/admin/behorigheter/tilldela", staffLogin, roles.RequireGranting, roles.GrantDirect)
	staffPages.Post("/admin/behorigheter/:id/bevilja", staffLogin, roles.RequireGranting, roles.GrantRequest)
	staffPages.Post("/admin/behorigheter/:id/neka", staffLogin, roles.RequireGranting, roles.RefuseRequest)
	staffPages.Post("/admin/tilldelning/:id/aterkalla", staffLogin, roles.RequireGranting, roles.RevokeGrant)
	staffPages.Get("/admin/kurser", staffLogin, roles.RequireCourses, roles.ShowCourses)
	staffPages.Post("/admin/kurser", staffLogin, roles.RequireCourses, roles.RecordCourse)
	staffPages.Post("/admin/kurser/ta-bort", staffLogin, roles.RequireCourses, roles.RemoveCourse)
	staffPages.Get("/admin/logg", staffLogin, roles.RequireAudit, roles.ShowAudit)
	staffPages.Get("/admin/utskick", staffLogin, roles.RequireMail, outbox.ShowOutbox)
	staffPages.Post("/admin/utskick/:id/forsok-igen", staffLogin, roles.RequireMail, outbox.RetryMail)
	// The second step from outside, and its settings (seed 003).
	atFactor := staff.RequireStage(staff.StageFactor)
	staffPages.Get("/logga-in/steg-tva", atFactor, secondStep.ShowSecondStep)
	staffPages.Post("/logga-in/steg-tva", atFactor, k.Limit("factor", 60, 15*time.Minute), secondStep.CheckCode)
	staffPages.Post("/logga-in/steg-tva/skicka", atFactor, k.Limit("factor-send", 30, time.Hour), secondStep.SendCode)
	staffPages.Get("/installningar/inloggning", staffLogin, factorSet.ShowFactorSettings)
	staffPages.Post("/installningar/inloggning/mobil", staffLogin, k.Limit("factor-send", 30, time.Hour), factorSet.AddPhone)
	staffPages.Post("/installningar/inloggning/mobil/bekrafta", staffLogin, factorSet.ConfirmPhone)
	staffPages.Post("/installningar/inloggning/mobil/skicka", staffLogin, k.Limit("factor-send", 30, time.Hour), factorSet.ResendPhone)
	staffPages.Post("/installningar/inloggning/mobil/ta-bort", staffLogin, factorSet.RemovePhone)
	staffPages.Get("/installningar/inloggning/app", staffLogin, factorSet.ShowAppSetup)
	staffPages.Post("/installningar/inloggning/app", staffLogin, factorSet.ConfirmApp)
	staffPages.Post("/installningar/inloggning/app/ta-bort", staffLogin, factorSet.RemoveApp)

	// Personal data (seed 001, "Personligt"): the session's person's own.
	staffPages.Get("/personligt", staffLogin, own.ShowPersonal)
	staffPages.Post("/personligt", staffLogin, own.SaveContact)
	staffPages.Get("/personligt/skatt", staffLogin, own.ShowTax)
	if casePages != nil {
		staffPages.Get("/arenden", staffLogin, casePages.ShowCases)
		staffPages.Get("/arenden/ny/:kind", staffLogin, casePages.ShowNewCase)
		staffPages.Post("/arenden/ny/:kind", staffLogin, casePages.CreateCase)
		staffPages.Get("/arenden/:id", staffLogin, casePages.ShowCase)
		staffPages.Get("/arenden/:id/andra", staffLogin, casePages.ShowChangeCase)
		staffPages.Post("/arenden/:id/andra", staffLogin, casePages.ChangeCase)
		staffPages.Post("/arenden/:id/skicka", staffLogin, casePages.SubmitCase)
		staffPages.Get("/arenden/:id/aterkalla", staffLogin, casePages.ShowWithdrawCase)
		staffPages.Post("/arenden/:id/aterkalla", staffLogin, casePages.WithdrawCase)
		staffPages.Post("/arenden/:id/utlagg", staffLogin, casePages.AddOutlay) // the upload route: a receipt
		staffPages.Get("/arenden/:id/utlagg/:n", staffLogin, casePages.DownloadReceipt)
		staffPages.Post("/arenden/:id/utlagg/:n/ta-bort", staffLogin, casePages.RemoveOutlay)
		staffPages.Post("/arenden/:id/rekommendera", staffLogin, casePages.RecommendCase)
		staffPages.Get("/attestera", staffLogin, casePages.ShowApproval)
		staffPages.Post("/attestera", staffLogin, casePages.Decide)
		staffPages.Get("/attestera/ersattare", staffLogin, casePages.ShowSubstitutes)
		staffPages.Post("/attestera/ersattare", staffLogin, casePages.AddSubstitute)
		staffPages.Post("/attestera/ersattare/:id/ta-bort", staffLogin, casePages.RemoveSubstitute)
	}
	staffPages.Get("/personligt/anhoriga", staffLogin, own.ShowRelatives)
	staffPages.Get("/personligt/anhoriga/ny", staffLogin, own.ShowNewRelative)
	staffPages.Post("/personligt/anhoriga/ny", staffLogin, own.AddRelative) // at most personal.MaxRelatives each
	staffPages.Get("/personligt/anhoriga/:id", staffLogin, own.ShowChangeRelative)
	staffPages.Post("/personligt/anhoriga/:id", staffLogin, own.ChangeRelative)
	staffPages.Get("/personligt/anhoriga/:id/ta-bort", staffLogin, own.ShowRemoveRelative)
	staffPages.Post("/personligt/anhoriga/:id/ta-bort", staffLogin, own.RemoveRelative)

	// Recruitments: each page asks the recruitment what the person may do.
	staffPages.Get("/rekrytering", staffLogin, recruits.ShowRecruitments)
	staffPages.Get("/rekrytering/ny", staffLogin, recruits.ShowNewRecruitment)
	staffPages.Post("/rekrytering/ny", staffLogin, recruits.CreateRecruitment)
	staffPages.Get("/rekrytering/statistik", staffLogin, stats.ShowUnitStats) // before /:id
	staffPages.Get("/rekrytering/mallar", staffLogin, messages.ShowTemplates)
	staffPages.Get("/rekrytering/mallar/:tid", staffLogin, messages.ShowTemplate)
	staffPages.Post("/rekrytering/mallar/:tid", staffLogin, messages.SaveTemplate)
	staffPages.Get("/rekrytering/:id", staffLogin, recruits.ShowRecruitment)
	staffPages.Post("/rekrytering/:id/grupp", staffLogin, recruits.SaveGroup)
	staffPages.Get("/rekrytering/:id/kandidater", staffLogin, candidates.ShowCandidates)
	staffPages.Post("/rekrytering/:id/kandidater", staffLogin, candidates.ActOnCandidates)
	staffPages.Get("/rekrytering/:id/kandidater/export", staffLogin, candidates.ExportCandidates)
	staffPages.Get("/admin/steg", staffLogin, stageAdmin.RequireStages, stageAdmin.ShowStages)
	staffPages.Post("/admin/steg", staffLogin, stageAdmin.RequireStages, stageAdmin.SaveStages)
	staffPages.Get("/rekrytering/:id/annons", staffLogin, recruitAds.ShowAd)
	staffPages.Get("/rekrytering/:id/annons.json", staffLogin, recruitAds.ExportAd)
	staffPages.Get("/rekrytering/:id/annons/redigera", staffLogin, recruitAds.ShowAdEditor)
	staffPages.Post("/rekrytering/:id/annons/redigera", staffLogin, recruitAds.SaveAd)
	staffPages.Get("/rekrytering/:id/annons/forhandsgranska", staffLogin, recruitAds.PreviewAd)
	staffPages.Post("/rekrytering/:id/annons/publicera", staffLogin, recruitAds.PublishAd)
	staffPages.Post("/rekrytering/:id/annons/stang", staffLogin, recruitAds.CloseAd)
	staffPages.Post("/rekrytering/:id/annons/forlang", staffLogin, recruitAds.ExtendAd)
	staffPages.Post("/rekrytering/:id/annons/mall", staffLogin, recruitAds.SaveAdTemplate)
	staffPages.Post("/rekrytering/:id/annons/kopiera", staffLogin, recruitAds.CopyAd)
	staffPages.Get("/rekrytering/:id/statistik", staffLogin, stats.ShowStats)
	// One application: read, rated, noted, moved; its files; who looked.
	staffPages.Get("/rekrytering/:id/kandidater/:cid", staffLogin, appView.ShowApplication)
	staffPages.Get("/rekrytering/:id/kandidater/:cid/bilagor/:att", staffLogin, appView.OpenAttachment)
	staffPages.Post("/rekrytering/:id/kandidater/:cid/betyg", staffLogin, appView.SaveRating)
	staffPages.Post("/rekrytering/:id/kandidater/:cid/anteckning", staffLogin, appView.AddNote)
	staffPages.Post("/rekrytering/:id/kandidater/:cid/steg", staffLogin, appView.MoveCandidate)
	staffPages.Get("/rekrytering/:id/logg", staffLogin, appView.ShowAccessLog)
	// Applications on paper or by e-mail, their files, and placeholders.
	staffPages.Get("/rekrytering/:id/registrera", staffLogin, registry.ShowRegister)
	staffPages.Post("/rekrytering/:id/registrera", staffLogin, registry.RegisterApplication)
	staffPages.Post("/rekrytering/:id/registrera/skyddad", staffLogin, registry.RegisterProtected)
	staffPages.Get("/rekrytering/:id/kandidater/:cid/bilagor", staffLogin, registry.ShowFiles)
	staffPages.Post("/rekrytering/:id/kandidater/:cid/bilagor", staffLogin, registry.UploadFiles)
	staffPages.Get("/rekrytering/:id/meddelanden", staffLogin, messages.ShowMessages)
	staffPages.Post("/rekrytering/:id/meddelanden", staffLogin, messages.SendMessages)
	staffPages.Get("/rekrytering/:id/beslut", staffLogin, decisions.ShowDecision)
	staffPages.Post("/rekrytering/:id/beslut", staffLogin, decisions.SaveDecision)
	staffPages.Get("/rekrytering/:id/beslut/anslag", staffLogin, decisions.ShowNotice)
	staffPages.Post("/rekrytering/:id/yttranden/:sid", staffLogin, decisions.AnswerStatement)
	// Requests for official documents: each page asks for a registrar
	// over the recruitment's unit.
	staffPages.Get("/registratur", staffLogin, registrar.ShowRequests)
	staffPages.Get("/registratur/ny", staffLogin, registrar.ShowNewRequest)
	staffPages.Post("/registratur/ny", staffLogin, registrar.RecordRequest)
	staffPages.Get("/registratur/:id", staffLogin, registrar.ShowRequest)
	staffPages.Post("/registratur/:id/maskering", staffLogin, registrar.SaveMasking)
	staffPages.Get("/registratur/:id/kopia", staffLogin, registrar.DownloadCopy)
	staffPages.Post("/registratur/:id/svar", staffLogin, registrar.AnswerRequest)
	// Records and retention: holds on a recruitment or one application,
	// appeals of the decision, and the records administrator's page.
	staffPages.Post("/rekrytering/:id/sparr", staffLogin, recruits.PlaceHold)
	staffPages.Post("/rekrytering/:id/kandidater/:cid/sparr", staffLogin, appView.PlaceHold)
	staffPages.Post("/rekrytering/:id/beslut/overklagande", staffLogin, decisions.RecordAppeal)
	staffPages.Get("/gallring", staffLogin, records.RequireRetention, records.ShowRetention)
	staffPages.Post("/gallring/sparr/:hid/hav", staffLogin, records.RequireRetention, records.LiftHold)
	// Pay and balances (seed 001), of the employment the session works in.
	staffPages.Get("/lon", staffLogin, pay.ShowPayslips)
	staffPages.Get("/lon/:period", staffLogin, pay.ShowPayslip)
	staffPages.Get("/lon/:period/pdf", staffLogin, pay.DownloadPayslip)
	staffPages.Get("/saldon", staffLogin, pay.ShowBalances)
	staffPages.Get("/saldon/:kind", staffLogin, pay.ShowBalance)

	if cfg.Dev {
		app.Get("/dev/mail", devMail.ShowDevMail)
		app.Get("/dev/mail.json", devMail.ShowDevMailJSON)
		app.Get("/dev/sms", devMail.ShowDevSMS)
		app.Get("/dev/sms.json", devMail.ShowDevSMSJSON)
		app.Get("/dev/natverk", csrf, devNetwork.ShowDevNetwork)
		app.Post("/dev/natverk", csrf, devNetwork.SetDevNetwork)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}
