// Package oidctest runs a real OpenID provider for tests: zitadel/oidc's
// op package over its example in-memory storage, served over TLS on
// loopback, with a small login page of its own (user name, password, and
// a button that refuses). The handler tests and the browser tests log in
// to the portal's single sign-on through it.
package oidctest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"portal/sso"
)

// Password is the password of every test user.
const Password = "hemligt"

// User is a user of the test provider; Username is what it puts in
// preferred_username.
type User struct {
	ID       string // the subject
	Username string
	First    string
	Last     string
}

// Options shape a test provider.
type Options struct {
	ClientID, ClientSecret string   // default "portal", "portal-secret"
	RedirectURIs           []string // the portal's callbacks
	// RedirectGlobs are callbacks as patterns, for a portal whose address
	// is known only later ("https://127.0.0.1:*/personal/sso/klar").
	RedirectGlobs []string
	Users         []User
	// UserInfoOnly leaves the profile claims out of the ID token, as some
	// providers do; the portal must then ask the user info endpoint.
	UserInfoOnly bool
}

// Provider is a running test provider.
type Provider struct {
	Issuer                 string
	ClientID, ClientSecret string
	srv                    *httptest.Server
	op                     *op.Provider
	store                  *storage.Storage
}

// Start runs a provider until the test ends.
func Start(t testing.TB, o Options) *Provider {
	t.Helper()
	if o.ClientID == "" {
		o.ClientID, o.ClientSecret = "portal", "portal-secret"
	}
	p := &Provider{ClientID: o.ClientID, ClientSecret: o.ClientSecret}
	users := map[string]*storage.User{}
	for _, u := range o.Users {
		users[u.ID] = &storage.User{ID: u.ID, Username: u.Username, Password: Password, FirstName: u.First, LastName: u.Last,
			Email: u.Username, EmailVerified: true, PreferredLanguage: language.Swedish}
	}
	client := storage.WebClient(o.ClientID, o.ClientSecret, o.RedirectURIs...)
	p.store = storage.NewStorageWithClients(userStore(users), map[string]*storage.Client{o.ClientID: client})

	mux := http.NewServeMux()
	p.srv = httptest.NewUnstartedServer(mux)
	p.srv.StartTLS()
	t.Cleanup(p.srv.Close)
	p.Issuer = p.srv.URL

	st := testStorage{Storage: p.store, claims: !o.UserInfoOnly, globs: o.RedirectGlobs}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey: sha256.Sum256([]byte("oidctest")), CodeMethodS256: true, AuthMethodPost: true,
		SupportedUILocales: []language.Tag{language.Swedish, language.English},
	}, st, op.StaticIssuer(p.Issuer))
	if err != nil {
		t.Fatal(err)
	}
	p.op = provider
	login := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	mux.HandleFunc("GET /login/username", p.showLogin)
	mux.HandleFunc("POST /login/username", login.HandlerFunc(p.login))
	mux.Handle("/", provider)
	return p
}

// Config is the portal's single sign-on against this provider.
func (p *Provider) Config() *sso.Config {
	return &sso.Config{Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret, HTTPClient: p.Client(), Timeout: 5 * time.Second}
}

// Client is an HTTP client that trusts the provider's certificate.
func (p *Provider) Client() *http.Client {
	c := *p.srv.Client()
	c.Timeout = 10 * time.Second
	return &c
}

// Stop shuts the provider down: a provider that does not answer.
func (p *Provider) Stop() { p.srv.Close() }

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Testinloggning</title></head><body><main>
<h1>Testinloggning</h1>{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/login/username"><input type="hidden" name="id" value="{{.ID}}">
<p><label for="username">Användarnamn</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Lösenord</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">Logga in</button> <button type="submit" name="action" value="deny">Avbryt</button></p>
</form></main></body></html>`))

func (p *Provider) showLogin(w http.ResponseWriter, r *http.Request) {
	_ = loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
}

// login checks the form: a user logs in, "deny" refuses the portal.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("id")
	if r.FormValue("action") == "deny" {
		req, err := p.store.AuthRequestByID(r.Context(), id)
		if err != nil {
			http.Error(w, "no such request", http.StatusBadRequest)
			return
		}
		op.AuthRequestError(w, r, req, oidc.ErrAccessDenied().WithDescription("the user refused"), p.op)
		return
	}
	if err := p.store.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = loginPage.Execute(w, map[string]string{"ID": id, "Error": "Fel användarnamn eller lösenord"})
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(r.Context(), id), http.StatusFound)
}

// Authorize plays the browser at the provider: it follows authURL (the
// portal's redirect) to the login page, logs in as username (or refuses
// when username is ""), and returns the address the provider sends the
// browser back to.
func (p *Provider) Authorize(t testing.TB, authURL, username string) *url.URL {
	t.Helper()
	c := p.Client()
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), p.Issuer) {
			return http.ErrUseLastResponse // back at the portal
		}
		return nil
	}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := authRequestID.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no login form at the provider (%d): %s", res.StatusCode, body)
	}
	form := url.Values{"id": {m[1]}, "action": {"deny"}}
	if username != "" {
		form = url.Values{"id": {m[1]}, "action": {"login"}, "username": {username}, "password": {Password}}
	}
	res, err = c.PostForm(p.Issuer+"/login/username", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		t.Fatalf("the provider sent no one back (%d): %s", res.StatusCode, body)
	}
	return loc
}

var authRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// testStorage is the example storage with the test's client options: the
// profile claims in the ID token too (as most providers for staff logins
// do), and redirect patterns.
type testStorage struct {
	*storage.Storage
	claims bool
	globs  []string
}

// GetClientByClientID returns the client with the test's options.
func (s testStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return testClient{Client: c, claims: s.claims, globs: s.globs}, nil
}

type testClient struct {
	op.Client
	claims bool
	globs  []string
}

func (c testClient) IDTokenUserinfoClaimsAssertion() bool { return c.claims }

// RedirectURIGlobs makes the client an op.HasRedirectGlobs.
func (c testClient) RedirectURIGlobs() []string { return c.globs }

// PostLogoutRedirectURIGlobs makes the client an op.HasRedirectGlobs.
func (c testClient) PostLogoutRedirectURIGlobs() []string { return nil }

// userStore is the example storage's user store over the test's users.
type userStore map[string]*storage.User

func (u userStore) GetUserByID(id string) *storage.User { return u[id] }

func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, user := range u {
		if user.Username == name {
			return user
		}
	}
	return nil
}

func (u userStore) ExampleClientID() string { return "service" }

// String names the provider in test output.
func (p *Provider) String() string { return fmt.Sprintf("test OpenID provider at %s", p.Issuer) }
