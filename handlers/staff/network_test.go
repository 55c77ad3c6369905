package staff

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/internal/testenv"
	"portal/sessions"
	"portal/views"
)

// The trusted networks decide whether a first factor is enough: from
// inside the login is whole at once, from outside it waits at the second
// step; the client's address counts as a trusted proxy gives it, and
// a peer that is no proxy cannot choose one with X-Forwarded-For.
func TestFirstFactorInsideAndOutside(t *testing.T) {
	t.Parallel()
	locales, err := views.LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	// app.Test requests come from 0.0.0.0: trusted as a proxy here, so
	// the forwarded address decides.
	k, err := web.NewKit(web.Config{SigningKey: []byte("a test key of thirty-two bytes or more"), TrustedProxies: []string{"0.0.0.0"}},
		time.Now, locales, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	network, err := NewNetworks(k, []string{"10.20.0.0/16", "192.0.2.7", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	manager := &sessions.Manager{Store: testenv.DB(t).Sessions(), Realm: sessions.Staff, Policy: sessions.StaffPolicy, Now: time.Now}
	realm := k.NewRealm(sessions.Staff, "staff", "layouts/staff", manager)
	entry := Entry{Realm: realm, Sessions: manager, Network: network}
	app := fiber.New(fiber.Config{ProxyHeader: fiber.HeaderXForwardedFor, EnableTrustedProxyCheck: true, TrustedProxies: []string{"0.0.0.0"}})
	app.Get("/login", realm.Load, func(c *fiber.Ctx) error { return entry.FirstFactorDone(c, "evaryl01", false, "") })

	for _, tc := range []struct {
		forwarded string
		outside   bool
	}{
		{"10.20.3.4", false},
		{"192.0.2.7", false},
		{"2001:db8::1", false},
		{"::ffff:10.20.3.4", false},
		{"10.21.0.1", true},
		{"192.0.2.8", true},
		{"", true}, // the proxy itself is not inside
		{"not an address", true},
		// The client's own address is the last one the proxy added.
		{"10.20.3.4, 198.51.100.1", true},
		// A proxy that adds a header line of its own instead of
		// appending to the client's: the lines are one list (RFC 9110),
		// and the last is the proxy's.
		{"10.20.3.4\n198.51.100.1", true},
		{"198.51.100.1\n10.20.3.4", false},
	} {
		req := httptest.NewRequest("GET", "/login", nil)
		for _, line := range strings.Split(tc.forwarded, "\n") {
			if line != "" {
				req.Header.Add("X-Forwarded-For", line)
			}
		}
		res, err := app.Test(req, 5000)
		if err != nil {
			t.Fatal(err)
		}
		want := PathHome
		if tc.outside {
			want = PathSecondStep
		}
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("from %q: to %s, want %s", tc.forwarded, got, want)
		}
		var token string
		for _, c := range res.Cookies() {
			if c.Name == "__Host-staff" {
				token = c.Value
			}
		}
		s, err := manager.Load(context.Background(), token)
		if err != nil {
			t.Fatalf("from %q: no session: %v", tc.forwarded, err)
		}
		if s.Outside != tc.outside || (s.Stage == StageFactor) != tc.outside {
			t.Errorf("from %q: session %+v", tc.forwarded, s)
		}
	}
	if _, err := NewNetworks(k, []string{"10.0.0.0/33"}); err == nil {
		t.Error("a bad range was taken")
	}
	if n, _ := NewNetworks(k, []string{"none"}); len(n.Trusted) != 0 {
		t.Error("none trusts something")
	}
}
