package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"portal/employees"
	"portal/recruiting"
)

// recruiterOrg is staffOrg with a recruiter for the social services
// (rekry01, unit SOC and below) and evaryl01 as a hiring manager to be.
func recruiterOrg(t *testing.T, a *testApp) {
	t.Helper()
	staffOrg(t, a)
	addStaff(t, a, employees.Person{ID: "rekry01", FirstName: "Rut", LastName: "Rekryterare", WorkEmail: "rut@example.se", Active: true},
		employees.Employment{ID: "E-REK", PersonID: "rekry01", UnitID: "SOC", ManagerID: "E-CHEF", Active: true})
	if _, err := a.Access.GrantByCommand(context.Background(), "rekry01", "recruiter", "SOC"); err != nil {
		t.Fatal(err)
	}
}

// openRecruitment opens a recruitment as the recruiter and returns its id.
func openRecruitment(t *testing.T, a *testApp, v *visitor, title string, anonymised bool, group url.Values) string {
	t.Helper()
	form := url.Values{"title": {title}, "unit": {"SOC-HEM"}, "positions": {"1"}}
	if anonymised {
		form.Set("anonymised", "on")
	}
	for k, vs := range group {
		form[k] = vs
	}
	res := v.post("/personal/rekrytering/ny", "/personal/rekrytering/ny", form)
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/personal/rekrytering/") {
		t.Fatalf("open recruitment: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	id := strings.TrimPrefix(strings.SplitN(res.Header.Get("Location"), "?", 2)[0], "/personal/rekrytering/")
	return id
}

// A recruiter opens a recruitment for a unit of the grant, with a group;
// the group's hiring manager sees it, others in the organisation do not,
// nor can they tell it exists.
func TestRecruitmentsOpenAndGroup(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")

	want(t, "start page", rec.get("/personal"), 200, `href="/personal/rekrytering"`)
	want(t, "new form", rec.get("/personal/rekrytering/ny"), 200, "Hemtjänsten", "Socialförvaltningen")
	if res := rec.get("/personal/rekrytering/ny"); strings.Contains(res.body, "Utbildning") {
		t.Error("the form offers a unit outside the grant")
	}
	// Bad input: every problem named, nothing stored.
	res := rec.post("/personal/rekrytering/ny", "/personal/rekrytering/ny", url.Values{"title": {""}, "unit": {"UTB"}, "positions": {"0"},
		"member_0_user": {"nobody99"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"now"},
		"member_1_user": {"evaryl01"}, "member_1_role": {"boss"}})
	want(t, "bad recruitment", res, 422, "Skriv tjänstens titel.", "Du kan inte skapa rekryteringar för den enheten.",
		"Ange antal tjänster", "Det finns ingen anställd med det användarnamnet.", "Välj en roll i gruppen.", `value="nobody99"`,
		// Each row's problem next to the row, not only in the summary.
		`<p class="field-error" id="member_0-error">Det finns ingen anställd`, `<p class="field-error" id="member_1-error">Välj en roll`)
	if list, _ := a.Recruiting.List(context.Background(), "rekry01"); len(list) != 0 {
		t.Fatalf("a bad form stored %d recruitments", len(list))
	}

	id := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", true, url.Values{
		"member_0_user": {"EVARYL01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"digest"},
		"member_1_user": {"otto"}, "member_1_role": {"union"}, "member_1_notify": {"none"}})
	page := rec.get("/personal/rekrytering/" + id + "?klart=created")
	want(t, "recruitment page", page, 200, "Undersköterska till hemtjänsten", "REK-", "Rekryteringen är skapad.", "Hemtjänsten",
		"Anonymiserad till intervju", `value="evaryl01"`, `value="rekry01"`)
	r, err := a.db.Recruitments().Recruitment(context.Background(), id)
	if err != nil || len(r.Group) != 3 || r.Group[0].PersonID != "rekry01" || r.Group[1].Notify != recruiting.NotifyDigest || !r.Anonymised {
		t.Fatalf("stored: %v %+v", err, r)
	}

	// The hiring manager named sees it and reads the group; the union
	// representative too; the director, outside group and grant, does not.
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "hiring manager's list", eva.get("/personal/rekrytering"), 200, "Undersköterska till hemtjänsten")
	want(t, "hiring manager's page", eva.get("/personal/rekrytering/"+id), 200, "Rekryterande chef")
	if res := eva.get("/personal/rekrytering/" + id); strings.Contains(res.body, `action="/personal/rekrytering/`+id+`/grupp"`) {
		t.Error("the hiring manager is offered the group form")
	}
	if res := eva.post("/personal/rekrytering/"+id, "/personal/rekrytering/"+id+"/grupp", url.Values{"member_0_user": {"evaryl01"}, "member_0_role": {"recruiter"}}); res.StatusCode != 403 {
		t.Errorf("hiring manager changes the group: %d", res.StatusCode)
	}
	if res := eva.get("/personal/rekrytering/ny"); res.StatusCode != 403 {
		t.Errorf("hiring manager opens the new form: %d", res.StatusCode)
	}
	dir := staffVisitor(t, a, "dirbo")
	for _, path := range []string{"/personal/rekrytering/" + id, "/personal/rekrytering/000000000000000000000000"} {
		if res := dir.get(path); res.StatusCode != 404 || strings.Contains(res.body, "Undersköterska") {
			t.Errorf("outsider on %s: %d", path, res.StatusCode)
		}
	}
	if res := dir.get("/personal/rekrytering"); res.StatusCode != 200 || strings.Contains(res.body, "Undersköterska") {
		t.Errorf("outsider's list: %d", res.StatusCode)
	}
	if res := dir.post("/personal/rekrytering", "/personal/rekrytering/"+id+"/grupp", url.Values{"member_0_user": {"dirbo"}, "member_0_role": {"recruiter"}}); res.StatusCode != 404 {
		t.Errorf("outsider changes the group: %d", res.StatusCode)
	}
	// An applicant's login opens none of it.
	applicant := a.visitor(t)
	register(t, applicant, "sokande@example.se")
	if res := applicant.get("/personal/rekrytering/" + id); !toStaffLogin(res) {
		t.Errorf("applicant on a recruitment: %d", res.StatusCode)
	}

	// The group changes; a group without a recruiter is refused.
	res = rec.post("/personal/rekrytering/"+id, "/personal/rekrytering/"+id+"/grupp", url.Values{"anonymised": {"on"},
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"now"}})
	want(t, "group without recruiter", res, 422, "Gruppen måste ha minst en rekryterare.")
	res = rec.post("/personal/rekrytering/"+id, "/personal/rekrytering/"+id+"/grupp", url.Values{"anonymised": {"on"},
		"member_0_user": {"rekry01"}, "member_0_role": {"recruiter"}, "member_0_notify": {"now"},
		"member_1_user": {"evaryl01"}, "member_1_role": {"hiring-manager"}, "member_1_notify": {"now"}})
	if res.StatusCode != 303 {
		t.Fatalf("save group: %d %s", res.StatusCode, res.body)
	}
	if res := staffVisitor(t, a, "otto").get("/personal/rekrytering/" + id); res.StatusCode != 404 {
		t.Errorf("removed member still sees it: %d", res.StatusCode)
	}
	// English too.
	want(t, "English list", rec.get("/personal/rekrytering"), 200, "Undersköterska till hemtjänsten")
}
