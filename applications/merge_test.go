package applications

import (
	"reflect"
	"testing"

	"portal/jobs"
)

func TestMergeAnswers(t *testing.T) {
	qs := []jobs.Question{{ID: "a"}, {ID: "b"}}
	one := func(a, b string) jobs.Answers {
		out := jobs.Answers{}
		if a != "" {
			out["a"] = []string{a}
		}
		if b != "" {
			out["b"] = []string{b}
		}
		return out
	}
	for _, tc := range []struct {
		name               string
		base, theirs, mine jobs.Answers
		unknown            bool
		want               jobs.Answers
		conflicts          int
	}{
		{"each changed another question", one("1", "1"), one("2", "1"), one("1", "3"), false, one("2", "3"), 0},
		{"both made the same change", one("1", ""), one("2", ""), one("2", ""), false, one("2", ""), 0},
		{"only mine changed", one("1", "1"), one("1", "1"), one("", "1"), false, one("", "1"), 0},
		{"theirs cleared an answer", one("1", "1"), one("", "1"), one("1", "1"), false, one("", "1"), 0},
		{"both changed one question", one("1", ""), one("2", ""), one("3", ""), false, nil, 1},
		{"unknown base: every difference", one("", ""), one("2", "1"), one("2", "3"), true, nil, 1},
	} {
		got, conflicts := mergeAnswers(qs, tc.base, tc.theirs, tc.mine, tc.unknown)
		if len(conflicts) != tc.conflicts {
			t.Errorf("%s: %d conflicts, want %d", tc.name, len(conflicts), tc.conflicts)
			continue
		}
		if tc.conflicts == 0 && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
