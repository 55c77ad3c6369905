package disclosure

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"portal/applications"
)

// Masked is what a masked value is replaced by in a copy.
const Masked = "[Sekretess]"

// The applicant's details a registrar may mask.
const (
	FieldName    = "name"
	FieldEmail   = "email"
	FieldPhone   = "phone"
	FieldAddress = "address"
)

// Fields lists the details that may be masked, in display order.
var Fields = []string{FieldName, FieldEmail, FieldPhone, FieldAddress}

// protectedFields are masked for an applicant with protected personal
// data whatever the registrar chose.
var protectedFields = []string{FieldEmail, FieldPhone, FieldAddress}

// Masking is what the registrar chose for a request's copy. The zero
// value is the default: identity numbers masked, internal notes and
// ratings left out, every detail and file as it is.
type Masking struct {
	// ShowIDNumbers leaves personal identity numbers in the text; by
	// default every one found is masked.
	ShowIDNumbers bool
	// Fields are the details masked for every applicant (FieldName ...).
	Fields []string
	// Answers are the ids of questions whose answers are masked.
	Answers []string
	// Notes and Ratings put the group's notes and ratings in the copy.
	Notes   bool
	Ratings bool
	// LeftOut are the ids of attached files left out of the copy.
	LeftOut []string
}

// Masks reports whether the detail is masked for every applicant.
func (m Masking) Masks(field string) bool { return slices.Contains(m.Fields, field) }

// MasksAnswer reports whether the answers to the question are masked.
func (m Masking) MasksAnswer(questionID string) bool { return slices.Contains(m.Answers, questionID) }

// LeavesOut reports whether the file is left out.
func (m Masking) LeavesOut(attachmentID string) bool { return slices.Contains(m.LeftOut, attachmentID) }

// clean keeps the known fields once, in order, and sorts the rest.
func (m Masking) clean() Masking {
	var fields []string
	for _, f := range Fields {
		if m.Masks(f) {
			fields = append(fields, f)
		}
	}
	m.Fields = fields
	m.Answers = sortedSet(m.Answers)
	m.LeftOut = sortedSet(m.LeftOut)
	return m
}

func sortedSet(list []string) []string {
	out := slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

// Masker masks one applicant's application: the fields chosen, every
// contact detail of one with protected personal data, identity numbers
// found in any text, and the masked details wherever the text repeats them.
type Masker struct {
	fields  map[string]bool
	idNums  bool
	answers Masking
	// values are the masked details as written, longest first, so that a
	// text quoting one loses it too.
	values []string
}

// NewMasker returns the masker of an applicant with these details.
func NewMasker(m Masking, d applications.Snapshot) *Masker {
	mk := &Masker{fields: map[string]bool{}, idNums: !m.ShowIDNumbers, answers: m}
	for _, f := range m.Fields {
		mk.fields[f] = true
	}
	if d.Protected {
		for _, f := range protectedFields {
			mk.fields[f] = true
		}
	}
	add := func(vals ...string) {
		for _, v := range vals {
			if v = strings.TrimSpace(v); utf8.RuneCountInString(v) >= 3 {
				mk.values = append(mk.values, v)
			}
		}
	}
	if mk.fields[FieldName] {
		add(d.Name(), d.FirstName, d.LastName)
	}
	if mk.fields[FieldEmail] {
		add(d.Email)
	}
	if mk.fields[FieldPhone] {
		add(d.Phone, digitsOnly(d.Phone))
	}
	if mk.fields[FieldAddress] {
		add(d.Street, d.PostalCode, d.Town)
	}
	slices.SortFunc(mk.values, func(a, b string) int { return len(b) - len(a) })
	return mk
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// Hides reports whether the detail is masked for this applicant.
func (mk *Masker) Hides(field string) bool { return mk.fields[field] }

// HidesAnswer reports whether answers to the question are masked.
func (mk *Masker) HidesAnswer(questionID string) bool { return mk.answers.MasksAnswer(questionID) }

// Field returns a detail's value as the copy shows it.
func (mk *Masker) Field(field, value string) string {
	if mk.fields[field] && value != "" {
		return Masked
	}
	return mk.Text(value)
}

// Text returns free text with every identity number and masked detail in
// it replaced by Masked.
func (mk *Masker) Text(s string) string {
	if mk.idNums {
		s = MaskIDNumbers(s)
	}
	for _, v := range mk.values {
		s = replaceFold(s, v, Masked)
	}
	return s
}

// replaceFold replaces every occurrence of old in s, compared without
// regard to case, by repl.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	var b strings.Builder
	for {
		i := indexFold(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s = s[i+len(old):]
	}
}

// indexFold is the byte offset of old in s ignoring case, or -1, where
// old stands as a word of its own: not inside a longer word or number. It
// compares rune by rune, so that the offsets are those of s itself.
func indexFold(s, old string) int {
	prev := ' '
	for i, r := range s {
		if !isWordRune(prev) && hasPrefixFold(s[i:], old) {
			return i
		}
		prev = r
	}
	return -1
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(prefix)
		if r1 != r2 && unicode.ToLower(r1) != unicode.ToLower(r2) {
			return false
		}
		s, prefix = s[n1:], prefix[n2:]
	}
	// Nor may it be the start of a longer word or number.
	if r, _ := utf8.DecodeRuneInString(s); s != "" && isWordRune(r) {
		return false
	}
	return true
}

// idCandidate matches what may be a personal identity or coordination
// number: YYMMDD or YYYYMMDD, an optional separator and four digits.
var idCandidate = regexp.MustCompile(`\d{6,8}[-+ ]?\d{4}`)

// MaskIDNumbers replaces every Swedish personal identity number
// (personnummer) and coordination number (samordningsnummer) in s by
// Masked: ten digits, or twelve with the century, with or without a
// separator, whose date is plausible and whose last digit passes the
// Luhn check. A number within a longer run of digits is left alone.
func MaskIDNumbers(s string) string {
	locs := idCandidate.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		start, end := loc[0], loc[1]
		if start > 0 && isDigit(s[start-1]) || end < len(s) && isDigit(s[end]) {
			continue
		}
		if !IsIDNumber(s[start:end]) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Masked)
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsIDNumber reports whether s is a personal identity or coordination
// number: YYMMDD-NNNC or YYYYMMDDNNNC (separator "-", "+", " " or none),
// with a month 01–12, a day 01–31 (61–91 for a coordination number) and
// a check digit C that passes the Luhn algorithm over the ten digits.
func IsIDNumber(s string) bool {
	d := digitsOnly(s)
	switch len(d) {
	case 12:
		if c := d[:2]; c != "18" && c != "19" && c != "20" {
			return false
		}
		d = d[2:]
	case 10:
	default:
		return false
	}
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	day := int(d[4]-'0')*10 + int(d[5]-'0')
	if month < 1 || month > 12 {
		return false
	}
	if day > 60 {
		day -= 60
	}
	if day < 1 || day > 31 {
		return false
	}
	return luhn(d)
}

// luhn reports whether the last digit of d is the Luhn check digit of
// the others.
func luhn(d string) bool {
	sum := 0
	for i := 0; i < len(d)-1; i++ {
		n := int(d[i] - '0')
		if i%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return (10-sum%10)%10 == int(d[len(d)-1]-'0')
}
