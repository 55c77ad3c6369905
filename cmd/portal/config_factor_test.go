package main

import (
	"slices"
	"strings"
	"testing"
)

// The trusted networks and the SMS gateway: loopback is inside in
// development, nothing in production unless configured; a gateway needs
// its credentials and a sender.
func TestConfigSecondFactor(t *testing.T) {
	base := func(more map[string]string) map[string]string {
		env := map[string]string{"PORTAL_ENV": "dev", "PORTAL_MONGO_URI": "mongodb://db/", "PORTAL_S3_ENDPOINT": "s3:9000",
			"PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY": "b"}
		for k, v := range more {
			env[k] = v
		}
		return env
	}
	c, err := loadConfig(envOf(base(nil)))
	if err != nil || !slices.Equal(c.TrustedNetworks, []string{"127.0.0.0/8", "::1/128"}) || c.SMSProvider != "" {
		t.Fatalf("dev defaults: %v %v", c.TrustedNetworks, err)
	}
	c, err = loadConfig(envOf(base(map[string]string{"PORTAL_TRUSTED_NETWORKS": "none"})))
	if err != nil || len(c.TrustedNetworks) != 0 {
		t.Fatalf("none: %v %v", c.TrustedNetworks, err)
	}
	c, err = loadConfig(envOf(base(map[string]string{"PORTAL_TRUSTED_NETWORKS": "10.0.0.0/8, 192.0.2.7", "PORTAL_SMS_PROVIDER": "46elks",
		"PORTAL_SMS_USER": "u1", "PORTAL_SMS_PASSWORD": "p1", "PORTAL_SMS_FROM": "Exempel"})))
	if err != nil || !slices.Equal(c.TrustedNetworks, []string{"10.0.0.0/8", "192.0.2.7"}) || c.SMSBaseURL != "https://api.46elks.com/a1" {
		t.Fatalf("configured: %+v %v", c, err)
	}
	_, err = loadConfig(envOf(base(map[string]string{"PORTAL_TRUSTED_NETWORKS": "10.0.0.0/33", "PORTAL_SMS_PROVIDER": "46elks",
		"PORTAL_SMS_FROM": "a name far too long"})))
	for _, name := range []string{"PORTAL_TRUSTED_NETWORKS:", "PORTAL_SMS_USER: required", "PORTAL_SMS_PASSWORD: required", "PORTAL_SMS_FROM:"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %q: %v", name, err)
		}
	}
	if _, err := loadConfig(envOf(base(map[string]string{"PORTAL_SMS_PROVIDER": "telia"}))); err == nil || !strings.Contains(err.Error(), "PORTAL_SMS_PROVIDER:") {
		t.Errorf("unknown provider: %v", err)
	}
}
