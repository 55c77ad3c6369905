package applications

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/richardlehane/mscfb"
)

// Rules for attachments.
const (
	MaxFileSize   = 5 * 1024 * 1024  // bytes
	MaxNameLength = 45               // characters, spaces and extension included
	MaxBatch      = 5                // files in one upload
	MaxFiles      = 10               // files on one application
	MaxTotalSize  = 25 * 1024 * 1024 // bytes of all the files on one application
	// A DOCX larger than this unpacked, or with more entries, is refused
	// as a zip bomb; real letters and CVs are far below.
	maxUnpacked = 100 * 1024 * 1024
	maxEntries  = 2000
)

// ContentTypes are the types of the allowed attachments by extension.
var ContentTypes = map[string]string{
	"pdf":  "application/pdf",
	"rtf":  "application/rtf",
	"doc":  "application/msword",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// FileError says which file broke which rule; Key is the translation key
// of the rule, whose text takes the file name.
type FileError struct {
	Name string
	Key  string
}

func (e *FileError) Error() string { return fmt.Sprintf("applications: file %q: %s", e.Name, e.Key) }

// CheckedFile is an attachment that passed every rule.
type CheckedFile struct {
	Name        string // cleaned, as the applicant will see it
	Ext         string // pdf, rtf, doc or docx
	ContentType string
}

// CleanName returns the name an uploaded file is kept under: the last
// element of any path, without control characters and surrounding space.
func CleanName(raw string) string {
	raw = strings.ReplaceAll(raw, "\\", "/")
	raw = path.Base("/" + raw)
	raw = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, raw)
	raw = strings.TrimSpace(raw)
	if raw == "/" || raw == "." || raw == ".." {
		return ""
	}
	return raw
}

// CheckBatch checks the number of files in one upload.
func CheckBatch(n int) error {
	if n > MaxBatch {
		return &FileError{Key: "file.error.batch"}
	}
	return nil
}

// CheckFile applies every attachment rule to the file's name and content:
// the type is judged by the content, and the name's extension must agree.
func CheckFile(name string, r io.ReaderAt, size int64) (CheckedFile, error) {
	clean := CleanName(name)
	fail := func(key string) (CheckedFile, error) {
		return CheckedFile{}, &FileError{Name: clean, Key: key}
	}
	switch {
	case clean == "":
		return fail("file.error.name")
	case utf8.RuneCountInString(clean) > MaxNameLength:
		return fail("file.error.name_length")
	case size == 0:
		return fail("file.error.empty")
	case size > MaxFileSize:
		return fail("file.error.size")
	}
	ext := strings.TrimPrefix(strings.ToLower(path.Ext(clean)), ".")
	if _, ok := ContentTypes[ext]; !ok {
		return fail("file.error.type")
	}
	head := make([]byte, min(size, 4096))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return fail("file.error.unreadable")
	}
	kind, key := "", ""
	switch m := mimetype.Detect(head); {
	case m.Is("application/pdf"):
		kind, key = "pdf", checkPDF(r, size)
	case m.Is("text/rtf"):
		kind = "rtf"
	case m.Is("application/x-ole-storage") || m.Is("application/msword"):
		kind, key = checkOLE(r)
	case m.Is("application/zip") || m.Is(ContentTypes["docx"]):
		kind, key = checkDOCX(r, size)
	default:
		return fail("file.error.type")
	}
	if key != "" {
		return fail(key)
	}
	if kind != ext {
		return fail("file.error.mismatch")
	}
	return CheckedFile{Name: clean, Ext: ext, ContentType: ContentTypes[ext]}, nil
}

// checkPDF refuses encrypted PDFs: an encrypted PDF names its /Encrypt
// dictionary in the trailer.
func checkPDF(r io.ReaderAt, size int64) string {
	found, err := pdfEncrypted(r, size)
	if err != nil {
		return "file.error.unreadable"
	}
	if found {
		return "file.error.encrypted"
	}
	return ""
}

// checkOLE looks inside a compound file: a Word 97-2003 document has a
// WordDocument stream; Office's encrypted documents (DOCX with a password
// too) carry EncryptionInfo; macros live in a Macros or _VBA_PROJECT_CUR
// storage; the Word header marks an encrypted or obfuscated DOC.
func checkOLE(r io.ReaderAt) (kind, key string) {
	doc, err := mscfb.New(r)
	if err != nil {
		return "", "file.error.type"
	}
	var word *mscfb.File
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return "", "file.error.encrypted"
		case "Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT":
			return "", "file.error.macros"
		case "WordDocument":
			word = e
		}
	}
	if word == nil {
		return "", "file.error.type"
	}
	fib := make([]byte, 12)
	if n, _ := word.Read(fib); n < 12 || fib[0] != 0xEC || fib[1] != 0xA5 {
		return "", "file.error.type"
	}
	const fEncrypted, fObfuscated = 0x0100, 0x8000
	if flags := uint16(fib[10]) | uint16(fib[11])<<8; flags&(fEncrypted|fObfuscated) != 0 {
		return "", "file.error.encrypted"
	}
	return "doc", ""
}

// checkDOCX looks inside a zip: it must be a Word document, not macro
// enabled, not a zip bomb, and no entry may leave its folder.
func checkDOCX(r io.ReaderAt, size int64) (kind, key string) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return "", "file.error.type"
	}
	if len(z.File) > maxEntries {
		return "", "file.error.zip_bomb"
	}
	var unpacked uint64
	hasTypes, hasBody := false, false
	for _, f := range z.File {
		name := f.Name
		if clean := path.Clean(name); strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || clean == ".." || strings.HasPrefix(clean, "../") {
			return "", "file.error.zip_path"
		}
		unpacked += f.UncompressedSize64
		if unpacked > maxUnpacked || (f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > 1000) {
			return "", "file.error.zip_bomb"
		}
		switch lower := strings.ToLower(name); {
		case lower == "[content_types].xml":
			hasTypes = true
			if macroTypes(f) {
				return "", "file.error.macros"
			}
		case lower == "word/document.xml":
			hasBody = true
		case path.Base(lower) == "vbaproject.bin" || path.Base(lower) == "vbadata.xml":
			return "", "file.error.macros"
		}
	}
	if !hasTypes || !hasBody {
		return "", "file.error.type"
	}
	return "docx", ""
}

// macroTypes reports whether [Content_Types].xml declares a macro-enabled
// document.
func macroTypes(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	return bytes.Contains(bytes.ToLower(b), []byte("macroenabled"))
}
