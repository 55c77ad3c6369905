package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"portal/employees"
	"portal/internal/testenv"
)

// The directory's store keeps every field, finds by person and manager,
// and says ErrNotFound for what it does not have.
func TestEmployeesRoundTrip(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Employees()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	units := []employees.Unit{
		{ID: "EXK", Name: "Exempelkommunen", Active: true, UpdatedAt: at},
		{ID: "EXK-HEM", Name: "Hemtjänsten", ParentID: "EXK", Active: false, UpdatedAt: at, DeactivatedAt: at.Add(time.Hour)},
	}
	people := []employees.Person{
		{ID: "evaryl01", FirstName: "Eva", LastName: "Rylander", WorkEmail: "eva.rylander@exempelkommunen.se", Active: true,
			DefaultEmployment: "2", CreatedAt: at, UpdatedAt: at},
		{ID: "fatali01", FirstName: "Fatima", LastName: "Ali", WorkEmail: "fatima.ali@exempelkommunen.se", Active: false,
			CreatedAt: at, UpdatedAt: at, DeactivatedAt: at},
	}
	emps := []employees.Employment{
		{ID: "1", PersonID: "evaryl01", UnitID: "EXK-HEM", Title: "Enhetschef", Active: true, Start: at.AddDate(-3, 0, 0), UpdatedAt: at},
		{ID: "2", PersonID: "evaryl01", UnitID: "EXK", Title: "Samordnare", ManagerID: "1", Active: true},
		{ID: "3", PersonID: "fatali01", UnitID: "EXK-HEM", Title: "Undersköterska", ManagerID: "1", Active: false,
			Start: at.AddDate(-1, 0, 0), End: at.AddDate(0, 0, -1), UpdatedAt: at, DeactivatedAt: at},
	}
	for _, u := range units {
		if err := s.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range people {
		if err := s.SavePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range emps {
		if err := s.SaveEmployment(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, got, want any, err error) {
		t.Helper()
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %+v (%v)\nwant %+v", what, got, err, want)
		}
	}
	gotUnits, err := s.AllUnits(ctx)
	check("AllUnits", gotUnits, units, err)
	u, err := s.UnitByID(ctx, "EXK-HEM")
	check("UnitByID", u, units[1], err)
	gotPeople, err := s.AllPeople(ctx)
	check("AllPeople", gotPeople, people, err)
	p, err := s.PersonByID(ctx, "fatali01")
	check("PersonByID", p, people[1], err)
	some, err := s.People(ctx, []string{"fatali01", "nobody"})
	check("People", some, people[1:], err)
	gotEmps, err := s.AllEmployments(ctx)
	check("AllEmployments", gotEmps, emps, err)
	e, err := s.EmploymentByID(ctx, "3")
	check("EmploymentByID", e, emps[2], err)
	of, err := s.EmploymentsOf(ctx, "evaryl01")
	check("EmploymentsOf", of, emps[:2], err)
	reports, err := s.Reports(ctx, "1")
	check("Reports", reports, emps[1:], err)

	for what, err := range map[string]error{
		"person":      func() error { _, err := s.PersonByID(ctx, "nobody"); return err }(),
		"employment":  func() error { _, err := s.EmploymentByID(ctx, "9"); return err }(),
		"unit":        func() error { _, err := s.UnitByID(ctx, "NOPE"); return err }(),
		"set default": s.SetDefaultEmployment(ctx, "nobody", "1"),
	} {
		if !errors.Is(err, employees.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", what, err)
		}
	}
	if err := s.SetDefaultEmployment(ctx, "evaryl01", "1"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.PersonByID(ctx, "evaryl01"); p.DefaultEmployment != "1" {
		t.Fatalf("default employment: %+v", p)
	}
}

// SyncPerson writes what the export owns and nothing else: a new person
// gets the creation time, a known one keeps it and the default employment
// chosen, and reactivation clears the time of leaving.
func TestSyncPersonKeepsWhatThePersonChose(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Employees()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	p := employees.Person{ID: "sofand01", FirstName: "Sofia", LastName: "Andersson", WorkEmail: "sofia.andersson@exempelkommunen.se",
		Active: true, CreatedAt: at, UpdatedAt: at}
	if err := s.SyncPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDefaultEmployment(ctx, "sofand01", "100031"); err != nil {
		t.Fatal(err)
	}
	later := at.Add(time.Hour)
	p.Active, p.CreatedAt, p.UpdatedAt, p.DeactivatedAt = false, later, later, later
	if err := s.SyncPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ := s.PersonByID(ctx, "sofand01")
	if got.Active || !got.CreatedAt.Equal(at) || !got.DeactivatedAt.Equal(later) || got.DefaultEmployment != "100031" {
		t.Fatalf("after leaving: %+v", got)
	}
	p.Active, p.LastName, p.DeactivatedAt = true, "Andersson Lind", time.Time{}
	if err := s.SyncPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ = s.PersonByID(ctx, "sofand01")
	if !got.Active || !got.DeactivatedAt.IsZero() || got.LastName != "Andersson Lind" || got.DefaultEmployment != "100031" {
		t.Fatalf("back: %+v", got)
	}
}
