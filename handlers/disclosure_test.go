package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"portal/disclosure"
	"portal/employees"
	"portal/internal/pdftext"
	"portal/jobs"
	"portal/retention"
)

// registrarOrg is recruiterOrg with a registrar for the social services
// (regist01) and one for education (regutb01).
func registrarOrg(t *testing.T, a *testApp) {
	t.Helper()
	recruiterOrg(t, a)
	for _, p := range []struct{ id, unit string }{{"regist01", "SOC"}, {"regutb01", "UTB"}} {
		addStaff(t, a, employees.Person{ID: p.id, FirstName: "Reg", LastName: p.unit, WorkEmail: p.id + "@example.se", Active: true},
			employees.Employment{ID: "E-" + p.id, PersonID: p.id, UnitID: p.unit, ManagerID: "E-CHEF", Active: true})
		if _, err := a.Access.GrantByCommand(context.Background(), p.id, "registrar", p.unit); err != nil {
			t.Fatal(err)
		}
	}
}

// applyWith applies to the ad as a new applicant, with the text answers
// given, and returns the application's id.
func applyWith(t *testing.T, a *testApp, ad jobs.Ad, email, first, last, text string, files map[string][]byte) string {
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
	answers := answersFor(ad)
	for _, q := range ad.Questions {
		if q.Type == jobs.QuestionShort || q.Type == jobs.QuestionLong {
			answers.Set(q.Field(), text)
		}
	}
	if res := v.post(loc, loc, answers); res.StatusCode != 303 {
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
	return m[1]
}

// unzipCopy reads the files of a copy by name.
func unzipCopy(t *testing.T, body string) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the copy is no ZIP: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// absent fails when the value is in the bytes as they are, in the PDF's
// inflated streams, or written there as UTF-16.
func absent(t *testing.T, what string, data []byte, values ...string) {
	t.Helper()
	streams := append(pdftext.Streams(data), data)
	for _, v := range values {
		u := utf16.Encode([]rune(v))
		wide := make([]byte, 0, 2*len(u))
		for _, c := range u {
			wide = append(wide, byte(c>>8), byte(c))
		}
		for _, s := range streams {
			if bytes.Contains(s, []byte(v)) || bytes.Contains(s, wide) {
				t.Errorf("%s holds the masked %q", what, v)
				break
			}
		}
	}
}

// A registrar records a request for two applications of a recruitment,
// which holds them; builds the copy, a ZIP whose PDFs mask the identity
// number found in an answer and the details chosen, leave the notes out
// until chosen, and holds the files not left out; then records the
// release, which the page shows as the log. Nobody else sees the request.
func TestDisclosureCopy(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	registrarOrg(t, a)
	ctx := context.Background()
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Undersköterska", false, nil)
	ad := adFor(t, a, rid)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	cid := applyWith(t, a, ad, "asa@example.se", "Åsa", "Öberg", "Mitt personnummer är 811218-9876 och jag bor i Växjö.", map[string][]byte{"Personligt brev.pdf": pdf})
	cid2 := applyWith(t, a, ad, "bo@example.se", "Bo", "Ekström", "Från 1 mars", nil)
	applyWith(t, a, ad, "cia@example.se", "Cia", "Lund", "Från 1 april", nil) // not asked for
	page := "/personal/rekrytering/" + rid + "/kandidater/" + cid
	if res := rec.post(page, page+"/anteckning", url.Values{"note": {"Ring referenser först."}}); res.StatusCode != 303 {
		t.Fatalf("note: %d", res.StatusCode)
	}
	r, err := a.db.Recruitments().Recruitment(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}

	reg := staffVisitor(t, a, "regist01")
	want(t, "start page", reg.get("/personal"), 200, `href="/personal/registratur"`)
	want(t, "new form", reg.get("/personal/registratur/ny"), 200, r.Ref+" Undersköterska")
	// Bad input: each problem next to its field, nothing stored.
	res := reg.post("/personal/registratur/ny", "/personal/registratur/ny", url.Values{"name": {""}, "email": {"nej"}, "arrived": {"2026-13-01"},
		"ref": {"REK-1999-9999"}, "scope": {"chosen"}, "which": {"7"}})
	want(t, "bad request", res, 422, "Skriv namnet på den som begär handlingarna.", "Skriv en giltig e-postadress", "Skriv datumet som år-månad-dag",
		"Det finns ingen rekrytering med det referensnumret", `href="#name"`, `id="arrived-error"`)
	res = reg.post("/personal/registratur/ny", "/personal/registratur/ny", url.Values{"name": {"Karin Reporter"}, "arrived": {jobs.DayOf(a.clock.Now()).String()},
		"ref": {strings.ToLower(r.Ref)}, "scope": {"chosen"}, "which": {"1, Sökande 99"}})
	want(t, "unknown applicant", res, 422, "Det finns ingen sökande i rekryteringen med det nummer eller namn: <q>Sökande 99</q>", `value="Karin Reporter"`)
	if list, _ := a.Disclosure.List(ctx, "regist01", ""); len(list) != 0 {
		t.Fatalf("bad forms stored %d requests", len(list))
	}
	res = reg.post("/personal/registratur/ny", "/personal/registratur/ny", url.Values{"name": {"Karin Reporter"}, "organisation": {"Tidningen"},
		"email": {"karin@tidningen.se"}, "arrived": {jobs.DayOf(a.clock.Now()).String()}, "ref": {strings.ToLower(r.Ref)}, "scope": {"chosen"}, "which": {"1\nBo Ekström"}})
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/personal/registratur/") {
		t.Fatalf("record: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	qid := strings.TrimPrefix(strings.SplitN(res.Header.Get("Location"), "?", 2)[0], "/personal/registratur/")
	req, err := a.Disclosure.Store.Request(ctx, qid)
	if err != nil || len(req.CandidateIDs) != 2 || req.CandidateIDs[0] != cid || req.CandidateIDs[1] != cid2 || req.Requester.Organisation != "Tidningen" {
		t.Fatalf("stored: %v %+v", err, req)
	}
	// The pending request holds the two applications it names, no more.
	holds, err := a.Holds.Of(ctx, rid)
	if err != nil || len(holds) != 2 {
		t.Fatalf("holds: %v %+v", err, holds)
	}
	for _, h := range holds {
		if !h.Active() || h.Source != "request:"+qid || h.Kind != retention.HoldRequest || (h.CandidateID != cid && h.CandidateID != cid2) {
			t.Errorf("hold: %+v", h)
		}
	}
	qpage := "/personal/registratur/" + qid
	want(t, "request page", reg.get(qpage+"?klart=recorded"), 200, "Begäran från Karin Reporter", "Begäran är registrerad", "Sökande 1",
		"Åsa Öberg", "Lämna inte ut Personligt brev.pdf", "Bifogade filer kan inte maskeras automatiskt", "Personnummer och samordningsnummer i all text")
	want(t, "list", reg.get("/personal/registratur?status=pending"), 200, "Karin Reporter", "2 utvalda ansökningar")
	if res := reg.get("/personal/registratur?status=released"); strings.Contains(res.body, "Karin Reporter") {
		t.Error("the filter shows a pending request as released")
	}

	// Others: another unit's registrar and the recruiter cannot tell it exists.
	other := staffVisitor(t, a, "regutb01")
	for _, p := range []string{qpage, qpage + "/kopia"} {
		if res := other.get(p); res.StatusCode != 404 {
			t.Errorf("other unit's registrar GET %s: %d", p, res.StatusCode)
		}
		if res := rec.get(p); res.StatusCode != 404 {
			t.Errorf("recruiter GET %s: %d", p, res.StatusCode)
		}
	}
	if res := other.post("/personal/registratur", qpage+"/svar", url.Values{"answer": {"withdrawn"}}); res.StatusCode != 404 {
		t.Errorf("other unit's registrar answers: %d", res.StatusCode)
	}
	if res := other.get("/personal/registratur"); strings.Contains(res.body, "Karin Reporter") {
		t.Error("another unit's registrar lists the request")
	}
	if res := rec.get("/personal/registratur"); res.StatusCode != 403 {
		t.Errorf("recruiter's list: %d", res.StatusCode)
	}

	// The copy: identity number masked by default, the phone as chosen.
	if res := reg.post(qpage, qpage+"/maskering", url.Values{"idnumbers": {"1"}, "mask_phone": {"1"}}); res.StatusCode != 303 {
		t.Fatalf("masking: %d", res.StatusCode)
	}
	res = reg.get(qpage + "/kopia")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("copy: %d %v", res.StatusCode, res.Header)
	}
	files := unzipCopy(t, res.body)
	doc, ok := files["sokande-001/ansokan.pdf"]
	if !ok || !bytes.HasPrefix(doc, []byte("%PDF")) {
		t.Fatalf("no PDF of Sökande 1 in %v", names(files))
	}
	text := pdftext.Text(doc)
	for _, s := range []string{"Ansökan, Sökande 1", "Åsa Öberg", "asa@example.se", "Mitt personnummer är [Sekretess] och jag bor i Växjö.",
		"Personligt brev.pdf", "SHA-256", "Version 1", "Storgatan 1"} {
		if !strings.Contains(text, s) {
			t.Errorf("the PDF lacks %q:\n%s", s, text)
		}
	}
	absent(t, "the PDF", doc, "811218-9876", "070-123 45 67", "Ring referenser")
	if !bytes.Equal(files["sokande-001/bilagor/1-Personligt brev.pdf"], pdf) {
		t.Errorf("the file is not in the copy as it was sent: %v", names(files))
	}
	if _, ok := files["sokande-002/ansokan.pdf"]; !ok {
		t.Error("no PDF of Sökande 2")
	}
	if _, ok := files["sokande-003/ansokan.pdf"]; ok {
		t.Error("the copy holds an application not asked for")
	}
	manifest := string(files["innehall.txt"])
	for _, s := range []string{"Mottagare: Karin Reporter", "Personnummer och samordningsnummer i all text", "Telefonnummer (alla sökande)",
		"Interna anteckningar lämnas inte ut", "sokande-001/bilagor/1-Personligt brev.pdf  SHA-256 "} {
		if !strings.Contains(manifest, s) {
			t.Errorf("the manifest lacks %q:\n%s", s, manifest)
		}
	}
	absent(t, "the package", []byte(res.body), "811218-9876")
	log, err := a.db.RecruitReview().AccessOfCandidate(ctx, cid, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range log {
		kinds[e.Kind]++
		if e.Kind == disclosure.AccessDisclosure && e.PersonID != "regist01" {
			t.Errorf("logged as %s", e.PersonID)
		}
	}
	if kinds[disclosure.AccessDisclosure] < 2 { // the page, the copy
		t.Errorf("access log kinds %v", kinds)
	}
	want(t, "recruiter's log", rec.get("/personal/rekrytering/"+rid+"/logg"), 200, "Läste ansökan för utlämnande av allmän handling")

	// Notes when chosen; a file left out is not in the package.
	att := attachmentOf(t, a, cid)
	if res := reg.post(qpage, qpage+"/maskering", url.Values{"idnumbers": {"1"}, "notes": {"1"}, "out_" + att: {"1"}}); res.StatusCode != 303 {
		t.Fatalf("masking: %d", res.StatusCode)
	}
	files = unzipCopy(t, reg.get(qpage+"/kopia").body)
	if text := pdftext.Text(files["sokande-001/ansokan.pdf"]); !strings.Contains(text, "Ring referenser först.") || !strings.Contains(text, "lämnas inte ut") {
		t.Errorf("notes chosen, file left out:\n%s", text)
	}
	if _, ok := files["sokande-001/bilagor/1-Personligt brev.pdf"]; ok {
		t.Error("a file left out is in the package")
	}

	// Bad answer: a refusal needs its reason.
	res = reg.post(qpage, qpage+"/svar", url.Values{"answer": {"refused"}})
	want(t, "refusal without reason", res, 422, "Skriv skälet till avslaget.", `href="#reason"`)
	// Released: the log on the page, and no more changes.
	if res := reg.post(qpage, qpage+"/svar", url.Values{"answer": {"released"}}); res.StatusCode != 303 {
		t.Fatalf("release: %d %s", res.StatusCode, res.body)
	}
	want(t, "released", reg.get(qpage+"?klart=released"), 200, "Utlämnandet är registrerat.", "Utlämnat till", "Karin Reporter",
		"Sökande 1, Sökande 2", "bilagan Personligt brev.pdf lämnas inte ut", "Inga bilagor lämnades ut.")
	got, err := a.Disclosure.Store.Request(ctx, qid)
	if err != nil || got.State() != disclosure.StateReleased || got.Outcome.Release == nil || got.Outcome.By != "regist01" ||
		strings.Join(got.Outcome.Release.Masked, "|") == "" || len(got.Outcome.Release.Candidates) != 2 {
		t.Fatalf("outcome: %v %+v", err, got.Outcome)
	}
	// The release lifts the request's holds.
	if holds, err = a.Holds.Of(ctx, rid); err != nil || len(holds) != 2 || holds[0].Active() || holds[1].Active() || holds[0].LiftedBy != "regist01" {
		t.Errorf("holds after the release: %v %+v", err, holds)
	}
	if res := reg.get(qpage + "/kopia"); res.StatusCode != 409 {
		t.Errorf("copy after the release: %d", res.StatusCode)
	}
	if res := reg.post(qpage, qpage+"/svar", url.Values{"answer": {"withdrawn"}}); res.StatusCode != 409 {
		t.Errorf("second answer: %d", res.StatusCode)
	}
	reg.lang = "en"
	want(t, "English page", reg.get(qpage), 200, "Request from Karin Reporter", "Released to", "Applicant 1, Applicant 2")
	want(t, "English list", reg.get("/personal/registratur"), 200, "Requests for official documents", "Released")
}

// attachmentOf returns the id of the one file of the application's latest
// version.
func attachmentOf(t *testing.T, a *testApp, applicationID string) string {
	t.Helper()
	vs, err := a.db.Applications().Versions(context.Background(), applicationID)
	if err != nil || len(vs) == 0 || len(vs[len(vs)-1].Attachments) != 1 {
		t.Fatalf("versions: %v %d", err, len(vs))
	}
	return vs[len(vs)-1].Attachments[0].ID
}

func names(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Answers sent at once: one is recorded, the others are told the request
// is answered already.
func TestDisclosureAnsweredOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	registrarOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Kock", false, nil)
	applyWith(t, a, adFor(t, a, rid), "ali@example.se", "Ali", "Khan", "Från 1 mars", nil)
	r, err := a.db.Recruitments().Recruitment(context.Background(), rid)
	if err != nil {
		t.Fatal(err)
	}
	reg := staffVisitor(t, a, "regist01")
	res := reg.post("/personal/registratur/ny", "/personal/registratur/ny", url.Values{"name": {"Per"}, "arrived": {jobs.DayOf(a.clock.Now()).String()},
		"recruitment": {rid}, "ref": {"ignored"}, "scope": {"all"}})
	if res.StatusCode != 303 {
		t.Fatalf("record: %d %s", res.StatusCode, res.body)
	}
	qpage := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	answers := []string{"released", "withdrawn", "refused"}
	reqs := times(12, func(i int) *http.Request {
		return reg.formRequest(qpage, qpage+"/svar", url.Values{"answer": {answers[i%3]}, "reason": {"Sekretess"}})
	})
	ok := 0
	for _, res := range a.together(t, reqs...) {
		switch res.StatusCode {
		case 303:
			ok++
		case 409:
		default:
			t.Errorf("answer: %d", res.StatusCode)
		}
	}
	if ok != 1 {
		t.Errorf("%d answers recorded, want 1", ok)
	}
	// One hold on the whole recruitment, placed and lifted once.
	if holds, err := a.Holds.Of(context.Background(), rid); err != nil || len(holds) != 1 || holds[0].CandidateID != "" || holds[0].Active() {
		t.Errorf("holds: %v %+v", err, holds)
	}
	got, err := a.Disclosure.Store.Request(context.Background(), strings.TrimPrefix(qpage, "/personal/registratur/"))
	if err != nil || got.Pending() || got.Ref != r.Ref || !got.WholeRecruitment() {
		t.Errorf("request: %v %+v", err, got)
	}
}
