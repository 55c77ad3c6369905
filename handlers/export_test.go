package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"portal/internal/testapp"
)

// lockedBuffer collects log lines written from the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// exportApp is a test portal whose log is kept, with an applicant who
// submitted an application with one file and has a draft with another.
func exportApp(t *testing.T) (*testApp, *visitor, *lockedBuffer) {
	t.Helper()
	log := &lockedBuffer{}
	p := testapp.New(t, testapp.Options{Now: testNow, Ads: 60, Log: log})
	a := appOf(p)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	v := verifiedApplicant(t, a, "export@example.se")
	ads := openAds(t, a, 2)
	sent := draftTo(t, v, ads[0], "Skickat", "Betyg.pdf", pdf)
	if res := v.post(sent+"/sammanfattning", sent+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	draftTo(t, v, ads[1], "Utkast", "CV.pdf", pdf)
	return a, v, log
}

// When the file storage does not answer, "download my data" says so in the
// applicant's language instead of sending an archive without the files,
// and the failure is logged without personal data.
func TestDownloadMyDataWhenTheFilesCannotBeReached(t *testing.T) {
	t.Parallel()
	a, v, log := exportApp(t)
	if err := a.Blobs.Destroy(context.Background()); err != nil { // every request to the bucket fails
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, text string }{
		{"sv", "Dina bifogade filer går inte att nå just nu"},
		{"en", "Your attached files cannot be reached right now"},
	} {
		v.lang = tc.lang
		res := v.get("/mina-uppgifter/hamta")
		if res.StatusCode != 503 || !strings.Contains(res.body, tc.text) || strings.Contains(res.Header.Get("Content-Type"), "zip") ||
			res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: %d %s %q", tc.lang, res.StatusCode, res.Header.Get("Content-Type"), res.body)
		}
	}
	logged := log.String()
	if !strings.Contains(logged, "download my data: files cannot be reached") {
		t.Fatalf("not logged: %s", logged)
	}
	for _, personal := range []string{"export@example.se", "Betyg.pdf", "CV.pdf"} {
		if strings.Contains(logged, personal) {
			t.Fatalf("the log holds %q: %s", personal, logged)
		}
	}
}

// A file whose object is gone for good is named in a list inside the
// archive; the others come as they are.
func TestDownloadMyDataNamesAMissingFile(t *testing.T) {
	t.Parallel()
	a, v, log := exportApp(t)
	acc, _ := a.db.Accounts().AccountByEmail(context.Background(), "export@example.se")
	if err := a.Blobs.Remove(context.Background(), fileNamed(t, a, acc.ID, "CV.pdf").Key); err != nil {
		t.Fatal(err)
	}
	res := v.get("/mina-uppgifter/hamta")
	zr, err := zip.NewReader(strings.NewReader(res.body), int64(len(res.body)))
	if res.StatusCode != 200 || err != nil {
		t.Fatalf("download: %d %v", res.StatusCode, err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		name := f.Name
		if i := strings.LastIndex(name, "-"); strings.HasPrefix(name, "bilagor/") && i > 0 {
			name = "bilagor/" + name[i+1:]
		}
		got[name] = string(b)
	}
	if _, ok := got["bilagor/Betyg.pdf"]; !ok || len(got) != 3 {
		t.Fatalf("archive holds %v", keys(got))
	}
	if list := got["bilagor-som-saknas.txt"]; !strings.Contains(list, "kunde inte tas med") || !strings.Contains(list, "- CV.pdf") {
		t.Fatalf("list of missing files: %q", list)
	}
	if !strings.Contains(log.String(), "files left out of the archive") {
		t.Fatalf("not logged: %s", log.String())
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
