package recruiting

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"portal/jobs"
	"portal/valid"
)

// FixedStages are the stages every set keeps, whatever their names: the
// decision, the anonymisation and the messages rely on their ids.
var FixedStages = []string{StageReceived, StageInterview, StageHired, StageNotSelected}

// StageSetStore keeps the stage set an administrator edits.
type StageSetStore interface {
	StageSettings
	// SaveStageSet replaces the stage set.
	SaveStageSet(ctx context.Context, set []Stage) error
	// StageInUse reports whether any candidate is at the stage.
	StageInUse(ctx context.Context, stage string) (bool, error)
}

// Limits of a stage set.
const (
	maxStages     = 20
	maxReasons    = 20
	maxStageName  = 60
	maxReasonName = 120
)

var templateID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

// StageDraft is a stage as the administrator's form gives it: an id for
// one that exists, none for a new one; Field is the form's prefix for its
// fields, which problems name.
type StageDraft struct {
	Field  string
	ID     string
	SV, EN string
	Order  int
	Remove bool
}

// ReasonDraft is a reason for "not selected" as the form gives it.
type ReasonDraft struct {
	Field    string
	ID       string
	SV, EN   string
	Template string
	Remove   bool
}

// SaveSet checks and stores a new stage set made from the drafts: the
// stages in the order given (ties kept as listed), received first and not
// selected last, interview before hired, each named in Swedish and
// English; the reasons of "not selected" each named and tied to a
// template. Fixed stages cannot be removed, nor a stage anyone is at. New
// stages get an id made from their name.
func SaveSet(ctx context.Context, store StageSetStore, current []Stage, stages []StageDraft, reasons []ReasonDraft) ([]Stage, error) {
	var errs valid.Problems
	known := map[string]Stage{}
	for _, st := range current {
		known[st.ID] = st
	}
	var keep []StageDraft
	ids := map[string]bool{} // taken: every id known, so none is reused
	for id := range known {
		ids[id] = true
	}
	for _, id := range FixedStages {
		ids[id] = true
	}
	for _, d := range stages {
		d.SV, d.EN = strings.TrimSpace(d.SV), strings.TrimSpace(d.EN)
		if d.ID == "" && d.SV == "" && d.EN == "" {
			continue // an empty row for a new stage
		}
		if d.ID != "" {
			if _, ok := known[d.ID]; !ok {
				errs.Add(d.Field+"sv", "recruitlist.stages.error.unknown")
				continue
			}
		}
		if d.Remove {
			if d.ID == "" {
				continue
			}
			if slices.Contains(FixedStages, d.ID) {
				errs.Add(d.Field+"sv", "recruitlist.stages.error.fixed")
				continue
			}
			used, err := store.StageInUse(ctx, d.ID)
			if err != nil {
				return nil, err
			}
			if used {
				errs.Add(d.Field+"sv", "recruitlist.stages.error.in_use")
				continue
			}
			continue
		}
		checkName(&errs, d.Field+"sv", d.SV, maxStageName)
		checkName(&errs, d.Field+"en", d.EN, maxStageName)
		keep = append(keep, d)
	}
	for _, id := range FixedStages {
		if !slices.ContainsFunc(keep, func(d StageDraft) bool { return d.ID == id }) && len(errs) == 0 {
			errs.Add("stages", "recruitlist.stages.error.fixed")
		}
	}
	if len(keep) > maxStages {
		errs.Add("stages", "recruitlist.stages.error.too_many")
	}
	slices.SortStableFunc(keep, func(a, b StageDraft) int { return a.Order - b.Order })
	var set []Stage
	for _, d := range keep {
		id := d.ID
		if id == "" {
			id = newStageID(d.EN, d.SV, ids)
			ids[id] = true
		}
		set = append(set, Stage{ID: id, Name: map[string]string{"sv": d.SV, "en": d.EN}})
	}
	if len(errs) == 0 {
		pos := func(id string) int { return slices.IndexFunc(set, func(s Stage) bool { return s.ID == id }) }
		if pos(StageReceived) != 0 || pos(StageNotSelected) != len(set)-1 || pos(StageInterview) > pos(StageHired) {
			errs.Add("stages", "recruitlist.stages.error.order")
		}
	}
	var rs []Reason
	rids := map[string]bool{}
	for _, st := range current {
		for _, r := range st.Reasons {
			rids[r.ID] = true
		}
	}
	seen := map[string]bool{}
	for _, d := range reasons {
		d.SV, d.EN, d.Template = strings.TrimSpace(d.SV), strings.TrimSpace(d.EN), strings.TrimSpace(d.Template)
		if d.Remove || (d.ID == "" && d.SV == "" && d.EN == "" && d.Template == "") {
			continue
		}
		checkName(&errs, d.Field+"sv", d.SV, maxReasonName)
		checkName(&errs, d.Field+"en", d.EN, maxReasonName)
		if !templateID.MatchString(d.Template) {
			errs.Add(d.Field+"template", "recruitlist.stages.error.template")
		}
		id := d.ID
		if id == "" || seen[id] {
			id = newStageID(d.EN, d.SV, rids)
		}
		rids[id], seen[id] = true, true
		rs = append(rs, Reason{ID: id, Name: map[string]string{"sv": d.SV, "en": d.EN}, Template: d.Template})
	}
	if len(rs) == 0 {
		errs.Add("reasons", "recruitlist.stages.error.no_reasons")
	} else if len(rs) > maxReasons {
		errs.Add("reasons", "recruitlist.stages.error.too_many")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for i := range set {
		if set[i].ID == StageNotSelected {
			set[i].Reasons = rs
		}
	}
	if err := store.SaveStageSet(ctx, set); err != nil {
		return nil, fmt.Errorf("recruiting: save stage set: %w", err)
	}
	return set, nil
}

func checkName(errs *valid.Problems, field, name string, limit int) {
	switch {
	case name == "":
		errs.Add(field, "recruitlist.stages.error.name")
	case utf8.RuneCountInString(name) > limit || strings.ContainsAny(name, "\r\n"):
		errs.Add(field, "recruitlist.stages.error.name_long")
	}
}

// newStageID makes an id from a name, the English one if it has letters:
// its letters and digits, folded, with hyphens between words; a number is
// added if the id is taken.
func newStageID(en, sv string, taken map[string]bool) string {
	base := slug(en)
	if base == "" {
		base = slug(sv)
	}
	if base == "" {
		base = "stage"
	}
	id := base
	for i := 2; taken[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range jobs.Fold(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'å' || r == 'ä':
			b.WriteRune('a')
		case r == 'ö':
			b.WriteRune('o')
		case r == ' ' && b.Len() > 0:
			b.WriteRune('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 40 {
		out = strings.Trim(out[:40], "-")
	}
	return out
}
