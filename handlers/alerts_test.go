package handlers_test

import (
	"archive/zip"
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"portal/alerts"
	"portal/jobs"
)

var (
	alertConfirmLink = regexp.MustCompile(`/bevakning/bekrafta/[0-9a-f]+`)
	manageLink       = regexp.MustCompile(`/bevakning/[0-9a-f]+/andra/[A-Za-z0-9_-]+`)
	unsubscribeLink  = regexp.MustCompile(`/bevakning/[0-9a-f]+/avsluta/[A-Za-z0-9_-]+`)
	feedLink         = regexp.MustCompile(`/bevakning/flode/[0-9a-f]+\.rss`)
)

func TestPublicSubscription(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v := a.visitor(t)

	// A search on the job board leads to the form with its choices made.
	form := v.get("/bevakning?area=health&place=%C3%85re&q=sk%C3%B6terska&extent=full")
	if form.StatusCode != 200 || !strings.Contains(form.body, `value="health" checked`) ||
		!strings.Contains(form.body, `value="sköterska"`) || !strings.Contains(form.body, `value="full" checked`) {
		t.Fatalf("form from a search: %d", form.StatusCode)
	}
	if list := a.get(t, "/jobb?area=health"); !strings.Contains(list.body, `href="/bevakning?area=health"`) {
		t.Fatal("the job list does not offer an alert for its search")
	}

	// Bad input: the message sits by the field, what was chosen stays,
	// nothing is stored or sent.
	bad := v.post("/bevakning", "/bevakning", url.Values{"area": {"health"}, "email": {"inte en adress"}, "frequency": {"daily"},
		"keywords": {"undersköterska, " + strings.Repeat("x", 61)}})
	if bad.StatusCode != 422 || !strings.Contains(bad.body, `id="keywords-error"`) || !strings.Contains(bad.body, `value="health" checked`) ||
		!strings.Contains(bad.body, "Ett nyckelord får vara högst 60 tecken.") || !strings.Contains(bad.body, `id="email-error"`) {
		t.Fatalf("bad keywords: %d", bad.StatusCode)
	}
	bad = v.post("/bevakning", "/bevakning", url.Values{"area": {"health"}, "email": {"inte en adress"}, "frequency": {"daily"}})
	if bad.StatusCode != 422 || !strings.Contains(bad.body, `id="email-error"`) || !strings.Contains(bad.body, `value="daily" checked`) ||
		!strings.Contains(bad.body, `value="inte en adress"`) {
		t.Fatalf("bad address: %d", bad.StatusCode)
	}
	if recs, _ := a.db.Outbox().Recent(context.Background(), 10); len(recs) != 0 {
		t.Fatal("bad input sent mail")
	}

	ok := v.post("/bevakning", "/bevakning", url.Values{"area": {"health"}, "email": {"Eva@Example.se"}, "frequency": {"immediate"}})
	if ok.StatusCode != 200 || !strings.Contains(ok.body, "Titta i din e-post") {
		t.Fatalf("subscribe: %d", ok.StatusCode)
	}
	sent := a.mails(t, "eva@example.se")
	link := alertConfirmLink.FindString(sent[0].Text)
	if len(sent) != 1 || link == "" || sent[0].HTML == "" {
		t.Fatalf("confirmation mail: %+v", sent)
	}

	// Opening the link (as a mail scanner might) confirms nothing; the
	// button does.
	page := v.get(link)
	if page.StatusCode != 200 || !strings.Contains(page.body, "Hälso- och sjukvård") || page.Header.Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("confirm page: %d", page.StatusCode)
	}
	if sub, _ := a.Alerts.Confirmable(context.Background(), strings.TrimPrefix(link, "/bevakning/bekrafta/")); sub.Status != alerts.Unconfirmed {
		t.Fatal("opening the link confirmed")
	}
	done := v.post(link, link, url.Values{})
	manage := done.Header.Get("Location")
	if done.StatusCode != 303 || !manageLink.MatchString(manage) {
		t.Fatalf("confirm: %d %s", done.StatusCode, manage)
	}
	if again := v.post("/bevakning", link, url.Values{}); again.StatusCode != 404 {
		t.Fatalf("the link confirmed twice: %d", again.StatusCode)
	}

	// The change page: criteria, frequency, feed and the way out.
	page = v.get(manage)
	if page.StatusCode != 200 || !strings.Contains(page.body, "Bevakningen är startad") || !strings.Contains(page.body, "eva@example.se") {
		t.Fatalf("change page: %d", page.StatusCode)
	}
	changed := v.post(manage, manageLink.FindString(manage), url.Values{"area": {"it"}, "keywords": {"utvecklare"}, "frequency": {"daily"}})
	if changed.StatusCode != 303 {
		t.Fatalf("change: %d", changed.StatusCode)
	}
	page = v.get(manageLink.FindString(manage))
	if !strings.Contains(page.body, `value="it" checked`) || !strings.Contains(page.body, `value="daily" checked`) || !strings.Contains(page.body, `value="utvecklare"`) {
		t.Fatal("the change was not kept")
	}
	if forged := v.get(manageLink.FindString(manage) + "x"); forged.StatusCode != 404 {
		t.Fatalf("forged signature: %d", forged.StatusCode)
	}

	// The feed of the saved search lists matching open ads only.
	feed := a.get(t, feedLink.FindString(page.body))
	it := a.find(t, func(ad jobs.Ad) bool { return ad.Area == "it" && ad.Open(testNow) })
	other := a.find(t, func(ad jobs.Ad) bool { return ad.Area == "health" && ad.Open(testNow) })
	if feed.StatusCode != 200 || !strings.Contains(feed.Header.Get("Content-Type"), "rss") {
		t.Fatalf("feed: %d", feed.StatusCode)
	}
	if strings.Contains(feed.body, "/jobb/"+other.Ref) || (strings.Contains(strings.ToLower(it.Title+it.Text), "utvecklare") && !strings.Contains(feed.body, "/jobb/"+it.Ref)) {
		t.Fatal("the feed does not follow the criteria")
	}

	// Unsubscribe: the link shows a button; the form needs no session.
	unsub := unsubscribeLink.FindString(page.body)
	if res := a.get(t, unsub); res.StatusCode != 200 || !strings.Contains(res.body, "Avsluta bevakningen") {
		t.Fatalf("unsubscribe page: %d", res.StatusCode)
	}
	res := a.do(t, postTo(unsub))
	if res.StatusCode != 200 || !strings.Contains(res.body, "Bevakningen är avslutad") {
		t.Fatalf("unsubscribe: %d", res.StatusCode)
	}
	for _, path := range []string{unsub, manageLink.FindString(manage)} {
		if res := a.get(t, path); res.StatusCode != 410 || !strings.Contains(res.body, "finns inte längre") {
			t.Fatalf("%s after unsubscribing: %d", path, res.StatusCode)
		}
	}
	if res := a.get(t, feedLink.FindString(page.body)); res.StatusCode != 404 {
		t.Fatalf("feed after unsubscribing: %d", res.StatusCode)
	}
}

func TestInterestRegistrationPages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	if res := a.get(t, "/intresseanmalan"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/logga-in") {
		t.Fatalf("without login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	v := verifiedApplicant(t, a, "intresse@example.se")
	profile := v.get("/mina-uppgifter")
	if !strings.Contains(profile.body, "Du har ingen intresseanmälan") {
		t.Fatal("My details does not offer an interest registration")
	}
	bad := v.post("/intresseanmalan", "/intresseanmalan", url.Values{"area": {"moon"}})
	if bad.StatusCode != 422 || !strings.Contains(bad.body, `id="area-error"`) {
		t.Fatalf("unknown area: %d", bad.StatusCode)
	}
	summary := v.post("/intresseanmalan", "/intresseanmalan", url.Values{"area": {"care", "social"}, "extent": {"part"}, "keywords": {"natt"}})
	if summary.StatusCode != 200 || !strings.Contains(summary.body, "Yrkesområde: Vård och omsorg, Socialt arbete") ||
		!strings.Contains(summary.body, "Omfattning: Deltid") || !strings.Contains(summary.body, `name="notify"`) ||
		!strings.Contains(summary.body, `href="/intresseanmalan?area=care&amp;area=social&amp;extent=part&amp;keywords=natt"`) {
		t.Fatalf("summary: %d\n%s", summary.StatusCode, summary.body)
	}
	saved := v.post("/intresseanmalan", "/intresseanmalan/spara", url.Values{"area": {"care", "social"}, "extent": {"part"},
		"keywords": {"natt"}, "notify": {"1"}, "frequency": {"daily"}})
	if saved.StatusCode != 303 || !strings.HasPrefix(saved.Header.Get("Location"), "/mina-uppgifter?intresse=1") {
		t.Fatalf("save: %d %s", saved.StatusCode, saved.Header.Get("Location"))
	}
	profile = v.get("/mina-uppgifter?intresse=1")
	for _, want := range []string{"Din intresseanmälan är sparad", "Nyckelord: natt", "En sammanfattning om dagen går till intresse@example.se", "Ta bort intresseanmälan"} {
		if !strings.Contains(profile.body, want) {
			t.Fatalf("My details lacks %q", want)
		}
	}
	// "Download my data" holds the registration.
	archive := v.get("/mina-uppgifter/hamta")
	zr, err := zip.NewReader(strings.NewReader(archive.body), int64(len(archive.body)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open("mina-uppgifter.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	if !strings.Contains(string(b), `"interest_registration"`) || !strings.Contains(string(b), `"natt"`) {
		t.Fatalf("export lacks the interest registration:\n%s", b)
	}
	// Editing starts from what was saved.
	if edit := v.get("/intresseanmalan"); !strings.Contains(edit.body, `value="social" checked`) || !strings.Contains(edit.body, `value="natt"`) {
		t.Fatal("the form does not start from the registration")
	}
	stopped := v.post("/mina-uppgifter", "/intresseanmalan/avsluta", url.Values{})
	if stopped.StatusCode != 303 || !strings.Contains(v.get("/mina-uppgifter").body, "Du har ingen intresseanmälan") {
		t.Fatalf("stop: %d", stopped.StatusCode)
	}
}
