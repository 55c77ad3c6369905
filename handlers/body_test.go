package handlers_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"portal/internal/testapp"
)

// gzipBomb is a multipart form of n MiB of zeros, gzipped to a few
// kilobytes per MiB.
func gzipBomb(t *testing.T, mib int) ([]byte, string) {
	t.Helper()
	var raw bytes.Buffer
	w := multipart.NewWriter(&raw)
	fw, _ := w.CreateFormFile("files", "a.pdf")
	zero := make([]byte, 1<<20)
	for range mib {
		_, _ = fw.Write(zero)
	}
	_ = w.Close()
	var z bytes.Buffer
	gz := gzip.NewWriter(&z)
	_, _ = gz.Write(raw.Bytes())
	_ = gz.Close()
	return z.Bytes(), w.FormDataContentType()
}

// A compressed body is refused before a byte of it is inflated, whatever
// the route: the answer comes at once and no temporary file is written.
func TestCompressedBodiesAreRefused(t *testing.T) {
	a := newTestApp(t, false)
	body, ctype := gzipBomb(t, 200)
	if len(body) > 300<<10 {
		t.Fatalf("bomb of %d bytes", len(body))
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, path := range []string{"/logga-in", "/support", "/bevakning", "/ansokan/0123456789abcdef01234567/bilagor"} {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Content-Encoding", "gzip")
		res := a.do(t, req)
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	if files, _ := os.ReadDir(tmp); len(files) != 0 {
		t.Fatalf("temporary files written: %d", len(files))
	}
}

// Only the upload form takes a large body; every other form gets a small
// limit, and the page says what was wrong.
func TestBodyLimitsPerRoute(t *testing.T) {
	a := newTestApp(t, false)
	big := "x=" + strings.Repeat("x", 70<<10)
	for _, path := range []string{"/logga-in", "/support", "/konto/ny", "/glomt-losenord", "/bevakning"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := a.do(t, req); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "för stor") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	// An upload may be large, and gets past the body rules to the login.
	req := httptest.NewRequest(http.MethodPost, "/ansokan/0123456789abcdef01234567/bilagor", strings.NewReader(strings.Repeat("x", 10<<20)))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if res := a.do(t, req); res.StatusCode == http.StatusRequestEntityTooLarge {
		t.Fatal("upload refused as too large")
	}
	p := testapp.New(t, testapp.Options{Now: testNow, BodyLimit: 64 * 1024})
	req = httptest.NewRequest(http.MethodPost, "/ansokan/0123456789abcdef01234567/bilagor", strings.NewReader(strings.Repeat("x", 70*1024)))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if res, err := p.App.Test(req, 10000); err == nil && res.StatusCode != 413 {
		t.Fatalf("upload over the configured limit: %d", res.StatusCode)
	}
}

// A multipart form must begin with its token: a body that does not is
// refused without the rest being read.
func TestMultipartFormsShowTheirTokenFirst(t *testing.T) {
	a := newTestApp(t, false)
	v := a.visitor(t)
	page := v.get("/support")
	token := csrfField.FindStringSubmatch(page.body)[1]
	for name, fields := range map[string][]string{
		"file first":  {"files", "_csrf"},
		"field first": {"name", "_csrf"},
		"no token":    {"name"},
	} {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, f := range fields {
			if f == "_csrf" {
				_ = w.WriteField(f, token)
			} else if f == "files" {
				fw, _ := w.CreateFormFile(f, "cv.pdf")
				_, _ = fw.Write(bytes.Repeat([]byte("%PDF"), 1000))
			} else {
				_ = w.WriteField(f, "Åsa")
			}
		}
		_ = w.Close()
		req := httptest.NewRequest(http.MethodPost, "/support", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		if res := v.send(req); res.StatusCode != 403 {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
}

// Upload forms are read part by part with a cap on each: a file over the
// size limit is refused by name and rule, and no more of it than one byte
// over the limit is kept on disk; a form of too many parts is refused.
func TestUploadPartsAreCapped(t *testing.T) {
	a := newTestApp(t, false)
	v := verifiedApplicant(t, a, "stor@example.se")
	ad := openAdWithQuestions(t, a)
	res := v.startApplication(ad)
	m := appPath.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("start: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	files := "/ansokan/" + m[1] + "/bilagor"
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 6<<20)...)
	res = v.upload(files, files, map[string][]byte{"stor.pdf": big})
	if res.StatusCode != 422 || !strings.Contains(res.body, "stor.pdf") || !strings.Contains(res.body, "5 MB") {
		t.Fatalf("oversized file: %d", res.StatusCode)
	}
	if left, _ := os.ReadDir(a.UploadDir); len(left) != 0 {
		t.Fatalf("%d temporary files left", len(left))
	}

	page := v.get(files)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", csrfField.FindStringSubmatch(page.body)[1])
	for i := range 40 {
		_ = w.WriteField(fmt.Sprintf("f%d", i), "x")
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, files, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if res := v.send(req); res.StatusCode != 413 {
		t.Fatalf("form of 40 parts: %d", res.StatusCode)
	}
}
