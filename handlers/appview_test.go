package handlers_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/applicants"
	"portal/applications"
	"portal/jobs"
	"portal/recruiting"
)

// adFor stores an open ad with questions under the recruitment's
// reference number, so that applications to it arrive in the recruitment.
func adFor(t *testing.T, a *testApp, recruitmentID string) jobs.Ad {
	t.Helper()
	r, err := a.db.Recruitments().Recruitment(context.Background(), recruitmentID)
	if err != nil {
		t.Fatal(err)
	}
	ad := openAdWithQuestions(t, a)
	ad.Ref, ad.Title = r.Ref, r.Title
	if err := a.Board.SaveAll(context.Background(), []jobs.Ad{ad}); err != nil {
		t.Fatal(err)
	}
	return ad
}

// applyTo applies to the ad as a new applicant with a name and files,
// and returns the application's id (the candidate's).
func applyTo(t *testing.T, a *testApp, ad jobs.Ad, email, first, last string, files map[string][]byte) (*visitor, string) {
	t.Helper()
	v := verifiedApplicant(t, a, email)
	if res := v.post("/mina-uppgifter", "/mina-uppgifter", url.Values{"first_name": {first}, "last_name": {last}, "street": {"Storgatan 1"},
		"postal_code": {"35230"}, "town": {"Växjö"}, "country": {"Sverige"}, "phone": {"070-123 45 67"}}); res.StatusCode != 303 {
		t.Fatalf("profile: %d", res.StatusCode)
	}
	loc := v.startApplication(ad).Header.Get("Location")
	m := appPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("start: %s", loc)
	}
	base := "/ansokan/" + m[1]
	if res := v.post(loc, loc, answersFor(ad)); res.StatusCode != 303 {
		t.Fatalf("answers: %d", res.StatusCode)
	}
	if len(files) > 0 {
		if res := v.upload(base+"/bilagor", base+"/bilagor", files); res.StatusCode != 303 {
			t.Fatalf("upload: %d %s", res.StatusCode, res.body)
		}
	}
	if res := v.post(base+"/sammanfattning", base+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("submit: %d %s", res.StatusCode, res.body)
	}
	return v, m[1]
}

var staffFileLink = regexp.MustCompile(`href="(/personal/rekrytering/[0-9a-f]+/kandidater/[0-9a-f]+/bilagor/[0-9a-f]+)"[^>]*>([^<]+)</a>`)

// fileLinks maps the names of the files on an application page to their
// addresses.
func fileLinks(body string) map[string]string {
	out := map[string]string{}
	for _, m := range staffFileLink.FindAllStringSubmatch(body, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// An anonymised review names the candidate by number, on the page and in
// its title, until the interview; files carry the note and opening one is
// logged as identifying. Every look is in the access log, which the
// recruiter sees and the applicant's data export lists.
func TestApplicationPageAnonymisedUntilInterview(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska till hemtjänsten", true, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_1_user": {"otto"}, "member_1_role": {"union"}})
	ad := adFor(t, a, rid)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	docx, _ := os.ReadFile("../applications/testdata/brev.docx")
	applicant, cid := applyTo(t, a, ad, "saga@example.se", "Saga", "Ström", map[string][]byte{"Personligt brev.pdf": pdf, "CV.docx": docx})
	page := "/personal/rekrytering/" + rid + "/kandidater/" + cid

	res := rec.get(page)
	want(t, "anonymised page", res, 200, "<title>Sökande 1 – Undersköterska till hemtjänsten", "Sökande 1", "Bilagorna kan avslöja vem den sökande är",
		"Version 1, inskickad", ad.Questions[0].Text, "Bilaga 1", "Bilaga 2", `href="/personal/rekrytering/`+rid+`/logg"`)
	// File names are often the applicant's own, so they are hidden too.
	for _, secret := range []string{"Saga", "Ström", "saga@example.se", "070-123", "Storgatan", "Personligt brev.pdf", "CV.docx"} {
		if strings.Contains(res.body, secret) {
			t.Errorf("the anonymised page shows %q", secret)
		}
	}
	files := fileLinks(res.body)
	if len(files) != 2 {
		t.Fatalf("file links: %v", files)
	}
	// Which is which, by what the page says of each.
	if !strings.Contains(res.body, `>Bilaga 1</a> <span class="hint">(`) {
		t.Fatalf("file links: %v", files)
	}
	byType := map[string]string{}
	for _, href := range files {
		byType[rec.get(href).Header.Get("Content-Type")] = href
	}
	files = map[string]string{"Personligt brev.pdf": byType["application/pdf"], "CV.docx": byType[applications.ContentTypes["docx"]]}
	// The PDF is shown in the browser with nothing but itself allowed (PDF
	// viewers refuse sandboxed documents), the Word file downloaded, sandboxed;
	// neither is ever sniffed.
	doc := rec.get(files["Personligt brev.pdf"])
	if doc.StatusCode != 200 || doc.body != string(pdf) || !strings.HasPrefix(doc.Header.Get("Content-Disposition"), "inline") ||
		doc.Header.Get("Content-Security-Policy") != "default-src 'none'; object-src 'self'; frame-ancestors 'self'" || doc.Header.Get("X-Content-Type-Options") != "nosniff" || doc.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %v", doc.StatusCode, doc.Header)
	}
	if cd := doc.Header.Get("Content-Disposition"); strings.Contains(cd, "Personligt") || !strings.Contains(cd, "bilaga.pdf") {
		t.Errorf("anonymised download named %q", cd)
	}
	doc = rec.get(files["CV.docx"])
	if doc.StatusCode != 200 || !strings.HasPrefix(doc.Header.Get("Content-Disposition"), "attachment") || doc.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(doc.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("docx: %d %v", doc.StatusCode, doc.Header)
	}

	// The hiring manager reads it too; the log has both, the opening of
	// the file as identifying.
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "hiring manager's page", eva.get(page), 200, "Sökande 1", "Ditt betyg")
	if strings.Contains(eva.get(page).body, "Vem har läst ansökan") {
		t.Error("the hiring manager sees the access log")
	}
	if res := eva.get("/personal/rekrytering/" + rid + "/logg"); res.StatusCode != 403 {
		t.Errorf("hiring manager on the log: %d", res.StatusCode)
	}
	log := rec.get("/personal/rekrytering/" + rid + "/logg")
	want(t, "recruitment log", log, 200, "Rut Rekryterare (rekry01)", "Eva Rydberg (evaryl01)", "Öppnade bilaga som kan avslöja identiteten", "Läste ansökan", "Sökande 1")
	entries, err := a.db.RecruitReview().AccessOfCandidate(context.Background(), cid, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range entries {
		kinds[e.Kind]++
	}
	// Each file was opened twice: once to tell which is which.
	if kinds[recruiting.AccessIdentifying] != 4 || kinds[recruiting.AccessApplication] < 3 || kinds[recruiting.AccessAttachment] != 0 {
		t.Errorf("access log: %v", kinds)
	}

	// Moved to interview, the name appears, and files open as any file.
	if res := rec.post(page, page+"/steg", url.Values{"stage": {recruiting.StageInterview}}); res.StatusCode != 303 {
		t.Fatalf("move: %d %s", res.StatusCode, res.body)
	}
	want(t, "revealed page", rec.get(page+"?klart=moved"), 200, "<title>Saga Ström – ", "saga@example.se", "Storgatan 1", "Den sökande är flyttad.", "Intervju", "Rut Rekryterare (rekry01)")
	rec.get(files["CV.docx"])
	entries, _ = a.db.RecruitReview().AccessOfCandidate(context.Background(), cid, 1)
	if len(entries) != 1 || entries[0].Kind != recruiting.AccessAttachment {
		t.Errorf("after interview the file opened as %+v", entries)
	}

	// The applicant's data export lists who viewed what.
	zipped := applicant.get("/mina-uppgifter/hamta")
	zr, err := zip.NewReader(strings.NewReader(zipped.body), int64(len(zipped.body)))
	if err != nil {
		t.Fatalf("zip: %v (%d)", err, zipped.StatusCode)
	}
	var data applicants.Export
	for _, f := range zr.File {
		if f.Name == "mina-uppgifter.json" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if err := json.Unmarshal(b, &data); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen := map[string]bool{}
	for _, v := range data.Viewed {
		seen[v.User+"|"+v.Name+"|"+v.What+"|"+v.File] = true
		if v.AdRef != ad.Ref || v.At.IsZero() {
			t.Errorf("viewing: %+v", v)
		}
	}
	for _, w := range []string{"rekry01|Rut Rekryterare|application|", "evaryl01|Eva Rydberg|application|",
		"rekry01|Rut Rekryterare|identifying attachment|Personligt brev.pdf", "rekry01|Rut Rekryterare|attachment|CV.docx"} {
		if !seen[w] {
			t.Errorf("the export lacks %s: %v", w, seen)
		}
	}
}

// Other recruitments' ids, other candidates' files, outsiders, applicants
// and read-only members get nothing: 404 that tells nothing, or 403 for
// what a member may see but not do.
func TestApplicationPageAccess(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Sjuksköterska", false, url.Values{"member_0_user": {"otto"}, "member_0_role": {"union"}})
	other := openRecruitment(t, a, rec, "Vaktmästare", false, nil)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	applicant, cid := applyTo(t, a, adFor(t, a, rid), "nils@example.se", "Nils", "Holm", map[string][]byte{"Brev.pdf": pdf})
	_, cid2 := applyTo(t, a, adFor(t, a, other), "vera@example.se", "Vera", "Berg", map[string][]byte{"Vera.pdf": pdf})
	page := "/personal/rekrytering/" + rid + "/kandidater/" + cid
	res := rec.get(page)
	want(t, "open page", res, 200, "<title>Nils Holm – Sjuksköterska", "nils@example.se")
	att := fileLinks(res.body)["Brev.pdf"]
	att2 := fileLinks(rec.get("/personal/rekrytering/" + other + "/kandidater/" + cid2).body)["Vera.pdf"]
	if att == "" || att2 == "" {
		t.Fatal("no file links")
	}
	attID2 := att2[strings.LastIndex(att2, "/")+1:]
	for _, path := range []string{
		"/personal/rekrytering/" + other + "/kandidater/" + cid, // a candidate of another recruitment
		"/personal/rekrytering/" + rid + "/kandidater/" + cid2,  // the same, the other way
		"/personal/rekrytering/" + rid + "/kandidater/000000000000000000000000",
		page + "/bilagor/" + attID2,                  // another candidate's file
		page + "/bilagor/" + strings.Repeat("0", 32), // no file
		"/personal/rekrytering/000000000000000000000000/kandidater/" + cid,
	} {
		if res := rec.get(path); res.StatusCode != 404 || strings.Contains(res.body, "Vera") || strings.Contains(res.body, "Nils") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	// Someone outside the group and the grant: nothing, as if it did not exist.
	dir := staffVisitor(t, a, "dirbo")
	for _, path := range []string{page, att, "/personal/rekrytering/" + rid + "/logg", "/personal/rekrytering/" + rid + "/registrera"} {
		if res := dir.get(path); res.StatusCode != 404 || strings.Contains(res.body, "Nils") {
			t.Errorf("outsider on %s: %d", path, res.StatusCode)
		}
	}
	if res := dir.post("/personal/rekrytering", page+"/betyg", url.Values{"score": {"5"}}); res.StatusCode != 404 {
		t.Errorf("outsider rates: %d", res.StatusCode)
	}
	// An applicant's login, the applicant's own included, opens none of it.
	for _, path := range []string{page, att, "/personal/rekrytering/" + rid + "/logg"} {
		if res := applicant.get(path); !toStaffLogin(res) {
			t.Errorf("applicant on %s: %d", path, res.StatusCode)
		}
	}
	// The union representative reads but may not rate, note, move or register.
	otto := staffVisitor(t, a, "otto")
	res = otto.get(page)
	want(t, "read-only page", res, 200, "Nils Holm")
	for _, form := range []string{`action="` + page + `/betyg"`, `action="` + page + `/anteckning"`, `action="` + page + `/steg"`, `/logg"`} {
		if strings.Contains(res.body, form) {
			t.Errorf("the read-only member is offered %s", form)
		}
	}
	for path, values := range map[string]url.Values{
		page + "/betyg":      {"score": {"3"}},
		page + "/anteckning": {"note": {"Bra"}},
		page + "/steg":       {"stage": {recruiting.StageReview}},
		"/personal/rekrytering/" + rid + "/registrera":         {"source": {"paper"}, "first_name": {"A"}, "last_name": {"B"}, "arrived": {"2026-11-20"}},
		"/personal/rekrytering/" + rid + "/registrera/skyddad": {"protected_arrived": {"2026-11-20"}},
	} {
		if res := otto.post("/personal/rekrytering", path, values); res.StatusCode != 403 {
			t.Errorf("read-only member posts to %s: %d", path, res.StatusCode)
		}
	}
	if res := otto.get("/personal/rekrytering/" + rid + "/registrera"); res.StatusCode != 403 {
		t.Errorf("read-only member on the registration form: %d", res.StatusCode)
	}
	cands, _ := a.db.Recruitments().CandidatesOf(context.Background(), rid)
	if len(cands) != 1 || cands[0].Stage != recruiting.StageReceived {
		t.Errorf("candidates after the refusals: %+v", cands)
	}
	if rs, _ := a.db.RecruitReview().RatingsOf(context.Background(), cid); len(rs) != 0 {
		t.Errorf("ratings after the refusals: %+v", rs)
	}
}

// Each reviewer has one rating, which they change; the average is of all.
// Twenty saves at once by one reviewer leave one rating. Notes are
// added, each with its author.
func TestRatingsAndNotes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Kock", false, url.Values{"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}})
	_, cid := applyTo(t, a, adFor(t, a, rid), "ali@example.se", "Ali", "Khan", nil)
	_, cid2 := applyTo(t, a, adFor(t, a, rid), "bea@example.se", "Bea", "Ek", nil)
	page := "/personal/rekrytering/" + rid + "/kandidater/" + cid

	// Bad input: named next to the field, nothing stored.
	res := rec.post(page, page+"/betyg", url.Values{"score": {"7"}, "comment": {"Mycket bra"}})
	want(t, "bad score", res, 422, "Välj ett betyg mellan 1 och 5.", `href="#score"`, "Mycket bra</textarea>")
	res = rec.post(page, page+"/anteckning", url.Values{"note": {"  "}})
	want(t, "empty note", res, 422, "Skriv en anteckning.", `href="#note"`)
	res = rec.post(page, page+"/steg", url.Values{"stage": {recruiting.StageNotSelected}})
	want(t, "no reason", res, 422, "Välj ett skäl", `href="#reason"`)
	res = rec.post(page, page+"/steg", url.Values{"stage": {"nowhere"}})
	want(t, "no such stage", res, 422, "Välj ett steg.")

	// Twenty at once from one reviewer: one rating.
	reqs := times(20, func(i int) *http.Request {
		return rec.formRequest(page, page+"/betyg", url.Values{"score": {itoa(1 + i%5)}, "comment": {"Försök " + itoa(i)}})
	})
	for _, res := range a.together(t, reqs...) {
		if res.StatusCode != 303 {
			t.Fatalf("parallel rating: %d", res.StatusCode)
		}
	}
	if rs, _ := a.db.RecruitReview().RatingsOf(context.Background(), cid); len(rs) != 1 {
		t.Fatalf("%d ratings from one reviewer", len(rs))
	}
	if res := rec.post(page, page+"/betyg?steg=review", url.Values{"score": {"4"}, "comment": {"Erfaren"}, "lista": {"sort=rating&version=2"}}); res.StatusCode != 303 ||
		res.Header.Get("Location") != page+"?sort=rating&klart=rated" {
		t.Fatalf("rating: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	eva := staffVisitor(t, a, "evaryl01")
	if res := eva.post(page, page+"/betyg", url.Values{"score": {"1"}}); res.StatusCode != 303 {
		t.Fatalf("second reviewer: %d", res.StatusCode)
	}
	if res := eva.post(page, page+"/anteckning", url.Values{"note": {"Ring referenser först."}}); res.StatusCode != 303 {
		t.Fatalf("note: %d", res.StatusCode)
	}
	want(t, "reviewed page", rec.get(page), 200, "Medelbetyg 2,5 av 5 (antal bedömningar: 2).", "Erfaren", "Ring referenser först.", "Eva Rydberg (evaryl01)",
		`name="score" value="4" checked`)
	avg, err := a.Reviews.Averages(context.Background(), rid)
	if err != nil || len(avg) != 1 || avg[cid] != 2.5 {
		t.Errorf("averages: %v %v", avg, err)
	}
	// Previous and next follow the list, its query kept.
	want(t, "first of two", rec.get(page+"?sort=rating"), 200, `href="/personal/rekrytering/`+rid+`/kandidater/`+cid2+`?sort=rating" rel="next"`, "1 av 2",
		`href="/personal/rekrytering/`+rid+`/kandidater?sort=rating"`)
	want(t, "second of two", rec.get("/personal/rekrytering/"+rid+"/kandidater/"+cid2), 200, `kandidater/`+cid+`" rel="prev"`)
	// English too.
	rec.lang = "en"
	want(t, "English page", rec.get(page), 200, "Average rating 2.5 of 5", "Ali Khan")
}

// A recruiter registers an application that came on paper, with its
// files by the same rules as the portal's, and a placeholder for one with
// protected personal data that holds nothing about them.
func TestRegisterApplications(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Barnskötare", false, nil)
	ad := adFor(t, a, rid)
	_, first := applyTo(t, a, ad, "ola@example.se", "Ola", "Sten", nil)
	form := "/personal/rekrytering/" + rid + "/registrera"
	want(t, "form", rec.get(form), 200, "Registrera ansökan", ad.Questions[0].Text, "Sökande med skyddade personuppgifter")

	res := rec.post(form, form, url.Values{"source": {"fax"}, "first_name": {""}, "last_name": {"Lund"}, "email": {"inte en adress"},
		"arrived": {"2026-12-24"}, "phone": {strings.Repeat("1", 201)}})
	want(t, "bad registration", res, 422, "Välj om ansökan kom på papper eller via e-post.", "Skriv den sökandes förnamn.",
		"Skriv en e-postadress som", "kan inte vara i framtiden", "högst 200 tecken", `value="Lund"`, `href="#first_name"`)
	res = rec.post(form, form, url.Values{"source": {"paper"}, "first_name": {"Lisa"}, "last_name": {"Lund"}, "arrived": {"23/11"}})
	want(t, "bad date", res, 422, "Skriv dagen ansökan kom in som ÅÅÅÅ-MM-DD.")
	if cands, _ := a.db.Recruitments().CandidatesOf(context.Background(), rid); len(cands) != 1 {
		t.Fatalf("bad input stored candidates: %d", len(cands))
	}

	values := url.Values{"source": {"paper"}, "first_name": {"Lisa"}, "last_name": {"Lund"}, "email": {"Lisa@Example.se"}, "arrived": {"2026-11-20"}, "lang": {"sv"}}
	for k, v := range answersFor(ad) {
		values[k] = v
	}
	values.Del(ad.Questions[0].Field()) // what the paper left out stays out
	res = rec.post(form, form, values)
	if res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "/bilagor?klart=registered") {
		t.Fatalf("register: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	filesPage := strings.TrimSuffix(res.Header.Get("Location"), "?klart=registered")
	page := strings.TrimSuffix(filesPage, "/bilagor")
	cid := page[strings.LastIndex(page, "/")+1:]
	want(t, "files page", rec.get(res.Header.Get("Location")), 200, "Ansökan är registrerad.", "Inga bilagor.")
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	res = rec.upload(filesPage, filesPage, map[string][]byte{"Ansökan Lisa.pdf": pdf, "virus.exe": []byte("MZ\x90\x00")})
	want(t, "refused file", res, 422, "virus.exe")
	res = rec.upload(filesPage, filesPage, map[string][]byte{"Betyg.pdf": pdf})
	if res.StatusCode != 303 {
		t.Fatalf("upload: %d %s", res.StatusCode, res.body)
	}
	got := rec.get(page)
	want(t, "registered page", got, 200, "Lisa Lund", "lisa@example.se", "På papper", "Registrerad av rekryterare", "Ansökan Lisa.pdf", "Betyg.pdf", "Sökandenummer</dt><dd>2</dd>")
	if doc := rec.get(fileLinks(got.body)["Betyg.pdf"]); doc.StatusCode != 200 || doc.body != string(pdf) {
		t.Errorf("registered file: %d", doc.StatusCode)
	}
	// The export has the answers typed in from the paper, and Swedish time.
	export := rec.get("/personal/rekrytering/" + rid + "/kandidater/export?format=csv")
	want(t, "export with the registered answers", export, 200, "Lisa Lund", "2026-11-20 00:00")
	for _, line := range strings.Split(export.body, "\r\n") {
		if strings.Contains(line, "Lisa Lund") {
			for k, v := range answersFor(ad) {
				if k != ad.Questions[0].Field() && !strings.Contains(line, v[0]) && len(v[0]) > 3 {
					t.Errorf("the export of the registered application lacks the answer %q to %s: %s", v[0], k, line)
				}
			}
		}
	}
	c, err := a.db.Recruitments().Candidate(context.Background(), cid)
	if err != nil || c.Number != 2 || c.Source != recruiting.SourcePaper || c.RegisteredBy != "rekry01" || c.Details.Email != "lisa@example.se" {
		t.Fatalf("stored: %v %+v", err, c)
	}
	// Files go only to applications registered by hand.
	if res := rec.get("/personal/rekrytering/" + rid + "/kandidater/" + first + "/bilagor"); res.StatusCode != 404 {
		t.Errorf("files page of a portal application: %d", res.StatusCode)
	}
	// The hourly sweep keeps the files of a registered application.
	a.clock.Add(48 * time.Hour)
	if _, err := a.Files.Sweep(context.Background(), 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	a.clock.Add(-48 * time.Hour)
	rec = staffVisitor(t, a, "rekry01")
	if doc := rec.get(fileLinks(got.body)["Betyg.pdf"]); doc.StatusCode != 200 {
		t.Errorf("the sweep removed a registered file: %d", doc.StatusCode)
	}

	// The placeholder: one click, nothing of the person, counted.
	res = rec.post(form, form+"/skyddad", url.Values{"protected_arrived": {"2026-11-22"}})
	if res.StatusCode != 303 {
		t.Fatalf("placeholder: %d %s", res.StatusCode, res.body)
	}
	placeholder := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	res = rec.get(placeholder)
	want(t, "placeholder page", res, 200, "<title>Sökande med skyddade personuppgifter – Barnskötare", "Inga personuppgifter finns i systemet")
	if strings.Contains(res.body, `action="`+placeholder+`/bilagor"`) || strings.Contains(res.body, "Lägg till bilagor") {
		t.Error("the placeholder offers files")
	}
	if res := rec.get(placeholder + "/bilagor"); res.StatusCode != 404 {
		t.Errorf("files page of a placeholder: %d", res.StatusCode)
	}
	cands, _ := a.db.Recruitments().CandidatesOf(context.Background(), rid)
	if len(cands) != 3 || cands[2].Source != recruiting.SourceProtected || cands[2].Number != 3 || cands[2].Details.Name() != "" || cands[2].Applicant != "" {
		t.Fatalf("candidates: %+v", cands)
	}
	if res := rec.post(form, form+"/skyddad", url.Values{"protected_arrived": {"i morgon"}}); res.StatusCode != 422 ||
		!strings.Contains(res.body, `href="#protected_arrived"`) {
		t.Errorf("placeholder with a bad date: %d", res.StatusCode)
	}
}

// Each submitted version can be read, the latest by default; the page
// says which it shows. A withdrawn application says so and is not moved.
func TestApplicationVersionsAndWithdrawal(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Lokalvårdare", false, nil)
	ad := adFor(t, a, rid)
	applicant, cid := applyTo(t, a, ad, "tove@example.se", "Tove", "Alm", nil)
	base := "/ansokan/" + cid
	changed := answersFor(ad)
	for _, q := range ad.Questions {
		if q.Type == jobs.QuestionLong {
			changed.Set(q.Field(), "Jag har körkort och bil.")
		}
	}
	if res := applicant.post(base+"/fragor", base+"/fragor", changed); res.StatusCode != 303 {
		t.Fatalf("answers: %d", res.StatusCode)
	}
	if res := applicant.post(base+"/sammanfattning", base+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("second version: %d", res.StatusCode)
	}
	page := "/personal/rekrytering/" + rid + "/kandidater/" + cid
	want(t, "latest", rec.get(page+"?steg=received"), 200, "Version 2, inskickad", "Jag har körkort och bil.", `href="`+page+`?steg=received&amp;version=1"`)
	res := rec.get(page + "?version=1")
	want(t, "first version", res, 200, "Version 1, inskickad", "Tidigare version")
	if strings.Contains(res.body, "Jag har körkort och bil.") {
		t.Error("the first version shows the second's answer")
	}
	for _, q := range []string{"?version=3", "?version=x", "?version=0"} {
		if res := rec.get(page + q); res.StatusCode != 404 {
			t.Errorf("%s: %d", q, res.StatusCode)
		}
	}
	entries, _ := a.db.RecruitReview().AccessOfCandidate(context.Background(), cid, 1)
	if len(entries) != 1 || entries[0].Version != 1 || entries[0].Kind != recruiting.AccessApplication {
		t.Errorf("the log of the first version: %+v", entries)
	}

	if res := applicant.post(base+"/aterkalla", base+"/aterkalla", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	res = rec.get(page)
	want(t, "withdrawn", res, 200, "Återkallad", "har återkallat ansökan")
	if strings.Contains(res.body, `action="`+page+`/steg"`) {
		t.Error("a withdrawn application offers the move")
	}
	want(t, "withdrawn moved", rec.post(page, page+"/steg", url.Values{"stage": {recruiting.StageReview}}), 422, "Ansökan är återkallad och kan inte flyttas.")
}
