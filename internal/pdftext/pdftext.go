// Package pdftext reads the text the portal's own PDFs show, for tests:
// the text of each compressed content stream, written by fpdf with a
// UTF-8 font as UTF-16 strings shown by Tj. It is no reader of PDFs in
// general.
package pdftext

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
)

var (
	stream = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)
	shown  = regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// Streams returns every content of the PDF's streams, inflated where
// they are compressed.
func Streams(pdf []byte) [][]byte {
	var out [][]byte
	for _, m := range stream.FindAllSubmatch(pdf, -1) {
		raw := m[1]
		r, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			out = append(out, raw)
			continue
		}
		b, err := io.ReadAll(r)
		if err != nil && len(b) == 0 {
			out = append(out, raw)
			continue
		}
		out = append(out, b)
	}
	return out
}

// Text returns the strings the PDF shows, one a line.
func Text(pdf []byte) string {
	var b strings.Builder
	for _, s := range Streams(pdf) {
		for _, m := range shown.FindAllSubmatch(s, -1) {
			b.WriteString(decode(unescape(m[1])))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// unescape undoes a literal string's backslash escapes.
func unescape(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case '\r', '\n':
			// a line continued
		default:
			if e >= '0' && e <= '7' {
				n := 0
				j := i
				for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
					n = n*8 + int(s[j]-'0')
				}
				out = append(out, byte(n))
				i = j - 1
				continue
			}
			out = append(out, e)
		}
	}
	return out
}

// decode reads UTF-16BE text, or takes bytes as they are when the string
// is not that.
func decode(b []byte) string {
	if len(b)%2 != 0 {
		return string(b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}
