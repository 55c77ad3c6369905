package employees_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"portal/demo"
	"portal/employees"
	"portal/internal/fixtures"
)

var ctx = context.Background()

func directory(t *testing.T) (*employees.Directory, *fixtures.Fixtures) {
	t.Helper()
	f := fixtures.New(t)
	return &employees.Directory{Store: f.DB.Employees(), Now: f.Clock.Now}, f
}

func demoBatch(t *testing.T) employees.Batch {
	t.Helper()
	b, err := demo.Organisation()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// state is everything the directory holds, printed, times included.
func state(t *testing.T, d *employees.Directory) string {
	t.Helper()
	units, err := d.Store.AllUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	people, err := d.Store.AllPeople(ctx)
	if err != nil {
		t.Fatal(err)
	}
	emps, err := d.Store.AllEmployments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v\n%+v", units, people, emps)
}

func mustImport(t *testing.T, d *employees.Directory, b employees.Batch) employees.Summary {
	t.Helper()
	sum, err := d.Import(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// Importing the demo organisation stores it whole; importing it again a
// day later changes nothing, not even a time of change.
func TestImportTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	d, f := directory(t)
	sum := mustImport(t, d, demoBatch(t))
	want := employees.Summary{Units: employees.Counts{Added: 10}, People: employees.Counts{Added: 30}, Employments: employees.Counts{Added: 33}}
	if sum != want {
		t.Fatalf("first import: %+v", sum)
	}
	before := state(t, d)
	f.Clock.Add(24 * time.Hour)
	sum = mustImport(t, d, demoBatch(t))
	want = employees.Summary{Units: employees.Counts{Unchanged: 10}, People: employees.Counts{Unchanged: 30}, Employments: employees.Counts{Unchanged: 33}}
	if sum != want {
		t.Fatalf("second import: %+v", sum)
	}
	if after := state(t, d); after != before {
		t.Fatalf("the second import changed the directory:\n%s\n---\n%s", before, after)
	}

	// What the demo promises: a manager with reports, two employments,
	// an administrator-to-be.
	reports, err := d.Store.Reports(ctx, "100009")
	if err != nil || len(reports) != 6 {
		t.Fatalf("evaryl01's reports: %d %v", len(reports), err)
	}
	m, _, err := d.ManagerOf(ctx, "100010")
	if err != nil || m.ID != "evaryl01" {
		t.Fatalf("fatali01's manager: %+v %v", m, err)
	}
	if emps, _ := d.Employments(ctx, "sofand01"); len(emps) != 2 {
		t.Fatalf("sofand01: %+v", emps)
	}
	if e, _ := d.Employment(ctx, "100006"); e.Title != "Systemförvaltare" || e.PersonID != "erisan01" {
		t.Fatalf("the administrator-to-be: %+v", e)
	}
	if chain, _ := d.Ancestors(ctx, "EXK-VOF-HEM"); len(chain) != 3 || chain[2].ID != "EXK-KS" {
		t.Fatalf("units above Hemtjänsten: %+v", chain)
	}
}

// A person who leaves the export is deactivated with their employments,
// and a unit that leaves it too; nothing is deleted. Coming back makes
// them active again and keeps what the person chose.
func TestImportDeactivatesWhoLeftAndBringsThemBack(t *testing.T) {
	t.Parallel()
	d, f := directory(t)
	full := demoBatch(t)
	mustImport(t, d, full)
	created := f.Clock.Now()
	if err := d.SetDefault(ctx, "sofand01", "100031"); err != nil {
		t.Fatal(err)
	}

	// Without sofand01 (two employments) and without a unit nobody works in.
	var less employees.Batch
	less.Units = append(less.Units, full.Units...)
	less.Units = append(less.Units, employees.UnitRow{Row: 99, ID: "EXK-TMP", Name: "Projektkontoret", Parent: "EXK-KLF"})
	for _, p := range full.People {
		if p.User != "sofand01" {
			less.People = append(less.People, p)
		}
	}
	f.Clock.Add(time.Hour)
	sum := mustImport(t, d, less)
	if sum.People != (employees.Counts{Unchanged: 29, Deactivated: 1}) || sum.Employments != (employees.Counts{Unchanged: 31, Deactivated: 2}) ||
		sum.Units != (employees.Counts{Unchanged: 10, Added: 1}) {
		t.Fatalf("without sofand01: %+v", sum)
	}
	left := f.Clock.Now()
	p, err := d.Person(ctx, "sofand01")
	if err != nil || p.Active || !p.DeactivatedAt.Equal(left) || !p.CreatedAt.Equal(created) {
		t.Fatalf("sofand01 after leaving: %+v %v", p, err)
	}
	emps, _ := d.Employments(ctx, "sofand01")
	for _, e := range emps {
		if e.Active || !e.DeactivatedAt.Equal(left) {
			t.Fatalf("an employment of who left: %+v", e)
		}
	}
	if _, err := d.CurrentEmployment(ctx, p); !errors.Is(err, employees.ErrNotFound) {
		t.Fatalf("who left still has a current employment: %v", err)
	}

	f.Clock.Add(time.Hour)
	sum = mustImport(t, d, full)
	if sum.People != (employees.Counts{Unchanged: 29, Changed: 1}) || sum.Employments != (employees.Counts{Unchanged: 31, Changed: 2}) ||
		sum.Units != (employees.Counts{Unchanged: 10, Deactivated: 1}) {
		t.Fatalf("sofand01 back: %+v", sum)
	}
	p, _ = d.Person(ctx, "sofand01")
	if !p.Active || !p.DeactivatedAt.IsZero() || !p.UpdatedAt.Equal(f.Clock.Now()) || !p.CreatedAt.Equal(created) || p.DefaultEmployment != "100031" {
		t.Fatalf("sofand01 back: %+v", p)
	}
	if e, _ := d.CurrentEmployment(ctx, p); e.ID != "100031" || !e.Active {
		t.Fatalf("sofand01's default employment: %+v", e)
	}
	if u, err := d.Unit(ctx, "EXK-TMP"); err != nil || u.Active || !u.DeactivatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("the unit that left: %+v %v", u, err)
	}
}

// A change is a change: the summary counts it and the time of change
// moves; an employment whose last day has passed is inactive.
func TestImportChangesAndEndedEmployments(t *testing.T) {
	t.Parallel()
	d, f := directory(t)
	b := demoBatch(t)
	mustImport(t, d, b)
	b.People[0].LastName = "Lindqvist Berg"
	b.People[1].Employments[0].Title = "Kommunsekreterare"
	b.People[2].Employments[0].End = f.Clock.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	b.People[3].Employments[0].End = f.Clock.Now().Format(time.DateOnly) // the last day is today
	b.Units[2].Name = "Personalavdelningen"
	f.Clock.Add(time.Minute)
	sum := mustImport(t, d, b)
	if sum.People != (employees.Counts{Changed: 1, Unchanged: 29}) || sum.Units != (employees.Counts{Changed: 1, Unchanged: 9}) ||
		sum.Employments != (employees.Counts{Changed: 2, Deactivated: 1, Unchanged: 30}) {
		t.Fatalf("summary: %+v", sum)
	}
	ended, _ := d.Employment(ctx, b.People[2].Employments[0].ID)
	today, _ := d.Employment(ctx, b.People[3].Employments[0].ID)
	if ended.Active || !ended.DeactivatedAt.Equal(f.Clock.Now()) || !today.Active || !today.UpdatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("ended %+v, ending today %+v", ended, today)
	}
	if p, _ := d.Person(ctx, b.People[2].User); !p.Active {
		t.Fatalf("a person whose employment ended is still listed: %+v", p)
	}
}

// An export with problems is refused whole: into an empty directory
// nothing is stored, and a directory already imported stays as it was.
func TestImportWithProblemsStoresNothing(t *testing.T) {
	t.Parallel()
	d, f := directory(t)
	bad := demoBatch(t)
	bad.People[4].Employments[0].Manager = "999999"
	bad.People[5].Email = "karin.holm"
	bad.Units[3].Parent = "EXK-NOPE"
	_, err := d.Import(ctx, bad)
	same(t, problemsOf(t, err), []string{
		"row 4 (EXK-KLF-DIG), field parent: no such unit",
		"row 20 (ahmhas01), field manager: no such employment",
		"row 21 (karhol01), field email: not an e-mail address",
	})
	empty := state(t, d)
	if empty != "[]\n[]\n[]" {
		t.Fatalf("a refused import stored: %s", empty)
	}
	mustImport(t, d, demoBatch(t))
	before := state(t, d)
	f.Clock.Add(time.Hour)
	bad.People = bad.People[:3] // would deactivate 27 people, were it good
	if _, err := d.Import(ctx, bad); err == nil {
		t.Fatal("a bad export was imported")
	}
	if after := state(t, d); after != before {
		t.Fatal("a refused import changed the directory")
	}
}

// Imports of the same export at once end where one import ends.
func TestImportsAtOnceEndAlike(t *testing.T) {
	t.Parallel()
	one, _ := directory(t)
	mustImport(t, one, demoBatch(t))
	want := state(t, one)

	d, _ := directory(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			_, err := d.Import(ctx, demoBatch(t))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := state(t, d); got != want {
		t.Fatalf("imports at once:\n%s\nwant:\n%s", got, want)
	}
	if sum := mustImport(t, d, demoBatch(t)); sum.People.Unchanged != 30 || sum.Employments.Unchanged != 33 || sum.Units.Unchanged != 10 {
		t.Fatalf("after imports at once, another: %+v", sum)
	}
}
