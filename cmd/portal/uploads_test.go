package main

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// What an instance killed mid-upload left in its upload folder is removed
// at the next start; uploads are spooled there while the portal runs, and
// a second instance cannot take the folder of a running one.
func TestUploadFolderEmptiedAtStart(t *testing.T) {
	t.Setenv("TMPDIR", os.Getenv("TMPDIR")) // restored when the test ends
	dir := filepath.Join(t.TempDir(), "portal-uploads")
	_, release, err := prepareUploads(dir)
	if err != nil {
		t.Fatal(err)
	}
	release()
	_ = os.WriteFile(filepath.Join(dir, "multipart-4711"), bytes.Repeat([]byte("x"), 1<<20), 0o600)
	_ = os.MkdirAll(filepath.Join(dir, "left", "over"), 0o700)

	removed, release, err := prepareUploads(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if got := names(t, dir); removed != 2 || len(got) != 1 || got[0] != lockName {
		t.Fatalf("removed %d, left %v", removed, got)
	}
	if os.TempDir() != dir {
		t.Fatalf("temporary files go to %s", os.TempDir())
	}
	if _, _, err := prepareUploads(dir); err == nil || !strings.Contains(err.Error(), "in use by another running portal") {
		t.Fatalf("a second instance took the folder: %v", err)
	}

	// A file larger than fasthttp keeps in memory is spooled into the folder
	// while its request is read, and removed after it.
	var during []string
	app := fiber.New(fiber.Config{BodyLimit: 64 << 20})
	app.Post("/", func(c *fiber.Ctx) error {
		if _, err := c.MultipartForm(); err != nil {
			return err
		}
		during = names(t, dir)
		return nil
	})
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("files", "stor.pdf")
	_, _ = fw.Write(bytes.Repeat([]byte("x"), 20<<20))
	_ = w.Close()
	req := httptest.NewRequest("POST", "/", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := app.Test(req, 30000)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("upload: %v %v", res, err)
	}
	if len(during) != 2 || !strings.HasPrefix(during[1], "multipart-") {
		t.Fatalf("during the request the folder held %v", during)
	}
	if got := names(t, dir); len(got) != 1 {
		t.Fatalf("after the request the folder holds %v", got)
	}
}

// A folder with files that were never the portal's is refused, not emptied.
func TestUploadFolderOfSomethingElseIsRefused(t *testing.T) {
	t.Setenv("TMPDIR", os.Getenv("TMPDIR"))
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "rapport.docx"), []byte("viktig"), 0o600)
	if _, _, err := prepareUploads(dir); err == nil || !strings.Contains(err.Error(), "not the portal's") {
		t.Fatalf("got %v", err)
	}
	if got := names(t, dir); len(got) != 1 || got[0] != "rapport.docx" {
		t.Fatalf("the folder holds %v", got)
	}
}
