package recruiting

import (
	"net/url"
	"testing"

	"portal/jobs"
)

func TestListQueryRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Query
		out  string
	}{
		{"", Query{Sort: SortDate}, ""},
		{"steg=interview&fraga=shift&svar=Natt&betyg=4&bilagor=1&flaggad=1&sortera=rating&sida=3",
			Query{Stage: "interview", Question: "shift", Answer: "Natt", MinRating: 4, Files: true, Flagged: true, Sort: SortRating, Page: 3},
			"betyg=4&bilagor=1&flaggad=1&fraga=shift&sida=3&sortera=rating&steg=interview&svar=Natt"},
		{"betyg=9&sortera=evil&sida=-2&bilagor=yes", Query{Sort: SortDate}, ""},
		{"fraga=shift", Query{Sort: SortDate}, ""},           // a question without an answer is no filter
		{"svar=%20%20&fraga=why", Query{Sort: SortDate}, ""}, // nor a blank answer
	} {
		vals, _ := url.ParseQuery(tc.in)
		got := ParseQuery(vals)
		if got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.in, got, tc.want)
		}
		if enc := got.Encode(); enc != tc.out {
			t.Errorf("%q encodes as %q, want %q", tc.in, enc, tc.out)
		}
	}
}

func TestQuestionFails(t *testing.T) {
	q := jobs.Question{ID: "licence", Type: jobs.QuestionYesNo, Wanted: []string{"yes"}}
	for vals, want := range map[string]bool{"yes": false, "no": true, "": true} {
		var v []string
		if vals != "" {
			v = []string{vals}
		}
		if got := q.Fails(v); got != want {
			t.Errorf("Fails(%q) = %v", vals, got)
		}
	}
	if (jobs.Question{ID: "x"}).Fails(nil) {
		t.Error("a question that wants nothing fails")
	}
}

func TestStageIDs(t *testing.T) {
	taken := map[string]bool{"work-sample": true}
	for _, tc := range []struct{ en, sv, want string }{
		{"Work sample", "Arbetsprov", "work-sample-2"},
		{"", "Återkoppling före beslut", "aterkoppling-fore-beslut"},
		{"!!!", "???", "stage"},
	} {
		if got := newStageID(tc.en, tc.sv, taken); got != tc.want {
			t.Errorf("newStageID(%q, %q) = %q, want %q", tc.en, tc.sv, got, tc.want)
		}
	}
}
