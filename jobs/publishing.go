package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"portal/valid"
)

// adFile is an ad as an import file writes it: the fields of the job
// board, with the publication time left out for a draft.
type adFile struct {
	Ref           string        `json:"ref"`
	Title         string        `json:"title"`
	Organisation  string        `json:"organisation"`
	Department    string        `json:"department"`
	Area          string        `json:"area"`
	Place         string        `json:"place"`
	ExtentPercent int           `json:"extent_percent"`
	Employment    string        `json:"employment"`
	Positions     int           `json:"positions"`
	Text          string        `json:"text"`
	Contacts      []contactFile `json:"contacts"`
	UnionContacts []contactFile `json:"union_contacts"`
	PublishedAt   *time.Time    `json:"published_at"`
	LastDay       string        `json:"last_day"`
	Questions     []struct {
		ID       string   `json:"id"`
		Type     string   `json:"type"`
		Text     string   `json:"text"`
		Options  []string `json:"options"`
		Required bool     `json:"required"`
	} `json:"questions"`
}

type contactFile struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// ImportError lists what is wrong in an import file: for each bad ad its
// place in the file, its reference number and the fields.
type ImportError struct {
	Problems []ImportProblem
}

// ImportProblem is one bad ad of an import file.
type ImportProblem struct {
	Index  int    // 1-based place in the file
	Ref    string // may be empty
	Field  string // JSON name of the field
	Key    string // translation key of what is wrong
	Detail string // a decoding error's own words, when there is no key
}

func (e *ImportError) Error() string {
	var b strings.Builder
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "ad %d (%s): %s: %s%s\n", p.Index, p.Ref, p.Field, p.Key, p.Detail)
	}
	return strings.TrimSpace(b.String())
}

// ParseAds reads one ad or a list of ads as JSON. Unknown fields and
// wrong types are errors naming the ad and the field; so is anything
// Validate refuses. Either every ad is good or none is returned.
func ParseAds(r io.Reader) ([]Ad, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	var items []json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("not a JSON list of ads: %w", err)
		}
	} else {
		items = []json.RawMessage{raw}
	}
	if len(items) == 0 {
		return nil, errors.New("the file has no ads")
	}
	var problems []ImportProblem
	ads := make([]Ad, 0, len(items))
	seen := map[string]int{}
	for i, item := range items {
		ad, probs := parseAd(i+1, item)
		if prev, dup := seen[ad.Ref]; dup && ad.Ref != "" {
			probs = append(probs, ImportProblem{Index: i + 1, Ref: ad.Ref, Field: "ref", Key: "error.ad.ref_repeated",
				Detail: fmt.Sprintf(" (ad %d)", prev)})
		}
		seen[ad.Ref] = i + 1
		problems = append(problems, probs...)
		ads = append(ads, ad)
	}
	if len(problems) > 0 {
		return nil, &ImportError{Problems: problems}
	}
	return ads, nil
}

// fileFields maps the names Validate uses to those of the file.
var fileFields = map[string]string{"extent": "extent_percent"}

func parseAd(n int, item json.RawMessage) (Ad, []ImportProblem) {
	var f adFile
	dec := json.NewDecoder(bytes.NewReader(item))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var ref struct {
			Ref string `json:"ref"`
		}
		_ = json.Unmarshal(item, &ref)
		p := ImportProblem{Index: n, Ref: ref.Ref, Field: "-", Detail: err.Error()}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			p.Field, p.Detail = te.Field, "want "+te.Type.String()+", got "+te.Value
		} else if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			p.Field, p.Detail = strings.Trim(name, `"`), "unknown field"
		}
		return Ad{Ref: ref.Ref}, []ImportProblem{p}
	}
	ad := Ad{
		Ref: strings.TrimSpace(f.Ref), Title: f.Title, Organisation: f.Organisation, Department: f.Department,
		Area: f.Area, Place: f.Place, Extent: Extent{Percent: f.ExtentPercent}, Employment: f.Employment,
		Positions: f.Positions, Text: f.Text,
	}
	for _, c := range f.Contacts {
		ad.Contacts = append(ad.Contacts, Contact(c))
	}
	for _, c := range f.UnionContacts {
		ad.UnionContacts = append(ad.UnionContacts, Contact(c))
	}
	for _, q := range f.Questions {
		ad.Questions = append(ad.Questions, Question{ID: q.ID, Type: q.Type, Text: q.Text, Options: q.Options, Required: q.Required})
	}
	if f.PublishedAt != nil {
		ad.PublishedAt = f.PublishedAt.UTC().Truncate(time.Second)
	}
	var probs []ImportProblem
	if f.LastDay != "" {
		day, err := ParseDay(f.LastDay)
		if err != nil {
			probs = append(probs, ImportProblem{Index: n, Ref: ad.Ref, Field: "last_day", Key: "error.ad.last_day_format"})
		}
		ad.LastDay = day
	}
	if err := ad.Validate(); err != nil {
		var verr valid.Problems
		if !errors.As(err, &verr) {
			return ad, append(probs, ImportProblem{Index: n, Ref: ad.Ref, Field: "-", Detail: err.Error()})
		}
		badDate := len(probs) > 0
		for _, fe := range verr {
			if fe.Field == "last_day" && badDate {
				continue // already told: the date could not be read
			}
			field := fe.Field
			if alt, ok := fileFields[field]; ok {
				field = alt
			}
			probs = append(probs, ImportProblem{Index: n, Ref: ad.Ref, Field: field, Key: fe.Key})
		}
	}
	return ad, probs
}

// Announcer is told of every publication, so that job alerts can go out
// when it comes.
type Announcer interface {
	Publish(ctx context.Context, ad Ad) error
}

// Publishing stores and publishes ads; the import command uses it today
// and the recruiter workspace will.
type Publishing struct {
	Board     *Board
	Announcer Announcer
}

// ErrPublished is returned when publishing an ad that is already out.
var ErrPublished = errors.New("jobs: ad is already published")

// Import stores ads as drafts or with their publication time. Every ad is
// checked before any is stored.
func (p *Publishing) Import(ctx context.Context, ads []Ad) error {
	for _, ad := range ads {
		if err := ad.Validate(); err != nil {
			return err
		}
	}
	for _, ad := range ads {
		if err := p.Board.Save(ctx, ad); err != nil {
			return err
		}
		if !ad.PublishedAt.IsZero() {
			if err := p.Announcer.Publish(ctx, ad); err != nil {
				return err
			}
		}
	}
	return nil
}

// Publish makes a draft or scheduled ad public now.
func (p *Publishing) Publish(ctx context.Context, ref string) (Ad, error) {
	ad, err := p.Board.store.AdByRef(ctx, ref)
	if err != nil {
		return Ad{}, err
	}
	now := p.Board.Now()
	if ad.Published(now) {
		return ad, ErrPublished
	}
	ad.PublishedAt = now.UTC().Truncate(time.Second)
	if err := p.Board.Save(ctx, ad); err != nil {
		return Ad{}, err
	}
	return ad, p.Announcer.Publish(ctx, ad)
}

// ErrPast is returned when an ad is scheduled for a time that has come.
var ErrPast = errors.New("jobs: publication time has passed")

// Schedule sets a draft or scheduled ad to be published at a later time;
// job alerts are told now and go out when it comes.
func (p *Publishing) Schedule(ctx context.Context, ref string, at time.Time) (Ad, error) {
	ad, err := p.Board.store.AdByRef(ctx, ref)
	if err != nil {
		return Ad{}, err
	}
	now := p.Board.Now()
	if ad.Published(now) {
		return ad, ErrPublished
	}
	if !at.After(now) {
		return ad, ErrPast
	}
	ad.PublishedAt = at.UTC().Truncate(time.Second)
	if err := p.Board.Save(ctx, ad); err != nil {
		return Ad{}, err
	}
	return ad, p.Announcer.Publish(ctx, ad)
}
