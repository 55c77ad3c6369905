package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/jobs"
)

// upload posts files from the attachments page as the browser does.
func (v *visitor) upload(page, action string, files map[string][]byte) response {
	v.t.Helper()
	return v.send(v.uploadRequest(page, action, files))
}

// startApplication follows "Sök tjänsten" for the ad: to the application
// already begun, or through "Starta ansökan" to a new one.
func (v *visitor) startApplication(ad jobs.Ad) response {
	v.t.Helper()
	if res := v.get("/jobb/" + ad.Ref + "/ansok"); res.StatusCode == 303 {
		return res
	}
	return v.post("/jobb/"+ad.Ref+"/ansok", "/jobb/"+ad.Ref+"/ansok", url.Values{})
}

var appPath = regexp.MustCompile(`^/ansokan/([0-9a-f]{24})/`)

// verifiedApplicant registers, confirms the address and stays logged in.
func verifiedApplicant(t *testing.T, a *testApp, email string) *visitor {
	t.Helper()
	v := a.visitor(t)
	register(t, v, email)
	link := verifyLink.FindString(a.mails(t, email)[0].Text)
	if res := v.post(link, link, url.Values{}); res.StatusCode != 200 {
		t.Fatalf("verify: %d", res.StatusCode)
	}
	return v
}

func openAdWithQuestions(t *testing.T, a *testApp) jobs.Ad {
	for _, ad := range a.ads {
		if ad.Open(testNow) && ad.LastDay != jobs.DayOf(testNow) && len(ad.Questions) >= 4 && ad.Questions[0].Type == jobs.QuestionYesNo {
			return ad
		}
	}
	t.Fatal("no open demo ad with questions")
	return jobs.Ad{}
}

// answersFor fills every question of ad with a valid answer.
func answersFor(ad jobs.Ad) url.Values {
	v := url.Values{}
	for _, q := range ad.Questions {
		switch q.Type {
		case jobs.QuestionYesNo:
			v.Set(q.Field(), "yes")
		case jobs.QuestionSingle, jobs.QuestionMulti:
			v.Set(q.Field(), q.Options[0])
		case jobs.QuestionNumber:
			v.Set(q.Field(), "4")
		default:
			v.Set(q.Field(), "Från 1 mars")
		}
	}
	return v
}

func TestApplyingFromStartToWithdrawal(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ad := openAdWithQuestions(t, a)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")

	// Not logged in: "Sök tjänsten" goes to the login page and back.
	v := a.visitor(t)
	res := v.get("/jobb/" + ad.Ref + "/ansok")
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), url.QueryEscape("/jobb/"+ad.Ref+"/ansok")) {
		t.Fatalf("apply without login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	v = verifiedApplicant(t, a, "ansokare@example.se")
	// Opening the link creates nothing: a button does.
	res = v.get("/jobb/" + ad.Ref + "/ansok")
	if res.StatusCode != 200 || !strings.Contains(res.body, "Starta ansökan") {
		t.Fatalf("start page: %d", res.StatusCode)
	}
	if apps, _ := a.Applying.List(context.Background(), v.accountID()); len(apps) != 0 {
		t.Fatal("opening the link began an application")
	}
	res = v.post("/jobb/"+ad.Ref+"/ansok", "/jobb/"+ad.Ref+"/ansok", url.Values{})
	m := appPath.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != 303 || m == nil || !strings.HasSuffix(res.Header.Get("Location"), "/fragor") {
		t.Fatalf("start: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	id := m[1]
	base := "/ansokan/" + id

	// Questions: a missing answer is named, what was typed stays.
	partial := answersFor(ad)
	partial.Del(ad.Questions[0].Field())
	partial.Set("q_motivering", "Jag brinner för vården.")
	res = v.post(base+"/fragor", base+"/fragor", partial)
	if res.StatusCode != 422 || !strings.Contains(res.body, "Svara på frågan.") || !strings.Contains(res.body, "Jag brinner för vården.</textarea>") {
		t.Fatalf("missing answer: %d", res.StatusCode)
	}
	// Progress is kept on the server: opening "apply" again returns here.
	if res := v.get("/jobb/" + ad.Ref + "/ansok"); res.Header.Get("Location") != base+"/fragor" {
		t.Fatalf("second start: %s", res.Header.Get("Location"))
	}
	if !strings.Contains(v.get(base+"/fragor").body, "Jag brinner för vården.") {
		t.Fatal("typed answer lost")
	}
	full := answersFor(ad)
	if res := v.post(base+"/fragor", base+"/fragor", full); res.StatusCode != 303 || res.Header.Get("Location") != base+"/bilagor" {
		t.Fatalf("answers: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// Attachments: the good file is kept, the bad one named with its rule.
	res = v.upload(base+"/bilagor", base+"/bilagor", map[string][]byte{"Personligt brev.pdf": pdf, "program.pdf": []byte("MZ\x90\x00 not a pdf")})
	if res.StatusCode != 422 || !strings.Contains(res.body, "program.pdf: Filtypen är inte tillåten") || !strings.Contains(res.body, "Personligt brev.pdf</a>") {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	six := map[string][]byte{}
	for i := range 6 {
		six[string(rune('a'+i))+".pdf"] = pdf
	}
	if res := v.upload(base+"/bilagor", base+"/bilagor", six); !strings.Contains(res.body, "högst fem filer") {
		t.Fatal("six files in one batch accepted")
	}
	attLink := regexp.MustCompile(base + `/bilagor/([0-9a-f]{32})`).FindStringSubmatch(v.get(base + "/bilagor").body)
	if attLink == nil {
		t.Fatal("no attachment link")
	}
	dl := v.get(attLink[0])
	if dl.StatusCode != 200 || dl.body != string(pdf) || dl.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(dl.Header.Get("Content-Disposition"), "attachment") || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v", dl.StatusCode, dl.Header)
	}

	// Another applicant reaches none of it.
	other := verifiedApplicant(t, a, "annan@example.se")
	for _, p := range []string{base + "/fragor", base + "/bilagor", base + "/sammanfattning", attLink[0], base + "/aterkalla"} {
		if res := other.get(p); res.StatusCode != 404 {
			t.Errorf("another applicant got %s: %d", p, res.StatusCode)
		}
	}

	// Summary and submit; the receipt lists the answers and the file's SHA-256.
	sum := v.get(base + "/sammanfattning")
	if !strings.Contains(sum.body, "Personligt brev.pdf") || !strings.Contains(sum.body, ">Ändra") {
		t.Fatal("summary lacks the parts")
	}
	res = v.post(base+"/sammanfattning", base+"/skicka", url.Values{})
	if res.StatusCode != 303 || res.Header.Get("Location") != base+"/kvitto" {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	if !strings.Contains(v.get(base+"/kvitto").body, "Tack för din ansökan") {
		t.Fatal("no receipt page")
	}
	h := sha256.Sum256(pdf)
	receipt := a.mailAbout(t, "ansokare@example.se", "Tack för din ansökan")
	if !strings.HasPrefix(receipt.Subject, "Tack för din ansökan") || !strings.Contains(receipt.Text, hex.EncodeToString(h[:])) ||
		!strings.Contains(receipt.Text, ad.Questions[0].Text) || !strings.Contains(receipt.Text, "Personligt brev.pdf") {
		t.Fatalf("receipt mail: %s\n%s", receipt.Subject, receipt.Text)
	}
	list := v.get("/mina-ansokningar").body
	if !strings.Contains(list, ad.Title) || !strings.Contains(list, "Inskickad") || !strings.Contains(list, "Uppdatera ansökan") || !strings.Contains(list, "Återkalla") {
		t.Fatal("my applications lacks the application")
	}

	// Update until the end of the last day: a new version and a new receipt.
	full.Set("q_motivering", "Uppdaterad motivering.")
	v.post(base+"/fragor", base+"/fragor", full)
	relogin := func() {
		t.Helper()
		if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"ansokare@example.se"}, "password": {goodPassword}}); res.StatusCode != 303 {
			t.Fatalf("login: %d", res.StatusCode)
		}
	}
	a.clock.Set(ad.LastDay.End().Add(-time.Minute))
	relogin()
	a.clock.Set(ad.LastDay.End().Add(-time.Second)) // 23:59:59 Swedish time
	if res := v.post(base+"/sammanfattning", base+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("update at 23:59:59: %d", res.StatusCode)
	}
	if r := a.mailAbout(t, "ansokare@example.se", "Tack för din ansökan"); !strings.Contains(r.Text, "version 2") || !strings.Contains(r.Text, "Uppdaterad motivering.") {
		t.Fatalf("second receipt: %s", r.Text)
	}
	versions, _ := a.db.Applications().Versions(context.Background(), id)
	if len(versions) != 2 {
		t.Fatalf("%d versions kept, want 2", len(versions))
	}

	// Withdraw before the end.
	a.clock.Set(ad.LastDay.End().Add(-time.Minute))
	relogin()
	res = v.post(base+"/aterkalla", base+"/aterkalla", url.Values{})
	if res.StatusCode != 303 || !strings.Contains(v.get("/mina-ansokningar?aterkallad=1").body, "Återkallad") {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}

	// From 00:00:00 the day after, nothing changes; the page says whom to contact.
	a.clock.Set(ad.LastDay.End())
	for _, try := range []func() response{
		func() response { return v.send(postTo(base + "/skicka")) },
		func() response { return v.get(base + "/fragor") },
		func() response { return v.get(base + "/aterkalla") },
	} {
		res := try()
		if res.StatusCode != 409 && res.StatusCode != 403 {
			t.Fatalf("after the deadline: %d", res.StatusCode)
		}
		if res.StatusCode == 409 && !strings.Contains(res.body, ad.Contacts[0].Name) {
			t.Fatal("the closed page does not name the contact")
		}
	}
	if list := v.get("/mina-ansokningar").body; !strings.Contains(list, "Återkallad") {
		t.Fatal("withdrawn application left the list")
	}
}

// postTo is a bare POST with cookies but no form token.
func postTo(path string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestSubmitNeedsConfirmedAddress(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ad := openAdWithQuestions(t, a)
	v := a.visitor(t)
	register(t, v, "ny@example.se")
	loc := v.startApplication(ad).Header.Get("Location")
	base := strings.TrimSuffix(loc, "/fragor")
	v.post(loc, loc, answersFor(ad))
	res := v.post(base+"/sammanfattning", base+"/sammanfattning", url.Values{})
	if res.StatusCode == 303 {
		t.Fatal("posting to the summary submitted")
	}
	page := v.get(base + "/sammanfattning")
	if !strings.Contains(page.body, "Bekräfta din e-postadress") || strings.Contains(page.body, `action="`+base+`/skicka"`) {
		t.Fatal("an unconfirmed address may submit")
	}
	// Posted anyway, past the page that offers no button: refused.
	res = v.post(base+"/sammanfattning", base+"/skicka", url.Values{})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Bekräfta din e-postadress med länken") {
		t.Fatalf("submit with an unconfirmed address: %d", res.StatusCode)
	}
	versions, _ := a.db.Applications().Versions(context.Background(), appPath.FindStringSubmatch(loc)[1])
	for _, m := range a.mails(t, "ny@example.se") {
		if strings.HasPrefix(m.Subject, "Tack för din ansökan") {
			t.Fatal("a receipt for an unconfirmed address")
		}
	}
	if len(versions) != 0 {
		t.Fatal("an unconfirmed address submitted")
	}
}

func TestDownloadMyDataHoldsApplicationsAndFiles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ad := openAdWithQuestions(t, a)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	v := verifiedApplicant(t, a, "data@example.se")
	loc := v.startApplication(ad).Header.Get("Location")
	base := strings.TrimSuffix(loc, "/fragor")
	v.post(loc, loc, answersFor(ad))
	v.upload(base+"/bilagor", base+"/bilagor", map[string][]byte{"Betyg.pdf": pdf})
	v.post(base+"/sammanfattning", base+"/skicka", url.Values{})
	res := v.get("/mina-uppgifter/hamta")
	zr, err := zip.NewReader(strings.NewReader(res.body), int64(len(res.body)))
	if err != nil {
		t.Fatalf("zip: %v (%d)", err, res.StatusCode)
	}
	var sawJSON, sawFile bool
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		switch {
		case f.Name == "mina-uppgifter.json":
			sawJSON = strings.Contains(string(b), ad.Ref) && strings.Contains(string(b), `"version": 1`) && !strings.Contains(string(b), "attachments/")
		case strings.HasSuffix(f.Name, "-Betyg.pdf"):
			sawFile = bytes.Equal(b, pdf)
		}
	}
	if !sawJSON || !sawFile {
		t.Fatalf("archive: json %v, file %v", sawJSON, sawFile)
	}
}

// Answers posted after the login ended are not lost: they come back after
// logging in, saved.
func TestAnswersSurviveAnEndedSession(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ad := openAdWithQuestions(t, a)
	v := verifiedApplicant(t, a, "glomsk@example.se")
	loc := v.startApplication(ad).Header.Get("Location")
	page := v.get(loc) // the form is open in the browser
	token := csrfField.FindStringSubmatch(page.body)[1]
	a.clock.Add(45 * time.Minute) // the applicant wrote slowly
	answers := answersFor(ad)
	answers.Set("q_motivering", "Ett långt och genomtänkt svar.")
	answers.Set("_csrf", token)
	req := httptest.NewRequest(http.MethodPost, loc, strings.NewReader(answers.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := v.send(req)
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/logga-in?next=") {
		t.Fatalf("post after the end: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	login := v.post(res.Header.Get("Location"), "/logga-in", url.Values{"email": {"glomsk@example.se"}, "password": {goodPassword}, "next": {loc}})
	if login.Header.Get("Location") != loc {
		t.Fatalf("after login: %s", login.Header.Get("Location"))
	}
	back := v.get(loc)
	if !strings.Contains(back.body, "Dina svar är återställda") || !strings.Contains(back.body, "Ett långt och genomtänkt svar.</textarea>") {
		t.Fatal("answers not restored")
	}
	if again := v.get(loc); strings.Contains(again.body, "återställda") || !strings.Contains(again.body, "Ett långt och genomtänkt svar.") {
		t.Fatal("answers not saved, or restored twice")
	}
}

// An ad imported again with another last day: applications already
// started follow it, shortened or extended.
func TestChangedLastDayReachesStartedApplications(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ad := openAdWithQuestions(t, a)
	v := verifiedApplicant(t, a, "flyttad@example.se")
	loc := v.startApplication(ad).Header.Get("Location")
	base := strings.TrimSuffix(loc, "/fragor")
	v.post(loc, loc, answersFor(ad))
	receipts := func() int {
		n := 0
		for _, m := range a.mails(t, "flyttad@example.se") {
			if strings.HasPrefix(m.Subject, "Tack för din ansökan") {
				n++
			}
		}
		return n
	}
	submit := v.formRequest(base+"/sammanfattning", base+"/skicka", url.Values{}) // the summary is open in the browser
	shortened := ad
	shortened.LastDay = jobs.DayOf(testNow).AddDays(-1)
	if err := a.Board.Save(context.Background(), shortened); err != nil {
		t.Fatal(err)
	}
	res := v.send(submit)
	page := v.get(base + "/sammanfattning")
	if res.StatusCode != 409 || page.StatusCode != 409 || !strings.Contains(res.body, ad.Contacts[0].Name) || receipts() != 0 {
		t.Fatalf("after the new last day: summary %d, submit %d, %d receipts", page.StatusCode, res.StatusCode, receipts())
	}
	if list := v.get("/mina-ansokningar").body; !strings.Contains(list, "Ansökningstiden är slut") {
		t.Fatal("my applications do not show the application closed")
	}

	extended := ad
	extended.LastDay = ad.LastDay.AddDays(7)
	if err := a.Board.Save(context.Background(), extended); err != nil {
		t.Fatal(err)
	}
	a.clock.Set(ad.ClosesAt().Add(time.Hour))
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"flyttad@example.se"}, "password": {goodPassword}}); res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	if res := v.post(base+"/sammanfattning", base+"/skicka", url.Values{}); res.StatusCode != 303 || receipts() != 1 {
		t.Fatalf("submit after the old last day: %d, %d receipts", res.StatusCode, receipts())
	}
}
