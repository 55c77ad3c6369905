package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// `portal staff courses FILE`: problems by row as `staff import` counts
// them, each on a line of its own; a second run says nothing is new.
func TestCoursesCommand(t *testing.T) {
	t.Parallel()
	_, cfg, log := commandEnv(t)
	ctx := context.Background()
	write := fileWriter(t)
	var out, errOut bytes.Buffer
	org := "kind,id,name,parent,user,first_name,last_name,email,unit,title,manager,start,end\n" +
		"unit,EXK,Exempelkommunen,,,,,,,,,,\n" +
		"employment,100009,,,evaryl01,Eva,Rylander,eva.rylander@exempelkommunen.se,EXK,Enhetschef,,2019-02-01,\n"
	if err := staffImport(ctx, cfg, log, write("org.csv", org), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	bad := write("bad.csv", "user,course,date\nevaryl01,introduktion,2026-01-01\nnobody,introduktion,2026-01-01\nevaryl01,chef-webb,1900-01-01\n")
	err := coursesCommand(ctx, cfg, log, bad, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported: 2 problems") {
		t.Fatalf("bad file: %v", err)
	}
	for _, want := range []string{"bad.csv: nothing was imported:\n", "  row 3 (nobody), field user: no such person\n", "  row 4 (evaryl01), field date: before 1990-01-01\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("want %q in:\n%s", want, errOut.String())
		}
	}
	good := write("good.csv", "user,course,date\nevaryl01,introduktion,2026-01-01\nevaryl01,Chef webb,2026-01-02\n")
	for i, want := range []string{"courses recorded: 2 new, 0 changed, 0 already there", "courses recorded: 0 new, 0 changed, 2 already there"} {
		out.Reset()
		if err := coursesCommand(ctx, cfg, log, good, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("run %d: want %q in %q", i+1, want, out.String())
		}
	}
}
