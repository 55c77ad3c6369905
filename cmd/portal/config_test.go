package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"portal/retention"
)

func envOf(m map[string]string) env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigDefaultsInDev(t *testing.T) {
	c, err := loadConfig(envOf(map[string]string{
		"PORTAL_ENV": "dev", "PORTAL_MONGO_URI": "mongodb://127.0.0.1:27017/", "PORTAL_S3_ENDPOINT": "127.0.0.1:9000",
		"PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY": "b", "PORT": "8090",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8090" || c.BaseURL != "http://127.0.0.1:8090" || c.ReadTimeout != 15*time.Second || c.BodyLimit != 27<<20 || !c.Dev() ||
		c.UploadDir != filepath.Join(os.TempDir(), "portal-uploads") || c.Environment != "development" || c.StaffPasswordsOff ||
		c.StaffPasswordMaxAge != 0 || c.StaffOrgName != "Exempelkommunen" || c.Retention != retention.DefaultRules() {
		t.Fatalf("%+v", c)
	}
}

func TestConfigNamesEveryProblem(t *testing.T) {
	_, err := loadConfig(envOf(map[string]string{
		"PORTAL_ENV": "prod", "PORT": "eighty", "PORTAL_BASE_URL": "http://jobb.example.se",
		"PORTAL_S3_ENDPOINT": "http://minio:9000", "PORTAL_READ_TIMEOUT": "soon", "PORTAL_LOG_FORMAT": "xml",
		"PORTAL_SMTP_SECURITY": "maybe", "PORTAL_UPLOAD_DIR": "uploads",
		"PORTAL_STAFF_PASSWORDS": "maybe", "PORTAL_STAFF_PASSWORD_MAX_AGE": "90d",
		"PORTAL_RETENTION_YEARS": "0", "PORTAL_RETENTION_MARGIN_DAYS": "a day", "PORTAL_ACCOUNT_IDLE_YEARS": "1", "PORTAL_ACCOUNT_NOTICE_DAYS": "365",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"PORT:", "PORTAL_BASE_URL: must be https", "PORTAL_MONGO_URI: required", "PORTAL_S3_ENDPOINT:",
		"PORTAL_S3_ACCESS_KEY: required", "PORTAL_READ_TIMEOUT:", "PORTAL_LOG_FORMAT:", "PORTAL_SMTP_SECURITY:", "PORTAL_SMTP_HOST: required outside development", "PORTAL_SIGNING_KEY: required",
		"PORTAL_UPLOAD_DIR:", "PORTAL_STAFF_PASSWORDS:", "PORTAL_STAFF_PASSWORD_MAX_AGE:",
		"PORTAL_RETENTION_YEARS:", "PORTAL_RETENTION_MARGIN_DAYS:", "PORTAL_ACCOUNT_NOTICE_DAYS:"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %q:\n%v", name, err)
		}
	}
}

func TestConfigSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret")
	_ = os.WriteFile(path, []byte("s3cr3t\n"), 0o600)
	c, err := loadConfig(envOf(map[string]string{
		"PORTAL_ENV": "dev", "PORTAL_MONGO_URI": "mongodb://db/", "PORTAL_S3_ENDPOINT": "s3:9000",
		"PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY_FILE": path,
	}))
	if err != nil || c.S3SecretKey != "s3cr3t" {
		t.Fatalf("%q %v", c.S3SecretKey, err)
	}
	_, err = loadConfig(envOf(map[string]string{"PORTAL_S3_SECRET_KEY_FILE": filepath.Join(dir, "missing")}))
	if err == nil || !strings.Contains(err.Error(), "PORTAL_S3_SECRET_KEY_FILE: cannot read") {
		t.Fatalf("missing secret file: %v", err)
	}
}

// Single sign-on is off without an issuer; with one it needs its client,
// an https issuer outside development, and nothing of it is set alone.
func TestConfigSingleSignOn(t *testing.T) {
	base := map[string]string{
		"PORTAL_ENV": "dev", "PORTAL_MONGO_URI": "mongodb://db/", "PORTAL_S3_ENDPOINT": "s3:9000",
		"PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY": "b",
	}
	with := func(more map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range more {
			m[k] = v
		}
		return m
	}
	c, err := loadConfig(envOf(base))
	if err != nil || ssoConfig(c) != nil {
		t.Fatalf("single sign-on on by default: %v", err)
	}
	c, err = loadConfig(envOf(with(map[string]string{
		"PORTAL_SSO_ISSUER": "https://login.exempelkommunen.se/realms/staff", "PORTAL_SSO_CLIENT_ID": "portal",
		"PORTAL_SSO_CLIENT_SECRET": "s3cr3t", "PORTAL_SSO_NAME": "Exempelkommunens inloggning", "PORTAL_SSO_STRIP_DOMAIN": "@exempelkommunen.se",
	})))
	if err != nil {
		t.Fatal(err)
	}
	s := ssoConfig(c)
	if s == nil || s.Issuer != "https://login.exempelkommunen.se/realms/staff" || s.UserClaim != "preferred_username" ||
		s.StripDomain != "exempelkommunen.se" || appConfig(c).SSOName != "Exempelkommunens inloggning" {
		t.Fatalf("%+v", s)
	}
	_, err = loadConfig(envOf(with(map[string]string{"PORTAL_ENV": "prod", "PORTAL_SSO_ISSUER": "http://login.example.se"})))
	for _, want := range []string{"PORTAL_SSO_ISSUER: want the provider's https", "PORTAL_SSO_CLIENT_ID: required", "PORTAL_SSO_CLIENT_SECRET: required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %q: %v", want, err)
		}
	}
	_, err = loadConfig(envOf(with(map[string]string{"PORTAL_SSO_NAME": "Logga in"})))
	if err == nil || !strings.Contains(err.Error(), "PORTAL_SSO_NAME: set without PORTAL_SSO_ISSUER") {
		t.Errorf("name without issuer: %v", err)
	}
}

// A role catalogue is read and checked at start; a bad one is named.
func TestConfigRolesFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "roles.json")
	if err := os.WriteFile(bad, []byte(`{"courses":[],"roles":[{"id":"system-admin","name":{"sv":"S","en":"S"},"permissions":["access.grant"],"courses":["kurs-x"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"PORTAL_ENV": "dev", "PORTAL_MONGO_URI": "mongodb://127.0.0.1:27017/", "PORTAL_S3_ENDPOINT": "127.0.0.1:9000",
		"PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY": "b"}
	base["PORTAL_ROLES_FILE"] = bad
	if _, err := loadConfig(envOf(base)); err == nil || !strings.Contains(err.Error(), `PORTAL_ROLES_FILE`) || !strings.Contains(err.Error(), `unknown course "kurs-x"`) {
		t.Fatalf("bad catalogue: %v", err)
	}
	base["PORTAL_ROLES_FILE"] = filepath.Join(dir, "missing.json")
	if _, err := loadConfig(envOf(base)); err == nil || !strings.Contains(err.Error(), "PORTAL_ROLES_FILE: cannot read") {
		t.Fatalf("missing catalogue: %v", err)
	}
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`{"courses":[],"roles":[{"id":"system-admin","name":{"sv":"S","en":"S"},"permissions":["access.grant"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base["PORTAL_ROLES_FILE"] = good
	c, err := loadConfig(envOf(base))
	if err != nil || c.Roles == nil || len(c.Roles.Roles) != 1 {
		t.Fatalf("good catalogue: %v", err)
	}
}
