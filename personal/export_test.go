package personal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReadExport(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	rows, err := ReadExport(strings.NewReader("\xef\xbb\xbf"+`{"people": [
		{"user": " EvaRyl01 ", "street": "Storgatan 1", "postal_code": "35230", "city": "Växjö", "phone": "070-123 45 67",
		 "bank": {"clearing": "8327-9", "account": "914 123 456-1234"}},
		{"user": "otto", "email": "otto@example.se"}]}`), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].PersonID != "evaryl01" || rows[0].Contact.PostalCode != "352 30" || rows[0].Bank.Masked() != "8327-9 •••• 1234" ||
		rows[1].Bank != nil || rows[1].Contact.Email != "otto@example.se" {
		t.Fatalf("%+v", rows)
	}
	_, err = ReadExport(strings.NewReader(`{"people": [
		{"user": "a", "street": "Storgatan 1", "postal_code": "1234", "city": "X"},
		{"user": "b", "street": "Storgatan 1", "bank": {"clearing": "83", "account": "914123456-1234"}},
		{"user": "A"},
		{"street": "x"},
		{"user": "c", "pin": "19800101-1234"},
		{"user": "d", "phone": 701234567}]}`), now)
	var ee *ExportError
	if !errors.As(err, &ee) {
		t.Fatalf("%v", err)
	}
	got := err.Error()
	for _, want := range []string{"row 1 (a), postal_code: not five digits", "row 2 (b), postal_code: missing", "row 2 (b), city: missing",
		"row 2 (b), bank: the clearing number", "row 3 (a), user: named before, in row 1", "row 4, user: missing",
		"row 5: not a person of the format: unknown field \"pin\"", "row 6: not a person of the format: phone must be string"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "914123456") || strings.Contains(got, "19800101") || strings.Contains(got, "701234567") {
		t.Errorf("a value of the file is in the problems: %s", got)
	}
	if _, err := ReadExport(strings.NewReader(`[1]`), now); !errors.As(err, &ee) {
		t.Errorf("not an object: %v", err)
	}
}
