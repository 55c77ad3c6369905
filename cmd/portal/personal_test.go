package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"portal/employees"
	"portal/personal"
)

// The personal data export is stored for people the directory has, all
// or nothing, and leaves what a person entered in force.
func TestPersonalImportCommand(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	if err := db.Employees().SavePerson(ctx, employees.Person{ID: "evaryl01", FirstName: "Eva", LastName: "Rydberg", Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.Personal().SaveOwn(ctx, personal.Own{PersonID: "evaryl01", Contact: personal.Contact{Phone: "08-123 456 78"}, Phone: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out, errOut bytes.Buffer
	bad := write("bad.json", `{"people": [{"user": "evaryl01", "phone": "070-123 45 67", "bank": {"clearing": "8327-9", "account": "9141234561234"}}, {"user": "nobody"}]}`)
	if err := personalImport(ctx, cfg, log, bad, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "row 2 (nobody), user: not in the staff directory") {
		t.Fatalf("unknown person: %v\n%s", err, errOut.String())
	}
	if _, err := db.Personal().Exported(ctx, "evaryl01"); err == nil {
		t.Fatal("a bad file stored a row")
	}
	good := write("good.json", `{"people": [{"user": "evaryl01", "street": "Storgatan 1", "postal_code": "352 30", "city": "Växjö", "phone": "070-123 45 67",
		"bank": {"clearing": "8327-9", "account": "9141234561234"}}]}`)
	if err := personalImport(ctx, cfg, log, good, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	s := &personal.Service{Store: db.Personal()}
	d, err := s.Details(ctx, "evaryl01")
	if err != nil || d.Contact.Street != "Storgatan 1" || d.Contact.Phone != "08-123 456 78" || d.Bank.Masked() != "8327-9 •••• 1234" {
		t.Fatalf("details: %+v %v", d, err)
	}
}
