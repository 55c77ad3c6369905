package handlers_test

import (
	"strings"
	"testing"

	"portal/internal/testapp"
)

// The access log shows what was asked for, never the secret of a link:
// confirmation tokens, signatures and feed names are logged by name.
func TestAccessLogLeavesOutTheSecretsOfLinks(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	p := testapp.New(t, testapp.Options{Now: testNow, Ads: 5, Log: &log, LogRequests: true})
	a := appOf(p)
	secret := "5ecre7" + strings.Repeat("ab", 13)
	for _, path := range []string{
		"/bevakning/bekrafta/" + secret,
		"/bevakning/0123456789abcdef01234567/avsluta/" + secret,
		"/bevakning/0123456789abcdef01234567/andra/" + secret,
		"/bevakning/0123456789abcdef01234567/fornya/" + secret,
		"/bevakning/flode/" + secret + ".rss",
		"/konto/verifiera?token=" + secret,
		"/konto/byt-epost?token=" + secret,
		"/bevakning/bekrafta/" + secret + "/mer",
		"/bevakning%2Fbekrafta%2F" + secret,
	} {
		a.get(t, path)
	}
	a.get(t, "/jobb/"+p.Ads[0].Ref)
	out := log.String()
	if strings.Contains(out, "5ecre7") {
		t.Fatalf("a secret reached the log:\n%s", out)
	}
	for _, want := range []string{"path=/bevakning/bekrafta/:token", "path=/bevakning/0123456789abcdef01234567/avsluta/:sig", "path=/bevakning/flode/:file", "path=/jobb/" + p.Ads[0].Ref} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
