// Package valid is how every domain says what is wrong with its input: a
// list of problems, each naming a field and the translation key of what is
// wrong, and the one rule for e-mail addresses.
package valid

import (
	"net/mail"
	"strings"
	"unicode"
)

// Problem is one thing wrong with a form: the field, the translation key of
// the text that says what, and that text's arguments.
type Problem struct {
	Field string
	Key   string
	Args  []any
}

// Problems lists what is wrong with a form, in field order; as an error it
// is a validation error, which handlers show next to the fields.
type Problems []Problem

// Error lists the fields and keys, for logs; users see the translations.
func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, q := range p {
		parts[i] = q.Field + ": " + q.Key
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records that field is wrong, as the text of key with args says.
func (p *Problems) Add(field, key string, args ...any) {
	*p = append(*p, Problem{Field: field, Key: key, Args: args})
}

// Err returns the problems as an error, or nil when there are none, so that
// an empty list is never mistaken for a failure.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

// Field returns the first problem of the named field.
func (p Problems) Field(name string) (Problem, bool) {
	for _, q := range p {
		if q.Field == name {
			return q, true
		}
	}
	return Problem{}, false
}

// Email accepts a bare address (no display name, no comment) of at most
// 254 bytes with a dot in its domain.
func Email(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// Plain reports whether s, a one-line text such as a name, holds no
// control characters.
func Plain(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// PlainText reports whether s, a text of lines such as a reason, holds no
// control characters but line breaks and tabs.
func PlainText(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' })
}
