package jobs_test

import (
	"testing"
	"time"

	"portal/jobs"
)

func TestQuestionFails(t *testing.T) {
	t.Parallel()
	yes := jobs.Question{Type: jobs.QuestionYesNo, Wanted: []string{"yes"}}
	single := jobs.Question{Type: jobs.QuestionSingle, Options: []string{"B", "C", "Inget"}, Wanted: []string{"B", "C"}}
	multi := jobs.Question{Type: jobs.QuestionMulti, Options: []string{"B", "C", "CE"}, Wanted: []string{"B", "C"}}
	free := jobs.Question{Type: jobs.QuestionYesNo}
	for _, tc := range []struct {
		name string
		q    jobs.Question
		vals []string
		want bool
	}{
		{"yes as wanted", yes, []string{"yes"}, false},
		{"no against yes", yes, []string{"no"}, true},
		{"no answer", yes, nil, true},
		{"single among wanted", single, []string{"C"}, false},
		{"single outside", single, []string{"Inget"}, true},
		{"multi with all wanted", multi, []string{"B", "C", "CE"}, false},
		{"multi missing one", multi, []string{"B", "CE"}, true},
		{"no requirement", free, []string{"no"}, false},
	} {
		if got := tc.q.Fails(tc.vals); got != tc.want {
			t.Errorf("%s: Fails = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAdInEnglishAndClosedEarly(t *testing.T) {
	t.Parallel()
	day, _ := jobs.ParseDay("2026-12-15")
	ad := jobs.Ad{Title: "Kock", Text: "Text", Department: "Kost", LastDay: day,
		English: jobs.English{Title: "Cook", Text: "Text in English"}}
	if en := ad.In("en"); en.Title != "Cook" || en.Text != "Text in English" || en.Department != "Kost" {
		t.Errorf("in English: %+v", en)
	}
	if sv := ad.In("sv"); sv.Title != "Kock" {
		t.Errorf("in Swedish: %+v", sv)
	}
	if half := (jobs.Ad{Title: "Kock", English: jobs.English{Title: "Cook"}}).In("en"); half.Title != "Kock" {
		t.Error("an English title without text is shown")
	}
	if !ad.ClosesAt().Equal(day.End()) {
		t.Errorf("closes %v", ad.ClosesAt())
	}
	closed := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	ad.ClosedAt = closed
	if !ad.ClosesAt().Equal(closed) {
		t.Errorf("closed early at %v", ad.ClosesAt())
	}
}
