package handlers_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/applicants"
	"portal/applications"
	"portal/jobs"
	"portal/recruiting"
)

// recordIn submits an application of the visitor's account to the
// recruitment and takes it in as its candidate; it returns the candidate's
// (the application's) id.
func recordIn(t *testing.T, a *testApp, v *visitor, rid, first, email string) string {
	t.Helper()
	ctx := context.Background()
	r, err := a.db.Recruitments().Recruitment(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	now := a.clock.Now()
	app := applications.Application{Applicant: v.accountID(), AdRef: r.Ref, AdTitle: r.Title, ClosesAt: now.Add(30 * 24 * time.Hour),
		Status: applications.StatusSubmitted, Step: applications.StepSummary, Version: 1, CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
	id, err := a.db.Applications().CreateApplication(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	app.ID = id
	ver := applications.Version{N: 1, At: now, Applicant: applications.Snapshot{FirstName: first, LastName: "Sökande", Email: email}}
	if err := a.db.Applications().AddVersion(ctx, id, ver); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Applications().MarkSubmitted(ctx, id, 1, 0, now); err != nil {
		t.Fatal(err)
	}
	if err := a.Candidates.Arrived(ctx, app, ver, "sv"); err != nil {
		t.Fatal(err)
	}
	return id
}

// decide records a decision of the recruitment, final on the day, that
// hires the candidates.
func decide(t *testing.T, a *testApp, rid string, final jobs.Day, hired ...string) {
	t.Helper()
	if hired == nil {
		hired = []string{"someone-else"}
	}
	d := recruiting.Decision{RecruitmentID: rid, Outcome: recruiting.OutcomeHired, Hired: hired, DecidedOn: final.AddDays(-22),
		PostedOn: final.AddDays(-22), AppealDays: 21, AppealUntil: final.AddDays(-1), FinalOn: final, DecidedBy: "rekry01", At: a.clock.Now()}
	if err := a.db.RecruitDecisions().AddDecision(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// day is a calendar day in Swedish time.
func day(y int, m time.Month, d int) jobs.Day {
	return jobs.DayOf(time.Date(y, m, d, 12, 0, 0, 0, jobs.Stockholm))
}

// An applicant with four applications: one decided and not hired, one
// undecided, one hired, one past its day. My applications tells how long
// each decided one is kept; the delete page tells every one before the
// password is asked for; deleting removes the account at once and the
// application past its day, keeps the others in their recruitments for the
// staff, and the mail says the same as the page.
func TestDeletingAnAccountKeepsTheRecordsUntilTheirDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	const email = "arkiv@example.se"
	v := verifiedApplicant(t, a, email)
	rids := map[string]string{}
	for _, title := range []string{"Undersköterska", "Lärare", "Kock", "Vaktmästare"} {
		rids[title] = openRecruitment(t, a, rec, title, false, nil)
	}
	notHired := recordIn(t, a, v, rids["Undersköterska"], "Arne", email)
	undecided := recordIn(t, a, v, rids["Lärare"], "Arne", email)
	hired := recordIn(t, a, v, rids["Kock"], "Arne", email)
	past := recordIn(t, a, v, rids["Vaktmästare"], "Arne", email)
	decide(t, a, rids["Undersköterska"], day(2027, 3, 3))
	decide(t, a, rids["Kock"], day(2026, 10, 1), hired)
	decide(t, a, rids["Vaktmästare"], day(2024, 1, 10))

	res := v.get("/mina-ansokningar")
	want(t, "my applications", res, 200, "Sparas till och med 3 mars 2029", "Arkiveras (du anställdes)",
		"Raderas inom kort (sparades till och med 10 januari 2026)")
	if strings.Count(res.body, "Sparas ") != 1 {
		t.Errorf("a text of keeping before the decision:\n%s", res.body)
	}
	v.cookies["lang"] = "en"
	want(t, "my applications in English", v.get("/mina-ansokningar"), 200, "Kept until 3 March 2029", "Archived (you were hired)")
	delete(v.cookies, "lang")

	want(t, "my details", v.get("/mina-uppgifter"), 200, `href="/mina-uppgifter/radera"`)
	page := "/mina-uppgifter/radera"
	want(t, "delete page", v.get(page), 200, "Undersköterska (", "Sparas till och med 3 mars 2029",
		"Sparas tills rekryteringen är avslutad och därefter i två år", "Anställd: arkiveras",
		"Sparades till och med 10 januari 2026 och raderas nu", `id="delete_password"`)
	want(t, "wrong password", v.post(page, page, url.Values{"delete_password": {"inte mitt lösenord alls"}}), 422,
		`href="#delete_password"`, "Sparas till och med 3 mars 2029")
	if _, err := a.db.Accounts().AccountByEmail(ctx, email); err != nil {
		t.Fatalf("a wrong password deleted the account: %v", err)
	}

	res = v.post(page, page, url.Values{"delete_password": {goodPassword}})
	want(t, "deleted", res, 200, "Ditt konto är raderat.", "Sparas till och med 3 mars 2029", "Anställd: arkiveras")
	if _, err := a.db.Accounts().AccountByEmail(ctx, email); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("the account is still there: %v", err)
	}
	if res := v.get("/mina-ansokningar"); res.StatusCode != 303 {
		t.Errorf("my applications after the deletion: %d", res.StatusCode)
	}
	for id, kept := range map[string]bool{notHired: true, undecided: true, hired: true, past: false} {
		_, err := a.db.Applications().ApplicationByID(ctx, id)
		if kept != (err == nil) {
			t.Errorf("application %s: kept %v, want %v (%v)", id, err == nil, kept, err)
		}
	}
	m := a.mailAbout(t, email, "Ditt konto är raderat")
	for _, w := range []string{"- Undersköterska (", "Sparas till och med 3 mars 2029", "Sparas tills rekryteringen är avslutad och därefter i två år",
		"Anställd: arkiveras", "Sparades till och med 10 januari 2026 och raderas nu"} {
		if !strings.Contains(m.Text, w) {
			t.Errorf("mail: no %q in\n%s", w, m.Text)
		}
	}

	// The staff read the kept applications as given, and can still write
	// to the applicant, at the address in the application.
	for title, cid := range map[string]string{"Undersköterska": notHired, "Lärare": undecided, "Kock": hired} {
		base := "/personal/rekrytering/" + rids[title]
		want(t, "candidate list of "+title, rec.get(base+"/kandidater"), 200, "Arne Sökande")
		want(t, "application in "+title, rec.get(base+"/kandidater/"+cid), 200, "Arne Sökande")
	}
	if res := rec.get("/personal/rekrytering/" + rids["Vaktmästare"] + "/kandidater"); res.StatusCode != 200 || strings.Contains(res.body, "Arne") {
		t.Errorf("the culled application's recruitment: %d", res.StatusCode)
	}
	msgs := "/personal/rekrytering/" + rids["Lärare"] + "/meddelanden"
	res = rec.post(msgs, msgs, url.Values{"mall": {"stage-interview"}, "k": {undecided}, "action": {"send"}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "skickat=1") {
		t.Fatalf("message after the deletion: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}
