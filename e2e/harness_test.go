// Package e2e drives the portal in a real browser (headless Chromium
// through chromedp) and checks every page with axe-core.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"portal/internal/testapp"
	"portal/mail"
)

// portal is a running portal with demo ads, reached as in production.
type portal struct {
	*testapp.Portal
	URL    string
	Client *http.Client // trusts the proxy's certificate
}

// startPortal runs the portal in its production configuration behind a
// TLS-terminating proxy, which the portal trusts, as it is deployed: the
// browser sees only https://, secure __Host- cookies and the headers of
// production.
func startPortal(t *testing.T) *portal {
	t.Helper()
	return servePortal(t, testapp.Options{Ads: 40})
}

// servePortal runs a portal of the options in the production
// configuration behind the TLS-terminating proxy.
func servePortal(t *testing.T, o testapp.Options) *portal {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	public := "https://" + ln.Addr().String()
	o.Dev, o.BaseURL, o.TrustedProxies = false, public, []string{"127.0.0.1"}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	p := testapp.New(t, o)
	backend, err := url.Parse(p.Serve(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(backend)
		r.Out.Host = r.In.Host
		// The addresses forwarded to this proxy go on, as behind a load
		// balancer: a test sets X-Forwarded-For to come from outside.
		r.Out.Header["X-Forwarded-For"] = r.In.Header["X-Forwarded-For"]
		r.SetXForwarded()
	}}
	srv := httptest.NewUnstartedServer(proxy)
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &portal{Portal: p, URL: public, Client: srv.Client()}
}

// startDevPortal runs the portal as `make run` does, for the pages only
// development has.
func startDevPortal(t *testing.T) *portal {
	t.Helper()
	p := testapp.New(t, testapp.Options{Dev: true, Ads: 40, Log: os.Stderr})
	return &portal{Portal: p, URL: p.Serve(t), Client: http.DefaultClient}
}

// latestMail is the newest message to addr in the outbox.
func (p *portal) latestMail(t *testing.T, addr string) mail.Record {
	t.Helper()
	recs, err := p.DB.Outbox().Recent(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range recs {
		if m.To == addr {
			return m
		}
	}
	t.Fatalf("no mail to %s", addr)
	return mail.Record{}
}

// chromium is the one headless Chromium that the tests share: starting one
// for each test cost seconds of the two cores each time.
var chromium struct {
	once sync.Once
	ctx  context.Context // of the browser
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// startChromium starts the shared browser.
func startChromium(exec string) {
	// Not t.TempDir: Chromium may still be writing there as a test ends.
	profile, err := os.MkdirTemp("", "portal-chromium-")
	if err != nil {
		chromium.err = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exec),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Tabs of tests running side by side keep their timers (the
		// session dialog's) running on time.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("ignore-certificate-errors", true), // the test proxy's own certificate
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	chromium.ctx = ctx
	chromium.stop = func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}
	chromium.err = chromedp.Run(ctx)
}

// browser returns a tab of the shared Chromium for one test, in a browser
// context of its own: no cookies or storage shared with other tests.
func browser(t *testing.T) context.Context {
	t.Helper()
	exec := os.Getenv("PORTAL_TEST_CHROMIUM")
	if exec == "" {
		t.Fatal("PORTAL_TEST_CHROMIUM is not set: install Debian's chromium and run `make test`")
	}
	chromium.once.Do(func() { startChromium(exec) })
	if chromium.err != nil {
		t.Fatalf("start chromium: %v", chromium.err)
	}
	// A browser context and its first tab, in a window of its own: headless
	// Chromium opens no tab in a context without a window.
	var tab target.ID
	var bc cdp.BrowserContextID
	err := chromedp.Run(chromium.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		exec := cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser)
		if bc, err = target.CreateBrowserContext().WithDisposeOnDetach(true).Do(exec); err != nil {
			return err
		}
		tab, err = target.CreateTarget("about:blank").WithBrowserContextID(bc).WithNewWindow(true).Do(exec)
		return err
	}))
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelCtx := chromedp.NewContext(chromium.ctx, chromedp.WithTargetID(tab))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		_ = chromedp.Run(chromium.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			return target.DisposeBrowserContext(bc).Do(cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser))
		}))
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("attach to the tab: %v", err)
	}
	return ctx
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

func axeScript(t *testing.T) string {
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile("../node_modules/axe-core/axe.min.js")
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core is missing (%v): run `npm ci` or `make test`", axeErr)
	}
	return axeSource
}

type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the current page against WCAG 2.1 A and AA and
// fails the test for every violation.
func checkAxe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var out string
	err := chromedp.Run(ctx,
		chromedp.Evaluate(axeScript(t), nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
			.then(r => JSON.stringify({violations: r.violations, passes: r.passes.length}))`, &out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	if err != nil {
		t.Fatalf("%s: axe: %v", page, err)
	}
	var res struct {
		Violations []violation `json:"violations"`
		Passes     int         `json:"passes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%s: axe result: %v", page, err)
	}
	if res.Passes < 5 {
		t.Fatalf("%s: axe checked only %d rules: it did not run on the page", page, res.Passes)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

// visit loads a page and checks it with axe.
func visit(t *testing.T, ctx context.Context, url, name string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkAxe(t, ctx, name)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	if err := chromedp.Run(ctx, chromedp.Text(sel, &s, chromedp.ByQuery)); err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}
