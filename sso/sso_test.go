package sso_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"portal/internal/oidctest"
	"portal/sso"
)

const redirect = "https://jobb.example.se/personal/sso/klar"

func users() []oidctest.User {
	return []oidctest.User{{ID: "u1", Username: "EvaRyl01@Exempelkommunen.se", First: "Eva", Last: "Rylander"}}
}

func client(t *testing.T, p *oidctest.Provider, change func(*sso.Config)) *sso.Client {
	t.Helper()
	cfg := p.Config()
	cfg.RedirectURL, cfg.StripDomain = redirect, "exempelkommunen.se"
	if change != nil {
		change(cfg)
	}
	c, err := sso.New(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// codeOf is the code the provider sent back for the login, after checking
// the state came back as sent.
func codeOf(t *testing.T, back *url.URL, l sso.Login) string {
	t.Helper()
	if got := back.Scheme + "://" + back.Host + back.Path; got != redirect {
		t.Fatalf("sent back to %s", got)
	}
	if back.Query().Get("state") != l.State || back.Query().Get("code") == "" {
		t.Fatalf("answer %s", back.RawQuery)
	}
	return back.Query().Get("code")
}

// A login against a real provider: PKCE, the nonce, the ID token checked,
// and the user name mapped, from the ID token or else the user info.
func TestLoginAtARealProvider(t *testing.T) {
	t.Parallel()
	for _, userInfoOnly := range []bool{false, true} {
		p := oidctest.Start(t, oidctest.Options{RedirectURIs: []string{redirect}, Users: users(), UserInfoOnly: userInfoOnly})
		c := client(t, p, nil)
		ctx := context.Background()
		l, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := url.Parse(l.URL)
		if q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("nonce") != l.Nonce || q.Query().Get("state") != l.State {
			t.Fatalf("authorization request %s", l.URL)
		}
		code := codeOf(t, p.Authorize(t, l.URL, "EvaRyl01@Exempelkommunen.se"), l)
		user, err := c.Finish(ctx, code, l)
		if err != nil || user != "evaryl01" {
			t.Fatalf("user info only %v: %q %v", userInfoOnly, user, err)
		}
		// A code works once.
		if _, err := c.Finish(ctx, code, l); !errors.Is(err, sso.ErrRefused) {
			t.Errorf("a code used twice: %v", err)
		}
	}
}

// What an attacker could bring back is refused: a code without the right
// PKCE verifier, a code for another nonce, a token for another client.
func TestForeignAnswersAreRefused(t *testing.T) {
	t.Parallel()
	p := oidctest.Start(t, oidctest.Options{RedirectURIs: []string{redirect}, Users: users()})
	c := client(t, p, nil)
	ctx := context.Background()

	l, _ := c.Begin(ctx)
	code := codeOf(t, p.Authorize(t, l.URL, "EvaRyl01@Exempelkommunen.se"), l)
	other := l
	other.Verifier = "a-verifier-of-another-login-a-verifier-of-another-login"
	if _, err := c.Finish(ctx, code, other); !errors.Is(err, sso.ErrRefused) {
		t.Errorf("another verifier: %v", err)
	}

	// A code for the login's state and PKCE challenge but another nonce:
	// a code the attacker obtained and injects.
	l, _ = c.Begin(ctx)
	u, _ := url.Parse(l.URL)
	q := u.Query()
	q.Set("nonce", "the-attackers-nonce")
	u.RawQuery = q.Encode()
	code = codeOf(t, p.Authorize(t, u.String(), "EvaRyl01@Exempelkommunen.se"), l)
	if _, err := c.Finish(ctx, code, l); !errors.Is(err, sso.ErrRefused) {
		t.Errorf("another nonce: %v", err)
	}

	// A client the provider does not know gets no token.
	stranger := client(t, p, func(cfg *sso.Config) { cfg.ClientID = "stranger" })
	l, _ = stranger.Begin(ctx)
	if _, err := stranger.Finish(ctx, "made-up-code", l); !errors.Is(err, sso.ErrRefused) {
		t.Errorf("unknown client: %v", err)
	}
}

// A provider that does not answer gives ErrUnavailable, within the
// timeout; later logins fail at once until RetryAfter has passed, then
// discovery is tried again and works once the provider is back.
func TestProviderDownAndBack(t *testing.T) {
	t.Parallel()
	p := oidctest.Start(t, oidctest.Options{RedirectURIs: []string{redirect}, Users: users()})
	var down atomic.Bool
	var calls atomic.Int64
	down.Store(true)
	base := p.Client()
	now := time.Now()
	var clock atomic.Int64
	c := client(t, p, func(cfg *sso.Config) {
		cfg.HTTPClient = &http.Client{Timeout: time.Second, Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			if down.Load() {
				return nil, errors.New("connection refused")
			}
			return base.Transport.RoundTrip(r)
		})}
		cfg.RetryAfter = 30 * time.Second
		cfg.Now = func() time.Time { return now.Add(time.Duration(clock.Load())) }
	})
	ctx := context.Background()
	if _, err := c.Begin(ctx); !errors.Is(err, sso.ErrUnavailable) {
		t.Fatalf("provider down: %v", err)
	}
	if _, err := c.Begin(ctx); !errors.Is(err, sso.ErrUnavailable) || calls.Load() != 1 {
		t.Fatalf("second try: %v after %d calls", err, calls.Load())
	}
	down.Store(false)
	clock.Store(int64(31 * time.Second))
	l, err := c.Begin(ctx)
	if err != nil {
		t.Fatalf("provider back: %v", err)
	}
	code := codeOf(t, p.Authorize(t, l.URL, "EvaRyl01@Exempelkommunen.se"), l)
	if user, err := c.Finish(ctx, code, l); err != nil || user != "evaryl01" {
		t.Fatalf("after the provider came back: %q %v", user, err)
	}

	// A provider that stops in the middle: the exchange does not answer.
	l, _ = c.Begin(ctx)
	code = codeOf(t, p.Authorize(t, l.URL, "EvaRyl01@Exempelkommunen.se"), l)
	down.Store(true)
	if _, err := c.Finish(ctx, code, l); !errors.Is(err, sso.ErrUnavailable) {
		t.Fatalf("exchange with the provider down: %v", err)
	}
}

// A provider that takes the connection but never answers costs a login
// the timeout, not more.
func TestProviderHangs(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { _ = ln.Close(); <-done })
	go func() {
		defer close(done)
		var held []net.Conn // open, never answered
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, conn)
		}
	}()
	c, err := sso.New(sso.Config{Issuer: "https://" + ln.Addr().String(), ClientID: "portal", RedirectURL: redirect, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if _, err := c.Begin(context.Background()); !errors.Is(err, sso.ErrUnavailable) || time.Since(began) > 2*time.Second {
		t.Fatalf("hanging provider: %v after %v", err, time.Since(began))
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The claim's value maps to a directory user name: the configured domain
// off, in lower case; another domain, or any sign outside a user name's
// (such as the Kelvin sign, which Unicode lowers to "k"), matches no one.
func TestUserName(t *testing.T) {
	t.Parallel()
	c, err := sso.New(sso.Config{Issuer: "https://login.example.se", ClientID: "portal", RedirectURL: redirect, StripDomain: "@Exempelkommunen.se"})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"evaryl01@exempelkommunen.se": "evaryl01", " EVARYL01@EXEMPELKOMMUNEN.SE ": "evaryl01", "evaryl01": "evaryl01",
		"evaryl01@annan.se": "", "": "",
		"\u212Aalle01": "", "\u212Aalle01@exempelkommunen.se": "", "evaryl01@exempelkommunen.\u017Fe": "",
		"ｅvaryl01": "", "evaryl01\x00": "", "evaryl01 ": "evaryl01", "eva ryl01": "",
	} {
		if got := c.UserName(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	for _, issuer := range []string{"http://login.example.se", "login.example.se", ""} {
		if _, err := sso.New(sso.Config{Issuer: issuer, ClientID: "portal", RedirectURL: redirect}); err == nil {
			t.Errorf("issuer %q accepted", issuer)
		}
	}
}
