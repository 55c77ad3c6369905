package applications

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rezip copies a DOCX, dropping entries for which keep is false and adding
// extra entries (name -> content).
func rezip(t testing.TB, src []byte, keep func(string) bool, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if keep != nil && !keep(f.Name) {
			continue
		}
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		_, _ = w.Write(b.Bytes())
	}
	for name, content := range extra {
		w, _ := zw.Create(name)
		_, _ = w.Write(content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckFile(t *testing.T) {
	t.Parallel()
	docx := fixture(t, "brev.docx")
	pdf := fixture(t, "brev.pdf")
	macroTypes := rezip(t, docx, func(n string) bool { return n != "[Content_Types].xml" }, map[string][]byte{
		"[Content_Types].xml": []byte(`<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`),
	})
	bomb := rezip(t, docx, nil, map[string][]byte{"word/media/big.bin": bytes.Repeat([]byte{0}, 120<<20)})
	escape := rezip(t, docx, nil, map[string][]byte{"../../etc/evil": []byte("x")})
	plainZip := rezip(t, docx, func(n string) bool { return !strings.HasPrefix(n, "word/") && n != "[Content_Types].xml" }, map[string][]byte{"readme.txt": []byte("hej")})
	exe, _ := os.ReadFile("/proc/self/exe")
	exe = exe[:min(len(exe), 64<<10)]
	atLimit := append(append([]byte{}, pdf...), bytes.Repeat([]byte(" "), MaxFileSize-len(pdf))...)
	// The encryption marker is looked for in chunks of 64 KiB: across the
	// end of the first, and far in.
	encryptedAt := func(off int) []byte {
		b := append(append([]byte{}, pdf...), bytes.Repeat([]byte(" "), off-len(pdf))...)
		return append(b, "\ntrailer\n<< /Size 6 /Encrypt 5 0 R >>\n"...)
	}
	name45 := strings.Repeat("å", 41) + ".pdf"
	name46 := strings.Repeat("å", 42) + ".pdf"

	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		wantErr string // translation key, "" for accepted
		wantExt string
	}{
		{"pdf", "CV Åsa Öberg.pdf", pdf, "", "pdf"},
		{"doc", "brev.doc", fixture(t, "brev.doc"), "", "doc"},
		{"docx", "Brev.DOCX", docx, "", "docx"},
		{"rtf", "brev.rtf", fixture(t, "brev.rtf"), "", "rtf"},
		{"password-protected pdf", "hemlig.pdf", fixture(t, "hemlig.pdf"), "file.error.encrypted", ""},
		{"password-protected doc", "hemlig.doc", fixture(t, "hemlig.doc"), "file.error.encrypted", ""},
		{"pdf encrypted, marked across a chunk", "hemlig.pdf", encryptedAt(64<<10 - 4), "file.error.encrypted", ""},
		{"pdf encrypted, marked far in", "hemlig.pdf", encryptedAt(300 << 10), "file.error.encrypted", ""},
		{"macro-enabled docx (vbaProject.bin)", "makro.docx", rezip(t, docx, nil, map[string][]byte{"word/vbaProject.bin": []byte("VBA")}), "file.error.macros", ""},
		{"macro-enabled docx (content type)", "makro.docx", macroTypes, "file.error.macros", ""},
		{"zip bomb", "bomb.docx", bomb, "file.error.zip_bomb", ""},
		{"entry escaping its folder", "escape.docx", escape, "file.error.zip_path", ""},
		{"plain zip renamed .docx", "arkiv.docx", plainZip, "file.error.type", ""},
		{"zip renamed .pdf", "arkiv.pdf", plainZip, "file.error.type", ""},
		{"executable renamed .pdf", "cv.pdf", exe, "file.error.type", ""},
		{"html renamed .docx", "cv.docx", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "file.error.type", ""},
		{"pdf named .docx", "cv.docx", pdf, "file.error.mismatch", ""},
		{"docx named .doc", "cv.doc", docx, "file.error.mismatch", ""},
		{"text file", "cv.txt", []byte("hej"), "file.error.type", ""},
		{"docm extension", "cv.docm", docx, "file.error.type", ""},
		{"empty", "tom.pdf", nil, "file.error.empty", ""},
		{"exactly 5 MB", "stor.pdf", atLimit, "", "pdf"},
		{"5 MB + 1 byte", "stor.pdf", append(atLimit, ' '), "file.error.size", ""},
		{"45 characters", name45, pdf, "", "pdf"},
		{"46 characters", name46, pdf, "file.error.name_length", ""},
		{"path parts removed", `C:\Users\asa\Documents\cv.pdf`, pdf, "", "pdf"},
		{"only a path", "../", pdf, "file.error.name", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckFile(tc.file, bytes.NewReader(tc.content), int64(len(tc.content)))
			var ferr *FileError
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && (!errors.As(err, &ferr) || ferr.Key != tc.wantErr):
				t.Fatalf("got %v, want %s", err, tc.wantErr)
			case tc.wantErr == "" && got.Ext != tc.wantExt:
				t.Fatalf("ext %q, want %q", got.Ext, tc.wantExt)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"cv.pdf":                   "cv.pdf",
		`C:\Users\asa\cv.pdf`:      "cv.pdf",
		"../../etc/passwd":         "passwd",
		" brev\x00\x1f.docx ":      "brev.docx",
		"brev\u202egpj.exe.pdf":    "brevgpj.exe.pdf",
		"Personligt brev Åsa.docx": "Personligt brev Åsa.docx",
		"..":                       "",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	if CheckBatch(5) != nil || CheckBatch(6) == nil {
		t.Fatal("batch limit")
	}
}

// FuzzCheckFile feeds the validator arbitrary content: it must answer with
// a file error or accept, never panic.
func FuzzCheckFile(f *testing.F) {
	for _, name := range []string{"brev.pdf", "brev.doc", "brev.docx", "brev.rtf", "hemlig.doc"} {
		f.Add(name, fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		got, err := CheckFile(name, bytes.NewReader(content), int64(len(content)))
		var ferr *FileError
		if err != nil && !errors.As(err, &ferr) {
			t.Fatalf("not a file error: %v", err)
		}
		if err == nil && ContentTypes[got.Ext] == "" {
			t.Fatalf("accepted an unknown type %q", got.Ext)
		}
	})
}
