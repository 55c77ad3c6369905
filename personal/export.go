package personal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"portal/valid"
)

// MaxExportSize is the largest export of personal data read, in bytes.
const MaxExportSize = 32 << 20

// ExportProblem is one thing wrong with an export: the row (from 1, in
// the file's order), the person, the field and what is wrong. It never
// holds a value of the file.
type ExportProblem struct {
	Row   int
	User  string
	Field string
	What  string
}

// String names the row, the person and the field, then the problem.
func (p ExportProblem) String() string {
	where := fmt.Sprintf("row %d", p.Row)
	if p.User != "" {
		where += " (" + p.User + ")"
	}
	if p.Field != "" {
		where += ", " + p.Field
	}
	return where + ": " + p.What
}

// ExportError lists every problem of an export; nothing of it is stored.
type ExportError struct{ Problems []ExportProblem }

// Error lists every problem.
func (e *ExportError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "personal data export: " + strings.Join(parts, "; ")
}

type exportRow struct {
	User       string `json:"user"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	Bank       *struct {
		Clearing string `json:"clearing"`
		Account  string `json:"account"`
	} `json:"bank"`
}

// ReadExport reads what HR and payroll export about staff's personal
// data, a JSON object
//
//	{"people": [{"user", "street", "postal_code", "city", "phone", "email",
//	             "bank": {"clearing", "account"}}, ...]}
//
// where every field but "user" may be left out, and checks every row
// before it returns any: the error is an *ExportError naming each
// problem by row and field. The account number is masked as it is read.
func ReadExport(r io.Reader, now time.Time) ([]Exported, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxExportSize+1))
	if err != nil {
		return nil, fmt.Errorf("personal data export: %w", err)
	}
	if len(raw) > MaxExportSize {
		return nil, &ExportError{[]ExportProblem{{What: fmt.Sprintf("the file is larger than %d MB", MaxExportSize>>20)}}}
	}
	var file struct {
		People []json.RawMessage `json:"people"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, &ExportError{[]ExportProblem{{What: `not a JSON object with "people": ` + err.Error()}}}
	}
	var out []Exported
	var problems []ExportProblem
	seen := map[string]int{}
	all := Editable{FieldAddress: true, FieldPhone: true, FieldEmail: true}
	for i, item := range file.People {
		row := i + 1
		var p exportRow
		d := json.NewDecoder(bytes.NewReader(item))
		d.DisallowUnknownFields()
		if err := d.Decode(&p); err != nil {
			problems = append(problems, ExportProblem{Row: row, What: "not a person of the format: " + schemaError(err)})
			continue
		}
		user := strings.ToLower(strings.TrimSpace(p.User))
		add := func(field, what string) {
			problems = append(problems, ExportProblem{Row: row, User: user, Field: field, What: what})
		}
		if user == "" {
			add("user", "missing")
			continue
		}
		if first, dup := seen[user]; dup {
			add("user", fmt.Sprintf("named before, in row %d", first))
			continue
		}
		seen[user] = row
		c := Contact{Street: p.Street, PostalCode: p.PostalCode, City: p.City, Phone: p.Phone, Email: p.Email}.Clean()
		parts := all
		if c.Street == "" && c.PostalCode == "" && c.City == "" {
			parts = Editable{FieldPhone: true, FieldEmail: true} // no address at all is allowed
		}
		var ps valid.Problems
		if errors.As(c.Validate(parts), &ps) {
			for _, q := range ps {
				add(q.Field, exportWords[strings.TrimPrefix(q.Key, "personal.error.")])
			}
		}
		e := Exported{PersonID: user, Contact: c, UpdatedAt: now}
		if p.Bank != nil {
			b, err := MaskAccount(p.Bank.Clearing, p.Bank.Account)
			if err != nil {
				add("bank", strings.TrimPrefix(err.Error(), "personal: "))
			} else {
				e.Bank = &b
			}
		}
		out = append(out, e)
	}
	if len(problems) > 0 {
		return nil, &ExportError{problems}
	}
	return out, nil
}

// exportWords say what is wrong with a field of an export, by the
// problem's key.
var exportWords = map[string]string{
	"characters": "holds characters that are not allowed", "too_long": "too long",
	"street_required": "missing, with a postal code or city", "postal_code_required": "missing, with a street or city",
	"city_required": "missing, with a street or postal code", "postal_code": "not five digits",
	"phone": "not a Swedish or international phone number", "email": "not an e-mail address",
}

// schemaError names the field of a decoding error, never its value.
func schemaError(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return typ.Field + " must be " + typ.Type.String()
	}
	if s := err.Error(); strings.HasPrefix(s, "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(s, "json: unknown field ")
	}
	return "not JSON"
}

// People tells which user names the staff directory has.
type People interface {
	PersonExists(ctx context.Context, id string) (bool, error)
}

// StoreExport stores what an export says of each person, replacing what
// the export said before; the person's own entries stay. A person the
// staff directory does not have is a problem, and then nothing is
// stored.
func StoreExport(ctx context.Context, store Store, people People, rows []Exported) error {
	var problems []ExportProblem
	for i, r := range rows {
		ok, err := people.PersonExists(ctx, r.PersonID)
		if err != nil {
			return err
		}
		if !ok {
			problems = append(problems, ExportProblem{Row: i + 1, User: r.PersonID, Field: "user", What: "not in the staff directory"})
		}
	}
	if len(problems) > 0 {
		return &ExportError{problems}
	}
	for _, r := range rows {
		if err := store.SaveExported(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
