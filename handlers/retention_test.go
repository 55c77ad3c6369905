package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/employees"
	"portal/jobs"
	"portal/recruiting"
	"portal/retention"
)

// recordsOrg is recruiterOrg with a registrar for the social services
// (reg01); admin01 is the system administrator, so the records
// administrator too.
func recordsOrg(t *testing.T, a *testApp) {
	t.Helper()
	recruiterOrg(t, a)
	addStaff(t, a, employees.Person{ID: "reg01", FirstName: "Rune", LastName: "Registrator", WorkEmail: "rune@example.se", Active: true},
		employees.Employment{ID: "E-REG", PersonID: "reg01", UnitID: "SOC", ManagerID: "E-CHEF", Active: true})
	if _, err := a.Access.GrantByCommand(context.Background(), "reg01", "registrar", "SOC"); err != nil {
		t.Fatal(err)
	}
}

// decideDirectly stores a hiring decision posted on the day, as if made
// on the decision page.
func decideDirectly(t *testing.T, a *testApp, rid string, hired []string, posted jobs.Day) recruiting.Decision {
	t.Helper()
	d := recruiting.Decision{RecruitmentID: rid, Outcome: recruiting.OutcomeHired, Hired: hired, DecidedOn: posted, DecidedBy: "rekry01", PostedOn: posted,
		AppealDays: 21, AppealUntil: posted.AddDays(21), FinalOn: posted.AddDays(22), At: posted.Start()}
	if err := a.db.RecruitDecisions().AddDecision(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

func holdsOf(t *testing.T, a *testApp, rid string) []retention.Hold {
	t.Helper()
	hs, err := a.Holds.Of(context.Background(), rid)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// The records administrator's page: for the whole organisation's records
// administrator only; the next run, no runs yet, nothing due today, and
// three years ahead the decided recruitment's applicants not hired.
func TestRetentionPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recordsOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", false, nil)
	_, c1 := applicantIn(t, a, rid, "stina@example.se", "Stina", "sv")
	applicantIn(t, a, rid, "emma@example.se", "Emma", "sv")
	r, err := a.db.Recruitments().Recruitment(context.Background(), rid)
	if err != nil {
		t.Fatal(err)
	}
	today := jobs.DayOf(a.clock.Now())
	decideDirectly(t, a, rid, []string{c1}, today)

	for _, who := range []string{"rekry01", "reg01", "dirbo"} {
		res := staffVisitor(t, a, who).get("/personal/gallring")
		if res.StatusCode != 403 || strings.Contains(res.body, r.Ref) {
			t.Errorf("%s on the page: %d", who, res.StatusCode)
		}
		if res := staffVisitor(t, a, who).get("/personal"); strings.Contains(res.body, `href="/personal/gallring"`) {
			t.Errorf("%s is offered the page", who)
		}
	}
	admin := staffVisitor(t, a, "admin01")
	want(t, "menu", admin.get("/personal"), 200, `href="/personal/gallring"`)
	want(t, "page", admin.get("/personal/gallring"), 200, "Gallring och bevarande", "Nästa körning", "04.30",
		"Inget skulle gallras.", "Inga spärrar gäller.", "Inga rekryteringar väntar på beslut.", "Ingen körning har gjorts ännu.")
	want(t, "bad date", admin.get("/personal/gallring?datum=imorgon"), 422, `<p class="field-error" id="datum-error">Skriv datumet som ÅÅÅÅ-MM-DD`,
		`href="#datum"`, `aria-invalid="true"`)
	want(t, "past date", admin.get("/personal/gallring?datum=2001-01-01"), 422, "Välj i dag eller en senare dag.")

	// Three years ahead: the one not hired goes, the hired is archived.
	ahead := today.AddDays(3 * 366).String()
	res := admin.get("/personal/gallring?datum=" + ahead)
	want(t, "plan ahead", res, 200, r.Ref, "Inte anställda", today.AddDays(22).String(), `<td class="num">1</td>`, `value="`+ahead+`"`)
	if strings.Contains(res.body, "Inget skulle gallras.") {
		t.Error("the plan ahead is empty")
	}
	// The page read nothing away: the plan culls nothing.
	if cands, err := a.db.Recruitments().CandidatesOf(context.Background(), rid); err != nil || len(cands) != 2 {
		t.Errorf("after the plan: %d candidates (%v)", len(cands), err)
	}

	// Three years on, a run culls it; the page lists the run and its
	// record, and nothing is due any more.
	a.clock.Add(3 * 366 * 24 * time.Hour)
	run, err := a.Culler.Run(context.Background(), "command")
	if err != nil || len(run.Records) != 1 {
		t.Fatalf("run: %v %+v", err, run)
	}
	res = staffVisitor(t, a, "admin01").get("/personal/gallring") // the old login has ended
	want(t, "after the run", res, 200, "Klar: 1 rekrytering(ar) gallrade.", "kommandot portal retention run", r.Ref, retention.RuleNotHired,
		"Inget skulle gallras.")
}

// Holds: the registrar of the unit places them on the recruitment and on
// one application; bad input is named next to its field and stores
// nothing; the recruiter without the role sees no form and is refused;
// another unit's recruitment is not found; the records administrator
// lifts a hold only with a reason.
func TestHolds(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recordsOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", false, nil)
	c1 := "paper-1"
	paperCandidate(t, a, rid, c1, 1)
	otherRid, otherCid := otherRecruitment(t, a)
	page := "/personal/rekrytering/" + rid
	appPage := page + "/kandidater/" + c1
	good := url.Values{"hold_kind": {retention.HoldClaim}, "hold_reason": {"DO-anmälan dnr 2026/12"}, "hold_since": {jobs.DayOf(a.clock.Now()).String()}}

	// The recruiter without the registrar's role.
	res := rec.get(page)
	want(t, "recruiter's page", res, 200, "Inget gallras förrän rekryteringen är avgjord.")
	if strings.Contains(res.body, `action="`+page+`/sparr"`) {
		t.Error("the recruiter is offered the hold form")
	}
	if res := rec.post(page, page+"/sparr", good); res.StatusCode != 403 {
		t.Errorf("recruiter places a hold: %d", res.StatusCode)
	}
	if res := rec.post(appPage, appPage+"/sparr", good); res.StatusCode != 403 {
		t.Errorf("recruiter holds an application: %d", res.StatusCode)
	}
	if hs := holdsOf(t, a, rid); len(hs) != 0 {
		t.Fatalf("refused posts stored %d holds", len(hs))
	}

	reg := staffVisitor(t, a, "reg01")
	want(t, "registrar's page", reg.get(page), 200, "Spärra från gallring", `action="`+page+`/sparr"`, "Inga spärrar gäller.")
	want(t, "registrar's application page", reg.get(appPage), 200, "Sparas tills rekryteringen är avgjord.", `action="`+appPage+`/sparr"`)
	for _, tc := range []struct {
		what  string
		form  url.Values
		texts []string
	}{
		{"nothing", url.Values{}, []string{`<p class="field-error" id="hold_kind-error">Välj vilken typ`, `<p class="field-error" id="hold_reason-error">Skriv skälet`, `href="#hold_kind"`}},
		{"bad kind", url.Values{"hold_kind": {"request"}, "hold_reason": {"x"}}, []string{`id="hold_kind-error"`}},
		{"bad day", url.Values{"hold_kind": {"other"}, "hold_reason": {"x"}, "hold_since": {"igår"}}, []string{`<p class="field-error" id="hold_since-error">Skriv dagen som ÅÅÅÅ-MM-DD.`}},
		{"future", url.Values{"hold_kind": {"other"}, "hold_reason": {"x"}, "hold_since": {"2099-01-01"}}, []string{`id="hold_since-error">Dagen kan inte vara efter i dag.`, `value="2099-01-01"`}},
	} {
		want(t, tc.what, reg.post(page, page+"/sparr", tc.form), 422, tc.texts...)
		want(t, tc.what+" on the application", reg.post(appPage, appPage+"/sparr", tc.form), 422, tc.texts...)
	}
	if hs := holdsOf(t, a, rid); len(hs) != 0 {
		t.Fatalf("bad forms stored %d holds", len(hs))
	}
	// Another unit's recruitment and candidate are not found.
	if res := reg.post(page, "/personal/rekrytering/"+otherRid+"/sparr", good); res.StatusCode != 404 {
		t.Errorf("hold on another unit's recruitment: %d", res.StatusCode)
	}
	if res := reg.post(appPage, page+"/kandidater/"+otherCid+"/sparr", good); res.StatusCode != 404 {
		t.Errorf("hold on another recruitment's candidate: %d", res.StatusCode)
	}
	if hs := holdsOf(t, a, otherRid); len(hs) != 0 {
		t.Errorf("another unit's recruitment has %d holds", len(hs))
	}

	res = reg.post(appPage, appPage+"/sparr", good)
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "klart=held") {
		t.Fatalf("place hold: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	hs := holdsOf(t, a, rid)
	if len(hs) != 1 || hs[0].CandidateID != c1 || hs[0].Kind != retention.HoldClaim || hs[0].PlacedBy != "reg01" || !hs[0].Active() {
		t.Fatalf("holds: %+v", hs)
	}
	decideDirectly(t, a, rid, nil, jobs.DayOf(a.clock.Now()))
	want(t, "held application", reg.get(appPage+"?klart=held"), 200, "Spärren är lagd.", "Spärrad: sparas tills spärren hävs", "DO-anmälan dnr 2026/12",
		"Diskrimineringsanmälan", "Rune Registrator")
	want(t, "recruitment decided", reg.get(page), 200, "Ansökningar från dem som inte anställts gallras tidigast", "Sökande 1", "DO-anmälan")
	want(t, "recruiter reads the status", rec.get(appPage), 200, "Spärrad: sparas tills spärren hävs")

	// Lifting: not by the registrar; by the records administrator, with a
	// reason.
	lift := "/personal/gallring/sparr/" + hs[0].ID + "/hav"
	if res := reg.post(page, lift, url.Values{"reason": {"klart"}}); res.StatusCode != 403 {
		t.Errorf("registrar lifts: %d", res.StatusCode)
	}
	admin := staffVisitor(t, a, "admin01")
	want(t, "holds listed", admin.get("/personal/gallring"), 200, "DO-anmälan dnr 2026/12", "Sökande 1", `action="`+lift+`"`)
	want(t, "lift without reason", admin.post("/personal/gallring", lift, url.Values{"reason": {"  "}}), 422,
		`<p class="field-error" id="lift-`+hs[0].ID+`-error">Skriv varför spärren hävs.`, `href="#lift-`+hs[0].ID+`"`)
	if hs := holdsOf(t, a, rid); !hs[0].Active() {
		t.Fatal("a lift without a reason lifted")
	}
	if res := admin.post("/personal/gallring", lift, url.Values{"reason": {"DO avskrev ärendet"}}); res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "klart=lifted") {
		t.Fatalf("lift: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	hs = holdsOf(t, a, rid)
	if hs[0].Active() || hs[0].LiftedBy != "admin01" || hs[0].LiftReason != "DO avskrev ärendet" {
		t.Errorf("lifted: %+v", hs[0])
	}
	if res := admin.post("/personal/gallring", lift, url.Values{"reason": {"igen"}}); !strings.Contains(res.Header.Get("Location"), "klart=lifted_before") {
		t.Errorf("lift again: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	want(t, "none left", admin.get("/personal/gallring?klart=lifted"), 200, "Spärren är hävd.", "Inga spärrar gäller.")
	if res := admin.post("/personal/gallring", "/personal/gallring/sparr/nosuchhold/hav", url.Values{"reason": {"x"}}); res.StatusCode != 404 {
		t.Errorf("lift a hold that is not: %d", res.StatusCode)
	}
}

// Recording an appeal on the decision page places its hold: on the
// appellant's application, or the whole recruitment when someone else
// appeals; only for the registrar or the records administrator.
func TestAppealPlacesHold(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recordsOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", false, nil)
	_, c1 := applicantIn(t, a, rid, "stina@example.se", "Stina", "sv")
	_, c2 := applicantIn(t, a, rid, "emma@example.se", "Emma", "sv")
	page := "/personal/rekrytering/" + rid + "/beslut"
	action := page + "/overklagande"
	today := jobs.DayOf(a.clock.Now()).String()
	reg := staffVisitor(t, a, "reg01")

	// Before the decision there is nothing to appeal.
	if res := reg.get(page); strings.Contains(res.body, `action="`+action+`"`) {
		t.Error("an appeal form before the decision")
	}
	want(t, "undecided", reg.post(page, action, url.Values{"appellant": {c2}, "arrived_on": {today}}), 422, "Det finns inget beslut att överklaga ännu.")
	decideDirectly(t, a, rid, []string{c1}, jobs.DayOf(a.clock.Now()))

	res := rec.get(page)
	want(t, "recruiter's decision page", res, 200, "Överklaganden", "Inget överklagande är registrerat.")
	if strings.Contains(res.body, `action="`+action+`"`) {
		t.Error("the recruiter is offered the appeal form")
	}
	if res := rec.post(page, action, url.Values{"appellant": {c2}, "arrived_on": {today}}); res.StatusCode != 403 {
		t.Errorf("recruiter records an appeal: %d", res.StatusCode)
	}
	want(t, "registrar's form", reg.get(page), 200, "Registrera ett överklagande", `value="`+c2+`"`, `value="other"`)
	for _, tc := range []struct {
		what  string
		form  url.Values
		texts []string
	}{
		{"nothing", url.Values{}, []string{`id="appellant-error">Välj vem som överklagar.`, `id="arrived_on-error">Skriv dagen överklagandet kom in.`}},
		{"someone else unnamed", url.Values{"appellant": {"other"}, "arrived_on": {today}}, []string{`id="appeal_name-error">Skriv namnet`}},
		{"not a candidate", url.Values{"appellant": {"nobody"}, "arrived_on": {today}}, []string{`id="appellant-error"`}},
		{"bad day", url.Values{"appellant": {c2}, "arrived_on": {"31/12"}}, []string{`id="arrived_on-error">Skriv dagen som ÅÅÅÅ-MM-DD.`}},
		{"future", url.Values{"appellant": {c2}, "arrived_on": {"2099-01-01"}}, []string{`id="arrived_on-error">Dagen kan inte vara efter i dag.`}},
	} {
		want(t, tc.what, reg.post(page, action, tc.form), 422, tc.texts...)
	}
	if hs := holdsOf(t, a, rid); len(hs) != 0 {
		t.Fatalf("refused appeals placed %d holds", len(hs))
	}

	res = reg.post(page, action, url.Values{"appellant": {c2}, "arrived_on": {today}, "court": {"Förvaltningsrätten i Växjö"}, "case_number": {"1234-26"}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "klart=appealed") {
		t.Fatalf("appeal: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	hs := holdsOf(t, a, rid)
	if len(hs) != 1 || hs[0].CandidateID != c2 || hs[0].Kind != retention.HoldAppeal || !hs[0].Active() || !strings.Contains(hs[0].Reason, "1234-26") {
		t.Fatalf("the appeal's hold: %+v", hs)
	}
	want(t, "appeal listed", reg.get(page+"?klart=appealed"), 200, "Överklagandet är registrerat", "Emma Sökande", "Förvaltningsrätten i Växjö", "1234-26", "Rune Registrator")
	if st, err := a.Schedule.Of(context.Background(), c2); err != nil || st.State != retention.StateHeld {
		t.Errorf("the appellant's records: %+v %v", st, err)
	}
	if st, err := a.Schedule.Of(context.Background(), c1); err != nil || st.State != retention.StateArchived {
		t.Errorf("the hired's records: %+v %v", st, err)
	}

	// Someone else appeals: the whole recruitment is held.
	if res := staffVisitor(t, a, "admin01").post(page, action, url.Values{"appellant": {"other"}, "appeal_name": {"Kalle Klagande"}, "arrived_on": {today}}); res.StatusCode != 404 {
		t.Errorf("the system administrator reached a recruitment's decision: %d", res.StatusCode)
	}
	if res := reg.post(page, action, url.Values{"appellant": {"other"}, "appeal_name": {"Kalle Klagande"}, "arrived_on": {today}}); res.StatusCode != 303 {
		t.Fatalf("someone else's appeal: %d\n%s", res.StatusCode, res.body)
	}
	hs = holdsOf(t, a, rid)
	whole := 0
	for _, h := range hs {
		if h.CandidateID == "" && h.Kind == retention.HoldAppeal && h.PlacedBy == "reg01" {
			whole++
		}
	}
	if len(hs) != 2 || whole != 1 {
		t.Fatalf("holds: %+v", hs)
	}
	want(t, "both listed", reg.get(page), 200, "Kalle Klagande", "inte sökande")
	want(t, "whole recruitment held", reg.get("/personal/rekrytering/"+rid), 200, "en spärr håller hela rekryteringen", "Hela rekryteringen")
}
