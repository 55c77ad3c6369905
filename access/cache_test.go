package access_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"portal/access"
	"portal/employees"
	"portal/internal/testenv"
)

const refresh = 150 * time.Millisecond

// instance is the policy of another instance of the portal: its own
// database handle, directory and grants kept in memory.
func (o *org) instance(t *testing.T, every time.Duration) *access.Policy {
	t.Helper()
	db := testenv.Another(t, o.db)
	dir := &employees.Directory{Store: db.Employees(), Refresh: every}
	return &access.Policy{Grants: db.Access(), Dir: dir, Roles: access.DefaultCatalogue(), Refresh: every}
}

func can(t *testing.T, p *access.Policy, person string, perm access.Permission, unit string) bool {
	t.Helper()
	ok, err := p.Can(context.Background(), person, perm, unit)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// A revoked grant stops working at once through the instance that
// revoked it, and on every other instance within the refresh interval;
// so does every grant of someone who has left.
func TestRevokedGrantStopsWorking(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	// This instance keeps the grants for long: its own writes must still
	// be seen at once.
	here := &access.Policy{Grants: o.db.Access(), Dir: &employees.Directory{Store: o.db.Employees(), Refresh: time.Hour},
		Roles: access.DefaultCatalogue(), Refresh: time.Hour}
	there := o.instance(t, refresh)
	if can(t, here, "evaryl01", access.PermRecruit, "SOC-HEM") || can(t, there, "evaryl01", access.PermRecruit, "SOC-HEM") {
		t.Fatal("a recruiter before any grant")
	}
	g, err := o.svc.GrantByCommand(ctx, "evaryl01", "recruiter", "SOC")
	if err != nil {
		t.Fatal(err)
	}
	if !can(t, here, "evaryl01", access.PermRecruit, "SOC-HEM") {
		t.Fatal("the grant is not seen at once by the instance that made it")
	}
	time.Sleep(refresh)
	if !can(t, there, "evaryl01", access.PermRecruit, "SOC-HEM") {
		t.Fatal("the grant is not seen by another instance after the interval")
	}
	units, err := there.UnitsWith(ctx, "evaryl01", access.PermRecruit)
	if err != nil || len(units) != 1 || units[0] != "SOC" {
		t.Fatalf("units with the permission: %v %v", units, err)
	}

	if err := o.svc.Revoke(ctx, "admin01", g.ID, "Slutat som rekryterare"); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	if can(t, here, "evaryl01", access.PermRecruit, "SOC-HEM") || can(t, o.pol, "evaryl01", access.PermRecruit, "SOC-HEM") {
		t.Fatal("the revoked grant still works on the instance that revoked it")
	}
	time.Sleep(time.Until(revoked.Add(refresh)))
	if can(t, there, "evaryl01", access.PermRecruit, "SOC-HEM") {
		t.Fatal("the revoked grant still works on another instance after the interval")
	}
	if perms, err := there.Permitted(ctx, "evaryl01"); err != nil || perms[access.PermRecruit] {
		t.Fatalf("permitted after the revocation: %v %v", perms, err)
	}

	// Someone who leaves (deactivated through this instance) may do
	// nothing on the other within the interval, grants or not.
	if !can(t, there, "admin01", access.PermGrantRoles, access.Everywhere) {
		t.Fatal("the administrator")
	}
	p, err := o.db.Employees().PersonByID(ctx, "admin01")
	if err != nil {
		t.Fatal(err)
	}
	p.Active = false
	must(t, o.db.Employees().SavePerson(ctx, p))
	left := time.Now()
	if can(t, here, "admin01", access.PermGrantRoles, access.Everywhere) {
		t.Fatal("someone who left still administers on the instance that saw it")
	}
	time.Sleep(time.Until(left.Add(refresh)))
	if can(t, there, "admin01", access.PermGrantRoles, access.Everywhere) {
		t.Fatal("someone who left still administers on another instance after the interval")
	}
}

// Grants given and revoked through one instance while another decides
// with many readers at once: no error, no data race, and once the writes
// stop and the interval passes, the last state decides.
func TestPolicyReadersDuringReloads(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	ctx := context.Background()
	there := o.instance(t, 5*time.Millisecond)
	stop := make(chan struct{})
	errs := make(chan error, 8)
	var wg sync.WaitGroup
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
				if _, err := there.Can(ctx, "otto", access.PermRecruit, "UTB"); err != nil {
					errs <- err
					return
				}
				if _, err := there.Permitted(ctx, "otto"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var last access.Grant
	for i := range 4 {
		g, err := o.svc.GrantByCommand(ctx, "otto", "recruiter", "UTB")
		if err != nil {
			t.Fatal(err)
		}
		last = g
		if i < 3 {
			must(t, o.svc.Revoke(ctx, "admin01", g.ID, "Prov"))
		}
	}
	time.Sleep(5*time.Millisecond + 20*time.Millisecond)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if !can(t, there, "otto", access.PermRecruit, "UTB") {
		t.Fatalf("the last grant (%s) is not seen", last.ID)
	}
	if there.GrantLoads() < 2 {
		t.Fatalf("%d loads of the grants", there.GrantLoads())
	}
}
