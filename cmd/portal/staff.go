package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"portal/access"
	"portal/demo"
	"portal/employees"
	"portal/internal/app"
	"portal/personal"
	"portal/staffauth"
	"portal/storage"
	"portal/valid"
)

// staffCommand runs `portal staff import FILE`.
func staffCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	switch {
	case len(args) == 2 && args[0] == "import":
		return staffImport(ctx, cfg, log, args[1], os.Stdout, os.Stderr)
	case len(args) == 2 && args[0] == "courses":
		return coursesCommand(ctx, cfg, log, args[1], os.Stdout, os.Stderr)
	case len(args) == 2 && args[0] == "personal":
		return personalImport(ctx, cfg, log, args[1], os.Stdout, os.Stderr)
	case (len(args) == 3 || len(args) == 4) && args[0] == "add-admin":
		name := ""
		if len(args) == 4 {
			name = args[3]
		}
		return addAdmin(ctx, cfg, log, args[1], args[2], name, os.Stdout)
	}
	const use = "use portal staff import FILE (.json or .csv) | portal staff courses FILE | portal staff personal FILE | portal staff add-admin USER EMAIL [NAME]"
	if len(args) > 0 && args[0] != "import" && args[0] != "courses" && args[0] != "personal" && args[0] != "add-admin" {
		return fmt.Errorf("unknown staff command %q; %s", args[0], use)
	}
	return errors.New(use)
}

// staffImport makes the staff directory what the export FILE says and
// prints what changed; a bad file gets every problem printed to errOut
// and stores nothing.
func staffImport(ctx context.Context, cfg Config, log *slog.Logger, file string, out, errOut io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	batch, err := employees.Read(file, f)
	f.Close()
	if err != nil {
		return importFailed(file, err, errOut, staffProblems)
	}
	db, services, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	sum, err := services.Directory.Import(ctx, batch)
	if err != nil {
		return importFailed(file, err, errOut, staffProblems)
	}
	fmt.Fprintln(out, sum)
	return nil
}

// importFailed prints each problem of a file on a line of its own, when
// err is an E (an import's error naming its problems); other errors are
// returned as they are, with the file's name.
func importFailed[E error](file string, err error, errOut io.Writer, problems func(E) []string) error {
	var ierr E
	if !errors.As(err, &ierr) {
		return fmt.Errorf("%s: %w", file, err)
	}
	ps := problems(ierr)
	fmt.Fprintf(errOut, "%s: nothing was imported:\n", file)
	for _, p := range ps {
		fmt.Fprintf(errOut, "  %s\n", p)
	}
	if len(ps) == 1 {
		return fmt.Errorf("%s: nothing was imported: 1 problem", file)
	}
	return fmt.Errorf("%s: nothing was imported: %d problems", file, len(ps))
}

// texts is each value's String.
func texts[T fmt.Stringer](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

func staffProblems(e *employees.ImportError) []string { return texts(e.Problems) }

// seedOrganisation imports the demo organisation; with ifEmpty only into
// a directory that has no people yet. It is a full export, so people it
// does not name are deactivated.
func seedOrganisation(ctx context.Context, dir *employees.Directory, roles *access.Service, ifEmpty bool, log *slog.Logger) error {
	people, err := dir.Store.AllPeople(ctx)
	if err != nil {
		return err
	}
	if ifEmpty && len(people) > 0 {
		log.Info("staff directory has people; not seeding the demo organisation", "people", len(people))
	} else {
		batch, err := demo.Organisation()
		if err != nil {
			return err
		}
		sum, err := dir.Import(ctx, batch)
		if err != nil {
			return err
		}
		log.Info("demo organisation stored", "people_added", sum.People.Added, "people_changed", sum.People.Changed,
			"people_deactivated", sum.People.Deactivated, "employments_added", sum.Employments.Added)
	}
	// The demo's roles, also in a directory seeded before they were
	// added; a demo person the directory does not have gets none.
	for _, g := range demo.Grants {
		_, err := roles.GrantByCommand(ctx, g.User, g.Role, g.Unit)
		if errors.Is(err, employees.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo grant %s to %s: %w", g.Role, g.User, err)
		}
	}
	return nil
}

// personalImport stores what HR and payroll export about staff's
// personal data (the starting address, phone and e-mail, the bank
// account, kept masked); a bad file gets every problem printed to errOut
// and stores nothing.
func personalImport(ctx context.Context, cfg Config, log *slog.Logger, file string, out, errOut io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	rows, err := personal.ReadExport(f, time.Now())
	f.Close()
	if err == nil {
		var db *storage.DB
		var services *app.Services
		if db, services, err = openServices(ctx, cfg, log); err != nil {
			return err
		}
		defer db.Close(context.Background())
		err = personal.StoreExport(ctx, db.Personal(), directoryPeople{services.Directory}, rows)
	}
	if err != nil {
		return importFailed(file, err, errOut, func(e *personal.ExportError) []string { return texts(e.Problems) })
	}
	fmt.Fprintf(out, "%s: personal data of %d people stored\n", file, len(rows))
	return nil
}

// directoryPeople tells the import which people the directory has.
type directoryPeople struct{ dir *employees.Directory }

// PersonExists reports whether the directory has the person.
func (d directoryPeople) PersonExists(ctx context.Context, id string) (bool, error) {
	_, err := d.dir.Person(ctx, id)
	if errors.Is(err, employees.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// seedPersonal stores what the demo's HR and payroll export about each
// demo person (address, phone, the bank account masked), and the demo
// relatives of a person who has none yet, so running it again adds
// nothing and keeps what was entered since.
func seedPersonal(ctx context.Context, store personal.Store, log *slog.Logger) error {
	batch, err := demo.Organisation()
	if err != nil {
		return err
	}
	added := 0
	for _, d := range demo.Personal(batch, time.Now()) {
		if err := store.SaveExported(ctx, d.Exported); err != nil {
			return err
		}
		have, err := store.Relatives(ctx, d.Exported.PersonID)
		if err != nil {
			return err
		}
		for _, r := range d.Relatives {
			if len(have) > 0 {
				break
			}
			if _, err := store.InsertRelative(ctx, r); err != nil && !errors.Is(err, personal.ErrTaken) {
				return err
			}
			added++
		}
	}
	log.Info("demo personal data stored", "people", len(batch.People), "relatives_added", added)
	return nil
}

// addAdmin makes the person USER a system administrator for the whole
// organisation and mails a temporary password to the work address. A
// person not yet in the directory is made in the portal itself (kept by
// later imports until the HR export names them); one already there must
// have EMAIL as the work address on file, so the command never sends a
// password to another address than the directory's.
func addAdmin(ctx context.Context, cfg Config, log *slog.Logger, user, email, name string, out io.Writer) error {
	user, email = employees.NormalizeUser(user), strings.ToLower(strings.TrimSpace(email))
	if !employees.ValidUser(user) {
		return fmt.Errorf("user name %q: use 2–32 letters a–z, digits, dots, dashes or underscores", user)
	}
	if !valid.Email(email) {
		return fmt.Errorf("e-mail address %q is not valid", email)
	}
	db, s, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	p, err := s.Directory.Person(ctx, user)
	switch {
	case errors.Is(err, employees.ErrNotFound):
		first, last, _ := strings.Cut(strings.TrimSpace(name), " ")
		if first == "" {
			first = "Administratör"
		}
		now := time.Now()
		p = employees.Person{ID: user, FirstName: first, LastName: strings.TrimSpace(last), WorkEmail: email, Active: true, Local: true,
			CreatedAt: now, UpdatedAt: now}
		if err := s.Directory.Store.SavePerson(ctx, p); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: added to the staff directory\n", user)
	case err != nil:
		return err
	case !p.Active:
		return fmt.Errorf("%s has left (deactivated by the HR export)", user)
	case !strings.EqualFold(p.WorkEmail, email):
		return fmt.Errorf("%s is in the staff directory with another work e-mail address; the temporary password goes only to the address on file", user)
	}
	already, err := s.Policy.Can(ctx, p.ID, access.PermGrantRoles, access.Everywhere)
	if err != nil {
		return err
	}
	if _, err := s.Access.AddAdmin(ctx, p.ID); err != nil {
		return err
	}
	if err := s.StaffAuth.IssueTemporaryPassword(ctx, p.ID, "sv", staffauth.MailAdmin); err != nil {
		return err
	}
	if already {
		fmt.Fprintf(out, "%s was already system administrator; a new temporary password (valid 24 hours, replacing any earlier one) is on its way to %s\n", user, email)
	} else {
		fmt.Fprintf(out, "%s is system administrator for the whole organisation; a temporary password (valid 24 hours) is on its way to %s\n", user, email)
	}
	return nil
}
