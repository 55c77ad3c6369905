package employees

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// MaxExportSize is the largest export file read, in bytes.
const MaxExportSize = 64 << 20

// Read reads an export file in the format its name ends with, .json or
// .csv, and checks it: the error is an *ImportError naming every problem.
func Read(name string, r io.Reader) (Batch, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return ReadJSON(r)
	case ".csv":
		return ReadCSV(r)
	}
	return Batch{}, &ImportError{Problems: []Problem{{Message: fmt.Sprintf("%s: the name must end in .json or .csv", filepath.Base(name))}}}
}

func readAll(r io.Reader) ([]byte, []Problem) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxExportSize+1))
	switch {
	case err != nil:
		return nil, []Problem{{Message: "cannot read the file: " + err.Error()}}
	case len(raw) > MaxExportSize:
		return nil, []Problem{{Message: fmt.Sprintf("the file is larger than %d MB", MaxExportSize>>20)}}
	}
	return bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), nil
}

// finish adds what checking the batch finds to what reading it found.
func finish(b Batch, read []Problem) (Batch, error) {
	_, checked := b.check()
	if err := importError(append(read, checked...)); err != nil {
		return Batch{}, err
	}
	return b, nil
}

type unitJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

type personJSON struct {
	User        string            `json:"user"`
	FirstName   string            `json:"first_name"`
	LastName    string            `json:"last_name"`
	Email       string            `json:"email"`
	Employments []json.RawMessage `json:"employments"`
}

type employmentJSON struct {
	ID      string `json:"id"`
	Unit    string `json:"unit"`
	Title   string `json:"title"`
	Manager string `json:"manager"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// ReadJSON reads an export of the form
//
//	{"units": [{"id", "name", "parent"}, ...],
//	 "people": [{"user", "first_name", "last_name", "email",
//	             "employments": [{"id", "unit", "title", "manager", "start", "end"}, ...]}, ...]}
//
// and checks it. Its entries are numbered as rows in the order the file
// has them, from 1: each unit, each person, and after a person that
// person's employments.
func ReadJSON(r io.Reader) (Batch, error) {
	raw, ps := readAll(r)
	if ps != nil {
		return Batch{}, &ImportError{Problems: ps}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return Batch{}, &ImportError{Problems: []Problem{{Message: "the file is empty"}}}
	case err != nil:
		return Batch{}, &ImportError{Problems: notJSON(raw, dec, err)}
	case tok != json.Delim('{'):
		return Batch{}, &ImportError{Problems: []Problem{{Message: `the file must be a JSON object with "units" and "people"`}}}
	}
	var b Batch
	var read problems
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Batch{}, &ImportError{Problems: notJSON(raw, dec, err)}
		}
		key, _ := tok.(string)
		var items []json.RawMessage
		if err := dec.Decode(&items); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
				return Batch{}, &ImportError{Problems: notJSON(raw, dec, err)}
			}
			read.add(0, "", key, "must be a list")
			continue
		}
		switch key {
		case "units":
			for _, item := range items {
				n++
				var u unitJSON
				if err := strict(item, &u); err != nil {
					read.add(n, labelOf(item, "id"), err.field, "%s", err.message)
				}
				b.Units = append(b.Units, UnitRow{Row: n, ID: u.ID, Name: u.Name, Parent: u.Parent})
			}
		case "people":
			for _, item := range items {
				n++
				var p personJSON
				if err := strict(item, &p); err != nil {
					read.add(n, labelOf(item, "user"), err.field, "%s", err.message)
				}
				row := PersonRow{Row: n, User: p.User, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email}
				for _, item := range p.Employments {
					n++
					var e employmentJSON
					if err := strict(item, &e); err != nil {
						read.add(n, NormalizeUser(p.User), err.field, "%s", err.message)
					}
					row.Employments = append(row.Employments, EmploymentRow{Row: n, ID: e.ID, Unit: e.Unit, Title: e.Title,
						Manager: e.Manager, Start: e.Start, End: e.End})
				}
				b.People = append(b.People, row)
			}
		default:
			read.add(0, "", key, "unknown: the file has \"units\" and \"people\"")
		}
	}
	return finish(b, read)
}

type fieldError struct{ field, message string }

var unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)

// strict decodes one entry, refusing fields the format does not have.
func strict(item json.RawMessage, v any) *fieldError {
	dec := json.NewDecoder(bytes.NewReader(item))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		if typ.Field == "" {
			return &fieldError{"", "must be an object"}
		}
		what := "text"
		if typ.Field == "employments" {
			what = "a list"
		}
		return &fieldError{typ.Field, "must be " + what}
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return &fieldError{m[1], "unknown field"}
	}
	return &fieldError{"", err.Error()}
}

// labelOf is the entry's name for a problem, read as loosely as possible.
func labelOf(item json.RawMessage, key string) string {
	var m map[string]any
	_ = json.Unmarshal(item, &m)
	s, _ := m[key].(string)
	if key == "user" {
		return NormalizeUser(s)
	}
	return strings.TrimSpace(s)
}

// notJSON says where the file stops being JSON, by line.
func notJSON(raw []byte, dec *json.Decoder, err error) []Problem {
	var syn *json.SyntaxError
	msg := "the file ends before the JSON does"
	if errors.As(err, &syn) {
		line := 1 + bytes.Count(raw[:min(int(syn.Offset), len(raw))], []byte("\n"))
		msg = fmt.Sprintf("line %d: not JSON: %v", line, syn)
	} else if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		line := 1 + bytes.Count(raw[:min(int(dec.InputOffset()), len(raw))], []byte("\n"))
		msg = fmt.Sprintf("line %d: not JSON: %v", line, err)
	}
	return []Problem{{Message: msg}}
}

// The columns of a CSV export.
var (
	csvRequired = []string{"kind", "id", "user", "first_name", "last_name", "email", "unit", "title"}
	csvOptional = []string{"name", "parent", "manager", "start", "end"}
)

// ReadCSV reads an export with a header row naming its columns (in any
// order; comma or semicolon between them, as spreadsheets save it):
// kind, id, user, first_name, last_name, email, unit, title, and if used
// name, parent, manager, start, end. A row of kind "unit" is a unit (id,
// name, parent); a row of kind "employment" is an employment (id is the
// employee number; unit, title, manager, start, end) of the person in
// user, first_name, last_name and email, which a person's every row
// repeats. Rows are counted as a spreadsheet counts them: the header is
// row 1.
func ReadCSV(r io.Reader) (Batch, error) {
	raw, ps := readAll(r)
	if ps != nil {
		return Batch{}, &ImportError{Problems: ps}
	}
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(raw))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return Batch{}, &ImportError{Problems: []Problem{{Message: fmt.Sprintf("line %d: not CSV: %v", perr.Line, perr.Err)}}}
		}
		return Batch{}, &ImportError{Problems: []Problem{{Message: "not CSV: " + err.Error()}}}
	}
	if len(records) == 0 {
		return Batch{}, &ImportError{Problems: []Problem{{Message: "the file is empty: the first row names the columns"}}}
	}

	var read problems
	col := map[string]int{}
	for i, name := range records[0] {
		name = strings.ToLower(strings.TrimSpace(name))
		switch _, dup := col[name]; {
		case name == "":
		case dup:
			read.add(1, "", name, "the column is named twice")
		case !slices.Contains(csvRequired, name) && !slices.Contains(csvOptional, name):
			read.add(1, "", name, "unknown column")
		default:
			col[name] = i
		}
	}
	for _, name := range csvRequired {
		if _, ok := col[name]; !ok {
			read.add(1, "", name, "missing column")
		}
	}
	if len(read) > 0 {
		return Batch{}, importError(read)
	}

	var b Batch
	people := map[string]int{} // user → index in b.People
	for i, rec := range records[1:] {
		row := i + 2
		if len(rec) != len(records[0]) {
			if strings.TrimSpace(strings.Join(rec, "")) != "" {
				read.add(row, "", "", "%d columns, where the header has %d", len(rec), len(records[0]))
			}
			continue
		}
		get := func(name string) string {
			if j, ok := col[name]; ok {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		switch strings.ToLower(get("kind")) {
		case "unit":
			b.Units = append(b.Units, UnitRow{Row: row, ID: get("id"), Name: get("name"), Parent: get("parent")})
		case "employment":
			user := NormalizeUser(get("user"))
			p := PersonRow{Row: row, User: get("user"), FirstName: get("first_name"), LastName: get("last_name"), Email: get("email")}
			e := EmploymentRow{Row: row, ID: get("id"), Unit: get("unit"), Title: get("title"), Manager: get("manager"),
				Start: get("start"), End: get("end")}
			at, seen := people[user]
			if !seen || user == "" {
				people[user] = len(b.People)
				p.Employments = []EmploymentRow{e}
				b.People = append(b.People, p)
				continue
			}
			q := &b.People[at]
			for _, f := range []struct{ name, was, is string }{
				{"first_name", q.FirstName, p.FirstName}, {"last_name", q.LastName, p.LastName},
				{"email", strings.ToLower(q.Email), strings.ToLower(p.Email)},
			} {
				if f.was != f.is {
					read.add(row, user, f.name, "differs from row %d, the person's first row", q.Row)
				}
			}
			q.Employments = append(q.Employments, e)
		default:
			read.add(row, get("id"), "kind", "must be unit or employment")
		}
	}
	return finish(b, read)
}
