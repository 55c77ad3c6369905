package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"portal/demo"
)

// `portal staff import FILE` against a real database: a bad CSV prints
// every problem, fails and stores nothing; a good one prints what it
// did, and the same file again changes nothing.
func TestStaffImport(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const head = "kind,id,name,parent,user,first_name,last_name,email,unit,title,manager,start,end\n"
	good := head +
		"unit,EXK,Exempelkommunen,,,,,,,,,,\n" +
		"employment,100009,,,evaryl01,Eva,Rylander,eva.rylander@exempelkommunen.se,EXK,Enhetschef,,2019-02-01,\n" +
		"employment,100010,,,fatali01,Fatima,Ali,fatima.ali@exempelkommunen.se,EXK,Undersköterska,100009,2020-06-15,\n"
	bad := good +
		"employment,100011,,,mikjoh01,Mikael,Johansson,mikael.johansson@exempelkommunen.se,EXK,Undersköterska,100099,,\n" +
		"employment,100012,,,annkar01,Anna,Karlsson,anna.karlsson,EXK,,,,\n"

	var out, errOut bytes.Buffer
	err := staffImport(ctx, cfg, log, write("bad.csv", bad), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported: 3 problems") {
		t.Fatalf("bad file: %v", err)
	}
	for _, want := range []string{"bad.csv: nothing was imported:\n",
		"  row 5 (mikjoh01), field manager: no such employment\n",
		"  row 6 (annkar01), field email: not an e-mail address\n",
		"  row 6 (annkar01), field title: required\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("want %q in:\n%s", want, errOut.String())
		}
	}
	if people, _ := db.Employees().AllPeople(ctx); len(people) != 0 {
		t.Fatalf("a bad file stored %d people", len(people))
	}

	path := write("good.csv", good)
	for i, want := range []string{"people       added 2, changed 0, deactivated 0, unchanged 0", "people       added 0, changed 0, deactivated 0, unchanged 2"} {
		out.Reset()
		if err := staffImport(ctx, cfg, log, path, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Fatalf("import %d: want %q in:\n%s", i+1, want, out.String())
		}
	}
	if err := staffCommand(ctx, cfg, log, []string{"export", path}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("unknown subcommand: %v", err)
	}
	if err := staffImport(ctx, cfg, log, write("staff.xlsx", good), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "must end in .json or .csv") {
		t.Fatalf("an .xlsx file: %v", err)
	}

	// The shipped demo organisation imports as a file too; it is a full
	// export, so the two above are deactivated (evaryl01 and fatali01 are
	// in it, and active again).
	out.Reset()
	if err := staffImport(ctx, cfg, log, write("organisation.json", string(demo.OrganisationJSON)), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "people       added 28, changed 0, deactivated 0, unchanged 2") {
		t.Fatalf("the demo organisation:\n%s", out.String())
	}
}
