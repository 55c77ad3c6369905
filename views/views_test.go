package views

import (
	htmltemplate "html/template"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"portal/alerts"
	"portal/applicants"
	"portal/charts"
	"portal/jobs"
	"portal/valid"
)

func TestLocalesHaveTheSameKeys(t *testing.T) {
	l, err := LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := set(l.Keys("sv")), set(l.Keys("en"))
	for k := range sv {
		if !en[k] {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range en {
		if !sv[k] {
			t.Errorf("sv lacks %q", k)
		}
	}
}

// Every literal key in the templates, and every key built from a code,
// must exist.
func TestEveryUsedKeyExists(t *testing.T) {
	l, _ := LoadLocales()
	keys := set(l.Keys("sv"))
	var used []string
	re := regexp.MustCompile(`\.T "([a-z0-9_.-]+)"`)
	for _, dir := range []string{"templates", "mail"} {
		_ = fs.WalkDir(files, dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := files.ReadFile(path)
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used = append(used, m[1])
			}
			return nil
		})
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in templates: the pattern is stale", len(used))
	}
	for _, a := range jobs.Areas {
		used = append(used, "area."+a)
	}
	for _, e := range jobs.EmploymentTypes {
		used = append(used, "employment."+e)
	}
	for _, s := range []string{"pending", "sending", "sent", "failed"} {
		used = append(used, "dev.mail.status."+s)
	}
	used = append(used, "extent.full", "extent.part")
	for _, e := range []string{applicants.EventRegistered, applicants.EventEmailVerified, applicants.EventLogin, applicants.EventLoginFailed,
		applicants.EventResetRequested, applicants.EventResetUsed, applicants.EventPasswordChanged, applicants.EventProfileChanged, applicants.EventLogout,
		applicants.EventEmailChanged, applicants.EventDeletionPlanned, applicants.EventDeletionDropped} {
		used = append(used, "event."+e)
	}
	for _, k := range []string{"mail.verify.subject", "mail.verify.body", "mail.reset.subject", "mail.reset.body",
		"mail.password_changed.subject", "mail.password_changed.body", "account.error.email",
		"account.error.consent", "password.error.short", "password.error.long", "password.error.weak",
		"password.error.same_as_temp", "password.error.current", "password.error.mismatch", "form.error.invalid",
		"profile.error.postal_code_format", "profile.error.phone_format", "login.error", "login.expired",
		"account.error.same_email", "mail.email_change.subject", "mail.email_change.body", "mail.email_change_old.subject",
		"mail.email_change_old.body", "mail.email_changed.subject", "mail.email_changed.body", "email_change.done", "delete.done",
		"export.unavailable_title", "export.unavailable_text", "export.missing_text"} {
		used = append(used, k)
	}
	for _, k := range []string{"required", "choice", "number", "too_long"} {
		used = append(used, "answer.error."+k)
	}
	for _, k := range []string{"question_id", "question_type", "question_text", "question_options"} {
		used = append(used, "error.ad."+k)
	}
	for _, k := range []string{"name", "name_length", "empty", "size", "type", "mismatch", "encrypted", "macros", "zip_bomb", "zip_path", "unreadable", "batch"} {
		used = append(used, "file.error."+k)
	}
	for _, f := range []string{"first_name", "last_name", "street", "postal_code", "town", "country", "phone"} {
		used = append(used, "profile.error."+f)
	}
	for _, f := range alerts.Frequencies {
		used = append(used, "alert.frequency."+f, "interest.mail."+f)
	}
	for _, s := range []string{"pending", "sending", "sent", "failed", "cancelled"} {
		used = append(used, "admin.outbox.status."+s)
	}
	for _, k := range []string{"unknown_choice", "places", "keyword_length", "keywords"} {
		used = append(used, "error.alert."+k)
	}
	for _, k := range []string{"confirm", "alert", "digest", "reminder"} {
		used = append(used, "mail."+k+".subject")
	}
	used = append(used, "alert.error.email", "alert.error.frequency", "alert.summary.everything", "alert.keywords",
		"jobs.filter.area", "jobs.filter.place", "jobs.filter.extent", "jobs.filter.type", "error.ad.ref_repeated",
		"error.ad.last_day_format", "error.admin_text", "alert.sent.heading", "alert.sent.text", "alert.confirm.bad",
		"alert.ended.heading", "alert.ended.text", "alert.unsubscribed.heading", "alert.unsubscribed.text",
		"alert.confirm.done", "alert.manage.saved", "interest.saved", "interest.stopped", "admin.outbox.requeued",
		"alert.feed.title", "alert.to_jobs", "alert.subscribe.again")
	for _, k := range []string{"state.awaiting", "state.signed", "state.granted", "state.refused", "state.declined", "state.withdrawn",
		"action.request", "action.sign", "action.decline", "action.withdraw", "action.grant", "action.grant_blocked", "action.refuse",
		"action.revoke", "action.interim_ended", "action.course", "reason.held", "reason.self", "reason.inactive", "source.import",
		"source.admin", "done.requested", "done.withdrawn", "done.signed", "done.declined", "done.granted", "done.refused",
		"done.revoked", "done.course", "error.role", "error.units", "error.units_many", "error.unit", "error.reason",
		"error.reason_long", "error.no_manager", "error.person", "error.course", "error.date", "error.date_future"} {
		used = append(used, "access."+k)
	}
	sort.Strings(used)
	for _, k := range used {
		if !keys[k] {
			t.Errorf("key %q is used but not translated", k)
		}
	}
}

func TestTemplatesParse(t *testing.T) {
	if _, err := NewEngine(time.Now); err != nil {
		t.Fatal(err)
	}
}

func TestPick(t *testing.T) {
	l, _ := LoadLocales()
	for _, tc := range []struct{ cookie, accept, want string }{
		{"", "", "sv"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE,de;q=0.9", "sv"},
		{"", "sv-SE,en;q=0.5", "sv"},
		{"sv", "en-US", "sv"},
		{"en", "", "en"},
		{"xx", "en", "en"},
	} {
		if got := l.Pick(tc.cookie, tc.accept).Lang; got != tc.want {
			t.Errorf("Pick(%q, %q) = %s, want %s", tc.cookie, tc.accept, got, tc.want)
		}
	}
	d := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // already 1 December in Sweden
	if got := l.Get("sv").Date(d); got != "1 december 2026" {
		t.Errorf("sv date %q", got)
	}
	if got := l.Get("en").Date(d); got != "1 December 2026" {
		t.Errorf("en date %q", got)
	}
}

func TestPages(t *testing.T) {
	got := Pages(jobs.Result{Page: 6, Pages: 12})
	want := []int{1, 0, 4, 5, 6, 7, 8, 0, 12}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
}

func set(list []string) map[string]bool {
	m := map[string]bool{}
	for _, k := range list {
		m[k] = true
	}
	return m
}

// A page draws a chart with the template functions; the SVG comes out as
// markup, its labels escaped.
func TestChartFuncs(t *testing.T) {
	tpl, err := htmltemplate.New("p").Funcs(funcs(time.Now)).Parse(`{{barchart .Bars}}{{linechart .Line}}`)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err = tpl.Execute(&out, map[string]any{
		"Bars": charts.BarChart{Title: "Per steg", Labels: []string{"<b>"}, Values: []float64{1}},
		"Line": charts.LineChart{Title: "Per dag", Values: []float64{1, 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Count(s, `<svg `) != 2 || strings.Contains(s, "<b>") || !strings.Contains(s, "&lt;b&gt;") {
		t.Errorf("charts not drawn as markup: %s", s)
	}
}

// The error summary writes each problem with its arguments, as the field
// does.
func TestErrorSummaryKeepsArguments(t *testing.T) {
	l, err := LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	p := valid.Problem{Field: "name", Key: "disclose.page.heading", Args: []any{"Karin Reporter"}}
	if got := l.Get("sv").Problem(p); got != "Begäran från Karin Reporter" {
		t.Errorf("Problem: %q", got)
	}
	tpl, err := htmltemplate.New("form").Funcs(funcs(time.Now)).ParseFS(files, "templates/partials/form.html")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tpl.ExecuteTemplate(&b, "error-summary", SummaryView{L: l.Get("sv"), Errors: valid.Problems{p}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<a href="#name">Begäran från Karin Reporter</a>`) {
		t.Errorf("the summary:\n%s", b.String())
	}
}
