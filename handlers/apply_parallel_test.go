package handlers_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/jobs"
)

// The requests of these tests are prepared one by one, as pages open in
// several tabs, and then sent at the same moment.

// uploadRequest is the upload form of page posted with files, not yet sent.
func (v *visitor) uploadRequest(page, action string, files map[string][]byte) *http.Request {
	v.t.Helper()
	p := v.get(page)
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		v.t.Fatalf("no form on %s (%d)", page, p.StatusCode)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", m[1])
	for name, content := range files {
		fw, _ := w.CreateFormFile("files", name)
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, action, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	v.addCookies(req)
	return req
}

// formRequest is the form of page posted with values, not yet sent; the
// form's own fields (such as the revision it shows) go along unless values
// set them.
func (v *visitor) formRequest(page, action string, values url.Values) *http.Request {
	v.t.Helper()
	p := v.get(page)
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		v.t.Fatalf("no form on %s (%d)", page, p.StatusCode)
	}
	values = maps.Clone(values) // the caller's stay as they were, for another form
	if values == nil {
		values = url.Values{}
	}
	values.Set("_csrf", m[1])
	if rev := revField.FindStringSubmatch(p.body); rev != nil && values.Get("rev") == "" {
		values.Set("rev", rev[1])
	}
	req := httptest.NewRequest(http.MethodPost, action, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v.addCookies(req)
	return req
}

var revField = regexp.MustCompile(`name="rev" value="(\d+)"`)

func (v *visitor) addCookies(req *http.Request) {
	for k, val := range v.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: val})
	}
}

// together sends the requests at the same moment, each over a connection
// of its own to the portal on a real socket, and returns the answers in
// order.
func (a *testApp) together(t *testing.T, reqs ...*http.Request) []response {
	t.Helper()
	if a.base == "" {
		a.base = a.Serve(t)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	out := make([]response, len(reqs))
	errs := make([]error, len(reqs))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, req := range reqs {
		u, err := url.Parse(a.base + req.URL.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		req.URL, req.RequestURI = u, ""
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			res, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			out[i] = response{res, string(b)}
		}()
	}
	start.Done()
	done.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// times makes n requests with build.
func times(n int, build func(i int) *http.Request) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = build(i)
	}
	return reqs
}

// objects counts the attachment objects in the bucket.
func (a *testApp) objects(t *testing.T) int {
	t.Helper()
	n := 0
	err := a.Blobs.Changed(context.Background(), "attachments/", time.Time{}, time.Now().Add(time.Hour), func(string) error {
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var fileLink = regexp.MustCompile(`/bilagor/[0-9a-f]{32}">([^<]+)</a>`)

// listedFiles returns the names on the attachments page.
func listedFiles(v *visitor, base string) []string {
	var names []string
	for _, m := range fileLink.FindAllStringSubmatch(v.get(base+"/bilagor").body, -1) {
		names = append(names, m[1])
	}
	return names
}

func startApplying(t *testing.T, a *testApp, email string) (*visitor, jobs.Ad, string) {
	t.Helper()
	ad := openAdWithQuestions(t, a)
	v := verifiedApplicant(t, a, email)
	loc := v.startApplication(ad).Header.Get("Location")
	if !appPath.MatchString(loc) {
		t.Fatalf("start: %q", loc)
	}
	return v, ad, strings.TrimSuffix(loc, "/fragor")
}

func TestParallelUploadsKeepEveryFile(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v, _, base := startApplying(t, a, "flikar@example.se")
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	var reqs []*http.Request
	for _, name := range []string{"CV.pdf", "Brev.pdf", "Betyg.pdf", "Intyg.pdf"} {
		reqs = append(reqs, v.uploadRequest(base+"/bilagor", base+"/bilagor", map[string][]byte{name: pdf}))
	}
	for i, res := range a.together(t, reqs...) {
		if res.StatusCode != 303 {
			t.Errorf("upload %d: %d", i, res.StatusCode)
		}
	}
	if names := listedFiles(v, base); len(names) != 4 {
		t.Fatalf("the application lists %v, want all four files", names)
	}
	if n := a.objects(t); n != 4 {
		t.Fatalf("%d objects stored for four files", n)
	}
}

func TestUploadInOneTabAnswersInAnother(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v, ad, base := startApplying(t, a, "tva-flikar@example.se")
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	answers := answersFor(ad)
	answers.Set("q_motivering", "Skrivet i den andra fliken.")
	res := a.together(t,
		v.uploadRequest(base+"/bilagor", base+"/bilagor", map[string][]byte{"CV.pdf": pdf}),
		v.formRequest(base+"/fragor", base+"/fragor", answers))
	if res[0].StatusCode != 303 || res[1].StatusCode != 303 {
		t.Fatalf("upload %d, answers %d", res[0].StatusCode, res[1].StatusCode)
	}
	if names := listedFiles(v, base); len(names) != 1 || names[0] != "CV.pdf" {
		t.Fatalf("files %v", names)
	}
	if !strings.Contains(v.get(base+"/fragor").body, "Skrivet i den andra fliken.</textarea>") {
		t.Fatal("the answers saved beside the upload are lost")
	}
}

// More uploads at once than an application has room for: exactly as many
// as it holds go in, each of the others is told the rule, and nothing is
// left in the bucket that the application does not list.
func TestParallelUploadsStopAtTheCap(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v, _, base := startApplying(t, a, "manga-filer@example.se")
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	var reqs []*http.Request
	for i := range 12 {
		reqs = append(reqs, v.uploadRequest(base+"/bilagor", base+"/bilagor", map[string][]byte{"Fil " + itoa(i+1) + ".pdf": pdf}))
	}
	stored := 0
	for i, res := range a.together(t, reqs...) {
		switch {
		case res.StatusCode == 303:
			stored++
		case res.StatusCode == 422 && strings.Contains(res.body, "Fil "+itoa(i+1)+".pdf: En ansökan kan ha högst 10 bilagor."):
		default:
			t.Errorf("upload %d: %d", i+1, res.StatusCode)
		}
	}
	names := listedFiles(v, base)
	if stored != 10 || len(names) != 10 {
		t.Fatalf("%d uploads answered as stored, %d files listed; want 10 and 10", stored, len(names))
	}
	if n := a.objects(t); n != 10 {
		t.Fatalf("%d objects in the bucket for 10 files", n)
	}
	one := v.upload(base+"/bilagor", base+"/bilagor", map[string][]byte{"Ett till.pdf": pdf})
	if one.StatusCode != 422 || !strings.Contains(one.body, "Ett till.pdf: En ansökan kan ha högst 10 bilagor.") {
		t.Fatalf("an eleventh file: %d", one.StatusCode)
	}
	// Removing a file makes room for another.
	link := regexp.MustCompile(base + `/bilagor/[0-9a-f]{32}/ta-bort`).FindString(v.get(base + "/bilagor").body)
	if res := v.post(base+"/bilagor", link, url.Values{}); res.StatusCode != 303 {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if res := v.upload(base+"/bilagor", base+"/bilagor", map[string][]byte{"Ett till.pdf": pdf}); res.StatusCode != 303 {
		t.Fatalf("upload after a removal: %d", res.StatusCode)
	}
}

// Answers saved in two windows at once: each changed another question, and
// both changes are kept.
func TestAnswersFromTwoWindowsAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v, ad, base := startApplying(t, a, "tva-fonster@example.se")
	first := answersFor(ad)
	if res := v.post(base+"/fragor", base+"/fragor", first); res.StatusCode != 303 {
		t.Fatalf("answers: %d", res.StatusCode)
	}
	one, other := answersFor(ad), answersFor(ad)
	one.Set("q_motivering", "Ändrat i det ena fönstret.")
	other.Set(ad.Questions[0].Field(), "no")
	res := a.together(t, v.formRequest(base+"/fragor", base+"/fragor", one), v.formRequest(base+"/fragor", base+"/fragor", other))
	if res[0].StatusCode != 303 || res[1].StatusCode != 303 {
		t.Fatalf("saves: %d %d", res[0].StatusCode, res[1].StatusCode)
	}
	page := v.get(base + "/fragor").body
	if !strings.Contains(page, "Ändrat i det ena fönstret.</textarea>") || !strings.Contains(page, `name="`+ad.Questions[0].Field()+`" value="no" checked`) {
		t.Fatal("a change saved at the same time as another is lost")
	}
}

// Two windows changed the same answer differently: the later save is not
// made behind the applicant's back; the form comes back with what they
// wrote and says why, and saving it again keeps it.
func TestConflictingAnswersAreShownNotLost(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v, ad, base := startApplying(t, a, "krock@example.se")
	one, other := answersFor(ad), answersFor(ad)
	one.Set("q_motivering", "Från det första fönstret.")
	other.Set("q_motivering", "Från det andra fönstret.")
	first, second := v.formRequest(base+"/fragor", base+"/fragor", one), v.formRequest(base+"/fragor", base+"/fragor", other)
	if res := a.do(t, first); res.StatusCode != 303 {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	res := a.do(t, second)
	if res.StatusCode != 409 || !strings.Contains(res.body, "Ansökan ändrades i ett annat fönster") ||
		!strings.Contains(res.body, "Från det andra fönstret.</textarea>") || !strings.Contains(res.body, "Svaret ändrades till något annat i ett annat fönster.") {
		t.Fatalf("conflicting save: %d", res.StatusCode)
	}
	if !strings.Contains(v.get(base+"/fragor").body, "Från det första fönstret.</textarea>") {
		t.Fatal("the conflicting save overwrote the first")
	}
	rev := revField.FindStringSubmatch(res.body)[1]
	token := csrfField.FindStringSubmatch(res.body)[1]
	other.Set("rev", rev)
	other.Set("_csrf", token)
	again := httptest.NewRequest(http.MethodPost, base+"/fragor", strings.NewReader(other.Encode()))
	again.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := v.send(again); res.StatusCode != 303 {
		t.Fatalf("saving again: %d", res.StatusCode)
	}
	if !strings.Contains(v.get(base+"/fragor").body, "Från det andra fönstret.</textarea>") {
		t.Fatal("saving again did not keep the answer")
	}
}

// "Skicka in" pressed several times at once (a double click, two tabs)
// mails one receipt for each version it records.
func TestParallelSubmitsGiveOneReceipt(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	v, ad, base := startApplying(t, a, "dubbelklick@example.se")
	if res := v.post(base+"/fragor", base+"/fragor", answersFor(ad)); res.StatusCode != 303 {
		t.Fatalf("answers: %d", res.StatusCode)
	}
	res := a.together(t, times(3, func(int) *http.Request {
		return v.formRequest(base+"/sammanfattning", base+"/skicka", url.Values{})
	})...)
	for _, r := range res {
		if r.StatusCode != 303 {
			t.Fatalf("submit: %d", r.StatusCode)
		}
	}
	receipts := 0
	for _, m := range a.mails(t, "dubbelklick@example.se") {
		if strings.Contains(m.Subject, "Tack för din ansökan") {
			receipts++
		}
	}
	versions, _ := a.db.Applications().Versions(context.Background(), strings.TrimPrefix(base, "/ansokan/"))
	// Presses that read the application before any of them wrote make one
	// version; a press that came after makes another. Never more receipts
	// than versions.
	if len(versions) == 0 || len(versions) > 3 || receipts != len(versions) {
		t.Fatalf("%d receipts for %d versions", receipts, len(versions))
	}
}
