package applications

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// errPDFTooComplex is returned for a PDF whose dictionaries take far more
// reading than the file is long: overlapping dictionaries made on purpose.
var errPDFTooComplex = errors.New("applications: pdf dictionaries overlap beyond reason")

// pdfEncrypted reports whether a PDF names an encryption dictionary. A
// reader finds it as the /Encrypt entry of a trailer, or of a
// cross-reference stream, which is an indirect object; when the
// cross-reference table is broken, readers rebuild it by searching the file
// for both. So every dictionary that follows the keyword "trailer" or "obj"
// anywhere is read, and its top-level names compared after decoding #xx
// escapes (/Encr#79pt is /Encrypt). The keywords are found by a plain byte
// search, so no string or stream can hide a trailer from the check, while
// a text that merely mentions /Encrypt is not a name in such a dictionary.
// The file is read in chunks, never whole.
func pdfEncrypted(r io.ReaderAt, size int64) (bool, error) {
	const chunk = 64 * 1024
	keywords := [][]byte{[]byte("trailer"), []byte("obj")}
	d := &pdfDict{r: r, size: size, budget: 4*size + 1<<20}
	d.br = bufio.NewReaderSize(nil, 256)
	// Each read overlaps the next chunk by a keyword's length, so a keyword
	// split by the chunk boundary is found whole; only keywords starting
	// inside the chunk are taken, so none is taken twice.
	buf := make([]byte, chunk+len(keywords[0]))
	for off := int64(0); off < size; off += chunk {
		n, err := r.ReadAt(buf, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return false, err
		}
		for _, kw := range keywords {
			for i := 0; i < min(n, chunk); {
				j := bytes.Index(buf[i:n], kw)
				if j < 0 || i+j >= chunk {
					break
				}
				i += j + len(kw)
				if !mayOpenDict(buf[i:n]) {
					continue
				}
				found, err := d.hasTopName(off+int64(i), "Encrypt")
				if found || err != nil {
					return found, err
				}
			}
		}
	}
	return false, nil
}

// pdfDict reads the dictionary that may start at an offset of a PDF.
type pdfDict struct {
	r      io.ReaderAt
	size   int64
	br     *bufio.Reader
	budget int64 // bytes all dictionaries together may still read
	read   int64
}

// hasTopName reports whether the dictionary starting at off, after white
// space and comments, has the name want among its own entries (not in a
// nested array or dictionary). Strings, hex strings and comments are read
// as PDF readers read them. Without a dictionary at off it reports false.
func (d *pdfDict) hasTopName(off int64, want string) (bool, error) {
	d.br.Reset(io.NewSectionReader(d.r, off, d.size-off))
	d.read = 0
	defer func() { d.budget -= d.read }()
	c, err := d.skipSpace()
	if err != nil || c != '<' {
		return false, ignoreEOF(err)
	}
	if c, err = d.next(); err != nil || c != '<' {
		return false, ignoreEOF(err)
	}
	depth := 1
	var name []byte
	for depth > 0 {
		c, err := d.next()
		if err != nil {
			return false, ignoreEOF(err)
		}
		switch c {
		case '%':
			err = d.skipComment()
		case '(':
			err = d.skipString()
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case '<':
			if c, err = d.next(); err == nil {
				if c == '<' {
					depth++
				} else {
					err = d.skipHex(c)
				}
			}
		case '>':
			if c, err = d.next(); err == nil {
				if c == '>' {
					depth--
				} else {
					err = d.br.UnreadByte()
				}
			}
		case '/':
			if name, err = d.name(name[:0]); err == nil && depth == 1 && string(name) == want {
				return true, nil
			}
		}
		if err != nil {
			return false, ignoreEOF(err)
		}
	}
	return false, nil
}

// next reads one byte, within the budget.
func (d *pdfDict) next() (byte, error) {
	if d.read >= d.budget {
		return 0, errPDFTooComplex
	}
	d.read++
	return d.br.ReadByte()
}

func (d *pdfDict) skipSpace() (byte, error) {
	for {
		c, err := d.next()
		switch {
		case err != nil:
			return 0, err
		case c == '%':
			if err := d.skipComment(); err != nil {
				return 0, err
			}
		case !pdfSpace(c):
			return c, nil
		}
	}
}

func (d *pdfDict) skipComment() error {
	for {
		c, err := d.next()
		if err != nil || c == '\r' || c == '\n' {
			return err
		}
	}
}

// skipString skips a literal string: parentheses nest, and a backslash
// takes the next byte as it is.
func (d *pdfDict) skipString() error {
	for depth := 1; depth > 0; {
		c, err := d.next()
		if err != nil {
			return err
		}
		switch c {
		case '\\':
			if _, err := d.next(); err != nil {
				return err
			}
		case '(':
			depth++
		case ')':
			depth--
		}
	}
	return nil
}

// skipHex skips a hex string whose first byte after '<' is c.
func (d *pdfDict) skipHex(c byte) error {
	for c != '>' {
		var err error
		if c, err = d.next(); err != nil {
			return err
		}
	}
	return nil
}

// name reads a name after its '/', decoding #xx escapes; a '#' without two
// hex digits stays as it is, as readers take it.
func (d *pdfDict) name(out []byte) ([]byte, error) {
	for {
		c, err := d.next()
		if err != nil {
			return out, err
		}
		if pdfSpace(c) || pdfDelimiter(c) {
			return out, d.br.UnreadByte()
		}
		if c == '#' {
			if hex, err := d.br.Peek(2); err == nil {
				if hi, lo, ok := unhex(hex[0]), unhex(hex[1]), isHex(hex[0]) && isHex(hex[1]); ok {
					_, _ = d.br.Discard(2)
					d.read += 2
					out = append(out, hi<<4|lo)
					continue
				}
			}
		}
		out = append(out, c)
	}
}

// mayOpenDict reports whether b, what follows a keyword in the chunk, may
// start a dictionary: after white space comes "<" or a comment, or the
// chunk ends. Anything else needs no closer look.
func mayOpenDict(b []byte) bool {
	for _, c := range b {
		if !pdfSpace(c) {
			return c == '<' || c == '%'
		}
	}
	return true
}

func ignoreEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func pdfSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func pdfDelimiter(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
