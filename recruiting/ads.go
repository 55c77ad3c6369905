package recruiting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"portal/classify"
	"portal/jobs"
	"portal/valid"
)

// AdChange is one recorded change to a published (or scheduled) ad: who
// made it, when, and each field before and after. Changes are only ever
// added, never edited.
type AdChange struct {
	Ref           string
	RecruitmentID string
	By            string
	At            time.Time
	Action        string // one of the Change* actions
	Fields        []FieldChange
}

// Actions an AdChange records.
const (
	ChangeEdited    = "edited"
	ChangePublished = "published"
	ChangeScheduled = "scheduled"
	ChangeClosed    = "closed"
	ChangeExtended  = "extended"
)

// FieldChange is one field of an ad before and after a change, as text.
type FieldChange struct {
	Field string // the editor's field name, e.g. "title" or "last_day"
	Old   string
	New   string
}

// AdLog keeps the record of changes to ads.
type AdLog interface {
	// AddAdChange inserts one record.
	AddAdChange(ctx context.Context, c AdChange) error
	// AdChanges returns the records of an ad, oldest first.
	AdChanges(ctx context.Context, ref string) ([]AdChange, error)
}

// AdTemplate is an ad saved as a starting point for the unit's later ads.
type AdTemplate struct {
	ID        string
	UnitID    string
	Name      string
	Ad        jobs.Ad // without reference number, dates and publication
	CreatedBy string
	CreatedAt time.Time
}

// AdTemplates keeps the ad templates of units.
type AdTemplates interface {
	// AddAdTemplate stores a new template and returns its id.
	AddAdTemplate(ctx context.Context, t AdTemplate) (string, error)
	// AdTemplates returns the templates of a unit, newest first.
	AdTemplates(ctx context.Context, unitID string) ([]AdTemplate, error)
	// AdTemplate returns one template, or ErrNotFound.
	AdTemplate(ctx context.Context, id string) (AdTemplate, error)
}

// AdBoard is what the ad editor needs of the job board.
type AdBoard interface {
	AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
	Save(ctx context.Context, ad jobs.Ad) error
}

// AdPublisher publishes ads and tells the job alerts.
type AdPublisher interface {
	Publish(ctx context.Context, ref string) (jobs.Ad, error)
	Schedule(ctx context.Context, ref string, at time.Time) (jobs.Ad, error)
}

// Ads is the ad editor of recruitments: a recruitment's ad is the job ad
// with its reference number. Only viewers who manage the recruitment
// change it; every change to an ad once it has a publication time is
// recorded.
type Ads struct {
	Board     AdBoard
	Publisher AdPublisher
	Log       AdLog
	Templates AdTemplates
	Now       func() time.Time
}

// MaxQuestions bounds the screening questions of one ad.
const MaxQuestions = 30

// Ad returns the recruitment's ad, or jobs.ErrNotFound before it has one.
func (s *Ads) Ad(ctx context.Context, r Recruitment) (jobs.Ad, error) {
	return s.Board.AdByRef(ctx, r.Ref)
}

// NewAd is the ad a recruitment starts from: its title and positions, the
// organisation and the unit's name as department.
func NewAd(r Recruitment, organisation, unitName string) jobs.Ad {
	return jobs.Ad{Ref: r.Ref, Title: r.Title, Positions: r.Positions, Organisation: organisation, Department: unitName,
		Employment: jobs.Permanent, Extent: jobs.Extent{Percent: 100}}
}

// CopyOf is ad made ready to start another from: what the ad says, without
// its reference number, dates and publication.
func CopyOf(ad jobs.Ad) jobs.Ad {
	ad.Ref, ad.PublishedAt, ad.ClosedAt, ad.UpdatedAt, ad.LastDay = "", time.Time{}, time.Time{}, time.Time{}, jobs.Day{}
	ad.Questions = slices.Clone(ad.Questions)
	return ad
}

// Save stores the recruitment's ad as the editor sends it. The
// publication and closing stay as they are (they change by Publish, Close
// and Extend); the place is the municipality's name. An occupation and a
// municipality code are required.
func (s *Ads) Save(ctx context.Context, v Viewer, r Recruitment, ad jobs.Ad) (jobs.Ad, error) {
	if !v.Manage {
		return jobs.Ad{}, ErrForbidden
	}
	before, err := s.Board.AdByRef(ctx, r.Ref)
	exists := err == nil
	if err != nil && !errors.Is(err, jobs.ErrNotFound) {
		return jobs.Ad{}, err
	}
	ad.Ref = r.Ref
	if exists {
		ad.PublishedAt, ad.ClosedAt = before.PublishedAt, before.ClosedAt
	}
	var errs valid.Problems
	if ad.Occupation == "" {
		errs.Add("occupation", "error.ad.occupation_required")
	}
	if ad.Municipality == "" {
		errs.Add("municipality", "error.ad.municipality_required")
	} else if m, ok := classify.MunicipalityByCode(ad.Municipality); ok {
		ad.Place = m.Name
	}
	if len(ad.Questions) > MaxQuestions {
		errs.Add("questions", "error.ad.question_many")
	}
	seen := map[string]bool{}
	for i, q := range ad.Questions {
		field := fmt.Sprintf("question_%d", i)
		switch key := q.Problem(); {
		case key != "":
			errs.Add(field, key)
		case seen[q.ID]:
			errs.Add(field, "error.ad.question_id")
		case utf8.RuneCountInString(q.Help) > 500:
			errs.Add(field, "error.ad.question_help")
		}
		seen[q.ID] = true
	}
	if exists && before.Published(s.Now()) && !before.LastDay.IsZero() && ad.LastDay != before.LastDay {
		errs.Add("last_day", "error.ad.last_day_published")
	}
	if err := ad.Validate(); err != nil {
		var p valid.Problems
		if !errors.As(err, &p) {
			return jobs.Ad{}, err
		}
		for _, e := range p {
			switch {
			case e.Field == "questions": // told per question above
			case e.Field == "place" && hasField(errs, "municipality"): // the place is the municipality's name
			case e.Field == "place":
				e.Field = "municipality"
				errs = append(errs, e)
			default:
				errs = append(errs, e)
			}
		}
	}
	if len(errs) > 0 {
		return jobs.Ad{}, errs
	}
	if err := s.Board.Save(ctx, ad); err != nil {
		return jobs.Ad{}, err
	}
	if exists && !before.PublishedAt.IsZero() {
		if err := s.record(ctx, v, r, ChangeEdited, Diff(before, ad)); err != nil {
			return ad, err
		}
	}
	return ad, nil
}

// record adds a change to the log unless nothing changed.
func (s *Ads) record(ctx context.Context, v Viewer, r Recruitment, action string, fields []FieldChange) error {
	if len(fields) == 0 {
		return nil
	}
	return s.Log.AddAdChange(ctx, AdChange{Ref: r.Ref, RecruitmentID: r.ID, By: v.PersonID, At: s.Now().UTC().Truncate(time.Millisecond),
		Action: action, Fields: fields})
}

// Publish publishes the recruitment's ad now, or at a later time when at
// is set; the job alerts are told either way.
func (s *Ads) Publish(ctx context.Context, v Viewer, r Recruitment, at time.Time) (jobs.Ad, error) {
	if !v.Manage {
		return jobs.Ad{}, ErrForbidden
	}
	before, err := s.Board.AdByRef(ctx, r.Ref)
	if err != nil {
		return jobs.Ad{}, err
	}
	now := s.Now()
	if before.Published(now) {
		return jobs.Ad{}, valid.Problems{{Field: "publish_at", Key: "error.ad.already_published"}}
	}
	if !now.Before(before.ClosesAt()) {
		return jobs.Ad{}, valid.Problems{{Field: "publish_at", Key: "error.ad.publish_after_close"}}
	}
	var ad jobs.Ad
	action := ChangePublished
	if at.IsZero() || !at.After(now) {
		ad, err = s.Publisher.Publish(ctx, r.Ref)
	} else {
		if !at.Before(before.ClosesAt()) {
			return jobs.Ad{}, valid.Problems{{Field: "publish_at", Key: "error.ad.closes_before_publish"}}
		}
		action = ChangeScheduled
		ad, err = s.Publisher.Schedule(ctx, r.Ref, at)
	}
	if err != nil {
		return jobs.Ad{}, err
	}
	return ad, s.record(ctx, v, r, action, Diff(before, ad))
}

// Close modes: the last day becomes today, or applications close now.
const (
	CloseToday = "today"
	CloseNow   = "now"
)

// Close ends the ad's application time early: the last day becomes today,
// or applications close at once.
func (s *Ads) Close(ctx context.Context, v Viewer, r Recruitment, mode string) (jobs.Ad, error) {
	if !v.Manage {
		return jobs.Ad{}, ErrForbidden
	}
	before, err := s.Board.AdByRef(ctx, r.Ref)
	if err != nil {
		return jobs.Ad{}, err
	}
	now := s.Now()
	if !before.Open(now) {
		return jobs.Ad{}, valid.Problems{{Field: "close", Key: "error.ad.not_open"}}
	}
	ad := before
	switch mode {
	case CloseToday:
		today := jobs.DayOf(now)
		if before.LastDay == today {
			return jobs.Ad{}, valid.Problems{{Field: "close", Key: "error.ad.closes_today"}}
		}
		ad.LastDay = today
	case CloseNow:
		ad.ClosedAt = now.UTC().Truncate(time.Second)
		if !ad.PublishedAt.Before(ad.ClosedAt) {
			ad.ClosedAt = ad.PublishedAt.Add(time.Second)
		}
	default:
		return jobs.Ad{}, valid.Problems{{Field: "close", Key: "error.ad.close_mode"}}
	}
	if err := s.Board.Save(ctx, ad); err != nil {
		return jobs.Ad{}, err
	}
	return ad, s.record(ctx, v, r, ChangeClosed, Diff(before, ad))
}

// Extend moves the last day later; an ad closed early opens again until
// the new day ends.
func (s *Ads) Extend(ctx context.Context, v Viewer, r Recruitment, day jobs.Day) (jobs.Ad, error) {
	if !v.Manage {
		return jobs.Ad{}, ErrForbidden
	}
	before, err := s.Board.AdByRef(ctx, r.Ref)
	if err != nil {
		return jobs.Ad{}, err
	}
	now := s.Now()
	switch {
	case day.IsZero():
		return jobs.Ad{}, valid.Problems{{Field: "last_day_new", Key: "error.ad.last_day"}}
	case day.Start().Before(jobs.DayOf(now).Start()):
		return jobs.Ad{}, valid.Problems{{Field: "last_day_new", Key: "error.ad.extend_past"}}
	case !day.Start().After(before.LastDay.Start()) && before.ClosedAt.IsZero():
		return jobs.Ad{}, valid.Problems{{Field: "last_day_new", Key: "error.ad.extend_earlier"}}
	}
	ad := before
	ad.LastDay, ad.ClosedAt = day, time.Time{}
	if err := s.Board.Save(ctx, ad); err != nil {
		return jobs.Ad{}, err
	}
	if before.PublishedAt.IsZero() {
		return ad, nil
	}
	return ad, s.record(ctx, v, r, ChangeExtended, Diff(before, ad))
}

// Changes returns the record of changes to the recruitment's ad, newest
// first.
func (s *Ads) Changes(ctx context.Context, v Viewer, r Recruitment) ([]AdChange, error) {
	if !v.See {
		return nil, ErrNotFound
	}
	list, err := s.Log.AdChanges(ctx, r.Ref)
	slices.Reverse(list)
	return list, err
}

// SaveTemplate saves the recruitment's ad as a template of its unit.
func (s *Ads) SaveTemplate(ctx context.Context, v Viewer, r Recruitment, name string) (AdTemplate, error) {
	if !v.Manage {
		return AdTemplate{}, ErrForbidden
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return AdTemplate{}, valid.Problems{{Field: "template_name", Key: "error.ad.template_name"}}
	}
	if utf8.RuneCountInString(name) > 100 {
		return AdTemplate{}, valid.Problems{{Field: "template_name", Key: "error.ad.template_name_long"}}
	}
	ad, err := s.Board.AdByRef(ctx, r.Ref)
	if errors.Is(err, jobs.ErrNotFound) {
		return AdTemplate{}, valid.Problems{{Field: "template_name", Key: "error.ad.template_no_ad"}}
	}
	if err != nil {
		return AdTemplate{}, err
	}
	t := AdTemplate{UnitID: r.UnitID, Name: name, Ad: CopyOf(ad), CreatedBy: v.PersonID, CreatedAt: s.Now().UTC().Truncate(time.Millisecond)}
	t.ID, err = s.Templates.AddAdTemplate(ctx, t)
	return t, err
}

// UnitTemplates returns the ad templates of the recruitment's unit.
func (s *Ads) UnitTemplates(ctx context.Context, r Recruitment) ([]AdTemplate, error) {
	return s.Templates.AdTemplates(ctx, r.UnitID)
}

// Template returns one template of the recruitment's unit; another unit's
// is not found.
func (s *Ads) Template(ctx context.Context, r Recruitment, id string) (AdTemplate, error) {
	t, err := s.Templates.AdTemplate(ctx, id)
	if err != nil {
		return AdTemplate{}, err
	}
	if t.UnitID != r.UnitID {
		return AdTemplate{}, ErrNotFound
	}
	return t, nil
}

// Diff lists the fields that differ between two versions of an ad.
func Diff(a, b jobs.Ad) []FieldChange {
	var out []FieldChange
	add := func(field, old, new string) {
		if old != new {
			out = append(out, FieldChange{Field: field, Old: old, New: new})
		}
	}
	add("title", a.Title, b.Title)
	add("title_en", a.English.Title, b.English.Title)
	add("organisation", a.Organisation, b.Organisation)
	add("department", a.Department, b.Department)
	add("department_en", a.English.Department, b.English.Department)
	add("area", a.Area, b.Area)
	add("occupation", a.Occupation, b.Occupation)
	add("municipality", a.Municipality, b.Municipality)
	add("place", a.Place, b.Place)
	add("extent", strconv.Itoa(a.Extent.Percent), strconv.Itoa(b.Extent.Percent))
	add("employment", a.Employment, b.Employment)
	add("positions", strconv.Itoa(a.Positions), strconv.Itoa(b.Positions))
	add("text", a.Text, b.Text)
	add("text_en", a.English.Text, b.English.Text)
	add("contacts", contactsText(a.Contacts), contactsText(b.Contacts))
	add("union_contacts", contactsText(a.UnionContacts), contactsText(b.UnionContacts))
	add("published_at", timeText(a.PublishedAt), timeText(b.PublishedAt))
	add("last_day", a.LastDay.String(), b.LastDay.String())
	add("closed_at", timeText(a.ClosedAt), timeText(b.ClosedAt))
	add("questions", questionsText(a.Questions), questionsText(b.Questions))
	return out
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(jobs.Stockholm).Format("2006-01-02 15:04")
}

func contactsText(cs []jobs.Contact) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = strings.Join(slices.DeleteFunc([]string{c.Name, c.Role, c.Phone, c.Email}, func(s string) bool { return s == "" }), ", ")
	}
	return strings.Join(lines, "\n")
}

func questionsText(qs []jobs.Question) string {
	lines := make([]string, len(qs))
	for i, q := range qs {
		line := fmt.Sprintf("%d. [%s] %s", i+1, q.Type, q.Text)
		if q.Required {
			line += " *"
		}
		if len(q.Options) > 0 {
			line += " (" + strings.Join(q.Options, " / ") + ")"
		}
		if len(q.Wanted) > 0 {
			line += " = " + strings.Join(q.Wanted, " / ")
		}
		if q.Help != "" {
			line += " – " + q.Help
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

func hasField(p valid.Problems, field string) bool {
	_, ok := p.Field(field)
	return ok
}
