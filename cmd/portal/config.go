package main

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"portal/access"
	"portal/personal"
	"portal/retention"
)

// Config is every setting of the portal, read from the environment.
type Config struct {
	Env            string // dev or prod
	Addr           string // host:port to listen on
	BaseURL        string
	SiteName       string
	LogFormat      string // text or json
	LogLevel       string
	MongoURI       string
	MongoDB        string
	S3Endpoint     string
	S3AccessKey    string
	S3SecretKey    string
	S3Bucket       string
	S3Region       string
	S3TLS          bool
	SMTPHost       string
	SMTPPort       int
	SMTPUser       string
	SMTPPassword   string
	SMTPSecurity   string
	MailFrom       string
	MailAttempts   int
	AppealDays     int     // days an employment decision can be appealed after it is posted
	Payday         int     // the day of the month salaries are paid
	PayrollCutoff  int     // the last day of a month whose approved cases that month's payday pays
	CaseDigest     bool    // managers get a daily digest of new cases instead of a message each
	MailRate       float64 // messages a second, per instance
	SigningKey     []byte  // signs the links in alert e-mail
	SupportEmail   string
	TrustedProxies []string
	// TrustedNetworks are the organisation's address ranges: staff logging
	// in from elsewhere need a second factor.
	TrustedNetworks []string
	SMSProvider     string // "" (none) or 46elks
	SMSBaseURL      string
	SMSUser         string
	SMSPassword     string
	SMSFrom         string
	BodyLimit       int
	UploadDir       string // where uploads in progress are spooled; emptied at start
	ReadTimeout     time.Duration
	RequestTimeout  time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownGrace   time.Duration
	AdsRefresh      time.Duration
	StaffRefresh    time.Duration // how stale another instance's change of the staff directory or a grant may be here
	SessionIdle     time.Duration
	SessionMax      time.Duration
	// Staff logins: idle time inside the trusted networks, from outside,
	// and the longest a staff login lasts.
	StaffIdle, StaffOutsideIdle, StaffMax time.Duration
	Argon2Memory                          int // KiB
	Argon2Passes                          int
	Argon2Lanes                           int
	// The staff login.
	StaffOrgName        string
	StaffOrgCode        string
	Environment         string // production, test, development or any text, shown on the staff login page
	StaffPasswordsOff   bool
	StaffPasswordMaxAge time.Duration // zero: passwords do not expire
	// StaffEditable is what staff may change of their contact details
	// under Personligt (PORTAL_STAFF_EDITABLE).
	StaffEditable personal.Editable
	RolesFile     string            // the role catalogue; empty: the shipped one
	Roles         *access.Catalogue // read from RolesFile at start
	SSO           SSOConfig
	// Retention is the retention rule's durations: records, their margin,
	// and unused applicant accounts.
	Retention retention.Rules
}

// SSOConfig is the staff's single sign-on (OpenID Connect); off without
// an issuer.
type SSOConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	UserClaim    string // the claim with the user name
	Name         string // the text of the login button
	StripDomain  string // taken off the end of the user name with its "@"
}

// Dev reports whether the portal runs in development mode.
func (c Config) Dev() bool { return c.Env == "dev" }

// env reads the environment through a lookup function so tests can feed it.
type env func(string) (string, bool)

// loadConfig reads and checks the configuration; the error lists every
// problem, one per line, naming the variable.
func loadConfig(lookup env) (Config, error) {
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	str := func(name, def string) string {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	// secret reads NAME, or the file named by NAME_FILE (Docker and
	// Kubernetes secrets).
	secret := func(name, def string) string {
		if path := str(name+"_FILE", ""); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				bad(name+"_FILE", "cannot read %s", path)
				return ""
			}
			return strings.TrimRight(string(b), "\r\n")
		}
		return str(name, def)
	}
	integer := func(name string, def, lo, hi int) int {
		s := str(name, "")
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			bad(name, "want a whole number from %d to %d, got %q", lo, hi, s)
			return def
		}
		return n
	}
	duration := func(name string, def time.Duration) time.Duration {
		s := str(name, "")
		if s == "" {
			return def
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			bad(name, "want a duration such as 30s or 5m, got %q", s)
			return def
		}
		return d
	}
	boolean := func(name string, def bool) bool {
		s := str(name, "")
		if s == "" {
			return def
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			bad(name, "want true or false, got %q", s)
		}
		return b
	}

	c := Config{Env: str("PORTAL_ENV", "prod")}
	if c.Env != "dev" && c.Env != "prod" {
		bad("PORTAL_ENV", "want dev or prod, got %q", c.Env)
	}
	port := integer("PORT", 8080, 1, 65535)
	c.Addr = str("PORTAL_ADDR", "127.0.0.1") + ":" + strconv.Itoa(port)
	c.BaseURL = strings.TrimRight(str("PORTAL_BASE_URL", "http://127.0.0.1:"+strconv.Itoa(port)), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("PORTAL_BASE_URL", "want an absolute http(s) address, got %q", c.BaseURL)
	} else if u.Scheme != "https" && !c.Dev() {
		bad("PORTAL_BASE_URL", "must be https outside development (cookies are Secure)")
	}
	c.SiteName = str("PORTAL_SITE_NAME", "Exempelkommunen")
	c.LogFormat = str("PORTAL_LOG_FORMAT", "text")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("PORTAL_LOG_FORMAT", "want text or json, got %q", c.LogFormat)
	}
	c.LogLevel = str("PORTAL_LOG_LEVEL", "info")
	if !contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		bad("PORTAL_LOG_LEVEL", "want debug, info, warn or error, got %q", c.LogLevel)
	}
	c.MongoURI = secret("PORTAL_MONGO_URI", "")
	if c.MongoURI == "" {
		bad("PORTAL_MONGO_URI", "required, e.g. mongodb://127.0.0.1:27017/")
	} else if !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		bad("PORTAL_MONGO_URI", "want a mongodb:// address")
	}
	c.MongoDB = str("PORTAL_MONGO_DB", "portal")
	c.S3Endpoint = str("PORTAL_S3_ENDPOINT", "")
	if c.S3Endpoint == "" || strings.Contains(c.S3Endpoint, "/") {
		bad("PORTAL_S3_ENDPOINT", "required, as host:port without a scheme, e.g. 127.0.0.1:9000")
	}
	c.S3AccessKey = secret("PORTAL_S3_ACCESS_KEY", "")
	c.S3SecretKey = secret("PORTAL_S3_SECRET_KEY", "")
	if c.S3AccessKey == "" {
		bad("PORTAL_S3_ACCESS_KEY", "required")
	}
	if c.S3SecretKey == "" {
		bad("PORTAL_S3_SECRET_KEY", "required")
	}
	c.S3Bucket = str("PORTAL_S3_BUCKET", "portal")
	c.S3Region = str("PORTAL_S3_REGION", "")
	c.S3TLS = boolean("PORTAL_S3_TLS", false)
	c.SMTPHost = str("PORTAL_SMTP_HOST", "")
	c.SMTPPort = integer("PORTAL_SMTP_PORT", 587, 1, 65535)
	c.SMTPUser = str("PORTAL_SMTP_USER", "")
	c.SMTPPassword = secret("PORTAL_SMTP_PASSWORD", "")
	c.SMTPSecurity = str("PORTAL_SMTP_SECURITY", "starttls")
	if !contains([]string{"none", "starttls", "tls"}, c.SMTPSecurity) {
		bad("PORTAL_SMTP_SECURITY", "want none, starttls or tls, got %q", c.SMTPSecurity)
	}
	if c.SMTPHost == "" && !c.Dev() {
		bad("PORTAL_SMTP_HOST", "required outside development")
	}
	c.MailFrom = str("PORTAL_MAIL_FROM", "Rekrytering <no-reply@example.se>")
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		bad("PORTAL_MAIL_FROM", "not an e-mail address: %q", c.MailFrom)
	}
	c.SupportEmail = str("PORTAL_SUPPORT_EMAIL", "support@example.se")
	if _, err := mail.ParseAddress(c.SupportEmail); err != nil {
		bad("PORTAL_SUPPORT_EMAIL", "not an e-mail address: %q", c.SupportEmail)
	}
	c.MailAttempts = integer("PORTAL_MAIL_MAX_ATTEMPTS", 8, 1, 100)
	c.AppealDays = integer("PORTAL_APPEAL_DAYS", 21, 1, 365)
	c.Payday = integer("PORTAL_PAYDAY", 25, 1, 31)
	c.PayrollCutoff = integer("PORTAL_PAYROLL_CUTOFF", 10, 1, 28)
	c.CaseDigest = boolean("PORTAL_CASES_DIGEST", false)
	c.Retention = retention.DefaultRules()
	c.Retention.Years = integer("PORTAL_RETENTION_YEARS", c.Retention.Years, 1, 50)
	c.Retention.MarginDays = integer("PORTAL_RETENTION_MARGIN_DAYS", c.Retention.MarginDays, 0, 30)
	c.Retention.AccountIdleYears = integer("PORTAL_ACCOUNT_IDLE_YEARS", c.Retention.AccountIdleYears, 1, 50)
	c.Retention.NoticeDays = integer("PORTAL_ACCOUNT_NOTICE_DAYS", c.Retention.NoticeDays, 1, 365)
	if c.Retention.NoticeDays >= 365*c.Retention.AccountIdleYears {
		bad("PORTAL_ACCOUNT_NOTICE_DAYS", "want fewer days than PORTAL_ACCOUNT_IDLE_YEARS holds, got %d", c.Retention.NoticeDays)
	}
	if s := str("PORTAL_MAIL_RATE", "10"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 || r > 10000 {
			bad("PORTAL_MAIL_RATE", "want messages a second, more than 0 and at most 10000, got %q", s)
		}
		c.MailRate = r
	}
	c.SigningKey = []byte(secret("PORTAL_SIGNING_KEY", ""))
	if len(c.SigningKey) == 0 && c.Dev() {
		// Links in development mail need to work across restarts, not to
		// be secret.
		c.SigningKey = []byte("development only: not a secret at all")
	}
	if len(c.SigningKey) < 32 {
		bad("PORTAL_SIGNING_KEY", "required, at least 32 characters of random text (e.g. openssl rand -base64 48)")
	}
	for _, p := range strings.Split(str("PORTAL_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	defNetworks := "none"
	if c.Dev() {
		defNetworks = "127.0.0.0/8,::1/128"
	}
	for _, n := range strings.Split(str("PORTAL_TRUSTED_NETWORKS", defNetworks), ",") {
		if n = strings.TrimSpace(n); n == "" || n == "none" {
			continue
		}
		if _, err := netip.ParsePrefix(n); err != nil {
			if _, err := netip.ParseAddr(n); err != nil {
				bad("PORTAL_TRUSTED_NETWORKS", "want address ranges such as 10.0.0.0/8, or none, got %q", n)
				continue
			}
		}
		c.TrustedNetworks = append(c.TrustedNetworks, n)
	}
	c.SMSProvider = str("PORTAL_SMS_PROVIDER", "")
	if c.SMSProvider != "" && c.SMSProvider != "46elks" {
		bad("PORTAL_SMS_PROVIDER", "want 46elks or nothing, got %q", c.SMSProvider)
	}
	c.SMSBaseURL = strings.TrimRight(str("PORTAL_SMS_BASE_URL", "https://api.46elks.com/a1"), "/")
	if u, err := url.Parse(c.SMSBaseURL); err != nil || (u.Scheme != "https" && !(c.Dev() && u.Scheme == "http")) || u.Host == "" {
		bad("PORTAL_SMS_BASE_URL", "want an https address, got %q", c.SMSBaseURL)
	}
	c.SMSUser = str("PORTAL_SMS_USER", "")
	c.SMSPassword = secret("PORTAL_SMS_PASSWORD", "")
	c.SMSFrom = str("PORTAL_SMS_FROM", "")
	if c.SMSProvider != "" {
		if c.SMSUser == "" {
			bad("PORTAL_SMS_USER", "required with PORTAL_SMS_PROVIDER")
		}
		if c.SMSPassword == "" {
			bad("PORTAL_SMS_PASSWORD", "required with PORTAL_SMS_PROVIDER")
		}
		if !smsSender.MatchString(c.SMSFrom) {
			bad("PORTAL_SMS_FROM", "want up to 11 letters and digits starting with a letter, or a number such as +46701234567, got %q", c.SMSFrom)
		}
	}
	// Five attachments of 5 MiB and the form around them.
	c.BodyLimit = integer("PORTAL_BODY_LIMIT", 27<<20, 1024, 1<<30)
	c.UploadDir = filepath.Clean(str("PORTAL_UPLOAD_DIR", filepath.Join(os.TempDir(), "portal-uploads")))
	if !filepath.IsAbs(c.UploadDir) || c.UploadDir == filepath.Dir(c.UploadDir) || c.UploadDir == filepath.Clean(os.TempDir()) {
		bad("PORTAL_UPLOAD_DIR", "want an absolute path of a folder of the portal's own (it is emptied at start), got %q", c.UploadDir)
	}
	c.ReadTimeout = duration("PORTAL_READ_TIMEOUT", 15*time.Second)
	c.WriteTimeout = duration("PORTAL_WRITE_TIMEOUT", 30*time.Second)
	c.RequestTimeout = duration("PORTAL_REQUEST_TIMEOUT", 20*time.Second)
	c.IdleTimeout = duration("PORTAL_IDLE_TIMEOUT", 60*time.Second)
	c.ShutdownGrace = duration("PORTAL_SHUTDOWN_GRACE", 20*time.Second)
	c.AdsRefresh = duration("PORTAL_ADS_REFRESH", 2*time.Second)
	c.StaffRefresh = duration("PORTAL_STAFF_REFRESH", 500*time.Millisecond)
	if c.StaffRefresh > 5*time.Second {
		bad("PORTAL_STAFF_REFRESH", "at most 5s: a revoked role works on other instances until then")
	}
	c.SessionIdle = duration("PORTAL_SESSION_IDLE", 30*time.Minute)
	c.SessionMax = duration("PORTAL_SESSION_MAX", 12*time.Hour)
	if c.SessionIdle > c.SessionMax {
		bad("PORTAL_SESSION_IDLE", "must not be longer than PORTAL_SESSION_MAX")
	}
	c.StaffIdle = duration("PORTAL_STAFF_SESSION_IDLE", 30*time.Minute)
	c.StaffOutsideIdle = duration("PORTAL_STAFF_OUTSIDE_IDLE", 15*time.Minute)
	c.StaffMax = duration("PORTAL_STAFF_SESSION_MAX", 10*time.Hour)
	if c.StaffIdle > c.StaffMax || c.StaffOutsideIdle > c.StaffMax {
		bad("PORTAL_STAFF_SESSION_IDLE", "and PORTAL_STAFF_OUTSIDE_IDLE must not be longer than PORTAL_STAFF_SESSION_MAX")
	}
	c.Argon2Memory = integer("PORTAL_ARGON2_MEMORY_KIB", 64*1024, 8*1024, 4*1024*1024)
	c.Argon2Passes = integer("PORTAL_ARGON2_ITERATIONS", 2, 1, 20)
	c.Argon2Lanes = integer("PORTAL_ARGON2_PARALLELISM", 2, 1, 64)
	c.SSO = SSOConfig{
		Issuer: str("PORTAL_SSO_ISSUER", ""), ClientID: str("PORTAL_SSO_CLIENT_ID", ""),
		ClientSecret: secret("PORTAL_SSO_CLIENT_SECRET", ""), UserClaim: str("PORTAL_SSO_USER_CLAIM", "preferred_username"),
		Name: str("PORTAL_SSO_NAME", ""), StripDomain: strings.TrimPrefix(str("PORTAL_SSO_STRIP_DOMAIN", ""), "@"),
	}
	if s := c.SSO; s.Issuer != "" {
		if u, err := url.Parse(s.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && !(c.Dev() && u.Scheme == "http")) {
			bad("PORTAL_SSO_ISSUER", "want the provider's https address (as in its tokens), got %q", s.Issuer)
		}
		if s.ClientID == "" {
			bad("PORTAL_SSO_CLIENT_ID", "required with PORTAL_SSO_ISSUER")
		}
		if s.ClientSecret == "" {
			bad("PORTAL_SSO_CLIENT_SECRET", "required with PORTAL_SSO_ISSUER")
		}
		if strings.ContainsAny(s.StripDomain, "@ /") {
			bad("PORTAL_SSO_STRIP_DOMAIN", "want a domain such as exempelkommunen.se, got %q", s.StripDomain)
		}
	} else {
		for name, v := range map[string]string{"PORTAL_SSO_CLIENT_ID": s.ClientID, "PORTAL_SSO_CLIENT_SECRET": s.ClientSecret, "PORTAL_SSO_NAME": s.Name, "PORTAL_SSO_STRIP_DOMAIN": s.StripDomain} {
			if v != "" {
				bad(name, "set without PORTAL_SSO_ISSUER")
			}
		}
	}
	c.StaffOrgName = str("PORTAL_STAFF_ORG_NAME", c.SiteName)
	c.StaffOrgCode = str("PORTAL_STAFF_ORG_CODE", "EXK_PP01")
	def := "production"
	if c.Dev() {
		def = "development"
	}
	c.Environment = str("PORTAL_ENVIRONMENT", def)
	switch v := strings.ToLower(str("PORTAL_STAFF_PASSWORDS", "on")); v {
	case "on":
	case "off":
		c.StaffPasswordsOff = true
	default:
		bad("PORTAL_STAFF_PASSWORDS", "want on or off, got %q", v)
	}
	if v := str("PORTAL_STAFF_PASSWORD_MAX_AGE", "off"); v != "off" && v != "0" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Hour {
			bad("PORTAL_STAFF_PASSWORD_MAX_AGE", "want off or a duration of at least 1h, such as 2160h (90 days), got %q", v)
		}
		c.StaffPasswordMaxAge = d
	}
	if e, err := personal.ParseEditable(str("PORTAL_STAFF_EDITABLE", personal.DefaultEditable)); err != nil {
		bad("PORTAL_STAFF_EDITABLE", "%v", err)
	} else {
		c.StaffEditable = e
	}
	if c.RolesFile = str("PORTAL_ROLES_FILE", ""); c.RolesFile != "" {
		if b, err := os.ReadFile(c.RolesFile); err != nil {
			bad("PORTAL_ROLES_FILE", "cannot read the role catalogue: %v", err)
		} else if c.Roles, err = access.ParseCatalogue(b); err != nil {
			bad("PORTAL_ROLES_FILE", "%s: %v", c.RolesFile, err)
		}
	}
	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

// smsSender is what the gateway shows as the sender: a name of up to 11
// letters and digits, or a number in E.164 form.
var smsSender = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]{2,10}|\+[1-9][0-9]{6,14})$`)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
