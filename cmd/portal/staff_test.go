package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"portal/access"
	"portal/internal/app"

	"portal/demo"
)

// `portal staff import FILE` against a real database: a bad CSV prints
// every problem, fails and stores nothing; a good one prints what it
// did, and the same file again changes nothing.
func TestStaffImport(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	write := fileWriter(t)
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
	if err := staffCommand(ctx, cfg, log, []string{"export", path}); err == nil || !strings.Contains(err.Error(), `unknown staff command "export"; use portal staff import FILE`) {
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

// The first administrator: made in the portal when not in the directory,
// granted the system administrator role for the whole organisation, with
// a temporary password mailed to the work address; a person already in
// the directory gets it only at the address on file.
func TestStaffAddAdmin(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	var out bytes.Buffer
	for _, bad := range [][2]string{{"Ev a", "eva@example.se"}, {"evaryl01", "eva.example.se"}} {
		if err := addAdmin(ctx, cfg, log, bad[0], bad[1], "", &out); err == nil {
			t.Errorf("add-admin %q %q: no error", bad[0], bad[1])
		}
	}
	if err := addAdmin(ctx, cfg, log, "KomAdm01", "Kim.Admin@exempelkommunen.se", "Kim Admin", &out); err != nil {
		t.Fatal(err)
	}
	p, err := db.Employees().PersonByID(ctx, "komadm01")
	if err != nil || !p.Local || !p.Active || p.Name() != "Kim Admin" || p.WorkEmail != "kim.admin@exempelkommunen.se" {
		t.Fatalf("person %+v %v", p, err)
	}
	s, err := app.NewServices(appConfig(cfg), app.Infra{DB: db, Now: time.Now, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, perm := range []access.Permission{access.PermReadAudit, access.PermGrantRoles} {
		if ok, err := s.Policy.Can(ctx, "komadm01", perm, access.Everywhere); err != nil || !ok {
			t.Errorf("administrator cannot %s: %v", perm, err)
		}
	}
	mails, _ := s.Outbox.Recent(ctx, 10)
	if len(mails) != 1 || mails[0].To != "kim.admin@exempelkommunen.se" || !strings.Contains(mails[0].Text, "KOMADM01") {
		t.Fatalf("mails %+v", mails)
	}
	// The mail says what happened; nobody asked for a new password.
	if !strings.Contains(mails[0].Subject, "systemadministratör") || !strings.Contains(mails[0].Text, "Du har blivit systemadministratör") ||
		strings.Contains(mails[0].Text, "bett om ett nytt lösenord") {
		t.Fatalf("administrator mail %q:\n%s", mails[0].Subject, mails[0].Text)
	}
	// Again: nothing new but a new temporary password, and it says so;
	// another address is refused.
	out.Reset()
	if err := addAdmin(ctx, cfg, log, "komadm01", "kim.admin@exempelkommunen.se", "", &out); err != nil || !strings.Contains(out.String(), "was already system administrator") {
		t.Fatalf("again: %v %q", err, out.String())
	}
	if err := addAdmin(ctx, cfg, log, "komadm01", "someone@elsewhere.se", "", &out); err == nil || !strings.Contains(err.Error(), "address on file") {
		t.Fatalf("another address: %v", err)
	}
	if mails, _ := s.Outbox.Recent(ctx, 10); len(mails) != 2 {
		t.Fatalf("%d mails", len(mails))
	}
	// An import that leaves the local administrator out keeps them.
	if err := seedOrganisation(ctx, s.Directory, s.Access, false, log); err != nil {
		t.Fatal(err)
	}
	// The demo's recruiter holds the role once, however often it is seeded.
	if err := seedOrganisation(ctx, s.Directory, s.Access, false, log); err != nil {
		t.Fatal(err)
	}
	if gs, err := s.Access.GrantsOf(ctx, "sarnys01"); err != nil || len(gs) != 1 || gs[0].Role != "recruiter" {
		t.Fatalf("demo grants of sarnys01: %v %+v", err, gs)
	}
	if p, _ := db.Employees().PersonByID(ctx, "komadm01"); !p.Active {
		t.Fatal("the administrator was deactivated by an import")
	}
}

// Help is asked for by "help", "-h" or "--help", also after a command.
func TestWantsHelp(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		args []string
		want bool
	}{{"help", nil, true}, {"serve", []string{"--help"}, true}, {"staff", []string{"help"}, true}, {"ads", []string{"import", "-h"}, true},
		{"staff", []string{"import", "help.json"}, false}, {"serve", nil, false}} {
		if got := wantsHelp(tc.cmd, tc.args); got != tc.want {
			t.Errorf("wantsHelp(%q, %q) = %v", tc.cmd, tc.args, got)
		}
	}
}
