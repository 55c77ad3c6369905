package handlers_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"portal/internal/testapp"
)

// gzipBomb is a multipart form of n MiB of zeros, gzipped to a few
// kilobytes per MiB. The zeros are compressed once and repeated as members
// of one gzip stream, which inflates to the whole form as one member would.
func gzipBomb(t *testing.T, mib int) ([]byte, string) {
	t.Helper()
	member := func(b []byte) []byte {
		var z bytes.Buffer
		gz := gzip.NewWriter(&z)
		_, _ = gz.Write(b)
		_ = gz.Close()
		return z.Bytes()
	}
	var head, tail bytes.Buffer
	w := multipart.NewWriter(&head)
	_, _ = w.CreateFormFile("files", "a.pdf")
	ctype := w.FormDataContentType()
	w = multipart.NewWriter(&tail)
	_ = w.SetBoundary(strings.TrimPrefix(ctype, "multipart/form-data; boundary="))
	_ = w.Close()
	zeros := member(make([]byte, 1<<20))
	out := member(head.Bytes())
	for range mib {
		out = append(out, zeros...)
	}
	return append(out, member(tail.Bytes())...), ctype
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
	t.Parallel()
	a := newTestApp(t, false)
	big := "x=" + strings.Repeat("x", 70<<10)
	for _, path := range []string{"/logga-in", "/support", "/konto/ny", "/glomt-losenord", "/bevakning"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := a.do(t, req); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "för stor") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	// Only a multipart form may be large on the upload route: anything
	// else would be read whole, so it gets the small limit.
	req0 := httptest.NewRequest(http.MethodPost, "/ansokan/0123456789abcdef01234567/bilagor", strings.NewReader(big))
	req0.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := a.do(t, req0); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a large urlencoded body to the upload route: %d", res.StatusCode)
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
	t.Parallel()
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
	t.Parallel()
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

// sendSlowly writes an upload of the file over a raw connection, chunk by
// chunk with a pause after each, stalling for stall after half the body;
// it returns the portal's answer.
func sendSlowly(t *testing.T, base string, v *visitor, path string, file []byte, chunk int, pause, stall time.Duration) *http.Response {
	t.Helper()
	page := v.get(path)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", csrfField.FindStringSubmatch(page.body)[1])
	fw, _ := w.CreateFormFile("files", "langsam.pdf")
	_, _ = fw.Write(file)
	_ = w.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: jobb.example.se\r\nContent-Type: %s\r\nContent-Length: %d\r\n", path, w.FormDataContentType(), body.Len())
	for k, val := range v.cookies {
		fmt.Fprintf(&head, "Cookie: %s=%s\r\n", k, val)
	}
	head.WriteString("\r\n")
	if _, err := conn.Write([]byte(head.String())); err != nil {
		t.Fatal(err)
	}
	b := body.Bytes()
	for i := 0; i < len(b); i += chunk {
		if _, err := conn.Write(b[i:min(i+chunk, len(b))]); err != nil {
			break // the portal gave up on the upload; its answer is waiting
		}
		time.Sleep(pause)
		if stall > 0 && i >= len(b)/2 {
			time.Sleep(stall)
			break
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// An upload over a slow line gets through as long as it keeps moving,
// however much longer than the server's read timeout it takes; one that
// stalls is cut with a page that says why and what speed is needed.
func TestSlowUploads(t *testing.T) {
	t.Parallel()
	p := testapp.New(t, testapp.Options{Now: testNow, Ads: 60, ReadTimeout: time.Second, UploadIdle: time.Second})
	a := appOf(p)
	base := p.Serve(t)
	v := verifiedApplicant(t, a, "langsam@example.se")
	ad := openAdWithQuestions(t, a)
	files := strings.TrimSuffix(v.startApplication(ad).Header.Get("Location"), "/fragor") + "/bilagor"
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	pdf = append(pdf, bytes.Repeat([]byte("\n"), 60<<10)...)

	// About 70 kB in 2.5 s: past the read timeout, never still for long.
	start := time.Now()
	res := sendSlowly(t, base, v, files, pdf, 4<<10, 150*time.Millisecond, 0)
	if took := time.Since(start); res.StatusCode != 303 || took < 2*time.Second {
		t.Fatalf("steady slow upload: %d after %s", res.StatusCode, took)
	}
	if page := v.get(files); !strings.Contains(page.body, "langsam.pdf") {
		t.Fatal("the slow upload was not kept")
	}

	res = sendSlowly(t, base, v, files, pdf, 4<<10, 10*time.Millisecond, 3*time.Second)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), "Uppladdningen tog för lång tid") || !strings.Contains(string(b), "30 kB/s") {
		t.Fatalf("stalled upload: %d\n%s", res.StatusCode, b)
	}
	if left, _ := os.ReadDir(p.UploadDir); len(left) != 0 {
		t.Fatalf("%d temporary files left", len(left))
	}
}
