package handlers_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/internal/testapp"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/storage"
)

var testNow = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

type testApp struct {
	*testapp.Portal
	app   *fiber.App
	db    *storage.DB
	clock *testenv.Clock
	ads   []jobs.Ad
	base  string // of the portal on a real socket, once together has started it
}

func newTestApp(t *testing.T, dev bool) *testApp {
	t.Helper()
	return appOf(testapp.New(t, testapp.Options{Dev: dev, Now: testNow, Ads: 60, TrustedProxies: []string{"10.0.0.0/8", "127.0.0.1"}}))
}

// appOf is the test app of a portal built with options of the test's own.
func appOf(p *testapp.Portal) *testApp {
	return &testApp{Portal: p, app: p.App, db: p.DB, clock: p.Clock, ads: p.Ads}
}

type response struct {
	*http.Response
	body string
}

func (a *testApp) do(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := a.app.Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return response{res, string(b)}
}

func (a *testApp) get(t *testing.T, path string, headers ...string) response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.do(t, req)
}

// find returns the first demo ad matching pred at testNow.
func (a *testApp) find(t *testing.T, pred func(jobs.Ad) bool) jobs.Ad {
	for _, ad := range a.ads {
		if pred(ad) {
			return ad
		}
	}
	t.Fatal("no demo ad fits")
	return jobs.Ad{}
}

func TestPages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	open := a.find(t, func(ad jobs.Ad) bool { return ad.Open(testNow) && ad.LastDay != jobs.DayOf(testNow) })
	closed := a.find(t, func(ad jobs.Ad) bool { return ad.Published(testNow) && !ad.Open(testNow) })
	today := a.find(t, func(ad jobs.Ad) bool { return ad.Open(testNow) && ad.LastDay == jobs.DayOf(testNow) })
	scheduled := a.find(t, func(ad jobs.Ad) bool { return !ad.Published(testNow) })
	openCount := 0
	for _, ad := range a.ads {
		if ad.Open(testNow) {
			openCount++
		}
	}
	for _, tc := range []struct {
		name, path, lang string
		status           int
		want, not        []string
	}{
		{"root goes to the board", "/", "", 302, nil, nil},
		{"list in Swedish", "/jobb", "", 200, []string{`<html lang="sv">`, "Lediga jobb", ">" + itoa(openCount) + " lediga jobb<", "Hoppa till innehållet", `rel="alternate" type="application/rss&#43;xml"`}, []string{scheduled.Ref, closed.Ref}},
		{"list in English by Accept-Language", "/jobb", "en-GB,en;q=0.8", 200, []string{`<html lang="en">`, "Vacancies", itoa(openCount) + " vacancies"}, nil},
		{"search folds case", "/jobb?q=" + url.QueryEscape(strings.ToUpper(open.Title)), "", 200, []string{open.Title}, []string{"Inga lediga jobb"}},
		{"search with no hits", "/jobb?q=astronaut", "", 200, []string{"0 lediga jobb", "Inga lediga jobb matchar din sökning.", "Visa alla lediga jobb"}, nil},
		{"filter by place", "/jobb?place=" + url.QueryEscape(open.Place), "", 200, []string{`value="` + open.Place + `" checked`}, nil},
		{"closing today is marked", "/jobb?sort=closing", "", 200, []string{"Sista dagen idag", today.Ref}, nil},
		{"ad page", "/jobb/" + open.Ref, "", 200, []string{open.Title, open.Organisation, "Sök tjänsten", `"@type":"JobPosting"`, open.Contacts[0].Name, open.UnionContacts[0].Role}, []string{"Ansökningstiden har gått ut"}},
		{"ad page in English", "/jobb/" + open.Ref, "en", 200, []string{"Apply for this job", "Last day to apply"}, nil},
		{"closed ad says so", "/jobb/" + closed.Ref, "", 200, []string{"Ansökningstiden har gått ut.", "Det går inte längre att söka tjänsten"}, []string{"Sök tjänsten</a>", "JobPosting"}},
		{"applying needs a login", "/jobb/" + open.Ref + "/ansok", "", 303, nil, nil},
		{"scheduled ad is hidden", "/jobb/" + scheduled.Ref, "", 404, []string{"Sidan finns inte"}, nil},
		{"unknown ad", "/jobb/NOPE-1", "", 404, []string{"Sidan finns inte"}, nil},
		{"lower-case reference redirects", "/jobb/" + strings.ToLower(open.Ref), "", 301, nil, nil},
		{"unknown page in English", "/nowhere", "en", 404, []string{"Page not found"}, nil},
		{"accessibility statement", "/tillganglighet", "", 200, []string{"Tillgänglighet för webbplatsen", "WCAG 2.1"}, nil},
		{"support form", "/support", "", 200, []string{"Kontakta support", `name="_csrf"`}, nil},
		{"sitemap", "/sitemap.xml", "", 200, []string{"https://jobb.example.se/jobb/" + open.Ref}, []string{closed.Ref, scheduled.Ref}},
		{"robots", "/robots.txt", "", 200, []string{"Sitemap: https://jobb.example.se/sitemap.xml"}, nil},
		{"health", "/healthz", "", 200, []string{"ok"}, nil},
		{"ready", "/readyz", "", 200, []string{`"database":"ok"`}, nil},
		{"dev mail hidden outside dev", "/dev/mail.json", "", 404, nil, nil},
		{"css", "/static/site.css", "", 200, []string{"focus-visible"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := a.get(t, tc.path, "Accept-Language", tc.lang)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(res.body, n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	res := a.get(t, "/jobb")
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Vary":                    "Accept-Language",
		// Also behind a proxy that does not say the request came over TLS.
		"Strict-Transport-Security": "max-age=63072000",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
		}
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	if res.Header.Get("Server") != "" {
		t.Error("server header tells the software")
	}
	// A body refused before it is read still gets the user's language.
	req := httptest.NewRequest(http.MethodPost, "/support", strings.NewReader("x"))
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Accept-Language", "en")
	if res := a.do(t, req); res.StatusCode != 415 || !strings.Contains(res.body, "Compressed forms are not accepted") {
		t.Fatalf("refused body: %d", res.StatusCode)
	}
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	res := a.get(t, "/sprak/en?next="+url.QueryEscape("/jobb?q=kock"))
	if res.StatusCode != 303 || res.Header.Get("Location") != "/jobb?q=kock" {
		t.Fatalf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"lang=en", "httponly", "secure", "samesite=lax"} {
		if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
			t.Errorf("cookie %q lacks %s", cookie, want)
		}
	}
	page := a.get(t, "/jobb", "Cookie", "lang=en", "Accept-Language", "sv")
	if !strings.Contains(page.body, `<html lang="en">`) || !strings.Contains(page.body, "På svenska") {
		t.Fatal("remembered language not used")
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		res := a.get(t, "/sprak/sv?next="+url.QueryEscape(next))
		if res.Header.Get("Location") != "/jobb" {
			t.Errorf("next %q redirected to %q", next, res.Header.Get("Location"))
		}
	}
	if res := a.get(t, "/sprak/de"); res.StatusCode != 404 {
		t.Errorf("unknown language: %d", res.StatusCode)
	}
}

func TestFeeds(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	open := a.find(t, func(ad jobs.Ad) bool { return ad.Open(testNow) })
	closed := a.find(t, func(ad jobs.Ad) bool { return ad.Published(testNow) && !ad.Open(testNow) })
	for _, tc := range []struct{ format, ctype, marker string }{
		{"rss", "application/rss+xml", "<rss version=\"2.0\""},
		{"atom", "application/atom+xml", "<feed xmlns=\"http://www.w3.org/2005/Atom\""},
		{"json", "application/feed+json", `"version": "https://jsonfeed.org/version/1.1"`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			res := a.get(t, "/jobb/feed."+tc.format)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			for _, w := range []string{tc.marker, "https://jobb.example.se/jobb/" + open.Ref, "Sista ansökningsdag"} {
				if !strings.Contains(res.body, w) {
					t.Errorf("feed lacks %q", w)
				}
			}
			if strings.Contains(res.body, closed.Ref) {
				t.Error("feed lists a closed ad")
			}
			etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if etag == "" || modified == "" {
				t.Fatal("no validators")
			}
			if r := a.get(t, "/jobb/feed."+tc.format, "If-None-Match", etag); r.StatusCode != 304 || r.body != "" {
				t.Fatalf("If-None-Match: %d", r.StatusCode)
			}
			if r := a.get(t, "/jobb/feed."+tc.format, "If-Modified-Since", modified); r.StatusCode != 304 {
				t.Fatalf("If-Modified-Since: %d", r.StatusCode)
			}
			if r := a.get(t, "/jobb/feed."+tc.format+"?lang=en", "If-None-Match", etag); r.StatusCode != 200 || !strings.Contains(r.body, "Last day to apply") {
				t.Fatalf("English feed answered %d from the Swedish validator", r.StatusCode)
			}
		})
	}
	// A search narrows the feed, and a changed ad changes the validator.
	res := a.get(t, "/jobb/feed.rss?q="+url.QueryEscape(open.Title)+"&place="+url.QueryEscape(open.Place))
	if !strings.Contains(res.body, open.Ref) || strings.Count(res.body, "<item>") >= strings.Count(a.get(t, "/jobb/feed.rss").body, "<item>") {
		t.Fatal("search did not narrow the feed")
	}
	before := a.get(t, "/jobb/feed.rss").Header.Get("ETag")
	byRef := "/jobb?q=" + url.QueryEscape(open.Ref)
	if list := a.get(t, byRef); !strings.Contains(list.body, open.Title+"<") {
		t.Fatal("search by reference number does not find the ad")
	}
	a.clock.Add(time.Minute)
	board := jobs.NewBoard(a.db.Ads(), a.clock.Now, time.Second)
	changed := open
	changed.Title += " (ny)"
	if err := board.Save(context.Background(), changed); err != nil {
		t.Fatal(err)
	}
	a.clock.Add(2 * time.Second) // past the refresh interval of the app's board
	after := a.get(t, "/jobb/feed.rss", "If-None-Match", before)
	if after.StatusCode != 200 || !strings.Contains(after.body, changed.Title) {
		t.Fatalf("changed ad: %d", after.StatusCode)
	}
	if list := a.get(t, byRef); !strings.Contains(list.body, changed.Title) {
		t.Fatal("the list page still shows the old title")
	}
	if a.get(t, "/jobb/feed.xml").StatusCode != 404 {
		t.Fatal("unknown feed format served")
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// form fetches a page, then posts values to it with the page's CSRF token
// and cookie, as a browser does.
func (a *testApp) postForm(t *testing.T, path string, values url.Values, ip string) response {
	t.Helper()
	page := a.get(t, path)
	m := csrfField.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("no CSRF field on " + path)
	}
	values.Set("_csrf", m[1])
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "https://example.com"+path)
	for _, c := range page.Cookies() {
		req.AddCookie(c)
	}
	if ip != "" {
		req.RemoteAddr = ip + ":1234"
	}
	return a.do(t, req)
}

func TestSupportForm(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	// Bad input: messages next to the fields, a summary, everything kept.
	res := a.postForm(t, "/support", url.Values{"name": {"Åsa Öberg"}, "email": {"inte-en-adress"}, "subject": {""}, "message": {"Det går inte att logga in."}}, "")
	if res.StatusCode != 422 {
		t.Fatalf("bad input: %d", res.StatusCode)
	}
	for _, w := range []string{"Något behöver rättas", `href="#email"`, "Skriv en e-postadress", "Skriv ett ämne.", `value="Åsa Öberg"`, `value="inte-en-adress"`, "Det går inte att logga in.</textarea>", `aria-invalid="true"`} {
		if !strings.Contains(res.body, w) {
			t.Errorf("error page lacks %q", w)
		}
	}
	if recs, _ := a.db.Outbox().Recent(context.Background(), 10); len(recs) != 0 {
		t.Fatal("bad input reached the outbox")
	}

	res = a.postForm(t, "/support", url.Values{"name": {"Åsa Öberg"}, "email": {"asa@example.se"}, "subject": {"Inloggning"}, "message": {"Det går inte att logga in."}}, "")
	if res.StatusCode != 303 || res.Header.Get("Location") != "/support?sent=1" {
		t.Fatalf("send: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	recs, _ := a.db.Outbox().Recent(context.Background(), 10)
	if len(recs) != 1 || recs[0].To != "support@example.se" || recs[0].ReplyTo != "asa@example.se" ||
		recs[0].Subject != "Supportärende: Inloggning" || !strings.Contains(recs[0].Text, "Det går inte att logga in.") {
		t.Fatalf("outbox: %+v", recs)
	}
	if !strings.Contains(a.get(t, "/support?sent=1").body, "Ditt meddelande är skickat") {
		t.Fatal("no receipt")
	}
}

func TestSupportFormNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	body := url.Values{"name": {"A"}, "email": {"a@example.se"}, "subject": {"S"}, "message": {"M"}}
	req := httptest.NewRequest(http.MethodPost, "/support", strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := a.do(t, req)
	if res.StatusCode != 403 || !strings.Contains(res.body, "Formuläret hade blivit för gammalt") {
		t.Fatalf("no token: %d", res.StatusCode)
	}
	// A token from another visitor's cookie does not count either.
	page := a.get(t, "/support")
	token := csrfField.FindStringSubmatch(page.body)[1]
	body.Set("_csrf", token)
	req = httptest.NewRequest(http.MethodPost, "/support", strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "__Host-csrf", Value: "forged"})
	if res := a.do(t, req); res.StatusCode != 403 {
		t.Fatalf("forged cookie: %d", res.StatusCode)
	}
	if recs, _ := a.db.Outbox().Recent(context.Background(), 10); len(recs) != 0 {
		t.Fatal("a refused form reached the outbox")
	}
	for _, c := range page.Cookies() {
		if c.Name == "__Host-csrf" && (!c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode) {
			t.Fatalf("CSRF cookie flags: %+v", c)
		}
	}
}

// clientFrom returns an HTTP client whose connections come from the
// loopback address local, and which keeps cookies.
func clientFrom(t *testing.T, local string) *http.Client {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{
		Jar:           jar,
		Transport:     &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func TestSupportRateLimitIsPerClientBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false) // trusts 10.0.0.0/8 and 127.0.0.1 as proxies
	base := a.Serve(t)
	send := func(from, forwarded string) int {
		client := clientFrom(t, from)
		res, err := client.Get(base + "/support")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		token := csrfField.FindStringSubmatch(string(b))[1]
		body := url.Values{"name": {"A"}, "email": {"a@example.se"}, "subject": {"S"}, "message": {"M"}, "_csrf": {token}}
		req, _ := http.NewRequest(http.MethodPost, base+"/support", strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		res, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Behind the proxy, the client's own address counts, not what it claims.
	for i := range 5 {
		if code := send("127.0.0.1", "1.1.1.1, 192.0.2.7"); code != 303 {
			t.Fatalf("send %d: %d", i+1, code)
		}
	}
	if code := send("127.0.0.1", "9.9.9.9, 192.0.2.7, 10.1.2.3"); code != 429 {
		t.Fatalf("sixth message from one client: %d", code)
	}
	if code := send("127.0.0.1", "192.0.2.8"); code != 303 {
		t.Fatalf("another client was limited: %d", code)
	}
	// A peer that is not a proxy cannot choose its address with the header.
	for range 5 {
		send("127.0.0.2", "203.0.113.5")
	}
	if code := send("127.0.0.2", "203.0.113.6"); code != 429 {
		t.Fatalf("spoofed X-Forwarded-For escaped the limit: %d", code)
	}
}

func TestDevMail(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, true)
	res := a.postForm(t, "/support", url.Values{"name": {"Per"}, "email": {"per@example.se"}, "subject": {"Hjälp"}, "message": {"Text"}}, "")
	if res.StatusCode != 303 {
		t.Fatalf("send: %d", res.StatusCode)
	}
	j := a.get(t, "/dev/mail.json")
	if j.StatusCode != 200 || !strings.Contains(j.body, `"to":"support@example.se"`) || !strings.Contains(j.body, `"Reply-To":"per@example.se"`) {
		t.Fatalf("mail.json: %d %s", j.StatusCode, j.body)
	}
	if page := a.get(t, "/dev/mail"); !strings.Contains(page.body, "Supportärende: Hjälp") {
		t.Fatal("dev mail page lacks the message")
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	p := testapp.New(t, testapp.Options{Now: testNow, BodyLimit: 64 * 1024})
	a := appOf(p)
	req := httptest.NewRequest(http.MethodPost, "/support", strings.NewReader(strings.Repeat("x", 70*1024)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := a.app.Test(req, 10000)
	if err == nil && res.StatusCode != 413 {
		t.Fatalf("oversized body: %d", res.StatusCode)
	}
}
