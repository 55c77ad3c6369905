package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/applications"
	"portal/jobs"
	"portal/recruiting"
)

// statsRecruitment gives the recruitment a published ad and applications
// arrived at the times; the first withdrawn ones withdraw.
func statsRecruitment(t *testing.T, a *testApp, r recruiting.Recruitment, withdrawn int, arrivals ...time.Time) {
	t.Helper()
	ctx := context.Background()
	ad := jobs.Ad{Ref: r.Ref, Title: r.Title, Positions: 1, PublishedAt: testNow.AddDate(0, 0, -5), LastDay: jobs.DayOf(testNow.AddDate(0, 0, 10))}
	if err := a.db.Ads().SaveAd(ctx, ad); err != nil {
		t.Fatal(err)
	}
	for i, at := range arrivals {
		id, err := a.db.Applications().CreateApplication(ctx, applications.Application{Applicant: "stats" + itoa(i), AdRef: r.Ref,
			ClosesAt: ad.ClosesAt(), Status: applications.StatusSubmitted, CreatedAt: at, UpdatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if i < withdrawn {
			if err := a.db.Applications().MarkWithdrawn(ctx, id, at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Candidates.Arrived(ctx, applications.Application{ID: id, AdRef: r.Ref}, applications.Version{N: 1, At: at}, "sv"); err != nil {
			t.Fatal(err)
		}
	}
}

// The statistics of a recruitment are for those who see it; a unit's
// count only what the person sees; no name of anyone shows.
func TestRecruitmentStats(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	ctx := context.Background()
	rec := staffVisitor(t, a, "rekry01")
	id := openRecruitment(t, a, rec, "Stödassistent", false, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"none"}})
	r, err := a.db.Recruitments().Recruitment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	statsRecruitment(t, a, r, 1, testNow.AddDate(0, 0, -4), testNow.AddDate(0, 0, -4).Add(time.Hour), testNow.AddDate(0, 0, -1))
	// Another group's recruitment, in a unit outside rekry01's grant.
	if _, err := a.db.Recruitments().CreateRecruitment(ctx, recruiting.Recruitment{Ref: "REK-2026-0900", UnitID: "UTB", Title: "Lärare i svenska", Positions: 1,
		Group: []recruiting.Member{{PersonID: "otto", Role: recruiting.RoleRecruiter, Notify: recruiting.NotifyNone}}}); err != nil {
		t.Fatal(err)
	}
	other, err := a.db.Recruitments().RecruitmentByRef(ctx, "REK-2026-0900")
	if err != nil {
		t.Fatal(err)
	}
	statsRecruitment(t, a, other, 0, testNow.AddDate(0, 0, -3), testNow.AddDate(0, 0, -2))

	path := "/personal/rekrytering/" + id + "/statistik"
	page := rec.get(path)
	want(t, "recruitment stats", page, 200, "Stödassistent", `aria-current="page">Statistik</a>`,
		"<dt>Ansökningar</dt><dd>3</dd>", "<dt>Återtagna ansökningar</dt><dd>1</dd>", "Inget beslut ännu",
		`<svg`, `role="img"`, "Ansökningar per dag", "<caption>Ansökningar per dag sedan publiceringen</caption>",
		`<th scope="row">Inkommen</th><td class="num">3</td><td class="num">1</td>`, `<th scope="row">Totalt</th><td class="num">3</td>`)
	if strings.Contains(page.body, "stats0") || strings.Contains(page.body, "Rydberg") {
		t.Error("the statistics show who applied or who is in the group")
	}
	// Six days, from publication to today, the first with two.
	if n := strings.Count(page.body, `<tr><th scope="row">`); n != 6+1+7 {
		t.Errorf("%d table rows, want 6 days, the total and 7 stages", n)
	}
	want(t, "overview links to it", rec.get("/personal/rekrytering/"+id), 200, `href="`+path+`"`)
	want(t, "list links to the unit's", rec.get("/personal/rekrytering"), 200, `href="/personal/rekrytering/statistik"`)

	// The hiring manager of the group sees it; no one else, nor can
	// they tell it exists.
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "hiring manager", eva.get(path), 200, "<dt>Ansökningar</dt><dd>3</dd>")
	for who, p := range map[string]string{"rekry01": "/personal/rekrytering/" + other.ID + "/statistik", "dirbo": path,
		"otto": path, "chefanna": "/personal/rekrytering/000000000000000000000000/statistik"} {
		if res := staffVisitor(t, a, who).get(p); res.StatusCode != 404 || strings.Contains(res.body, "Stödassistent") || strings.Contains(res.body, "Lärare") {
			t.Errorf("%s on %s: %d", who, p, res.StatusCode)
		}
	}
	applicant := a.visitor(t)
	register(t, applicant, "statistik@example.se")
	for _, p := range []string{path, "/personal/rekrytering/statistik"} {
		if res := applicant.get(p); !toStaffLogin(res) {
			t.Errorf("applicant on %s: %d", p, res.StatusCode)
		}
	}

	// The unit's page: the units of the grant to choose from, and only
	// the recruitments rekry01 sees counted.
	unit := rec.get("/personal/rekrytering/statistik")
	want(t, "unit stats", unit, 200, `<option value="SOC-HEM">Hemtjänsten</option>`, `<option value="SOC">Socialförvaltningen</option>`,
		"<dt>Rekryteringar</dt><dd>1</dd>", "<dt>Ansökningar</dt><dd>3</dd>", "<dt>Ansökningar per rekrytering, i genomsnitt</dt><dd>3</dd>",
		"Inga beslut ännu", "Ansökningar per månad", `<th scope="row">november 2026</th><td class="num">3</td>`, `class="chart chart-line"`)
	if strings.Contains(unit.body, "Utbildning") || strings.Contains(unit.body, "Lärare") {
		t.Error("the unit page offers a unit outside the grant")
	}
	want(t, "within home care", rec.get("/personal/rekrytering/statistik?enhet=SOC-HEM"), 200, "Statistik för Hemtjänsten",
		`<option value="SOC-HEM" selected>`, "<dt>Rekryteringar</dt><dd>1</dd>")
	bad := rec.get("/personal/rekrytering/statistik?enhet=UTB")
	want(t, "unit outside the grant", bad, 422, `href="#enhet"`, "Välj en av enheterna i listan.", `aria-invalid="true"`)
	if strings.Contains(bad.body, "<dt>Rekryteringar</dt>") {
		t.Error("figures shown for a unit outside the grant")
	}
	// otto sees his own recruitment only: no unit of a grant, all he sees.
	ot := staffVisitor(t, a, "otto")
	want(t, "otto's", ot.get("/personal/rekrytering/statistik"), 200, "<dt>Rekryteringar</dt><dd>1</dd>", "<dt>Ansökningar</dt><dd>2</dd>")
	want(t, "hiring manager's units", eva.get("/personal/rekrytering/statistik?enhet=SOC"), 422, "Välj en av enheterna i listan.")

	// English.
	rec.lang = "en"
	want(t, "in English", rec.get(path), 200, "<dt>Withdrawn applications</dt><dd>1</dd>", "Applications per day", `<th scope="row">Received</th>`)
	want(t, "unit in English", rec.get("/personal/rekrytering/statistik"), 200, "All recruitments you can see", "<th scope=\"row\">November 2026</th>")
}
