package web

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"portal/applications"
)

// Request bodies are streamed, so every rule on them is the portal's own
// and is applied before a byte of the body is read: the declared length
// against the route's limit, no compressed bodies (browsers never send
// them, and inflating one could turn a few kilobytes into gigabytes), and
// uploads read part by part with a cap on each.

const (
	// formLimit bounds the body of every form but the uploads.
	formLimit = 64 << 10
	// maxFieldPart bounds a text field inside an upload form.
	maxFieldPart = 1 << 10
	// maxParts bounds the parts of an upload form: a full batch of files,
	// one more to tell that it was too many, and a few fields.
	maxParts = applications.MaxBatch + 4
	// An upload must keep moving: each read gets Config.UploadIdle (30 s
	// unless set), and the whole body uploadMax. A full batch (5 × 5 MB)
	// within uploadMax needs about 30 kB/s, a slow mobile line.
	uploadStart = 60 * time.Second
	uploadMax   = 15 * time.Minute
)

var (
	errCompressed = fiber.NewError(fiber.StatusUnsupportedMediaType, "compressed request body")
	errSlowUpload = fiber.NewError(fiber.StatusRequestTimeout, "upload too slow")
)

// HeaderReceived gives the server the rules of a request once its header
// is read: uploads get time to arrive, every other body the usual limit.
func (k *Kit) HeaderReceived(header *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path, _, _ := bytes.Cut(header.RequestURI(), []byte("?"))
	if k.Cfg.IsUpload(string(path)) {
		return fasthttp.RequestConfig{ReadTimeout: max(uploadStart, k.Cfg.ReadTimeout)}
	}
	return fasthttp.RequestConfig{}
}

// BodyRules refuses a body the route does not take before any of it is
// read: over the route's limit, compressed, or of no declared length
// (browsers always declare the length of a form).
func (k *Kit) BodyRules(c *fiber.Ctx) error {
	// Only a multipart form to an upload route may be large; it is read
	// part by part. Anything else is read whole, so it gets the small limit.
	limit := formLimit
	if k.Cfg.IsUpload(c.Path()) && isMultipart(c) {
		limit = k.Cfg.BodyLimit
	}
	if ce := c.Request().Header.Peek(fiber.HeaderContentEncoding); len(ce) > 0 && string(ce) != "identity" {
		return errCompressed
	}
	switch n := c.Request().Header.ContentLength(); {
	case n > limit:
		return fiber.ErrRequestEntityTooLarge
	case n == -1:
		return fiber.ErrLengthRequired
	}
	return c.Next()
}

func isMultipart(c *fiber.Ctx) bool {
	mediaType, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	return mediaType == fiber.MIMEMultipartForm
}

// bodyReader reads the request body as it arrives. On an upload route each
// read that brings data gives the connection more time, up to uploadMax in
// all, so a slow but steady line gets through and a stalled one does not
// hold the connection.
func (k *Kit) bodyReader(c *fiber.Ctx) io.Reader {
	r := c.Context().RequestBodyStream()
	if r == nil { // the body came whole with the header
		return bytes.NewReader(c.Request().Body())
	}
	if !k.Cfg.IsUpload(c.Path()) {
		return r
	}
	// A large buffer: the multipart reader takes it as its own, so files
	// are copied in large reads, not a few kilobytes at a time.
	return bufio.NewReaderSize(&progressReader{r: r, conn: c.Context().Conn(), idle: k.Cfg.UploadIdle, end: time.Now().Add(uploadMax)}, 64<<10)
}

type progressReader struct {
	r    io.Reader
	conn net.Conn
	idle time.Duration
	end  time.Time
	set  time.Time // when the deadline was last moved
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	// Moved at most every tenth of the idle time: often enough to keep a
	// steady line going, seldom enough to cost nothing.
	if now := time.Now(); n > 0 && p.conn != nil && now.Sub(p.set) > p.idle/10 {
		p.set = now
		_ = p.conn.SetReadDeadline(minTime(now.Add(p.idle), p.end))
	}
	return n, err
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// errTooLong is the error of a limited reader that had more to give.
var errTooLong = errors.New("handlers: part too long")

// limitReader reads at most n bytes of r and fails if r has more.
func limitReader(r io.Reader, n int64) io.Reader { return &limited{r: r, n: n} }

type limited struct {
	r io.Reader
	n int64
}

func (l *limited) Read(b []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLong
	}
	if int64(len(b)) > l.n+1 {
		b = b[:l.n+1]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	if l.n < 0 {
		return n + int(l.n), errTooLong
	}
	return n, err
}

// ReadError maps a failure to read the body to the Page that explains it:
// a line too slow for the upload rules, or a malformed form.
func (k *Kit) ReadError(c *fiber.Ctx, err error) error {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return errSlowUpload
	}
	if errors.Is(err, errTooLong) {
		return fiber.ErrRequestEntityTooLarge
	}
	return fmt.Errorf("%w: %v", fiber.ErrBadRequest, err)
}

// UploadForm is the files of an upload form, each spooled to a temporary
// file of at most one byte more than a file may have, so that the rules
// can tell it was too big without the rest taking disk.
type UploadForm struct {
	Files []applications.Upload
	// Fields are the form's short text fields, the first value of each
	// name (an outlay's text and amount beside its receipt).
	Fields map[string]string
	dir    string
	temps  []*os.File
}

// Close removes the temporary files.
func (u *UploadForm) Close() {
	for _, f := range u.temps {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}
}

// ReadUploads reads the rest of a multipart form whose token the CSRF
// check has read: files of the field "files", at most one more than a
// batch may have, and no other parts beyond a few short fields.
func (k *Kit) ReadUploads(c *fiber.Ctx) (*UploadForm, error) {
	mr, _ := c.Locals(localMultipart).(*multipart.Reader)
	if mr == nil {
		return nil, fiber.ErrBadRequest
	}
	form := &UploadForm{dir: k.Cfg.UploadDir}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, nil
		}
		if err != nil {
			form.Close()
			return nil, k.ReadError(c, err)
		}
		if n >= maxParts {
			part.Close()
			form.Close()
			return nil, fiber.ErrRequestEntityTooLarge
		}
		err = form.add(part)
		part.Close()
		if err != nil {
			form.Close()
			return nil, k.ReadError(c, err)
		}
	}
}

func (u *UploadForm) add(part *multipart.Part) error {
	if part.FormName() != "files" || part.FileName() == "" { // a field, or no file chosen
		var b bytes.Buffer
		_, err := io.Copy(&b, limitReader(part, maxFieldPart))
		if name := part.FormName(); err == nil && part.FileName() == "" && name != "files" {
			if u.Fields == nil {
				u.Fields = map[string]string{}
			}
			if _, ok := u.Fields[name]; !ok {
				u.Fields[name] = b.String()
			}
		}
		return err
	}
	if len(u.Files) > applications.MaxBatch {
		// More than a batch may have: the rule says so, nothing more is kept.
		_, err := io.Copy(io.Discard, part)
		u.Files = append(u.Files, applications.Upload{Name: part.FileName()})
		return err
	}
	f, err := os.CreateTemp(u.dir, "upload-*")
	if err != nil {
		return err
	}
	u.temps = append(u.temps, f)
	// The multipart reader gives a few kilobytes a read; the file gets them
	// in large writes.
	w := bufio.NewWriterSize(f, 64<<10)
	kept, err := io.Copy(w, io.LimitReader(part, applications.MaxFileSize+1))
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	rest, err := io.Copy(io.Discard, part) // counted, not kept
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	u.Files = append(u.Files, applications.Upload{Name: part.FileName(), Size: kept + rest, Body: f})
	return nil
}
