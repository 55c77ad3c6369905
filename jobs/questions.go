package jobs

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"portal/valid"
)

// Question types of an ad's screening questions.
const (
	QuestionYesNo  = "yesno"
	QuestionSingle = "single"
	QuestionMulti  = "multi"
	QuestionShort  = "short"
	QuestionLong   = "long"
	QuestionNumber = "number"
)

// QuestionTypes lists the question types.
var QuestionTypes = []string{QuestionYesNo, QuestionSingle, QuestionMulti, QuestionShort, QuestionLong, QuestionNumber}

// Answer lengths, in characters.
const (
	maxShortAnswer = 200
	maxLongAnswer  = 4000
)

// Question is one screening question of an ad, asked in the ad's order.
type Question struct {
	ID       string // stable within the ad, e.g. "legitimation"
	Type     string
	Text     string
	Options  []string // for single and multi choice
	Required bool
	Help     string // shown under the question; optional
	// Wanted is the required answer of a yes/no or choice question, if
	// any: "yes" or "no", or the options that pass (see Fails).
	Wanted []string
}

// Fails reports whether answers vals miss the question's required answer:
// for yes/no, an answer other than the wanted one; for single choice, an
// option not among those wanted; for multiple choice, any wanted option
// left unchosen. No answer fails a question with a required answer; a
// question without one never fails.
func (q Question) Fails(vals []string) bool {
	if len(q.Wanted) == 0 {
		return false
	}
	switch q.Type {
	case QuestionYesNo, QuestionSingle:
		return len(vals) != 1 || !contains(q.Wanted, vals[0])
	case QuestionMulti:
		for _, w := range q.Wanted {
			if !contains(vals, w) {
				return true
			}
		}
		return false
	}
	return false
}

// HasWanted reports whether the question type can have a required answer.
func (q Question) HasWanted() bool {
	return q.Type == QuestionYesNo || q.Type == QuestionSingle || q.Type == QuestionMulti
}

// Answers are the applicant's answers by question id; choices may be many.
type Answers map[string][]string

// Field is the form field name of a question.
func (q Question) Field() string { return "q_" + q.ID }

func (q Question) validate(add func(field, key string)) {
	if key := q.Problem(); key != "" {
		add("questions", key)
	}
}

// Problem returns the translation key of what is wrong with the question,
// or "" when nothing is.
func (q Question) Problem() string {
	switch {
	case q.ID == "" || strings.ContainsAny(q.ID, " .$") || len(q.ID) > 40:
		return "error.ad.question_id"
	case !contains(QuestionTypes, q.Type):
		return "error.ad.question_type"
	case strings.TrimSpace(q.Text) == "":
		return "error.ad.question_text"
	case (q.Type == QuestionSingle || q.Type == QuestionMulti) && len(q.Options) < 2:
		return "error.ad.question_options"
	case len(q.Wanted) > 0 && !q.HasWanted():
		return "error.ad.question_wanted"
	case q.Type == QuestionYesNo && len(q.Wanted) > 0 && (len(q.Wanted) != 1 || (q.Wanted[0] != "yes" && q.Wanted[0] != "no")):
		return "error.ad.question_wanted"
	case q.Type != QuestionYesNo && !subset(q.Wanted, q.Options):
		return "error.ad.question_wanted"
	}
	return ""
}

func subset(some, all []string) bool {
	for _, s := range some {
		if !contains(all, s) {
			return false
		}
	}
	return true
}

// CheckAnswers reads the answers to questions from form values (field
// name to values) and returns them with what is wrong, in question order.
// Answers to unknown questions and unknown options are dropped or refused;
// nothing else is changed.
func CheckAnswers(questions []Question, form map[string][]string) (Answers, valid.Problems) {
	answers := Answers{}
	var errs valid.Problems
	for _, q := range questions {
		var vals []string
		for _, v := range form[q.Field()] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) > 0 {
			answers[q.ID] = vals
		}
		key := ""
		switch {
		case len(vals) == 0:
			if q.Required {
				key = "answer.error.required"
			}
		case q.Type == QuestionYesNo:
			if len(vals) != 1 || (vals[0] != "yes" && vals[0] != "no") {
				key = "answer.error.choice"
			}
		case q.Type == QuestionSingle || q.Type == QuestionMulti:
			if q.Type == QuestionSingle && len(vals) != 1 {
				key = "answer.error.choice"
			}
			for _, v := range vals {
				if !contains(q.Options, v) {
					key = "answer.error.choice"
				}
			}
		case q.Type == QuestionNumber:
			if _, err := strconv.ParseFloat(strings.ReplaceAll(vals[0], ",", "."), 64); err != nil || len(vals) != 1 {
				key = "answer.error.number"
			}
		case q.Type == QuestionShort:
			if len(vals) != 1 || utf8.RuneCountInString(vals[0]) > maxShortAnswer || strings.ContainsAny(vals[0], "\r\n") {
				key = "answer.error.too_long"
			}
		case q.Type == QuestionLong:
			if len(vals) != 1 || utf8.RuneCountInString(vals[0]) > maxLongAnswer {
				key = "answer.error.too_long"
			}
		}
		if key != "" {
			errs.Add(q.Field(), key)
		}
	}
	return answers, errs
}

// Form turns answers back into form values, for checking them again or
// filling a form in.
func (a Answers) Form(questions []Question) map[string][]string {
	form := map[string][]string{}
	for _, q := range questions {
		if v, ok := a[q.ID]; ok {
			form[q.Field()] = v
		}
	}
	return form
}
