// Package sso is single sign-on for staff: an OpenID Connect relying party
// for the employer's identity provider. A login is the authorization code
// flow with PKCE (S256), a state and a nonce; the ID token that comes back
// is verified (issuer, audience, expiry, signature by the provider's
// published keys) and the claim that carries the user name is mapped to a
// user name of the staff directory. The provider is discovered when it is
// first needed, and again after a failure, so that a provider that is down
// does not stop the portal from starting.
package sso

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"portal/employees"
	"portal/internal/tokens"
)

// Errors of a login.
var (
	// ErrUnavailable: the provider did not answer, or not in time; worth
	// trying again later.
	ErrUnavailable = errors.New("sso: the login service does not answer")
	// ErrRefused: the provider's answer is not one to trust (a code it no
	// longer honours, a token that fails verification, another login's
	// nonce).
	ErrRefused = errors.New("sso: the answer of the login service was refused")
	// ErrNoUser: the answer names no user in the configured claim.
	ErrNoUser = errors.New("sso: the answer names no user")
)

// DefaultUserClaim is the claim that carries the user name unless
// configured otherwise.
const DefaultUserClaim = "preferred_username"

// Config is how the portal meets the identity provider.
type Config struct {
	Issuer       string // the provider's issuer URL, exactly as in its tokens
	ClientID     string
	ClientSecret string
	RedirectURL  string // the portal's callback, registered at the provider
	// UserClaim is the claim of the ID token (or, when the token lacks it,
	// of the user info) that holds the user name; default
	// DefaultUserClaim.
	UserClaim string
	// StripDomain is removed from the end of the user name with its "@"
	// ("evaryl01@exempelkommunen.se" → "evaryl01"); empty: nothing is.
	StripDomain string
	// Scopes asked for besides "openid"; default "profile".
	Scopes []string
	// Timeout bounds each call to the provider; default 10 s.
	Timeout time.Duration
	// RetryAfter is how long a failed discovery is remembered before the
	// next login tries again; default 30 s.
	RetryAfter time.Duration
	// HTTPClient makes the calls to the provider; default one with
	// Timeout. Tests give one that trusts their provider's certificate.
	HTTPClient *http.Client
	// AllowHTTP lets the issuer be plain http (development only).
	AllowHTTP bool
	// Now is the clock tokens are checked against; default the real one.
	Now func() time.Time
}

// Login is one login under way: where to send the browser, and what the
// caller keeps (server-side) until the provider's answer comes back.
type Login struct {
	URL      string `json:"-"`
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"` // the PKCE code verifier
}

// Client is the relying party. It is safe for concurrent use.
type Client struct {
	cfg  Config
	lock chan struct{} // one discovery at a time

	mu       sync.Mutex
	found    *provider
	failedAt time.Time
}

// provider is what discovery found.
type provider struct {
	oidc     *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// New checks the configuration; it makes no call to the provider.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(cfg.AllowHTTP && u.Scheme == "http")) {
		return nil, fmt.Errorf("sso: the issuer must be an absolute https address, got %q", cfg.Issuer)
	}
	if cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("sso: a client id and a redirect URL are needed")
	}
	if cfg.UserClaim == "" {
		cfg.UserClaim = DefaultUserClaim
	}
	cfg.StripDomain = strings.TrimPrefix(strings.TrimSpace(cfg.StripDomain), "@")
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"profile"}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.Timeout}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg, lock: make(chan struct{}, 1)}, nil
}

// Begin starts a login: a fresh state, nonce and PKCE verifier, and the
// provider's address to send the browser to with them.
func (c *Client) Begin(ctx context.Context) (Login, error) {
	p, err := c.provider(ctx)
	if err != nil {
		return Login{}, err
	}
	l := Login{State: tokens.New(32), Nonce: tokens.New(32), Verifier: oauth2.GenerateVerifier()}
	l.URL = p.oauth.AuthCodeURL(l.State, oidc.Nonce(l.Nonce), oauth2.S256ChallengeOption(l.Verifier))
	return l, nil
}

// Finish completes the login l with the code the provider sent back: it
// exchanges the code (with the PKCE verifier), verifies the ID token and
// its nonce, and returns the user name, mapped as the directory compares
// them. The caller has checked the state.
func (c *Client) Finish(ctx context.Context, code string, l Login) (string, error) {
	p, err := c.provider(ctx)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(c.clientContext(ctx), c.cfg.Timeout)
	defer cancel()
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && (re.Response == nil || re.Response.StatusCode < 500) {
			return "", fmt.Errorf("%w: token endpoint: %s", ErrRefused, re.ErrorCode)
		}
		return "", fmt.Errorf("%w: token endpoint: %v", ErrUnavailable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", fmt.Errorf("%w: no ID token", ErrRefused)
	}
	id, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("%w: keys: %v", ErrUnavailable, err)
		}
		return "", fmt.Errorf("%w: ID token: %v", ErrRefused, err)
	}
	if subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(l.Nonce)) != 1 || l.Nonce == "" {
		return "", fmt.Errorf("%w: the nonce is another login's", ErrRefused)
	}
	if id.AccessTokenHash != "" {
		if err := id.VerifyAccessToken(tok.AccessToken); err != nil {
			return "", fmt.Errorf("%w: access token: %v", ErrRefused, err)
		}
	}
	var claims map[string]any
	if err := id.Claims(&claims); err != nil {
		return "", fmt.Errorf("%w: claims: %v", ErrRefused, err)
	}
	value, found := claims[c.cfg.UserClaim]
	if !found && p.oidc.UserInfoEndpoint() != "" {
		// Some providers put profile claims in the user info only.
		info, err := p.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", fmt.Errorf("%w: user info: %v", ErrUnavailable, err)
		}
		if info.Subject != id.Subject {
			return "", fmt.Errorf("%w: the user info is another subject's", ErrRefused)
		}
		claims = nil
		if err := info.Claims(&claims); err != nil {
			return "", fmt.Errorf("%w: user info claims: %v", ErrRefused, err)
		}
		value = claims[c.cfg.UserClaim]
	}
	s, _ := value.(string)
	user := c.UserName(s)
	if user == "" {
		return "", ErrNoUser
	}
	return user, nil
}

// UserName maps the claim's value to a user name of the directory: the
// configured domain taken off, trimmed and in lower case; "" when it is no
// user name. Only ASCII is compared: Unicode's case rules would make
// other signs into letters of a user name (the Kelvin sign lowers to "k",
// "ſ" folds to "s"), so that a name chosen at the provider could pass for
// someone else's.
func (c *Client) UserName(claim string) string {
	claim = strings.TrimSpace(claim)
	for i := 0; i < len(claim); i++ {
		if claim[i] >= 0x80 {
			return ""
		}
	}
	if d := c.cfg.StripDomain; d != "" {
		if at := strings.LastIndexByte(claim, '@'); at >= 0 && strings.EqualFold(claim[at+1:], d) {
			claim = claim[:at]
		}
	}
	user := employees.NormalizeUser(claim)
	if !employees.ValidUser(user) {
		return ""
	}
	return user
}

// provider is the discovered provider: found once, looked for again
// after a failure once RetryAfter has passed. Logins meanwhile fail at
// once instead of each waiting out the timeout.
func (c *Client) provider(ctx context.Context) (*provider, error) {
	if p, recent := c.state(); p != nil {
		return p, nil
	} else if recent {
		return nil, fmt.Errorf("%w: discovery failed lately", ErrUnavailable)
	}
	select {
	case c.lock <- struct{}{}:
		defer func() { <-c.lock }()
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, ctx.Err())
	}
	if p, recent := c.state(); p != nil { // found while this one waited
		return p, nil
	} else if recent {
		return nil, fmt.Errorf("%w: discovery failed lately", ErrUnavailable)
	}
	p, err := c.discover(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.failedAt = c.cfg.Now()
		return nil, fmt.Errorf("%w: discovery: %v", ErrUnavailable, err)
	}
	c.found = p
	return p, nil
}

// state is the provider if found, else whether discovery failed lately.
func (c *Client) state() (*provider, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.found != nil {
		return c.found, false
	}
	return nil, !c.failedAt.IsZero() && c.cfg.Now().Sub(c.failedAt) < c.cfg.RetryAfter
}

func (c *Client) discover(ctx context.Context) (*provider, error) {
	ctx, cancel := context.WithTimeout(c.clientContext(ctx), c.cfg.Timeout)
	defer cancel()
	// The provider keeps this context for fetching its keys later; only
	// its HTTP client is kept, not its deadline.
	op, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	return &provider{
		oidc: op,
		oauth: oauth2.Config{
			ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
			Endpoint: op.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, c.cfg.Scopes...),
		},
		verifier: op.Verifier(&oidc.Config{ClientID: c.cfg.ClientID, Now: c.cfg.Now}),
	}, nil
}

// clientContext makes the calls under ctx go through the configured HTTP
// client.
func (c *Client) clientContext(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, c.cfg.HTTPClient)
	return context.WithValue(ctx, oauth2.HTTPClient, c.cfg.HTTPClient)
}
