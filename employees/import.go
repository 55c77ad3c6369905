package employees

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the Stockholm zone must exist on every machine

	"portal/valid"
)

// Batch is one full export of the HR system as its file says it: every
// unit, every person with their employments, the text as written and each
// entry with its row in the file. Whoever a later batch leaves out has left.
type Batch struct {
	Units  []UnitRow
	People []PersonRow
}

// UnitRow is one organisation unit of an export.
type UnitRow struct {
	Row    int    // where the file has it, counted as its reader counts
	ID     string // the unit's code
	Name   string
	Parent string // the code of the unit above; empty at the top
}

// PersonRow is one person of an export with their employments.
type PersonRow struct {
	Row         int
	User        string // the user name, "evaryl01"
	FirstName   string
	LastName    string
	Email       string // the work e-mail
	Employments []EmploymentRow
}

// EmploymentRow is one employment of a person in an export.
type EmploymentRow struct {
	Row     int
	ID      string // the employee number
	Unit    string // the unit's code
	Title   string
	Manager string // the employee number of the manager's employment
	Start   string // YYYY-MM-DD; may be empty
	End     string // YYYY-MM-DD, the last day; empty until further notice
}

// Problem is one thing wrong with an export: the row, the entry it names
// (a unit's code or a person's user name), the field and what is wrong.
type Problem struct {
	Row     int // 0: the file as a whole
	Label   string
	Field   string
	Message string
}

// String names the problem the way a person fixing the file reads it:
// "row 12 (evaryl01), field manager: no such employment".
func (p Problem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "row %d", p.Row)
		if p.Label != "" {
			fmt.Fprintf(&b, " (%s)", p.Label)
		}
	}
	if p.Field != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "field %s", p.Field)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ImportError lists everything wrong with an export, in the order of the
// file; when an import returns it, nothing was stored.
type ImportError struct {
	Problems []Problem
}

func (e *ImportError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "employees: the export has problems:\n" + strings.Join(lines, "\n")
}

// Counts says what an import did to one kind of entry.
type Counts struct {
	Added, Changed, Deactivated, Unchanged int
}

// Summary says what an import did, per kind.
type Summary struct {
	Units, People, Employments Counts
}

// String is the summary in three lines.
func (s Summary) String() string {
	line := func(kind string, c Counts) string {
		return fmt.Sprintf("%-12s added %d, changed %d, deactivated %d, unchanged %d", kind, c.Added, c.Changed, c.Deactivated, c.Unchanged)
	}
	return strings.Join([]string{line("units", s.Units), line("people", s.People), line("employments", s.Employments)}, "\n")
}

var (
	userPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)
	codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	stockholm   = mustZone("Europe/Stockholm")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// plan is a checked batch as the directory's values, before the store's
// times and the activity that depends on the day are filled in.
type plan struct {
	units       []Unit
	people      []Person
	employments []Employment
}

type problems []Problem

func (ps *problems) add(row int, label, field, format string, args ...any) {
	*ps = append(*ps, Problem{Row: row, Label: label, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check reports everything wrong with the batch as an *ImportError, or nil.
func (b Batch) Check() error {
	_, ps := b.check()
	return importError(ps)
}

func importError(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b Problem) int { return a.Row - b.Row })
	return &ImportError{Problems: ps}
}

func date(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// check validates every row and turns the batch into the directory's
// values; it stops at nothing, so that every problem is named at once.
func (b Batch) check() (plan, []Problem) {
	var ps problems
	var out plan
	if len(b.People) == 0 {
		ps.add(0, "", "", "the export lists no people; a full export names everyone, and whoever it leaves out is deactivated")
	}

	unitRow := map[string]int{}
	for _, r := range b.Units {
		id := strings.TrimSpace(r.ID)
		switch {
		case id == "":
			ps.add(r.Row, "", "id", "required")
		case !codePattern.MatchString(id):
			ps.add(r.Row, id, "id", "use at most 64 letters a–z, digits, '.', '-' or '_'")
		case unitRow[id] != 0:
			ps.add(r.Row, id, "id", "unit %s is also in row %d", id, unitRow[id])
		default:
			unitRow[id] = r.Row
		}
		name := strings.TrimSpace(r.Name)
		if name == "" {
			ps.add(r.Row, id, "name", "required")
		}
		out.units = append(out.units, Unit{ID: id, Name: name, ParentID: strings.TrimSpace(r.Parent), Active: true})
	}
	parents := map[string]string{}
	for i, u := range out.units {
		row := b.Units[i].Row
		switch {
		case u.ParentID == "":
		case u.ParentID == u.ID:
			ps.add(row, u.ID, "parent", "a unit cannot be its own parent")
		case unitRow[u.ParentID] == 0:
			ps.add(row, u.ID, "parent", "no such unit")
		default:
			if unitRow[u.ID] == row { // the first of its id
				parents[u.ID] = u.ParentID
			}
		}
	}
	for _, c := range cycles(parents, unitRow) {
		ps.add(unitRow[c[0]], c[0], "parent", "the units form a cycle: %s", strings.Join(c, " → "))
	}

	userRow, emailRow := map[string]int{}, map[string]string{}
	empRow, empPerson := map[string]int{}, map[string]string{}
	type empAt struct {
		row   int
		label string
	}
	var emps []empAt
	for _, r := range b.People {
		user := NormalizeUser(r.User)
		switch {
		case user == "":
			ps.add(r.Row, "", "user", "required")
		case !userPattern.MatchString(user):
			ps.add(r.Row, user, "user", "use 2 to 32 letters a–z, digits, '.', '-' or '_', starting with a letter or digit")
		case userRow[user] != 0:
			ps.add(r.Row, user, "user", "also in row %d", userRow[user])
		default:
			userRow[user] = r.Row
		}
		p := Person{ID: user, FirstName: strings.TrimSpace(r.FirstName), LastName: strings.TrimSpace(r.LastName),
			WorkEmail: strings.TrimSpace(r.Email), Active: true}
		if p.FirstName == "" {
			ps.add(r.Row, user, "first_name", "required")
		}
		if p.LastName == "" {
			ps.add(r.Row, user, "last_name", "required")
		}
		key := strings.ToLower(p.WorkEmail)
		switch {
		case p.WorkEmail == "":
			ps.add(r.Row, user, "email", "required")
		case !valid.Email(p.WorkEmail):
			ps.add(r.Row, user, "email", "not an e-mail address")
		case emailRow[key] != "":
			ps.add(r.Row, user, "email", "also the address of %s: codes and temporary passwords go to this address", emailRow[key])
		default:
			emailRow[key] = fmt.Sprintf("row %d (%s)", r.Row, user)
		}
		out.people = append(out.people, p)

		for _, er := range r.Employments {
			id := strings.TrimSpace(er.ID)
			switch {
			case id == "":
				ps.add(er.Row, user, "id", "required")
			case !codePattern.MatchString(id):
				ps.add(er.Row, user, "id", "use at most 64 letters a–z, digits, '.', '-' or '_'")
			case empRow[id] != 0:
				ps.add(er.Row, user, "id", "employee number %s is also in row %d", id, empRow[id])
			default:
				empRow[id], empPerson[id] = er.Row, user
			}
			e := Employment{ID: id, PersonID: user, UnitID: strings.TrimSpace(er.Unit), Title: strings.TrimSpace(er.Title),
				ManagerID: strings.TrimSpace(er.Manager), Active: true}
			switch {
			case e.UnitID == "":
				ps.add(er.Row, user, "unit", "required")
			case unitRow[e.UnitID] == 0:
				ps.add(er.Row, user, "unit", "no such unit")
			}
			if e.Title == "" {
				ps.add(er.Row, user, "title", "required")
			}
			var okStart, okEnd bool
			e.Start, okStart = date(strings.TrimSpace(er.Start))
			e.End, okEnd = date(strings.TrimSpace(er.End))
			if !okStart {
				ps.add(er.Row, user, "start", "not a date (YYYY-MM-DD)")
			}
			if !okEnd {
				ps.add(er.Row, user, "end", "not a date (YYYY-MM-DD)")
			}
			if okStart && okEnd && !e.Start.IsZero() && !e.End.IsZero() && e.End.Before(e.Start) {
				ps.add(er.Row, user, "end", "before the start")
			}
			out.employments = append(out.employments, e)
			emps = append(emps, empAt{er.Row, user})
		}
	}
	managers := map[string]string{}
	for i, e := range out.employments {
		at := emps[i]
		switch {
		case e.ManagerID == "":
		case e.ManagerID == e.ID:
			ps.add(at.row, at.label, "manager", "an employment cannot be its own manager")
		case empRow[e.ManagerID] == 0:
			ps.add(at.row, at.label, "manager", "no such employment")
		case empPerson[e.ManagerID] == e.PersonID && e.PersonID != "":
			ps.add(at.row, at.label, "manager", "employment %s is the same person's", e.ManagerID)
		default:
			if empRow[e.ID] == at.row {
				managers[e.ID] = e.ManagerID
			}
		}
	}
	for _, c := range cycles(managers, empRow) {
		ps.add(empRow[c[0]], empPerson[c[0]], "manager", "the managers form a cycle: %s", strings.Join(c, " → "))
	}
	return out, ps
}

// cycles finds each cycle of the links once, starting at the member the
// file names first, the start repeated at the end.
func cycles(next map[string]string, row map[string]int) [][]string {
	ids := make([]string, 0, len(next))
	for id := range next {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return row[a] - row[b] })
	done := map[string]bool{}
	var out [][]string
	for _, start := range ids {
		var path []string
		at := map[string]int{}
		for id := start; id != "" && !done[id]; id = next[id] {
			if i, ok := at[id]; ok {
				c := path[i:]
				first := 0
				for j, m := range c {
					if row[m] < row[c[first]] {
						first = j
					}
				}
				c = append(append(append([]string(nil), c[first:]...), c[:first]...), c[first])
				out = append(out, c)
				break
			}
			at[id] = len(path)
			path = append(path, id)
		}
		for _, id := range path {
			done[id] = true
		}
	}
	return out
}

// Import makes the directory what the full export says: it checks every
// row first and stores nothing when any is wrong (the error is an
// *ImportError). New entries are added, changed ones rewritten, and units,
// people and employments the export leaves out are deactivated, never
// deleted; an entry that reappears is active again. An employment whose
// last day has passed is inactive. Importing the same export twice changes
// nothing, not even the times of change; two imports of it at once end as
// one does.
func (d *Directory) Import(ctx context.Context, b Batch) (Summary, error) {
	want, ps := b.check()
	if err := importError(ps); err != nil {
		return Summary{}, err
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	at := now()
	y, m, day := at.In(stockholm).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	for i, e := range want.employments {
		want.employments[i].Active = e.End.IsZero() || !e.End.Before(today)
	}

	units, err := d.Store.AllUnits(ctx)
	if err != nil {
		return Summary{}, err
	}
	people, err := d.Store.AllPeople(ctx)
	if err != nil {
		return Summary{}, err
	}
	emps, err := d.Store.AllEmployments(ctx)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary

	// Parents before children, people before their employments; what
	// left goes last, employments first, so that no moment names an
	// active entry under one that is gone.
	oldUnits := byID(units, func(u Unit) string { return u.ID })
	var gone []func() error
	for _, u := range want.units {
		old, ok := oldUnits[u.ID]
		delete(oldUnits, u.ID)
		if ok && old.Name == u.Name && old.ParentID == u.ParentID && old.Active == u.Active {
			sum.Units.Unchanged++
			continue
		}
		u.UpdatedAt = at
		count(&sum.Units, ok, old.Active, u.Active)
		if err := d.Store.SaveUnit(ctx, u); err != nil {
			return sum, err
		}
	}
	for _, u := range oldUnits {
		if !u.Active {
			continue
		}
		u.Active, u.UpdatedAt, u.DeactivatedAt = false, at, at
		sum.Units.Deactivated++
		gone = append(gone, func() error { return d.Store.SaveUnit(ctx, u) })
	}

	oldPeople := byID(people, func(p Person) string { return p.ID })
	var gonePeople []func() error
	for _, p := range want.people {
		old, ok := oldPeople[p.ID]
		delete(oldPeople, p.ID)
		if ok && old.FirstName == p.FirstName && old.LastName == p.LastName && old.WorkEmail == p.WorkEmail && old.Active {
			sum.People.Unchanged++
			continue
		}
		p.CreatedAt, p.UpdatedAt = at, at
		count(&sum.People, ok, old.Active, true)
		if err := d.Store.SyncPerson(ctx, p); err != nil {
			return sum, err
		}
	}
	for _, p := range oldPeople {
		if !p.Active || p.Local {
			continue
		}
		p.Active, p.UpdatedAt, p.DeactivatedAt = false, at, at
		sum.People.Deactivated++
		gonePeople = append(gonePeople, func() error { return d.Store.SyncPerson(ctx, p) })
	}

	oldEmps := byID(emps, func(e Employment) string { return e.ID })
	var goneEmps []func() error
	for _, e := range want.employments {
		old, ok := oldEmps[e.ID]
		delete(oldEmps, e.ID)
		if ok && old.PersonID == e.PersonID && old.UnitID == e.UnitID && old.Title == e.Title && old.ManagerID == e.ManagerID &&
			old.Active == e.Active && old.Start.Equal(e.Start) && old.End.Equal(e.End) {
			sum.Employments.Unchanged++
			continue
		}
		e.UpdatedAt = at
		switch {
		case e.Active:
		case ok && !old.Active:
			e.DeactivatedAt = old.DeactivatedAt
		default:
			e.DeactivatedAt = at
		}
		count(&sum.Employments, ok, old.Active, e.Active)
		if err := d.Store.SaveEmployment(ctx, e); err != nil {
			return sum, err
		}
	}
	for _, e := range oldEmps {
		if !e.Active {
			continue
		}
		e.Active, e.UpdatedAt, e.DeactivatedAt = false, at, at
		sum.Employments.Deactivated++
		goneEmps = append(goneEmps, func() error { return d.Store.SaveEmployment(ctx, e) })
	}

	for _, save := range slices.Concat(goneEmps, gonePeople, gone) {
		if err := save(); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// count records one entry the import writes: new, deactivated or changed.
func count(c *Counts, existed, wasActive, active bool) {
	switch {
	case !existed:
		c.Added++
	case wasActive && !active:
		c.Deactivated++
	default:
		c.Changed++
	}
}

func byID[T any](items []T, id func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[id(it)] = it
	}
	return m
}
