package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/applications"
	"portal/jobs"
	"portal/mail"
	"portal/recruiting"
)

// applicantIn is an applicant with an account and a submitted application
// to the recruitment, taken in as its candidate; it returns the applicant's
// browser and the candidate's id.
func applicantIn(t *testing.T, a *testApp, rid, email, first, lang string) (*visitor, string) {
	t.Helper()
	ctx := context.Background()
	r, err := a.db.Recruitments().Recruitment(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	v := verifiedApplicant(t, a, email)
	now := a.clock.Now()
	app := applications.Application{Applicant: v.accountID(), AdRef: r.Ref, AdTitle: r.Title, ClosesAt: now.Add(30 * 24 * time.Hour),
		Status: applications.StatusSubmitted, Step: applications.StepSummary, Version: 1, CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
	id, err := a.db.Applications().CreateApplication(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	app.ID = id
	ver := applications.Version{N: 1, At: now, Applicant: applications.Snapshot{FirstName: first, LastName: "Sökande", Email: email}}
	if err := a.Candidates.Arrived(ctx, app, ver, lang); err != nil {
		t.Fatal(err)
	}
	return v, id
}

// paperCandidate registers an application that came on paper: no account,
// no address.
func paperCandidate(t *testing.T, a *testApp, rid, id string, n int) {
	t.Helper()
	ctx := context.Background()
	if err := a.db.Recruitments().ClaimNumber(ctx, rid, n, id); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Recruitments().AddCandidate(ctx, recruiting.Candidate{ID: id, RecruitmentID: rid, Number: n, Source: recruiting.SourcePaper,
		Details: applications.Snapshot{FirstName: "Per", LastName: "Papper"}, ArrivedAt: a.clock.Now(), RegisteredBy: "rekry01",
		Stage: recruiting.StageReceived, StageAt: a.clock.Now()}); err != nil {
		t.Fatal(err)
	}
}

// countMails counts the messages to the address whose subject starts so.
func countMails(t *testing.T, a *testApp, to, subject string) int {
	t.Helper()
	n := 0
	for _, m := range a.mails(t, to) {
		if strings.HasPrefix(m.Subject, subject) {
			n++
		}
	}
	return n
}

// otherRecruitment is a recruitment of another group (Utbildning) with
// one candidate, for trying its ids where they do not belong.
func otherRecruitment(t *testing.T, a *testApp) (rid, cid string) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.Access.GrantByCommand(ctx, "otto", "recruiter", "UTB"); err != nil {
		t.Fatal(err)
	}
	r, err := a.Recruiting.Create(ctx, "otto", recruiting.Draft{UnitID: "UTB", Title: "Lärare i matematik", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	paperCandidate(t, a, r.ID, "other-candidate", 1)
	return r.ID, "other-candidate"
}

// Messages from templates: each applicant in their own language, once
// however often or however many at once it is sent; nothing for those
// registered by hand, who are named; kept and shown on My applications.
// The templates are the organisation's, changed by recruiters only.
func TestRecruitMessages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", true, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"none"}})
	sv, c1 := applicantIn(t, a, rid, "stina@example.se", "Stina", "sv")
	_, c2 := applicantIn(t, a, rid, "emma@example.se", "Emma", "en")
	paperCandidate(t, a, rid, "paper-1", 3)
	otherRid, otherCid := otherRecruitment(t, a)
	page := "/personal/rekrytering/" + rid + "/meddelanden"

	// The group hears of each new application at once, without a name.
	if n := countMails(t, a, "rut@example.se", "Ny ansökan: Undersköterska"); n != 2 {
		t.Errorf("recruiter told of %d new applications, want 2", n)
	}
	if m := a.mailAbout(t, "rut@example.se", "Ny ansökan"); strings.Contains(m.Text, "Stina") || strings.Contains(m.Text, "Emma") ||
		!strings.Contains(m.Text, "Sökande ") || !strings.Contains(m.Text, "/personal/rekrytering/"+rid) {
		t.Errorf("new application mail:\n%s", m.Text)
	}

	// The templates: the recruiter changes one; a placeholder that does
	// not exist is refused; others may not.
	want(t, "templates", rec.get("/personal/rekrytering/mallar"), 200, "Intervju", "Inbjudan till intervju", "Som levererad")
	tpl := "/personal/rekrytering/mallar/stage-interview"
	for _, tc := range []struct {
		what   string
		form   url.Values
		status int
		texts  []string
	}{
		{"unknown placeholder", url.Values{"subject_sv": {"Intervju {titel}"}, "body_sv": {"Hej {nmn}"}, "subject_en": {"Interview"}, "body_en": {"Hi"}},
			422, []string{"Texten har en platshållare som inte finns", `value="Intervju {titel}"`}},
		{"empty", url.Values{"subject_sv": {""}, "body_sv": {"Hej"}, "subject_en": {"Interview"}, "body_en": {""}},
			422, []string{"Skriv ett ämne.", "Skriv en text."}},
		{"good", url.Values{"subject_sv": {"Välkommen på intervju: {titel}"}, "body_sv": {"Hej {namn}! Välkommen på intervju ({referens})."},
			"subject_en": {"Welcome to an interview: {titel}"}, "body_en": {"Dear {namn}, welcome to an interview ({referens})."}}, 303, nil},
	} {
		want(t, tc.what, rec.post(tpl, tpl, tc.form), tc.status, tc.texts...)
	}
	eva := staffVisitor(t, a, "evaryl01")
	for _, path := range []string{"/personal/rekrytering/mallar", tpl, page} {
		if res := eva.get(path); res.StatusCode != 403 {
			t.Errorf("hiring manager on %s: %d", path, res.StatusCode)
		}
	}

	// The page, with the candidates the list sent ticked; the names stay
	// hidden in an anonymised review.
	res := rec.get(page + "?k=" + c1 + "&k=paper-1&mall=stage-interview")
	want(t, "message page", res, 200, `value="`+c1+`" checked`, `value="paper-1" checked`, "Sökande 3", "ingen e-postadress")
	if strings.Contains(res.body, "Stina") {
		t.Error("the anonymised message page names an applicant")
	}
	for _, tc := range []struct {
		what   string
		form   url.Values
		status int
		texts  []string
	}{
		{"no template", url.Values{"k": {c1}, "action": {"send"}}, 422, []string{"Välj en mall."}},
		{"nobody", url.Values{"mall": {"stage-interview"}, "action": {"send"}}, 422, []string{"Välj minst en sökande."}},
		{"preview", url.Values{"mall": {"stage-interview"}, "k": {c1, "paper-1"}, "action": {"preview"}}, 200,
			// The preview of an anonymised review names the applicant by number.
			[]string{"Välkommen på intervju: Undersköterska till hemtjänsten", "Hej Sökande ", "1 av de valda saknar e-postadress"}},
	} {
		res := rec.post(page, page, tc.form)
		want(t, tc.what, res, tc.status, tc.texts...)
		if strings.Contains(res.body, "Stina") {
			t.Errorf("%s: the anonymised page names the applicant", tc.what)
		}
	}
	if n := countMails(t, a, "stina@example.se", "Välkommen på intervju"); n != 0 {
		t.Fatalf("a preview sent %d messages", n)
	}
	res = rec.post(page, page, url.Values{"mall": {"stage-interview"}, "k": {c1, c2, "paper-1"}, "action": {"send"}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "skickat=2&redan=0&utan=1") {
		t.Fatalf("send: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	want(t, "after sending", rec.get(res.Header.Get("Location")), 200, "Skickat till 2 sökande.", "1 saknar e-postadress")
	if m := a.mailAbout(t, "stina@example.se", "Välkommen på intervju"); !strings.Contains(m.Text, "Hej Stina Sökande!") {
		t.Errorf("Swedish message: %q", m.Text)
	}
	if m := a.mailAbout(t, "emma@example.se", "Welcome to an interview"); !strings.Contains(m.Text, "Dear Emma Sökande,") {
		t.Errorf("English message: %q", m.Text)
	}
	// Again, and five times at once: nothing more.
	res = rec.post(page, page, url.Values{"mall": {"stage-interview"}, "k": {c1, c2}, "action": {"send"}})
	if !strings.Contains(res.Header.Get("Location"), "skickat=0&redan=2") {
		t.Errorf("repeat: %s", res.Header.Get("Location"))
	}
	form := url.Values{"mall": {"stage-references"}, "k": {c1, c2}, "action": {"send"}}
	for _, r := range a.together(t, times(5, func(int) *http.Request { return rec.formRequest(page, page, form) })...) {
		if r.StatusCode != 303 {
			t.Errorf("sent at once: %d", r.StatusCode)
		}
	}
	for _, to := range []string{"stina@example.se", "emma@example.se"} {
		if n := countMails(t, a, to, "Vi tar referenser") + countMails(t, a, to, "We are taking up references"); n != 1 {
			t.Errorf("%s got the message %d times", to, n)
		}
	}

	// The applicant reads it on My applications.
	want(t, "my applications", sv.get("/mina-ansokningar"), 200, "Meddelanden: Undersköterska till hemtjänsten",
		"Välkommen på intervju: Undersköterska till hemtjänsten", "Vi tar referenser")

	// Another recruitment's candidate, or its recruitment: nothing.
	if res := rec.post(page, page, url.Values{"mall": {"stage-interview"}, "k": {c1, otherCid}, "action": {"send"}}); res.StatusCode != 404 {
		t.Errorf("another recruitment's candidate: %d", res.StatusCode)
	}
	if res := rec.get("/personal/rekrytering/" + otherRid + "/meddelanden"); res.StatusCode != 404 || strings.Contains(res.body, "Lärare") {
		t.Errorf("another group's recruitment: %d", res.StatusCode)
	}
	if res := staffVisitor(t, a, "dirbo").get(page); res.StatusCode != 404 {
		t.Errorf("outsider: %d", res.StatusCode)
	}
	if res := sv.get(page); !toStaffLogin(res) {
		t.Errorf("applicant on the staff page: %d", res.StatusCode)
	}
}

// The decision: checked, taken once when two decide at once, posted with
// its appeal period and final date, the stages set, everyone told once;
// then the statement of merits asked for, answered and shown.
func TestRecruitDecision(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	ctx := context.Background()
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", false, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"none"},
		"member_1_user": {"otto"}, "member_1_role": {"union"}, "member_1_notify": {"none"}})
	_, c1 := applicantIn(t, a, rid, "stina@example.se", "Stina", "sv")
	emma, c2 := applicantIn(t, a, rid, "emma@example.se", "Emma", "en")
	_, c3 := applicantIn(t, a, rid, "walt@example.se", "Walter", "sv")
	if err := a.db.Applications().MarkWithdrawn(ctx, c3, a.clock.Now()); err != nil {
		t.Fatal(err)
	}
	paperCandidate(t, a, rid, "paper-1", 4)
	otherRid, otherCid := otherRecruitment(t, a)
	page := "/personal/rekrytering/" + rid + "/beslut"
	today := jobs.DayOf(a.clock.Now()).String()

	want(t, "form", rec.get(page), 200, "Fatta beslutet", `value="`+c1+`"`, "återkallad")
	want(t, "union sees no form", staffVisitor(t, a, "otto").get(page), 200, "Inget anställningsbeslut")
	for _, tc := range []struct {
		what  string
		form  url.Values
		texts []string
	}{
		{"nobody hired", url.Values{"outcome": {"hired"}, "decided_on": {today}}, []string{"Välj den eller de som anställs."}},
		{"too many", url.Values{"outcome": {"hired"}, "hired": {c1, c2}, "decided_on": {today}}, []string{"fler än rekryteringens antal tjänster"}},
		{"withdrawn", url.Values{"outcome": {"hired"}, "hired": {c3}, "decided_on": {today}}, []string{"En återkallad ansökan"}},
		{"future", url.Values{"outcome": {"hired"}, "hired": {c1}, "decided_on": {"2099-01-01"}}, []string{"kan inte vara efter i dag"}},
		{"bad date", url.Values{"outcome": {"hired"}, "hired": {c1}, "decided_on": {"igår"}}, []string{"ÅÅÅÅ-MM-DD"}},
		{"cancelled without reason", url.Values{"outcome": {"cancelled"}, "decided_on": {today}}, []string{"Skriv varför rekryteringen avbryts."}},
		{"no outcome", url.Values{"decided_on": {today}}, []string{"Välj om någon anställs"}},
	} {
		want(t, tc.what, rec.post(page, page, tc.form), 422, tc.texts...)
	}
	if res := rec.post(page, page, url.Values{"outcome": {"hired"}, "hired": {otherCid}, "decided_on": {today}}); res.StatusCode != 404 {
		t.Errorf("hiring another recruitment's candidate: %d", res.StatusCode)
	}
	if res := staffVisitor(t, a, "otto").post(page, page, url.Values{"outcome": {"hired"}, "hired": {c1}, "decided_on": {today}}); res.StatusCode != 403 {
		t.Errorf("union decides: %d", res.StatusCode)
	}
	if res := rec.get("/personal/rekrytering/" + otherRid + "/beslut"); res.StatusCode != 404 {
		t.Errorf("another group's decision page: %d", res.StatusCode)
	}

	// The recruiter and the hiring manager decide at the same moment, each
	// their own way, three times over: one decision.
	eva := staffVisitor(t, a, "evaryl01")
	var reqs []*http.Request
	for i := 0; i < 3; i++ {
		reqs = append(reqs, rec.formRequest(page, page, url.Values{"outcome": {"hired"}, "hired": {c1}, "decided_on": {today}}),
			eva.formRequest(page, page, url.Values{"outcome": {"hired"}, "hired": {c2}, "decided_on": {today}}))
	}
	decided := 0
	for _, r := range a.together(t, reqs...) {
		switch loc := r.Header.Get("Location"); {
		case r.StatusCode == 303 && strings.HasSuffix(loc, "klart=decided"):
			decided++
		case r.StatusCode == 303 && strings.HasSuffix(loc, "klart=before"):
		default:
			t.Errorf("decide at once: %d %s", r.StatusCode, loc)
		}
	}
	if decided != 1 {
		t.Errorf("%d decisions taken", decided)
	}
	d, err := a.db.RecruitDecisions().Decision(ctx, rid)
	if err != nil || len(d.Hired) != 1 {
		t.Fatalf("decision: %v %+v", err, d)
	}
	hired, hiredMail, other, otherMail := c1, "stina@example.se", c2, "emma@example.se"
	if d.Hired[0] == c2 {
		hired, hiredMail, other, otherMail = c2, "emma@example.se", c1, "stina@example.se"
	}
	if d.AppealUntil != d.PostedOn.AddDays(21) || d.FinalOn != d.PostedOn.AddDays(22) {
		t.Errorf("dates: posted %s, appeal until %s, final %s", d.PostedOn, d.AppealUntil, d.FinalOn)
	}
	stages := map[string]string{hired: recruiting.StageHired, other: recruiting.StageNotSelected, c3: recruiting.StageReceived, "paper-1": recruiting.StageNotSelected}
	for id, stage := range stages {
		if c, err := a.db.Recruitments().Candidate(ctx, id); err != nil || c.Stage != stage {
			t.Errorf("candidate %s at %q, want %q (%v)", id, c.Stage, stage, err)
		}
	}
	// Told once each: the hired that they got it, the others that it is
	// filled, in their language; nothing for the paper applicant.
	check := func() {
		t.Helper()
		for to, subjects := range map[string][]string{hiredMail: {"Du har fått tjänsten", "You have got the job"},
			otherMail: {"Tjänsten är tillsatt", "The post has been filled"}, "walt@example.se": {"Tjänsten är tillsatt"}} {
			n := 0
			for _, s := range subjects {
				n += countMails(t, a, to, s)
			}
			if n != 1 {
				t.Errorf("%s told %d times", to, n)
			}
		}
	}
	check()
	r, v, err := a.Recruiting.Open(ctx, "rekry01", rid)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Decisions.Complete(ctx, v, r); err != nil {
		t.Fatal(err)
	}
	check()

	// The page and the posted notice, with the appeal period and the final
	// date; the hired named.
	hiredName := map[string]string{c1: "Stina Sökande", c2: "Emma Sökande"}[hired]
	want(t, "decision page", rec.get(page+"?klart=decided"), 200, "Beslutet är sparat", hiredName, "Sista dag att överklaga", "Beslutet vinner laga kraft")
	notice := rec.get(page + "/anslag")
	want(t, "posted notice", notice, 200, "Anslag: anställningsbeslut", hiredName, "kommunallagen 13 kap", "inom 21 dagar",
		"REK-", `class="no-print"`)
	if strings.Contains(notice.body, map[string]string{c1: "Emma Sökande", c2: "Stina Sökande"}[hired]) {
		t.Error("the notice names one not hired")
	}
	if res := rec.get("/personal/rekrytering/" + otherRid + "/beslut/anslag"); res.StatusCode != 404 {
		t.Errorf("another group's notice: %d", res.StatusCode)
	}

	// The applicant not hired asks for the statement; asked five times at
	// once it is one request. The hired cannot ask; nor can anyone for
	// another's application.
	var applicant *visitor
	if other == c2 {
		applicant = emma
	} else {
		applicant = a.visitor(t)
		if res := applicant.post("/logga-in", "/logga-in", url.Values{"email": {otherMail}, "password": {goodPassword}}); res.StatusCode != 303 {
			t.Fatalf("login: %d", res.StatusCode)
		}
	}
	list := applicant.get("/mina-ansokningar")
	ask := "/ansokan/" + other + "/yttrande"
	if !strings.Contains(list.body, `action="`+ask+`"`) {
		t.Fatalf("no request button:\n%s", list.body)
	}
	for _, r := range a.together(t, times(5, func(int) *http.Request { return applicant.formRequest("/mina-ansokningar", ask, nil) })...) {
		if r.StatusCode != 303 {
			t.Errorf("request at once: %d", r.StatusCode)
		}
	}
	reqsOf, err := a.db.RecruitDecisions().StatementRequestsOf(ctx, []string{other})
	if err != nil || len(reqsOf) != 1 {
		t.Fatalf("requests: %v %d", err, len(reqsOf))
	}
	if res := applicant.post("/mina-uppgifter", "/ansokan/"+hired+"/yttrande", nil); res.StatusCode != 404 {
		t.Errorf("request on another's application: %d", res.StatusCode)
	}
	want(t, "waiting", applicant.get("/mina-ansokningar"), 200, "Du begärde en skriftlig uppgift")

	// On the recruiter's to-do, answered, sent, shown.
	want(t, "to-do on the list", rec.get("/personal/rekrytering"), 200, "Att göra", "1 begäran om uppgift om meriter väntar på svar")
	want(t, "to-do on the recruitment", rec.get("/personal/rekrytering/"+rid), 200, "1 begäran om uppgift om meriter väntar på svar")
	answer := page[:len(page)-len("/beslut")] + "/yttranden/" + reqsOf[0].ID
	want(t, "empty answer", rec.post(page, answer, url.Values{"answer": {" "}}), 422, "Skriv uppgiften om den anställdes meriter.")
	if res := eva.post(page, answer, url.Values{"answer": {"Undersköterskeexamen."}}); res.StatusCode != 403 {
		t.Errorf("hiring manager answers: %d", res.StatusCode)
	}
	res := rec.post(page, answer, url.Values{"answer": {"Undersköterskeexamen 2019, fem år i hemtjänst."}})
	if res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "klart=answered") {
		t.Fatalf("answer: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if m := a.mailAbout(t, otherMail, map[string]string{c1: "Uppgift om den anställdes meriter", c2: "Statement of the merits"}[other]); !strings.Contains(m.Text, "fem år i hemtjänst") {
		t.Errorf("statement mail: %q", m.Text)
	}
	if res := rec.post(page, answer, url.Values{"answer": {"Igen."}}); !strings.HasSuffix(res.Header.Get("Location"), "klart=answered_before") {
		t.Errorf("second answer: %s", res.Header.Get("Location"))
	}
	want(t, "answer shown", applicant.get("/mina-ansokningar"), 200, "fem år i hemtjänst")
	if res := rec.get("/personal/rekrytering"); strings.Contains(res.body, "väntar på svar") {
		t.Error("the answered request is still to do")
	}
	if res := rec.post(page, "/personal/rekrytering/"+otherRid+"/yttranden/"+reqsOf[0].ID, url.Values{"answer": {"x"}}); res.StatusCode != 404 {
		t.Errorf("answer through another recruitment: %d", res.StatusCode)
	}
}

// Members who chose a digest get one e-mail a day of the day before's
// applications, with no names; a second run sends nothing more.
func TestRecruitDigest(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	ctx := context.Background()
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Kock till skolköket", true, url.Values{})
	r, err := a.db.Recruitments().Recruitment(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	r.Group[0].Notify = recruiting.NotifyDigest
	if err := a.db.Recruitments().SaveGroup(ctx, rid, r.Group, true, a.clock.Now()); err != nil {
		t.Fatal(err)
	}
	applicantIn(t, a, rid, "stina@example.se", "Stina", "sv")
	applicantIn(t, a, rid, "emma@example.se", "Emma", "en")
	if n := countMails(t, a, "rut@example.se", "Ny ansökan"); n != 0 {
		t.Errorf("a digest member got %d single mails", n)
	}
	a.clock.Add(24 * time.Hour)
	for i := 0; i < 2; i++ {
		if _, err := a.GroupNotices.SendDigests(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var digests []mail.Record
	for _, m := range a.mails(t, "rut@example.se") {
		if strings.HasPrefix(m.Subject, "Nya ansökningar i går: 2") {
			digests = append(digests, m)
		}
	}
	if len(digests) != 1 || !strings.Contains(digests[0].Text, "Sökande 1") || !strings.Contains(digests[0].Text, "Sökande 2") ||
		strings.Contains(digests[0].Text, "Stina") {
		t.Fatalf("digests: %+v", digests)
	}
}
