package applications

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// pdfWith builds a small PDF: a catalog, a page with an uncompressed
// content stream, an info dictionary, then tail (the trailer or a
// cross-reference stream).
func pdfWith(info, content, tail string) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	b.WriteString("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	b.WriteString("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
	b.WriteString("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n")
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(content), content)
	fmt.Fprintf(&b, "5 0 obj\n<< %s >>\nendobj\n", info)
	b.WriteString(tail)
	b.WriteString("\nstartxref\n0\n%%EOF\n")
	return []byte(b.String())
}

const plainTrailer = "trailer\n<< /Size 6 /Root 1 0 R /Info 5 0 R >>"

func TestEncryptedPDF(t *testing.T) {
	encryptedTrailer := func(key string) []byte {
		return pdfWith("/Title (CV)", "BT (Hej) Tj ET", "trailer\n<< /Size 7 /Root 1 0 R "+key+" 6 0 R /Info 5 0 R >>")
	}
	for _, tc := range []struct {
		name      string
		pdf       []byte
		encrypted bool
	}{
		{"plain", pdfWith("/Title (CV)", "BT (Hej) Tj ET", plainTrailer), false},
		{"/Encrypt", encryptedTrailer("/Encrypt"), true},
		{"/Encr#79pt", encryptedTrailer("/Encr#79pt"), true},
		{"/#45ncrypt", encryptedTrailer("/#45ncrypt"), true},
		{"lower-case hex /E#6ecrypt", encryptedTrailer("/E#6ecrypt"), true},
		{"upper-case hex /E#6Ecrypt", encryptedTrailer("/E#6Ecrypt"), true},
		{"every letter escaped", encryptedTrailer("/#45#6E#63#72#79#70#74"), true},
		{"no space after the keyword", pdfWith("", "", "trailer<</Encrypt 6 0 R/Root 1 0 R>>"), true},
		{"a comment before the dictionary", pdfWith("", "", "trailer % written by hand\n<< /Root 1 0 R /Encrypt 6 0 R >>"), true},
		{"a long entry before /Encrypt", encryptedTrailer("/Pad [" + strings.Repeat("0 ", 50000) + "] /Encrypt"), true},
		{"cross-reference stream", pdfWith("", "", "6 0 obj\n<< /Type /XRef /Size 7 /W [1 2 1] /Root 1 0 R /Encr#79pt 7 0 R /Length 0 >>\nstream\n\nendstream\nendobj"), true},
		// The keyword counts wherever it stands: an unclosed string or a
		// stream before it hides nothing.
		{"trailer after an unclosed string", pdfWith("/Title (open", "", "trailer\n<< /Encrypt 6 0 R >>"), true},
		{"trailer inside a stream", pdfWith("", "( trailer << /Encrypt 6 0 R >>", plainTrailer), true},
		// Mentions that are not entries of a trailer pass.
		{"/Encrypt in a text string", pdfWith("/Title (Om /Encrypt och /Encr#79pt)", "BT (Nyckeln /Encrypt) Tj ET", plainTrailer), false},
		{"/Encrypt as a name in a content stream", pdfWith("", "/Encrypt Do", plainTrailer), false},
		{"/Encrypt in a nested dictionary", pdfWith("/Extra << /Encrypt 1 >> /List [/Encrypt]", "", "trailer\n<< /Size 6 /Root 1 0 R /X << /Encrypt 6 0 R >> >>"), false},
		{"/Encrypt in a hex string and a comment", pdfWith("/Title <2F456E6372797074> % /Encrypt\n", "", plainTrailer), false},
		{"names are case-sensitive", encryptedTrailer("/encrypt"), false},
		{"a # without hex digits", encryptedTrailer("/Encr#yp"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckFile("cv.pdf", bytes.NewReader(tc.pdf), int64(len(tc.pdf)))
			var ferr *FileError
			switch {
			case tc.encrypted && (!errors.As(err, &ferr) || ferr.Key != "file.error.encrypted"):
				t.Fatalf("got %+v, %v; want file.error.encrypted", got, err)
			case !tc.encrypted && err != nil:
				t.Fatalf("refused: %v", err)
			}
		})
	}
}

// A keyword or a name split by a read boundary is found whole.
func TestEncryptedPDFAcrossReadBoundaries(t *testing.T) {
	for _, key := range []string{"/Encrypt", "/Encr#79pt"} {
		// The file is read in chunks of 64 KiB: put "trailer" across the
		// first boundary, in every position.
		for shift := -10; shift <= 10; shift++ {
			head := pdfWith("", "", "")
			pad := 64*1024 - len(head) - 2 + shift // "\n%" and the comment
			body := append(head, []byte("%"+strings.Repeat("x", pad)+"\ntrailer\n<< /Root 1 0 R "+key+" 6 0 R >>\n")...)
			if found, err := pdfEncrypted(bytes.NewReader(body), int64(len(body))); err != nil || !found {
				t.Fatalf("%s, trailer at %d: found %v, %v", key, bytes.Index(body, []byte("\ntrailer"))+1, found, err)
			}
		}
		// A dictionary is read through a small buffer: put the name across
		// its boundaries.
		for pad := 230; pad <= 270; pad++ {
			body := pdfWith("", "", "trailer\n<< /Root 1 0 R /Pad ("+strings.Repeat("x", pad)+") "+key+" 6 0 R >>")
			if found, err := pdfEncrypted(bytes.NewReader(body), int64(len(body))); err != nil || !found {
				t.Fatalf("%s after %d bytes: found %v, %v", key, pad, found, err)
			}
		}
	}
}

// Dictionaries made to overlap, so that reading each would take the square
// of the file's length, are refused rather than read.
func TestPDFWithOverlappingDictionaries(t *testing.T) {
	t.Parallel()
	body := []byte("%PDF-1.7\n" + strings.Repeat("obj<<[", 300000))
	_, err := CheckFile("cv.pdf", bytes.NewReader(body), int64(len(body)))
	var ferr *FileError
	if !errors.As(err, &ferr) || ferr.Key != "file.error.unreadable" {
		t.Fatalf("got %v", err)
	}
}
