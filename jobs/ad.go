// Package jobs holds the job-ad domain: ads, their validation, the public
// search over open ads and the data behind feeds.
package jobs

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"portal/classify"
	"portal/valid"
)

// ErrNotFound is returned when an ad does not exist.
var ErrNotFound = errors.New("jobs: not found")

// Employment types an ad can have.
const (
	Permanent  = "permanent"
	FixedTerm  = "fixed-term"
	Substitute = "substitute"
	Hourly     = "hourly"
)

// EmploymentTypes lists the employment types in display order.
var EmploymentTypes = []string{Permanent, FixedTerm, Substitute, Hourly}

// Areas lists the occupational area codes in display order; labels live in
// the locale files as "area.<code>".
var Areas = []string{
	"health", "care", "social", "education", "admin", "it",
	"technical", "culture", "meals", "facilities", "leadership",
}

// Extent values used in queries.
const (
	ExtentFull = "full"
	ExtentPart = "part"
)

// Extent is how much of a full-time position the job is.
type Extent struct {
	Percent int // 1-100; 100 is full time
}

// Full reports whether the position is full time.
func (e Extent) Full() bool { return e.Percent >= 100 }

// Kind returns ExtentFull or ExtentPart.
func (e Extent) Kind() string {
	if e.Full() {
		return ExtentFull
	}
	return ExtentPart
}

// Contact is a person to ask about the job, or a union representative.
type Contact struct {
	Name  string
	Role  string // job title, or the union's name for union contacts
	Phone string
	Email string
}

// Ad is a published or scheduled job ad.
type Ad struct {
	Ref           string // reference number, unique, e.g. "EXR-2026-0042"
	Title         string
	Organisation  string
	Department    string
	Area          string // one of Areas
	Place         string // municipality
	Extent        Extent
	Employment    string // one of EmploymentTypes
	Positions     int
	Text          string // plain text; blank lines separate paragraphs
	Contacts      []Contact
	UnionContacts []Contact
	PublishedAt   time.Time
	LastDay       Day
	UpdatedAt     time.Time
	Questions     []Question // screening questions, in the order asked
	// Occupation is the SSYK 2012 occupation group (four digits) and
	// Municipality the municipality code (four digits), both from the
	// lists of package classify; empty on ads made before they were asked.
	Occupation   string
	Municipality string
	// English is the ad in English, shown to readers in English; optional.
	English English
	// ClosedAt, when set, closes the ad before its last day ends.
	ClosedAt time.Time
}

// English is the English text of an ad: the Swedish one is the ad of
// record and these are shown instead of it to readers in English.
type English struct {
	Title      string
	Department string
	Text       string
}

// Has reports whether the ad has an English version.
func (e English) Has() bool {
	return strings.TrimSpace(e.Title) != "" && strings.TrimSpace(e.Text) != ""
}

// In returns the ad as a reader in lang sees it: for English, with the
// English title, department and text when the ad has them.
func (a Ad) In(lang string) Ad {
	if !strings.HasPrefix(lang, "en") || !a.English.Has() {
		return a
	}
	a.Title, a.Text = a.English.Title, a.English.Text
	if a.English.Department != "" {
		a.Department = a.English.Department
	}
	return a
}

// ClosesAt is the moment applications close: the end of the last
// application day, Swedish time.
// An ad closed early closes at ClosedAt.
func (a Ad) ClosesAt() time.Time {
	if end := a.LastDay.End(); a.ClosedAt.IsZero() || end.Before(a.ClosedAt) {
		return end
	}
	return a.ClosedAt
}

// Published reports whether the ad is visible at now.
func (a Ad) Published(now time.Time) bool {
	return !a.PublishedAt.IsZero() && !now.Before(a.PublishedAt)
}

// Open reports whether the ad is published and still takes applications at now.
func (a Ad) Open(now time.Time) bool { return a.Published(now) && now.Before(a.ClosesAt()) }

// Paragraphs splits the text into paragraphs.
func (a Ad) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(a.Text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var refPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,30}$`)

// Validate checks an ad before it is stored; what is wrong is
// valid.Problems.
func (a Ad) Validate() error {
	var errs valid.Problems
	add := func(field, key string) { errs.Add(field, key) }
	if !refPattern.MatchString(a.Ref) {
		add("ref", "error.ad.ref")
	}
	required := map[string]string{"title": a.Title, "organisation": a.Organisation, "place": a.Place, "text": a.Text}
	for _, f := range []string{"title", "organisation", "place", "text"} {
		if strings.TrimSpace(required[f]) == "" {
			add(f, "error.required")
		}
	}
	if len(a.Title) > 200 {
		add("title", "error.ad.too_long")
	}
	if !contains(Areas, a.Area) {
		add("area", "error.ad.area")
	}
	if !contains(EmploymentTypes, a.Employment) {
		add("employment", "error.ad.employment")
	}
	if a.Extent.Percent < 1 || a.Extent.Percent > 100 {
		add("extent", "error.ad.extent")
	}
	if a.Positions < 1 || a.Positions > 1000 {
		add("positions", "error.ad.positions")
	}
	if a.LastDay.IsZero() {
		add("last_day", "error.ad.last_day")
	} else if !a.PublishedAt.IsZero() && !a.PublishedAt.Before(a.ClosesAt()) {
		add("last_day", "error.ad.closes_before_publish")
	}
	for _, c := range append(append([]Contact{}, a.Contacts...), a.UnionContacts...) {
		if strings.TrimSpace(c.Name) == "" {
			add("contacts", "error.ad.contact_name")
		}
		if c.Email != "" {
			if !valid.Email(c.Email) {
				add("contacts", "error.ad.contact_email")
			}
		}
	}
	if e := a.English; e != (English{}) {
		if strings.TrimSpace(e.Title) == "" {
			add("title_en", "error.ad.english_title")
		} else if len(e.Title) > 200 {
			add("title_en", "error.ad.too_long")
		}
		if strings.TrimSpace(e.Text) == "" {
			add("text_en", "error.ad.english_text")
		}
	}
	if a.Occupation != "" {
		if _, ok := classify.Occupation(a.Occupation); !ok {
			add("occupation", "error.ad.occupation")
		}
	}
	if a.Municipality != "" {
		if _, ok := classify.MunicipalityByCode(a.Municipality); !ok {
			add("municipality", "error.ad.municipality")
		}
	}
	seen := map[string]bool{}
	for _, q := range a.Questions {
		q.validate(add)
		if seen[q.ID] {
			add("questions", "error.ad.question_id")
		}
		seen[q.ID] = true
	}
	if len(errs) > 0 {
		return fmt.Errorf("jobs: ad %q is invalid: %w", a.Ref, errs)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
