package payroll

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// File is payroll's export as `portal payroll import` reads it (README,
// "Data from payroll"): per employment its payslips, balances, totals,
// schedule, salary and tax details. Amounts and quantities are JSON
// strings with a decimal point ("32450.00", "8.5"), never numbers, so
// that nothing is rounded on the way; dates are "YYYY-MM-DD".
type File struct {
	Employments []FileEmployment `json:"employments"`
}

// FileEmployment is what the export holds of one employment; each part
// may be left out, and what is left out stays as stored.
type FileEmployment struct {
	Employment string        `json:"employment"` // the employee number, as in the staff directory
	Payslips   []FilePayslip `json:"payslips"`
	Balances   []FileBalance `json:"balances"`
	YearToDate []FileTotals  `json:"year_to_date"`
	Schedule   *FileSchedule `json:"schedule"`
	Salary     *FileSalary   `json:"salary"`
	Tax        *FileTax      `json:"tax"`
}

// FilePayslip is one payslip of the export.
type FilePayslip struct {
	Period string     `json:"period"`  // "2026-11"
	PaidOn string     `json:"paid_on"` // "2026-11-25"
	Lines  []FileLine `json:"lines"`
	Gross  Decimal    `json:"gross"`
	Tax    Decimal    `json:"tax"`
	Net    Decimal    `json:"net"`
}

// FileLine is one line of a payslip of the export.
type FileLine struct {
	Code     string  `json:"code"`
	Text     string  `json:"text"`
	Quantity Decimal `json:"quantity"` // may be left out
	Unit     string  `json:"unit"`
	Rate     Decimal `json:"rate"` // may be left out
	Amount   Decimal `json:"amount"`
}

// FileBalance is one balance of the export with its history.
type FileBalance struct {
	Kind    string      `json:"kind"` // vacation-paid, vacation-saved, vacation-unpaid, flex, comp
	Year    int         `json:"year"` // the vacation year; left out for flex and comp
	Unit    string      `json:"unit"` // "dag" or "tim"
	Value   Decimal     `json:"value"`
	AsOf    string      `json:"as_of"`
	History []FileEntry `json:"history"`
}

// FileEntry is one change of a balance in the export.
type FileEntry struct {
	Day    string  `json:"day"`
	Change Decimal `json:"change"`
	Value  Decimal `json:"value"`
	Text   string  `json:"text"`
}

// FileTotals is one year's totals of the export.
type FileTotals struct {
	Year       int     `json:"year"`
	Salary     Decimal `json:"salary"`
	Tax        Decimal `json:"tax"`
	Allowances Decimal `json:"allowances"`
	Benefits   Decimal `json:"benefits"`
	AsOf       string  `json:"as_of"`
}

// FileSchedule is the schedule of the days from From to To, both
// included: those days' stored shifts become these; a day without one is
// off.
type FileSchedule struct {
	From   string      `json:"from"`
	To     string      `json:"to"`
	Shifts []FileShift `json:"shifts"`
}

// FileShift is one shift of the export's schedule.
type FileShift struct {
	Day          string `json:"day"`
	Start        string `json:"start"` // "07:00"
	End          string `json:"end"`   // before Start: runs past midnight
	BreakMinutes int    `json:"break_minutes"`
	Text         string `json:"text"`
}

// FileSalary is the monthly salary of the export.
type FileSalary struct {
	Monthly Decimal `json:"monthly"`
	From    string  `json:"from"`
}

// FileTax is the tax details of the export: a table and column (with the
// column's amounts as steps), or a fixed percentage.
type FileTax struct {
	Year       int        `json:"year"`
	Table      int        `json:"table"`
	Column     int        `json:"column"`
	Steps      []FileStep `json:"steps"`
	Percent    Decimal    `json:"percent"`
	Adjustment string     `json:"adjustment"`
	Updated    string     `json:"updated"`
}

// FileStep is one row of a tax table: the tax on a monthly income from
// From up to and including To.
type FileStep struct {
	From Decimal `json:"from"`
	To   Decimal `json:"to"`
	Tax  Decimal `json:"tax"`
}

// Decimal is an amount or quantity of the export as written, checked
// when the file is; it keeps whatever JSON value stood there so that a
// number in place of a string is named as a problem of its field.
type Decimal struct{ raw []byte }

// UnmarshalJSON keeps the value as written.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	d.raw = bytes.Clone(b)
	return nil
}

// MarshalJSON writes the value as it was read.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d.raw == nil {
		return []byte("null"), nil
	}
	return d.raw, nil
}

// Dec is the decimal text as the export writes it: Dec("32450.00").
func Dec(s string) Decimal { return Decimal{raw: strconv.AppendQuote(nil, s)} }

// Set reports whether the file gives the value at all.
func (d Decimal) Set() bool {
	s := string(d.raw)
	return s != "" && s != "null" && s != `""`
}

var (
	amountPattern   = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,11})\.[0-9]{2}$`)
	quantityPattern = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$`)
)

// text is the string the file has, or why it has none.
func (d Decimal) text(example string) (string, string) {
	if len(d.raw) == 0 || d.raw[0] != '"' {
		return "", fmt.Sprintf("write it as a string with a decimal point, such as %q, not %s", example, d.raw)
	}
	var s string
	if err := json.Unmarshal(d.raw, &s); err != nil {
		return "", "not a string"
	}
	return s, ""
}

// amount reads "1234.50" (exactly two decimals) into öre.
func (d Decimal) amount() (Amount, string) {
	s, why := d.text("1234.50")
	if why != "" {
		return 0, why
	}
	if !amountPattern.MatchString(s) {
		return 0, fmt.Sprintf("%q is not an amount: write kronor with two decimals and a point, such as \"1234.50\" or \"-310.00\", without spaces", s)
	}
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	k, _ := strconv.ParseInt(whole, 10, 64)
	o, _ := strconv.ParseInt(frac, 10, 64)
	a := k*100 + o
	if neg {
		a = -a
	}
	return Amount(a), ""
}

// quantity reads "8", "8.5" or "8.50" into hundredths.
func (d Decimal) quantity() (Quantity, string) {
	s, why := d.text("8.50")
	if why != "" {
		return 0, why
	}
	if !quantityPattern.MatchString(s) {
		return 0, fmt.Sprintf("%q is not a quantity: write it with at most two decimals and a point, such as \"8.5\" or \"-2.25\"", s)
	}
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	k, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	h, _ := strconv.ParseInt(frac, 10, 64)
	q := k*100 + h
	if neg {
		q = -q
	}
	return Quantity(q), ""
}

// FormatAmount writes öre the way the export does: "1234.50".
func FormatAmount(a Amount) string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// FormatQuantity writes hundredths the way the export does: "8.50".
func FormatQuantity(q Quantity) string { return FormatAmount(Amount(q)) }

// Read decodes an export; a file that is no JSON of this shape is one
// *ImportError naming where it goes wrong.
func Read(r io.Reader) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return File{}, err
	}
	if len(data) > maxFile {
		return File{}, &ImportError{Problems: []Problem{{Message: fmt.Sprintf("the file is larger than %d MB", maxFile>>20)}}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return File{}, &ImportError{Problems: []Problem{{Message: jsonProblem(data, err)}}}
	}
	if dec.More() {
		return File{}, &ImportError{Problems: []Problem{{Message: "more than one JSON value in the file"}}}
	}
	return f, nil
}

// maxFile bounds an export: about 60 MB is five years of a large employer.
const maxFile = 256 << 20

// jsonProblem says what is wrong with the JSON and on which line.
func jsonProblem(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	at := func(off int64) string {
		off = min(off, int64(len(data)))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		return fmt.Sprintf("line %d", line)
	}
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s: not JSON: %v", at(syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s, field %s: a %s where the format has a %s", at(typ.Offset), typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.EOF):
		return "the file is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends in the middle of its JSON"
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if name, err := strconv.Unquote(name); err == nil {
			if place, off, found := keyPlace(data, name); found {
				return fmt.Sprintf("%s, %s: unknown field %q", at(off), place, name)
			}
		}
	}
	return msg
}

// keyPlace is the path ("employments[0].payslips[1].colour") and offset
// of the first object key named name in the JSON.
func keyPlace(data []byte, name string) (string, int64, bool) {
	type level struct {
		array bool
		index int    // of the next element, in an array
		key   string // the key whose value is read, in an object
		atKey bool   // an object awaiting its next key
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []level
	path := func() string {
		var b strings.Builder
		for _, l := range stack {
			if l.array {
				fmt.Fprintf(&b, "[%d]", l.index-1)
			} else {
				if b.Len() > 0 {
					b.WriteString(".")
				}
				b.WriteString(l.key)
			}
		}
		return b.String()
	}
	// value notes that a value began in the innermost container.
	value := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].atKey = true
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", 0, false
		}
		if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].atKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				continue
			}
			key, _ := tok.(string)
			stack[n-1].key, stack[n-1].atKey = key, false
			if key == name {
				return path(), dec.InputOffset(), true
			}
			continue
		}
		switch tok {
		case json.Delim('{'):
			value()
			stack = append(stack, level{atKey: true})
		case json.Delim('['):
			value()
			stack = append(stack, level{array: true})
		case json.Delim(']'), json.Delim('}'):
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && !stack[n-1].array {
				stack[n-1].atKey = true
			}
		default:
			value()
		}
	}
}

// date reads "YYYY-MM-DD" as midnight, Swedish time.
func date(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, Stockholm)
	return t, err == nil && t.Year() >= 1900
}
