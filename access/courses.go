package access

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// RecordCourse records, for an administrator who may in the person's
// unit, that the person completed the course on the day (written
// yyyy-mm-dd). The form's problems name "person", "course" and "date".
func (s *Service) RecordCourse(ctx context.Context, adminID, personID, courseID, date string) (Completion, error) {
	var p valid.Problems
	person, err := s.Dir.Person(ctx, personID)
	if errors.Is(err, employees.ErrNotFound) || strings.TrimSpace(personID) == "" {
		p.Add("person", "access.error.person")
	} else if err != nil {
		return Completion{}, err
	}
	course, ok := s.Roles.Course(courseID)
	if !ok {
		p.Add("course", "access.error.course")
	}
	on, err := time.Parse(time.DateOnly, strings.TrimSpace(date))
	if err != nil {
		p.Add("date", "access.error.date")
	} else if on.After(day(s.Now())) {
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
}

// RowProblem is what is wrong with one row of an import.
type RowProblem struct {
	Row   int // from 1, the header not counted
	User  string
	Field string
	What  string
}

// ImportError lists every problem of an import; nothing was stored.
type ImportError struct{ Problems []RowProblem }

func (e *ImportError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = fmt.Sprintf("row %d (%s), field %s: %s", p.Row, p.User, p.Field, p.What)
	}
	return "courses: nothing imported:\n  " + strings.Join(lines, "\n  ")
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
	for _, rec := range recs[1:] {
		rows = append(rows, CourseRow{User: get(rec, "user"), Course: get(rec, "course"), Date: get(rec, "date")})
	}
	return rows, nil
}

// ImportCourses checks every row and, only when all are right, records
// them as completed from the learning platform, by the command line. A
// row repeated from an earlier import replaces it. It returns how many
// rows were stored.
func (s *Service) ImportCourses(ctx context.Context, rows []CourseRow) (int, error) {
	var problems []RowProblem
	var out []Completion
	seen := map[string]int{}
	for i, row := range rows {
		n := i + 1
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
			return 0, err
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
	if len(problems) > 0 {
		return 0, &ImportError{Problems: problems}
	}
	for i, c := range out {
		if err := s.saveCompletion(ctx, c); err != nil {
			return i, err
		}
	}
	return len(out), nil
}
