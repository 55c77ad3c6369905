package cases

import (
	"context"
	"errors"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"portal/applications"
)

// ReceiptTypes are the receipts' allowed types by extension: the
// attachments' PDF, and photos of paper receipts.
var ReceiptTypes = map[string]string{
	"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
}

// File is an uploaded receipt.
type File struct {
	Name string
	Size int64
	Body interface {
		io.Reader
		io.ReaderAt
		io.Seeker
	}
}

// CheckReceipt applies the attachments' rules to a receipt (name,
// length, size, type judged by the content, a PDF's rules), with photos
// allowed too.
func CheckReceipt(name string, r io.ReaderAt, size int64) (Receipt, error) {
	clean := applications.CleanName(name)
	fail := func(key string) (Receipt, error) {
		return Receipt{}, &applications.FileError{Name: clean, Key: key}
	}
	switch {
	case clean == "":
		return fail("file.error.name")
	case utf8.RuneCountInString(clean) > applications.MaxNameLength:
		return fail("file.error.name_length")
	case size == 0:
		return fail("file.error.empty")
	case size > applications.MaxFileSize:
		return fail("file.error.size")
	}
	ext := strings.TrimPrefix(strings.ToLower(path.Ext(clean)), ".")
	ct, ok := ReceiptTypes[ext]
	if !ok {
		return fail("cases.file.type")
	}
	if ext == "pdf" {
		if _, err := applications.CheckFile(clean, r, size); err != nil {
			return Receipt{}, err
		}
		return Receipt{Name: clean, Size: size, ContentType: ct}, nil
	}
	head := make([]byte, min(size, 4096))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return fail("file.error.unreadable")
	}
	if m := mimetype.Detect(head); !m.Is(ct) {
		return fail("file.error.mismatch")
	}
	return Receipt{Name: clean, Size: size, ContentType: ct}, nil
}

// AddOutlay adds an outlay with its receipt to an open travel claim of
// the owner's; a file that breaks a rule is an *applications.FileError
// and stores nothing.
func (s *Service) AddOutlay(ctx context.Context, o Owner, id string, rev int, ol Outlay, f File) (Case, error) {
	c, err := s.own(ctx, o, id)
	if err != nil {
		return Case{}, err
	}
	if c.Kind != KindTravel {
		return Case{}, ErrNotFound
	}
	if !c.Open() {
		return Case{}, ErrHandled
	}
	if rev != c.Rev {
		return Case{}, ErrStale
	}
	if len(c.Travel.Outlays) >= MaxOutlays {
		return Case{}, &applications.FileError{Name: applications.CleanName(f.Name), Key: "cases.file.too_many"}
	}
	rc, err := CheckReceipt(f.Name, f.Body, f.Size)
	if err != nil {
		return Case{}, err
	}
	if _, err := f.Body.Seek(0, io.SeekStart); err != nil {
		return Case{}, err
	}
	n := 1
	for _, x := range c.Travel.Outlays {
		n = max(n, x.N+1)
	}
	rc.Key = "cases/" + c.ID + "/" + strconv.Itoa(n) + "-" + newID()
	if err := s.Blobs.Put(ctx, rc.Key, f.Body, f.Size, rc.ContentType); err != nil {
		return Case{}, err
	}
	ol.N, ol.Receipt = n, rc
	out, err := s.revise(ctx, o, c, func(c *Case) {
		t := *c.Travel
		t.Outlays = append(slices.Clone(t.Outlays), ol)
		c.Travel = &t
	})
	if errors.Is(err, ErrStale) {
		_ = s.Blobs.Remove(context.WithoutCancel(ctx), rc.Key)
	}
	return out, err
}

// RemoveOutlay takes an outlay off an open travel claim of the owner's.
// The receipt's file stays while the claim is a record (submitted).
func (s *Service) RemoveOutlay(ctx context.Context, o Owner, id string, rev, n int) (Case, error) {
	c, err := s.own(ctx, o, id)
	if err != nil {
		return Case{}, err
	}
	if c.Kind != KindTravel {
		return Case{}, ErrNotFound
	}
	if !c.Open() {
		return Case{}, ErrHandled
	}
	if rev != c.Rev {
		return Case{}, ErrStale
	}
	i := slices.IndexFunc(c.Travel.Outlays, func(x Outlay) bool { return x.N == n })
	if i < 0 {
		return Case{}, ErrNotFound
	}
	key := c.Travel.Outlays[i].Receipt.Key
	out, err := s.revise(ctx, o, c, func(c *Case) {
		t := *c.Travel
		t.Outlays = slices.Delete(slices.Clone(t.Outlays), i, i+1)
		c.Travel = &t
	})
	if err == nil && c.SubmittedAt.IsZero() {
		err = s.Blobs.Remove(ctx, key)
	}
	return out, err
}

// OpenReceipt opens the receipt of outlay n of a case the person may see.
func (s *Service) OpenReceipt(ctx context.Context, personID, employmentID, id string, n int) (Receipt, io.ReadCloser, error) {
	c, _, _, err := s.Open(ctx, personID, employmentID, id)
	if err != nil {
		return Receipt{}, nil, err
	}
	t := c.Decided().Travel
	if t == nil {
		return Receipt{}, nil, ErrNotFound
	}
	for _, ol := range t.Outlays {
		if ol.N == n {
			rc, err := s.Blobs.Get(ctx, ol.Receipt.Key)
			return ol.Receipt, rc, err
		}
	}
	return Receipt{}, nil, ErrNotFound
}
