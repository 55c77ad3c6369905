package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"portal/internal/testapp"
)

// supportPost is a filled-in support form with the token of page.
func supportPost(page response, headers ...string) *http.Request {
	values := url.Values{"name": {"Åsa"}, "email": {"asa@example.se"}, "subject": {"Hjälp"}, "message": {"Det går inte."},
		"_csrf": {csrfField.FindStringSubmatch(page.body)[1]}}
	req := httptest.NewRequest(http.MethodPost, "/support", strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Cookies() {
		req.AddCookie(c)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// A form's token is checked by the browser's word on where the form came
// from and by the token itself; no Referer is needed, which pages with
// signed links never send.
func TestFormsCheckOriginNotReferer(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"no Referer, no Origin", nil, 303},
		{"own origin", []string{"Origin", "https://jobb.example.se", "Sec-Fetch-Site", "same-origin"}, 303},
		{"origin hidden by the referrer policy", []string{"Origin", "null"}, 303},
		{"another site", []string{"Origin", "https://evil.example"}, 403},
		{"a sibling site", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"cross-site by the browser's word", []string{"Sec-Fetch-Site", "cross-site"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := a.do(t, supportPost(a.get(t, "/support"), tc.headers...))
			if res.StatusCode != tc.status {
				t.Fatalf("%d, want %d", res.StatusCode, tc.status)
			}
		})
	}
}

// Tokens are kept nowhere on the server: a page drawn by one instance
// gives a token that another instance, with a database of its own, takes.
func TestFormTokensNeedNoStore(t *testing.T) {
	t.Parallel()
	one := newTestApp(t, false)
	other := testapp.New(t, testapp.Options{Now: testNow})
	page := one.get(t, "/support")
	res, err := other.App.Test(supportPost(page), 10000)
	if err != nil || res.StatusCode != 303 {
		t.Fatalf("another instance: %v %v", res.StatusCode, err)
	}
	// A cookie of another browser does not go with the token.
	req := supportPost(page)
	req.Header.Del("Cookie")
	req.AddCookie(&http.Cookie{Name: "__Host-csrf", Value: strings.Repeat("ab", 32)})
	if res := one.do(t, req); res.StatusCode != 403 {
		t.Fatalf("token with another cookie: %d", res.StatusCode)
	}
	// The token counts only in the body, never in the address.
	req = supportPost(page)
	token := csrfField.FindStringSubmatch(page.body)[1]
	body := url.Values{"name": {"Åsa"}, "email": {"asa@example.se"}, "subject": {"Hjälp"}, "message": {"Det går inte."}}
	req = httptest.NewRequest(http.MethodPost, "/support?_csrf="+url.QueryEscape(token), strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Cookies() {
		req.AddCookie(c)
	}
	if res := one.do(t, req); res.StatusCode != 403 {
		t.Fatalf("token in the address: %d", res.StatusCode)
	}
	if n, err := one.DB.KV("fiber", one.Now).Count(context.Background()); err != nil || n != 0 {
		t.Fatalf("%d stored values after page views (%v)", n, err)
	}
}

// Logging in and out gives the browser a new secret, so a form drawn
// before does not go through after.
func TestFormTokensChangeAtLoginAndLogout(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)
	register(t, v, "byte@example.se")
	before := v.get("/mina-uppgifter")
	token := csrfField.FindStringSubmatch(before.body)[1]
	v.post("/logga-ut", "/logga-ut", url.Values{})
	v.post("/logga-in", "/logga-in", url.Values{"email": {"byte@example.se"}, "password": {goodPassword}})
	values := url.Values{"_csrf": {token}, "first_name": {"Ny"}}
	req := httptest.NewRequest(http.MethodPost, "/mina-uppgifter", strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := v.send(req); res.StatusCode != 403 {
		t.Fatalf("a token from before the login: %d", res.StatusCode)
	}
}
