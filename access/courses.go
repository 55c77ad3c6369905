package access

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"portal/employees"
	"portal/valid"
)

// Sources of a completed course.
const (
	SourceImport = "import" // the learning platform's export
	SourceAdmin  = "admin"  // entered by an administrator
)

// EarliestCourse is the earliest day a course may be recorded as
// completed on: anything before it is a typing mistake.
var EarliestCourse = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// RemoveCourse removes a course recorded by mistake, for an administrator
// who may record courses in the person's unit; the removal is on record
// with the day it had. A person one may not handle is ErrNotFound.
func (s *Service) RemoveCourse(ctx context.Context, adminID, personID, courseID string) error {
	person, err := s.Dir.Person(ctx, personID)
	if errors.Is(err, employees.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := s.mayRecordFor(ctx, adminID, person); errors.Is(err, ErrForbidden) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	done, err := s.Store.CompletionsOf(ctx, person.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(done, func(c Completion) bool { return c.Course == courseID })
	if i < 0 {
		return ErrStale
	}
	if err := s.Store.DeleteCompletion(ctx, person.ID, courseID); errors.Is(err, ErrNotFound) {
		return ErrStale
	} else if err != nil {
		return err
	}
	c := done[i]
	return s.log(ctx, Event{Actor: adminID, Action: ActionCourseRemoved, Person: person.ID, Course: courseID,
		Detail: c.Source + " " + c.CompletedOn.Format(time.DateOnly)})
}

// CourseDetail reads the source and day of a course's audit line back.
func CourseDetail(e Event) (source string, on time.Time, ok bool) {
	if e.Action != ActionCourse && e.Action != ActionCourseRemoved {
		return "", time.Time{}, false
	}
	src, d, found := strings.Cut(e.Detail, " ")
	t, err := time.Parse(time.DateOnly, d)
	if !found || err != nil {
		return "", time.Time{}, false
	}
	return src, t, true
}

// RecordCourse records, for an administrator who may in the person's
// unit, that the person completed the course on the day (written
// yyyy-mm-dd). The form's problems name "person", "course" and "date".
func (s *Service) RecordCourse(ctx context.Context, adminID, personID, courseID, date string) (Completion, error) {
	var p valid.Problems
	var person employees.Person
	if strings.TrimSpace(personID) == "" {
		p.Add("person", "access.error.person_missing")
	} else if found, err := s.Dir.Person(ctx, personID); errors.Is(err, employees.ErrNotFound) {
		p.Add("person", "access.error.person")
	} else if err != nil {
		return Completion{}, err
	} else {
		person = found
	}
	course, ok := s.Roles.Course(courseID)
	if !ok {
		p.Add("course", "access.error.course")
	}
	on, err := time.Parse(time.DateOnly, strings.TrimSpace(date))
	switch {
	case strings.TrimSpace(date) == "":
		p.Add("date", "access.error.date_missing")
	case err != nil:
		p.Add("date", "access.error.date")
	case on.Before(EarliestCourse):
		p.Add("date", "access.error.date_past")
	case on.After(day(s.Now())):
		p.Add("date", "access.error.date_future")
	}
	if err := p.Err(); err != nil {
		return Completion{}, err
	}
	if err := s.mayRecordFor(ctx, adminID, person); err != nil {
		return Completion{}, err
	}
	c := Completion{PersonID: person.ID, Course: course.ID, CompletedOn: on, Source: SourceAdmin, RecordedBy: adminID, RecordedAt: s.Now()}
	return c, s.saveCompletion(ctx, c)
}

func (s *Service) saveCompletion(ctx context.Context, c Completion) error {
	if err := s.Store.SaveCompletion(ctx, c); err != nil {
		return err
	}
	return s.log(ctx, Event{Actor: c.RecordedBy, Action: ActionCourse, Person: c.PersonID, Course: c.Course,
		Detail: c.Source + " " + c.CompletedOn.Format(time.DateOnly)})
}

// mayRecordFor is ErrForbidden unless the administrator may record
// courses in the person's unit (that of the current employment; with
// none, the whole organisation).
func (s *Service) mayRecordFor(ctx context.Context, adminID string, person employees.Person) error {
	unit := Everywhere
	if emp, err := s.Dir.CurrentEmployment(ctx, person); err == nil {
		unit = emp.UnitID
	} else if !errors.Is(err, employees.ErrNotFound) {
		return err
	}
	return s.Policy.Require(ctx, adminID, PermRecordCourses, unit)
}

// CompletionsOf returns the courses the person has completed.
func (s *Service) CompletionsOf(ctx context.Context, personID string) ([]Completion, error) {
	return s.Store.CompletionsOf(ctx, personID)
}

// CompletionsFor returns the courses the person has completed, to an
// administrator who may record courses in the person's unit. To anyone
// else a person is ErrNotFound, as one who does not exist is.
func (s *Service) CompletionsFor(ctx context.Context, adminID, personID string) ([]Completion, error) {
	person, err := s.Dir.Person(ctx, personID)
	if errors.Is(err, employees.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := s.mayRecordFor(ctx, adminID, person); errors.Is(err, ErrForbidden) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	return s.Store.CompletionsOf(ctx, person.ID)
}

// CourseRow is one row of the learning platform's export: who completed
// which course (by id or name) on which day.
type CourseRow struct {
	User   string `json:"user"`
	Course string `json:"course"`
	Date   string `json:"date"`
	// Row is where the row is in its file, counted as `portal staff
	// import` counts: the CSV header is row 1, a JSON array's first row 1.
	Row int `json:"-"`
}

// RowProblem is what is wrong with one row of an import.
type RowProblem struct {
	Row   int // as CourseRow.Row
	User  string
	Field string
	What  string
}

// ImportError lists every problem of an import; nothing was stored.
type ImportError struct{ Problems []RowProblem }

func (e *ImportError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "courses: nothing imported:\n  " + strings.Join(lines, "\n  ")
}

// String is the problem as one line: "row 3 (evaryl01), field date: …".
func (p RowProblem) String() string {
	return fmt.Sprintf("row %d (%s), field %s: %s", p.Row, p.User, p.Field, p.What)
}

// ImportSummary is what an import of courses changed.
type ImportSummary struct {
	New       int // courses not recorded before
	Changed   int // recorded before on another day
	Unchanged int // recorded before on the same day: left be
}

func (s ImportSummary) String() string {
	return fmt.Sprintf("courses recorded: %d new, %d changed, %d already there", s.New, s.Changed, s.Unchanged)
}

// ReadCourseRows reads an export as JSON (an array of rows) or CSV with
// the header user,course,date.
func ReadCourseRows(r io.Reader) ([]CourseRow, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("courses: read: %w", err)
	}
	if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "[") {
		var rows []CourseRow
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, fmt.Errorf("courses: not a JSON array of rows: %w", err)
		}
		return rows, nil
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("courses: CSV: %w", err)
	}
	if len(recs) == 0 {
		return nil, errors.New("courses: the file is empty")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, h := range []string{"user", "course", "date"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("courses: the CSV header lacks %q (want user,course,date)", h)
		}
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	rows := make([]CourseRow, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		rows = append(rows, CourseRow{User: get(rec, "user"), Course: get(rec, "course"), Date: get(rec, "date"), Row: i + 2})
	}
	return rows, nil
}

// ImportCourses checks every row and, only when all are right, records
// them as completed from the learning platform, by the command line. A
// row repeated from an earlier import replaces it. It returns how many
// rows were new, changed and already there; those already there on the
// same day are left be.
func (s *Service) ImportCourses(ctx context.Context, rows []CourseRow) (ImportSummary, error) {
	var problems []RowProblem
	var out []Completion
	seen := map[string]int{}
	for i, row := range rows {
		n := cmp.Or(row.Row, i+1)
		bad := func(field, what string) {
			problems = append(problems, RowProblem{Row: n, User: row.User, Field: field, What: what})
		}
		user := employees.NormalizeUser(row.User)
		c := Completion{PersonID: user, Source: SourceImport, RecordedBy: CommandLine, RecordedAt: s.Now()}
		if user == "" {
			bad("user", "missing")
		} else if _, err := s.Dir.Person(ctx, user); errors.Is(err, employees.ErrNotFound) {
			bad("user", "no such person")
		} else if err != nil {
			return ImportSummary{}, err
		}
		if course, ok := s.Roles.FindCourse(row.Course); !ok {
			bad("course", fmt.Sprintf("no such course %q", row.Course))
		} else {
			c.Course = course.ID
		}
		on, err := time.Parse(time.DateOnly, strings.TrimSpace(row.Date))
		switch {
		case err != nil:
			bad("date", fmt.Sprintf("want yyyy-mm-dd, got %q", row.Date))
		case on.Before(EarliestCourse):
			bad("date", "before "+EarliestCourse.Format(time.DateOnly))
		case on.After(day(s.Now())):
			bad("date", "in the future")
		}
		c.CompletedOn = on
		if key := c.PersonID + "|" + c.Course; c.Course != "" && user != "" {
			if first, dup := seen[key]; dup {
				bad("course", fmt.Sprintf("the same as row %d", first))
			}
			seen[key] = n
		}
		out = append(out, c)
	}
	var sum ImportSummary
	if len(problems) > 0 {
		return sum, &ImportError{Problems: problems}
	}
	for _, c := range out {
		done, err := s.Store.CompletionsOf(ctx, c.PersonID)
		if err != nil {
			return sum, err
		}
		switch i := slices.IndexFunc(done, func(d Completion) bool { return d.Course == c.Course }); {
		case i < 0:
			sum.New++
		case done[i].CompletedOn.Equal(c.CompletedOn):
			sum.Unchanged++
			continue
		default:
			sum.Changed++
		}
		if err := s.saveCompletion(ctx, c); err != nil {
			return sum, err
		}
	}
	return sum, nil
}
