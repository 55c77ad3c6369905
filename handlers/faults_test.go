package handlers_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/internal/testapp"
	"portal/internal/testenv"
)

// A database or bucket that hangs costs a request its deadline, not more:
// the user gets a page saying to try again, the health answers keep
// answering, and readiness names only the server that is down.
func TestHangingServersCostTheDeadline(t *testing.T) {
	t.Parallel()
	dbServer, db := testenv.OwnDB(t)
	s3Server, blobs := testenv.OwnBlobs(t)
	p := testapp.New(t, testapp.Options{Now: testNow, Ads: 60, DB: db, Blobs: blobs, RequestTimeout: 2 * time.Second})
	a := appOf(p)
	v := verifiedApplicant(t, a, "paus@example.se")
	ad := openAdWithQuestions(t, a)
	loc := v.startApplication(ad).Header.Get("Location")
	files := strings.TrimSuffix(loc, "/fragor") + "/bilagor"
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	v.upload(files, files, map[string][]byte{"brev.pdf": pdf})
	m := regexp.MustCompile(`href="(/ansokan/[0-9a-f]+/bilagor/[0-9a-f]+)"`).FindStringSubmatch(v.get(files).body)
	if m == nil {
		t.Fatal("no file to download")
	}
	link := m[1]
	timed := func(name string, f func() response) response {
		t.Helper()
		start := time.Now()
		res := f()
		if took := time.Since(start); took > 8*time.Second {
			t.Fatalf("%s took %s", name, took)
		}
		return res
	}

	s3Server.Pause(t)
	res := timed("download", func() response { return v.get(link) })
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.body, "Försök igen") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("download with the bucket hanging: %d", res.StatusCode)
	}
	ready := timed("readyz", func() response { return a.get(t, "/readyz") })
	if ready.StatusCode != 503 || !strings.Contains(ready.body, `"database":"ok"`) || !strings.Contains(ready.body, `"storage":"unavailable"`) {
		t.Fatalf("readyz with the bucket hanging: %d %s", ready.StatusCode, ready.body)
	}
	// An upload the bucket does not take is told to try again, and leaves
	// nothing that holds one of the application's places.
	res = timed("upload", func() response { return v.upload(files, files, map[string][]byte{"andra.pdf": pdf}) })
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("upload with the bucket hanging: %d", res.StatusCode)
	}
	s3Server.Resume(t)
	if on, err := db.Attachments().AttachmentsOf(context.Background(), strings.Split(files, "/")[2]); err != nil || len(on) != 1 {
		t.Fatalf("after a failed upload the application holds %d files (%v)", len(on), err)
	}

	dbServer.Pause(t)
	res = timed("my details", func() response { return v.get("/mina-uppgifter") })
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.body, "Försök igen") {
		t.Fatalf("my details with the database hanging: %d", res.StatusCode)
	}
	ready = timed("readyz", func() response { return a.get(t, "/readyz") })
	if ready.StatusCode != 503 || !strings.Contains(ready.body, `"database":"unavailable"`) || !strings.Contains(ready.body, `"storage":"ok"`) {
		t.Fatalf("readyz with the database hanging: %d %s", ready.StatusCode, ready.body)
	}
	if res := timed("healthz", func() response { return v.get("/healthz") }); res.StatusCode != 200 {
		t.Fatalf("healthz with a session cookie and the database hanging: %d", res.StatusCode)
	}
	dbServer.Resume(t)
	if res := v.get("/mina-uppgifter"); res.StatusCode != 200 {
		t.Fatalf("after the database came back: %d", res.StatusCode)
	}
}
