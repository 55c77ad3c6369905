package employees_test

import (
	"errors"
	"strings"
	"testing"

	"portal/employees"
)

const header = "kind,id,name,parent,user,first_name,last_name,email,unit,title,manager,start,end\n"

func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ierr *employees.ImportError
	if !errors.As(err, &ierr) {
		t.Fatalf("want an *ImportError, got %v", err)
	}
	var out []string
	for _, p := range ierr.Problems {
		out = append(out, p.String())
	}
	return out
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// A CSV export with many problems names every one, by the row a
// spreadsheet shows (the header is row 1), the entry and the field.
func TestReadCSVNamesEveryProblem(t *testing.T) {
	t.Parallel()
	file := header +
		"unit,EXK,Exempelkommunen,,,,,,,,,,\n" + // 2
		"unit,EXK-A,Avdelning A,EXK,,,,,,,,,\n" + // 3
		"unit,EXK-B,B,EXK-C,,,,,,,,,\n" + // 4
		"unit,EXK-C,C,EXK-B,,,,,,,,,\n" + // 5
		"unit,EXK-A,Igen,EXK,,,,,,,,,\n" + // 6
		"unit,EXK-D,,EXK-X,,,,,,,,,\n" + // 7
		"employment,1001,,,marlin01,Maria,Lindqvist,maria@exempel.se,EXK,Kommundirektör,,2020-01-01,\n" + // 8
		"employment,1002,,,evaryl01,Eva,Rylander,eva@exempel.se,EXK-A,Enhetschef,1001,2020-02-30,\n" + // 9
		"employment,1003,,,EvaRyl01,Eva,Rylander,EVA@exempel.se,EXK-Z,Sjuksköterska,1002,,\n" + // 10
		"employment,1004,,,Bad User,Anna,,nope,EXK,Undersköterska,9999,2021-01-01,2020-01-01\n" + // 11
		"employment,1005,,,fatali01,Fatima,Ali,fatima@exempel.se,EXK-A,,1006,,\n" + // 12
		"employment,1006,,,omaabd01,Omar,Abdi,Fatima@exempel.se,EXK-A,Vårdbiträde,1005,,\n" + // 13
		"employment,1002,,,larnil01,Lars,Nilsson,lars@exempel.se,EXK-A,Vårdbiträde,1002,,\n" + // 14
		"employment,1007,,,evaryl01,Eve,Rylander,eva@exempel.se,EXK-A,Timanställd,,,\n" + // 15
		"moon,1,,,,,,,,,,,\n" + // 16
		"employment,1008,,,\n" + // 17
		",,,,,,,,,,,,\n" // 18, empty: skipped
	_, err := employees.Read("export.CSV", strings.NewReader(file))
	same(t, problemsOf(t, err), []string{
		"row 4 (EXK-B), field parent: the units form a cycle: EXK-B → EXK-C → EXK-B",
		"row 6 (EXK-A), field id: unit EXK-A is also in row 3",
		"row 7 (EXK-D), field name: required",
		"row 7 (EXK-D), field parent: no such unit",
		"row 9 (evaryl01), field start: not a date (YYYY-MM-DD)",
		"row 10 (evaryl01), field unit: no such unit",
		"row 10 (evaryl01), field manager: employment 1002 is the same person's",
		"row 11 (bad user), field user: use 2 to 32 letters a–z, digits, '.', '-' or '_', starting with a letter or digit",
		"row 11 (bad user), field last_name: required",
		"row 11 (bad user), field email: not an e-mail address",
		"row 11 (bad user), field end: before the start",
		"row 11 (bad user), field manager: no such employment",
		"row 12 (fatali01), field title: required",
		"row 12 (fatali01), field manager: the managers form a cycle: 1005 → 1006 → 1005",
		"row 13 (omaabd01), field email: also the address of row 12 (fatali01): codes and temporary passwords go to this address",
		"row 14 (larnil01), field id: employee number 1002 is also in row 9",
		"row 14 (larnil01), field manager: an employment cannot be its own manager",
		"row 15 (evaryl01), field first_name: differs from row 9, the person's first row",
		"row 16 (1), field kind: must be unit or employment",
		"row 17: 5 columns, where the header has 13",
	})
}

// The same export as JSON numbers its entries in the order of the file:
// each unit, each person and after the person their employments.
func TestReadJSONNamesEveryProblem(t *testing.T) {
	t.Parallel()
	file := `{
  "people": [
    {"user": "marlin01", "first_name": "Maria", "last_name": "Lindqvist", "email": "maria@exempel.se", "employments": [
      {"id": "1001", "unit": "EXK", "title": "Kommundirektör"}]},
    {"user": "evaryl01", "first_name": "Eva", "last_name": "Rylander", "email": "eva@exempel.se", "employments": [
      {"id": "1002", "unit": "EXK", "title": "Enhetschef", "manager": "1001"},
      {"id": "1003", "unit": "EXK", "title": "Sjuksköterska", "manager": "1009", "shift": "natt"}]},
    {"user": "evaryl01", "first_name": 7, "last_name": "Rylander", "email": "eva2@exempel.se"}
  ],
  "units": [{"id": "EXK", "name": "Exempelkommunen", "parent": "EXK"}],
  "extra": []
}`
	_, err := employees.Read("x.json", strings.NewReader(file))
	same(t, problemsOf(t, err), []string{
		"field extra: unknown: the file has \"units\" and \"people\"",
		"row 5 (evaryl01), field shift: unknown field",
		"row 5 (evaryl01), field manager: no such employment",
		"row 6 (evaryl01), field first_name: must be text",
		"row 6 (evaryl01), field user: also in row 3",
		"row 6 (evaryl01), field first_name: required",
		"row 7 (EXK), field parent: a unit cannot be its own parent",
	})
}

// A file that is not an export at all says so in one line.
func TestReadRefusesWhatIsNoExport(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, body, want string }{
		{"a.txt", "{}", "a.txt: the name must end in .json or .csv"},
		{"a.json", "", "the file is empty"},
		{"a.json", "[]", `the file must be a JSON object with "units" and "people"`},
		{"a.json", "{\n\"units\": [,]}", "line 2: not JSON: invalid character ',' looking for beginning of value"},
		{"a.json", `{"units": [`, "the file ends before the JSON does"},
		{"a.json", `{"units": {}, "people": []}`, "field units: must be a list"},
		{"a.json", `{"units": []}`, "the export lists no people; a full export names everyone, and whoever it leaves out is deactivated"},
		{"a.csv", "", "the file is empty: the first row names the columns"},
		{"a.csv", "kind,id,colour\n", "row 1, field colour: unknown column"},
		{"a.csv", "kind,id,\"user\n", `line 1: not CSV: extraneous or missing " in quoted-field`},
	} {
		_, err := employees.Read(c.name, strings.NewReader(c.body))
		if got := problemsOf(t, err); len(got) == 0 || got[0] != c.want {
			t.Errorf("%s %q: got %q, want first %q", c.name, c.body, got, c.want)
		}
	}
}

// Spreadsheets save with semicolons and a byte-order mark; columns come in
// any order, the optional ones may be left out, and a person's rows make
// one person with several employments.
func TestReadCSVSemicolonsAnyOrder(t *testing.T) {
	t.Parallel()
	file := "\ufeffuser;kind;id;first_name;last_name;email;unit;title;name;manager\n" +
		"; unit ;EXK;;;;;;Exempelkommunen;\n" +
		"SofAnd01;employment;100015;Sofia;Andersson;sofia.andersson@exempel.se;EXK;Sjuksköterska;;\n" +
		"sofand01;Employment;100031;Sofia;Andersson;Sofia.Andersson@exempel.se;EXK;Sjuksköterska, timanställd;;\n"
	b, err := employees.Read("hr.csv", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Units) != 1 || b.Units[0].Name != "Exempelkommunen" || len(b.People) != 1 || len(b.People[0].Employments) != 2 {
		t.Fatalf("batch: %+v", b)
	}
	if e := b.People[0].Employments[1]; e.Row != 4 || e.ID != "100031" || e.Title != "Sjuksköterska, timanställd" {
		t.Fatalf("second employment: %+v", e)
	}
}
