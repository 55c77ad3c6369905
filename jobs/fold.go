package jobs

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold prepares text for matching: lower case, other accents dropped, but
// å, ä and ö kept as the letters of their own they are in Swedish (æ and ø,
// their Danish and Norwegian forms, count as ä and ö). Anything that is not
// a letter or digit becomes one space.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	last := rune(0)
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			switch {
			case r == '\u030a' && last == 'a':
				replaceLast(&b, 'å')
				last = 'å'
			case r == '\u0308' && last == 'a':
				replaceLast(&b, 'ä')
				last = 'ä'
			case r == '\u0308' && last == 'o':
				replaceLast(&b, 'ö')
				last = 'ö'
			}
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'æ':
			r = 'ä'
		case 'ø':
			r = 'ö'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			last = r
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
		last = 0
	}
	return strings.TrimSpace(b.String())
}

// replaceLast swaps the final ASCII letter in b for r.
func replaceLast(b *strings.Builder, r rune) {
	s := b.String()
	b.Reset()
	b.WriteString(s[:len(s)-1])
	b.WriteRune(r)
}

// loosen drops the dots and rings of å, ä and ö, for searching with a
// keyboard that lacks them.
var loosen = strings.NewReplacer("å", "a", "ä", "a", "ö", "o")

// hasNordic reports whether a folded word uses å, ä or ö.
func hasNordic(w string) bool { return strings.ContainsAny(w, "åäö") }

// Terms splits a search string into folded words, without duplicates.
func Terms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(Fold(q)) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
