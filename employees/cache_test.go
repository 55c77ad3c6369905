package employees_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"portal/employees"
	"portal/internal/testenv"
)

const refresh = 150 * time.Millisecond

// The directory is kept in memory: questions within the refresh interval
// read nothing; a change made through another instance (another database
// handle) is seen once the interval has passed, one made through this
// process at once. Someone an import leaves out has left on every
// instance within the interval.
func TestDirectorySeesOtherInstancesWithinRefresh(t *testing.T) {
	t.Parallel()
	here, f := directory(t)
	here.Refresh = refresh
	there := &employees.Directory{Store: testenv.Another(t, f.DB).Employees(), Now: f.Clock.Now, Refresh: refresh}
	b := demoBatch(t)
	mustImport(t, there, b)
	time.Sleep(refresh)
	leaver := b.People[len(b.People)-1].User
	p, err := here.Person(ctx, leaver)
	if err != nil || !p.Active {
		t.Fatalf("after the import and the interval: %+v %v, want the person active", p, err)
	}
	loads := here.Loads()
	for range 5 {
		if _, err := here.Employments(ctx, leaver); err != nil {
			t.Fatal(err)
		}
	}
	if here.Loads() != loads {
		t.Fatalf("%d loads for questions within the interval, want none", here.Loads()-loads)
	}

	// Another instance imports an export without them.
	b.People = b.People[:len(b.People)-1]
	mustImport(t, there, b)
	done := time.Now()
	if p, _ := there.Person(ctx, leaver); p.Active {
		t.Fatal("the importing instance does not see its own import at once")
	}
	time.Sleep(time.Until(done.Add(refresh)))
	if p, _ := here.Person(ctx, leaver); p.Active {
		t.Fatal("another instance still sees the leaver active after the interval")
	}
	emps, err := here.Employments(ctx, leaver)
	if err != nil || len(emps) == 0 || emps[0].Active {
		t.Fatalf("the leaver's employments after the interval: %+v %v", emps, err)
	}

	// A unit, an employment and a default employment, each through the
	// store of this process: seen here at once.
	st := here.Store
	must(t, st.SaveUnit(ctx, employees.Unit{ID: "NY", Name: "Ny enhet", ParentID: b.Units[0].ID, Active: true}))
	if ok, err := here.Within(ctx, "NY", b.Units[0].ID); err != nil || !ok {
		t.Fatalf("a new unit through this process: within %v %v", ok, err)
	}
	user := b.People[0].User
	must(t, st.SaveEmployment(ctx, employees.Employment{ID: "E-NY", PersonID: user, UnitID: "NY", Title: "Ny", Active: true}))
	must(t, here.SetDefault(ctx, user, "E-NY"))
	p, _ = here.Person(ctx, user)
	if cur, err := here.CurrentEmployment(ctx, p); err != nil || cur.ID != "E-NY" {
		t.Fatalf("the default chosen through this process: %+v %v", cur, err)
	}
	// And by the other after the interval.
	time.Sleep(refresh)
	p, _ = there.Person(ctx, user)
	if cur, err := there.CurrentEmployment(ctx, p); err != nil || cur.ID != "E-NY" {
		t.Fatalf("the default on the other instance after the interval: %+v %v", cur, err)
	}
	if _, err := there.Unit(ctx, "NY"); err != nil {
		t.Fatalf("the new unit on the other instance: %v", err)
	}
}

// A login in the language on record writes nothing (every write makes
// every instance read the directory anew); another language is stored.
func TestSetLanguageWritesOnlyAChange(t *testing.T) {
	t.Parallel()
	d, _ := directory(t)
	mustImport(t, d, demoBatch(t))
	user := demoBatch(t).People[0].User
	must(t, d.SetLanguage(ctx, user, "en"))
	stamp, err := d.Store.DirectoryStamp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t, d.SetLanguage(ctx, user, "en"))
	if again, _ := d.Store.DirectoryStamp(ctx); again != stamp {
		t.Fatal("the same language again moved the stamp")
	}
	must(t, d.SetLanguage(ctx, user, "sv"))
	if again, _ := d.Store.DirectoryStamp(ctx); again == stamp {
		t.Fatal("a new language did not move the stamp")
	}
	if p, _ := d.Person(ctx, user); p.Lang != "sv" {
		t.Fatalf("language %q, want sv", p.Lang)
	}
}

// Readers on one instance while another rewrites the directory: no
// error, no data race, and the last state seen after the interval.
func TestDirectoryReadersDuringReloads(t *testing.T) {
	t.Parallel()
	here, f := directory(t)
	here.Refresh = 5 * time.Millisecond
	there := &employees.Directory{Store: testenv.Another(t, f.DB).Employees(), Now: f.Clock.Now}
	b := demoBatch(t)
	mustImport(t, there, b)
	user := b.People[0].User
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				p, err := here.Person(ctx, user)
				if err == nil {
					_, err = here.CurrentEmployment(ctx, p)
				}
				if err == nil {
					_, err = here.Ancestors(ctx, b.Units[len(b.Units)-1].ID)
				}
				if err == nil {
					_, err = here.Reports(ctx, user)
				}
				if err != nil && !errors.Is(err, employees.ErrNotFound) {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 10 {
		name := "Namn" + string(rune('A'+i))
		must(t, there.Store.SavePerson(ctx, employees.Person{ID: user, FirstName: name, LastName: "Test", Active: i%2 == 0}))
	}
	time.Sleep(here.Refresh + 20*time.Millisecond)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if p, _ := here.Person(ctx, user); p.FirstName != "NamnJ" || p.Active {
		t.Fatalf("after the writes: %+v, want the last one", p)
	}
	if here.Loads() < 2 {
		t.Fatalf("%d loads", here.Loads())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
