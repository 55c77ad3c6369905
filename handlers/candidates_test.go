package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"portal/applications"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/recruiting"
)

// reviewAd gives the recruitment an ad with three questions, one of them
// wanting "yes", open for applications.
func reviewAd(t *testing.T, a *testApp, recruitmentID string) (recruiting.Recruitment, jobs.Ad) {
	t.Helper()
	ctx := context.Background()
	r, err := a.db.Recruitments().Recruitment(ctx, recruitmentID)
	if err != nil {
		t.Fatal(err)
	}
	ad := a.ads[0]
	ad.Ref, ad.Title = r.Ref, r.Title
	ad.Questions = []jobs.Question{
		{ID: "licence", Type: jobs.QuestionYesNo, Text: "Har du körkort?", Required: true, Wanted: []string{"yes"}},
		{ID: "shift", Type: jobs.QuestionSingle, Text: "Vilket pass?", Options: []string{"Dag", "Kväll", "Natt"}},
		{ID: "why", Type: jobs.QuestionLong, Text: "Varför söker du?"},
	}
	if err := a.db.Ads().SaveAd(ctx, ad); err != nil {
		t.Fatal(err)
	}
	return r, ad
}

// applyMany submits applications to the recruitment's ad.
func applyMany(t *testing.T, a *testApp, ad jobs.Ad, apps []fixtures.Applied) []string {
	t.Helper()
	ids, err := fixtures.Apply(context.Background(), a.db, a.Candidates, ad.Ref, ad.ClosesAt(), apps, 1)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func person(first, last string) applications.Snapshot {
	return applications.Snapshot{FirstName: first, LastName: last, Email: strings.ToLower(first) + "@example.se", Phone: "0701234567"}
}

func reviewSetup(t *testing.T, anonymised bool) (*testApp, recruiting.Recruitment, []string) {
	t.Helper()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	id := openRecruitment(t, a, rec, "Undersköterska natt", anonymised, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"none"},
		"member_1_user": {"otto"}, "member_1_role": {"union"}, "member_1_notify": {"none"}})
	r, ad := reviewAd(t, a, id)
	at := testNow.Add(-48 * time.Hour)
	ids := applyMany(t, a, ad, []fixtures.Applied{
		{Details: person("Åsa", "Öberg"), Answers: jobs.Answers{"licence": {"yes"}, "shift": {"Natt"}, "why": {"Jag älskar nattarbete"}}, Files: 2, At: at},
		{Details: person("Bo", "Andersson"), Answers: jobs.Answers{"licence": {"no"}, "shift": {"Dag"}}, At: at.Add(time.Hour)},
		{Details: person("Cecilia", "Ärlig"), Answers: jobs.Answers{"licence": {"yes"}, "shift": {"Kväll"}, "why": {"Närhet"}}, Files: 1, At: at.Add(2 * time.Hour)},
		{Details: person("David", "Lund"), Answers: jobs.Answers{"licence": {"yes"}, "shift": {"Natt"}}, At: at.Add(3 * time.Hour), Withdrawn: true},
	})
	return a, r, ids
}

// rate stores ratings as the application page does, and marks the list
// changed.
func rate(t *testing.T, a *testApp, r recruiting.Recruitment, candidate, person string, score int) {
	t.Helper()
	err := fixtures.Rate(context.Background(), a.db, os.Getenv(testenv.EnvMongo), []fixtures.Rating{
		{RecruitmentID: r.ID, CandidateID: candidate, PersonID: person, Score: score, At: testNow}})
	if err != nil {
		t.Fatal(err)
	}
}

// The list: counts per stage, filters by stage, answer, rating, files and
// flag, sorts, and withdrawn applications shown and not movable.
func TestCandidateListFiltersAndSorts(t *testing.T) {
	t.Parallel()
	a, r, ids := reviewSetup(t, false)
	rate(t, a, r, ids[1], "rekry01", 5)
	rate(t, a, r, ids[1], "evaryl01", 4)
	rate(t, a, r, ids[2], "rekry01", 3)
	rec := staffVisitor(t, a, "rekry01")
	base := "/personal/rekrytering/" + r.ID + "/kandidater"

	page := want200(t, "list", rec.get(base), "Åsa Öberg", "Bo Andersson", "Cecilia Ärlig", "David Lund", "4 av 4 sökande",
		`Inkommen <span class="count">(4)</span>`, "Återkallad", "4,5", "Flaggad")
	if !strings.Contains(page, `value="`+ids[3]+`" disabled`) {
		t.Error("the withdrawn application can be ticked")
	}
	if !strings.Contains(page, `href="/personal/rekrytering/`+r.ID+`/kandidater/`+ids[0]+`"`) {
		t.Error("no link to the application")
	}
	order := func(what, path string, names ...string) {
		t.Helper()
		body := want200(t, what, rec.get(path))
		last := -1
		for _, n := range names {
			i := strings.Index(body, n)
			if i < 0 || i < last {
				t.Errorf("%s: %q missing or out of order", what, n)
			}
			last = i
		}
	}
	order("by arrival", base, "Åsa Öberg", "Bo Andersson", "Cecilia Ärlig", "David Lund")
	order("by rating", base+"?sortera=rating", "Bo Andersson", "Cecilia Ärlig", "Åsa Öberg")
	order("by name", base+"?sortera=name", "Andersson", "Lund", "Ärlig", "Öberg")
	only := func(what, path string, in []string, out []string) {
		t.Helper()
		body := want200(t, what, rec.get(path), in...)
		for _, n := range out {
			if strings.Contains(body, n) {
				t.Errorf("%s: %q should not be listed", what, n)
			}
		}
	}
	only("choice answer", base+"?val=shift%3DNatt", []string{"Åsa Öberg", "David Lund", "2 av 4"}, []string{"Bo Andersson", "Cecilia Ärlig"})
	only("free answer", base+"?fraga=why&svar=NATTARBETE", []string{"Åsa Öberg"}, []string{"Bo Andersson", "Cecilia Ärlig"})
	only("rating", base+"?betyg=4", []string{"Bo Andersson"}, []string{"Åsa Öberg", "Cecilia Ärlig"})
	only("files", base+"?bilagor=1", []string{"Åsa Öberg", "Cecilia Ärlig"}, []string{"Bo Andersson", "David Lund"})
	only("flagged", base+"?flaggad=1", []string{"Bo Andersson"}, []string{"Åsa Öberg", "Cecilia Ärlig"})
	only("stage", base+"?steg=interview", []string{"0 av 4", "Inga sökande matchar"}, []string{"Åsa Öberg"})

	// The ids in the list's order, for previous and next.
	v := recruiting.Viewer{PersonID: "rekry01", Rights: recruiting.Rights{See: true}}
	p, err := a.Review.List(context.Background(), v, r, recruiting.ParseQuery(url.Values{"sortera": {"rating"}}))
	if err != nil || len(p.IDs()) != 4 || p.IDs()[0] != ids[1] || p.IDs()[1] != ids[2] {
		t.Fatalf("ids by rating: %v %v", err, p.IDs())
	}

	// Moving: the ticked to interview; withdrawn refused; "not selected"
	// needs a reason.
	q := "sortera=rating"
	res := rec.post(base, base, url.Values{"c": {ids[0], ids[1]}, "to": {"interview"}, "action": {"move"}, "q": {q}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "flyttade=2") || !strings.Contains(res.Header.Get("Location"), "sortera=rating") {
		t.Fatalf("move: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	want200(t, "moved", rec.get(res.Header.Get("Location")), "2 sökande flyttades.", `Intervju <span class="count">(2)</span>`)
	want(t, "withdrawn moved", rec.post(base, base, url.Values{"c": {ids[3]}, "to": {"review"}, "action": {"move"}}), 422,
		"En återkallad ansökan kan inte flyttas.")
	want(t, "no reason", rec.post(base, base, url.Values{"c": {ids[2]}, "to": {"not-selected"}, "action": {"move"}}), 422,
		"Välj ett skäl för Ej aktuell.")
	want(t, "none ticked", rec.post(base, base, url.Values{"to": {"review"}, "action": {"move"}}), 422, "Välj minst en sökande")
	if c, _ := a.db.Recruitments().Candidate(context.Background(), ids[3]); c.Stage != recruiting.StageReceived {
		t.Errorf("withdrawn candidate moved to %s", c.Stage)
	}
	res = rec.post(base, base, url.Values{"c": {ids[2]}, "action": {"message"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/rekrytering/"+r.ID+"/meddelanden?c="+ids[2] {
		t.Errorf("message: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// English.
	rec.lang = "en"
	want200(t, "English", rec.get(base), "4 of 4 applicants", "Received", "Withdrawn")
}

func want200(t *testing.T, what string, res response, texts ...string) string {
	t.Helper()
	want(t, what, res, 200, texts...)
	return res.body
}

// Who may do what: other groups' ids are not found, a read-only member
// sees the list but may not move or export, an applicant is sent to the
// staff login.
func TestCandidateListAccess(t *testing.T) {
	t.Parallel()
	a, r, ids := reviewSetup(t, false)
	base := "/personal/rekrytering/" + r.ID + "/kandidater"
	rec := staffVisitor(t, a, "rekry01")
	other := openRecruitment(t, a, rec, "Annan rekrytering", false, nil)
	otherBase := "/personal/rekrytering/" + other + "/kandidater"

	dir := staffVisitor(t, a, "dirbo")
	for _, path := range []string{base, base + "/export?format=csv", "/personal/rekrytering/000000000000000000000000/kandidater"} {
		if res := dir.get(path); res.StatusCode != 404 || strings.Contains(res.body, "Öberg") {
			t.Errorf("outsider on %s: %d", path, res.StatusCode)
		}
	}
	if res := dir.post(base, base, url.Values{"c": {ids[0]}, "to": {"interview"}, "action": {"move"}}); res.StatusCode != 404 {
		t.Errorf("outsider moves: %d", res.StatusCode)
	}
	// Candidates of this recruitment moved through another's page.
	if res := rec.post(otherBase, otherBase, url.Values{"c": {ids[0]}, "to": {"interview"}, "action": {"move"}}); res.StatusCode != 404 {
		t.Errorf("move through another recruitment: %d", res.StatusCode)
	}
	if res := rec.post(otherBase, otherBase, url.Values{"c": {ids[0]}, "action": {"csv"}}); res.StatusCode != 404 {
		t.Errorf("export through another recruitment: %d", res.StatusCode)
	}

	union := staffVisitor(t, a, "otto")
	page := want200(t, "union's list", union.get(base), "Åsa Öberg")
	if strings.Contains(page, `name="c"`) || strings.Contains(page, "export?format") {
		t.Error("a read-only member is offered moves or exports")
	}
	if res := union.post(base, base, url.Values{"c": {ids[0]}, "to": {"interview"}, "action": {"move"}}); res.StatusCode != 403 {
		t.Errorf("read-only member moves: %d", res.StatusCode)
	}
	if res := union.get(base + "/export?format=xlsx"); res.StatusCode != 403 {
		t.Errorf("read-only member exports: %d", res.StatusCode)
	}
	// The hiring manager moves but does not export.
	eva := staffVisitor(t, a, "evaryl01")
	if res := eva.post(base, base, url.Values{"c": {ids[0]}, "to": {"review"}, "action": {"move"}}); res.StatusCode != 303 {
		t.Errorf("hiring manager moves: %d", res.StatusCode)
	}
	if res := eva.get(base + "/export?format=csv"); res.StatusCode != 403 {
		t.Errorf("hiring manager exports: %d", res.StatusCode)
	}
	if c, _ := a.db.Recruitments().Candidate(context.Background(), ids[0]); c.Stage != recruiting.StageReview {
		t.Errorf("stage after the hiring manager's move: %s", c.Stage)
	}
	applicant := a.visitor(t)
	register(t, applicant, "sokande@example.se")
	if res := applicant.get(base); !toStaffLogin(res) {
		t.Errorf("applicant on the list: %d", res.StatusCode)
	}
}

// An anonymised review names candidates by number in the list and the
// export, until they reach the interview stage.
func TestCandidateListAnonymised(t *testing.T) {
	t.Parallel()
	a, r, ids := reviewSetup(t, true)
	base := "/personal/rekrytering/" + r.ID + "/kandidater"
	rec := staffVisitor(t, a, "rekry01")
	page := want200(t, "anonymised list", rec.get(base+"?sortera=name"), "Sökande 1", "Sökande 2", "Sökande 4")
	for _, n := range []string{"Öberg", "Andersson", "example.se"} {
		if strings.Contains(page, n) {
			t.Errorf("anonymised list shows %q", n)
		}
	}
	res := rec.get(base + "/export?format=csv")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="kandidater-REK-`) {
		t.Fatalf("export: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	for _, n := range []string{"Öberg", "example.se", "0701234567", "E-post"} {
		if strings.Contains(res.body, n) {
			t.Errorf("anonymised export has %q", n)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 5 || rows[1][0] != "Sökande 1" {
		t.Fatalf("csv: %v %q", err, rows)
	}
	// Moved to interview, Åsa is named in the list and the export.
	if res := rec.post(base, base, url.Values{"c": {ids[0]}, "to": {"interview"}, "action": {"move"}}); res.StatusCode != 303 {
		t.Fatalf("move: %d", res.StatusCode)
	}
	want200(t, "revealed", rec.get(base), "Åsa Öberg", "Sökande 2")
	res = rec.post(base, base, url.Values{"c": {ids[0], ids[1]}, "action": {"xlsx"}})
	if res.StatusCode != 200 {
		t.Fatalf("xlsx: %d", res.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	cells, _ := f.GetRows(sheet)
	if len(cells) != 3 || cells[1][1] != "Åsa Öberg" || cells[1][2] != "åsa@example.se" || cells[2][1] != "Sökande 2" || cells[2][2] != "" {
		t.Errorf("xlsx rows: %q", cells)
	}
}

// The export of a recruitment: every column, å ä ö intact, in XLSX and
// CSV.
func TestCandidateExport(t *testing.T) {
	t.Parallel()
	a, r, _ := reviewSetup(t, false)
	base := "/personal/rekrytering/" + r.ID + "/kandidater"
	rec := staffVisitor(t, a, "rekry01")
	res := rec.get(base + "/export?format=xlsx")
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasSuffix(res.Header.Get("Content-Disposition"), `.xlsx"`) {
		t.Fatalf("xlsx: %d %v", res.StatusCode, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 5 {
		t.Fatalf("rows: %q", rows)
	}
	head := strings.Join(rows[0], "|")
	for _, col := range []string{"Nummer", "Namn", "E-post", "Telefon", "Inkommen", "Steg", "Betyg", "Har du körkort?", "Vilket pass?", "Varför söker du?", "Bilagor", "Återkallad"} {
		if !strings.Contains(head, col) {
			t.Errorf("header lacks %q: %s", col, head)
		}
	}
	if got := strings.Join(rows[1], "|"); !strings.Contains(got, "Åsa Öberg") || !strings.Contains(got, "Jag älskar nattarbete") || !strings.Contains(got, "|Ja|") {
		t.Errorf("first row: %s", got)
	}
	if got := strings.Join(rows[4], "|"); !strings.HasSuffix(got, "|Ja") {
		t.Errorf("withdrawn row: %s", got)
	}
	res = rec.get(base + "/export?format=csv&val=shift%3DNatt")
	if res.StatusCode != 200 || !strings.HasPrefix(res.body, "\ufeff") || strings.Count(res.body, "\r\n") != 3 || !strings.Contains(res.body, "Åsa Öberg") {
		t.Errorf("filtered csv: %d %q", res.StatusCode, res.body)
	}
	if res := rec.get(base + "/export?format=pdf"); res.StatusCode != 404 {
		t.Errorf("unknown format: %d", res.StatusCode)
	}
}

// The administrator renames, adds and orders stages; fixed ones stay.
func TestStageAdmin(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	if res := staffVisitor(t, a, "rekry01").get("/personal/admin/steg"); res.StatusCode != 403 {
		t.Errorf("recruiter on the stage admin: %d", res.StatusCode)
	}
	if _, err := a.Access.GrantByCommand(context.Background(), "dirbo", "system-admin", "*"); err != nil {
		t.Fatal(err)
	}
	adm := staffVisitor(t, a, "dirbo")
	want(t, "stages", adm.get("/personal/admin/steg"), 200, `value="Inkommen"`, `value="Under granskning"`, "fast steg", `value="not-selected-others"`)
	form := url.Values{}
	for i, st := range recruiting.DefaultStages() {
		p := "stage_" + itoa(i) + "_"
		form.Set(p+"id", st.ID)
		form.Set(p+"sv", st.Name["sv"])
		form.Set(p+"en", st.Name["en"])
		form.Set(p+"order", itoa((i+1)*10))
		for j, rs := range st.Reasons {
			q := "reason_" + itoa(j) + "_"
			form.Set(q+"id", rs.ID)
			form.Set(q+"sv", rs.Name["sv"])
			form.Set(q+"en", rs.Name["en"])
			form.Set(q+"template", rs.Template)
		}
	}
	form.Set("stage_1_sv", "Granskning")
	form.Set("stage_7_sv", "Arbetsprov")
	form.Set("stage_7_en", "Work sample")
	form.Set("stage_7_order", "25")
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("stage_0_order", "99")
	bad.Set("stage_2_remove", "on")
	bad.Set("reason_0_template", "Fel Mall")
	res := adm.post("/personal/admin/steg", "/personal/admin/steg", bad)
	want(t, "bad set", res, 422, "Inkommen, Intervju, Anställd och Ej aktuell kan inte tas bort.", "Skriv mallens id med små bokstäver")
	if set, _ := a.Stages.Set(context.Background()); set[1].Name["sv"] != "Under granskning" {
		t.Error("a bad form changed the set")
	}
	res = adm.post("/personal/admin/steg", "/personal/admin/steg", form)
	if res.StatusCode != 303 {
		t.Fatalf("save: %d %s", res.StatusCode, res.body)
	}
	set, err := a.Stages.Set(context.Background())
	if err != nil || len(set) != 8 || set[1].Name["sv"] != "Granskning" || set[2].ID != "work-sample" || set[2].Name["en"] != "Work sample" ||
		set[7].ID != recruiting.StageNotSelected || len(set[7].Reasons) != 3 {
		t.Fatalf("saved set: %v %+v", err, set)
	}
	want(t, "saved", adm.get("/personal/admin/steg?klart=1"), 200, "Stegen är sparade.", `value="Arbetsprov"`)
}
