package personal

import (
	"context"
	"errors"
	"strings"
	"time"

	"portal/valid"
)

// RelativeInput is a relative or child as a form gives it, before it is
// checked.
type RelativeInput struct {
	Name      string
	Relation  string
	Phone     string
	Phone2    string
	Email     string
	Emergency bool
	BirthDate string // "2019-04-30"
	LivesWith bool
}

// ErrFull: the person has MaxRelatives entries already.
var ErrFull = errors.New("personal: no room for another relative")

// birth reads a birth date as the form gives it, "2019-04-30".
func birth(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	return t, err == nil
}

// check turns the input into the relative's fields, or says what is
// wrong with it.
func (in RelativeInput) check(kind Kind, today time.Time) (Relative, error) {
	var errs valid.Problems
	r := Relative{Kind: kind, Name: oneLine(in.Name)}
	text(&errs, "name", r.Name, MaxLength["name"], "personal.error.name_required")
	switch kind {
	case KindRelative:
		r.Relation = Relation(strings.TrimSpace(in.Relation))
		if !validRelation(r.Relation) {
			errs.Add("relation", "personal.error.relation")
		}
		r.Phone, r.Phone2, r.Email, r.Emergency = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Phone2), strings.TrimSpace(in.Email), in.Emergency
		switch {
		case r.Phone == "" && r.Phone2 == "":
			errs.Add("phone", "personal.error.relative_phone_required")
		case r.Phone != "" && !ValidPhone(r.Phone):
			errs.Add("phone", "personal.error.phone")
		}
		if r.Phone2 != "" && !ValidPhone(r.Phone2) {
			errs.Add("phone2", "personal.error.phone")
		}
		if r.Email != "" && !valid.Email(r.Email) {
			errs.Add("email", "personal.error.email")
		}
	case KindChild:
		r.LivesWith = in.LivesWith
		day, ok := birth(in.BirthDate)
		switch {
		case strings.TrimSpace(in.BirthDate) == "":
			errs.Add("birth_date", "personal.error.birth_date_required")
		case !ok:
			errs.Add("birth_date", "personal.error.birth_date")
		case day.After(today) || day.Year() < today.Year()-120:
			errs.Add("birth_date", "personal.error.birth_date_range")
		}
		r.BirthDate = day
	default:
		return Relative{}, ErrNotFound
	}
	if err := errs.Err(); err != nil {
		return Relative{}, err
	}
	return r, nil
}

func validRelation(r Relation) bool {
	for _, x := range Relations {
		if x == r {
			return true
		}
	}
	return false
}

// Relatives returns the person's relatives and children.
func (s *Service) Relatives(ctx context.Context, personID string) ([]Relative, error) {
	return s.Store.Relatives(ctx, personID)
}

// Relative returns one of the person's own relatives; ErrNotFound for an
// id that is not theirs.
func (s *Service) Relative(ctx context.Context, personID, id string) (Relative, error) {
	return s.Store.Relative(ctx, personID, id)
}

// today is the day in Sweden, as a birth date is given.
func (s *Service) today() time.Time {
	now := s.Now().In(stockholm)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

var stockholm = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return l
	}
	return time.UTC
}()

// AddRelative adds a relative or child. Each entry is a record of its own
// holding one of the person's MaxRelatives slots, so that two added at
// once are both kept (each insert takes a free slot; one that collides
// takes the next) and the limit holds; with every slot held it returns
// ErrFull.
func (s *Service) AddRelative(ctx context.Context, personID string, kind Kind, in RelativeInput) (Relative, error) {
	r, err := in.check(kind, s.today())
	if err != nil {
		return Relative{}, err
	}
	have, err := s.Store.Relatives(ctx, personID)
	if err != nil {
		return Relative{}, err
	}
	held := map[int]bool{}
	for _, h := range have {
		held[h.Slot] = true
	}
	r.PersonID, r.CreatedAt = personID, s.Now()
	r.UpdatedAt = r.CreatedAt
	for n := 1; n <= MaxRelatives; n++ {
		if held[n] {
			continue
		}
		r.Slot = n
		id, err := s.Store.InsertRelative(ctx, r)
		if errors.Is(err, ErrTaken) {
			continue
		}
		if err != nil {
			return Relative{}, err
		}
		r.ID = id
		return r, s.Store.RecordChange(ctx, Change{PersonID: personID, By: personID, At: r.CreatedAt, Action: "added", What: string(kind), Fields: r.filled()})
	}
	return Relative{}, ErrFull
}

// filled names the fields of an entry that hold something.
func (r Relative) filled() []string {
	var out []string
	for _, f := range r.fields() {
		if f.value != "" && f.value != "false" {
			out = append(out, f.name)
		}
	}
	return out
}

type namedValue struct{ name, value string }

// fields are the entry's fields by name, as text, for telling which
// changed; never logged.
func (r Relative) fields() []namedValue {
	b := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	if r.Kind == KindChild {
		return []namedValue{{"name", r.Name}, {"birth_date", r.BirthDate.Format("2006-01-02")}, {"lives_with", b(r.LivesWith)}}
	}
	return []namedValue{{"name", r.Name}, {"relation", string(r.Relation)}, {"phone", r.Phone}, {"phone2", r.Phone2},
		{"email", r.Email}, {"emergency", b(r.Emergency)}}
}

// ChangeRelative changes one of the person's relatives; an id of someone
// else's is ErrNotFound and changes nothing. Only that record is
// written, so a change never touches the person's other entries.
func (s *Service) ChangeRelative(ctx context.Context, personID, id string, in RelativeInput) (Relative, error) {
	old, err := s.Store.Relative(ctx, personID, id)
	if err != nil {
		return Relative{}, err
	}
	r, err := in.check(old.Kind, s.today())
	if err != nil {
		return Relative{}, err
	}
	r.ID, r.PersonID, r.Slot, r.CreatedAt, r.UpdatedAt = old.ID, personID, old.Slot, old.CreatedAt, s.Now()
	var changed []string
	was := old.fields()
	for i, f := range r.fields() {
		if was[i].value != f.value {
			changed = append(changed, f.name)
		}
	}
	if len(changed) == 0 {
		return old, nil
	}
	if err := s.Store.UpdateRelative(ctx, r); err != nil {
		return Relative{}, err
	}
	return r, s.Store.RecordChange(ctx, Change{PersonID: personID, By: personID, At: r.UpdatedAt, Action: "changed", What: string(r.Kind), Fields: changed})
}

// RemoveRelative removes one of the person's relatives; an id of someone
// else's is ErrNotFound and removes nothing.
func (s *Service) RemoveRelative(ctx context.Context, personID, id string) error {
	old, err := s.Store.Relative(ctx, personID, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteRelative(ctx, personID, id); err != nil {
		return err
	}
	return s.Store.RecordChange(ctx, Change{PersonID: personID, By: personID, At: s.Now(), Action: "removed", What: string(old.Kind)})
}

// Changes returns the person's latest changes, newest first.
func (s *Service) Changes(ctx context.Context, personID string, limit int) ([]Change, error) {
	return s.Store.Changes(ctx, personID, limit)
}
