package jobs

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestMatches(t *testing.T) {
	nurse := Ad{Ref: "A-1", Title: "Sjuksköterska till akuten", Organisation: "Region Exempel", Department: "Akutkliniken",
		Area: "health", Place: "Östersund", Extent: Extent{Percent: 100}, Employment: Permanent,
		Text: "Vi söker en erfaren sjuksköterska med intresse för akutsjukvård. Nattjänstgöring förekommer."}
	teacher := Ad{Ref: "B-2", Title: "Lärare i matematik, åk 7–9", Organisation: "Exempelkommunen",
		Area: "education", Place: "Åre", Extent: Extent{Percent: 75}, Employment: FixedTerm,
		Text: "Undervisning i matematik och NO."}
	for _, tc := range []struct {
		name string
		ad   Ad
		c    Criteria
		want bool
	}{
		{"no criteria: every ad", nurse, Criteria{}, true},
		{"area", nurse, Criteria{Areas: []string{"health"}}, true},
		{"other area", nurse, Criteria{Areas: []string{"it"}}, false},
		{"any of several areas", teacher, Criteria{Areas: []string{"health", "education"}}, true},
		{"place ignores case", nurse, Criteria{Places: []string{"östersund"}}, true},
		{"place must be the whole name", nurse, Criteria{Places: []string{"Öster"}}, false},
		{"place with å", teacher, Criteria{Places: []string{"ÅRE", "Mora"}}, true},
		{"full time", nurse, Criteria{Extent: ExtentFull}, true},
		{"part time wanted, ad is full time", nurse, Criteria{Extent: ExtentPart}, false},
		{"part time", teacher, Criteria{Extent: ExtentPart}, true},
		{"employment type", teacher, Criteria{Types: []string{FixedTerm, Substitute}}, true},
		{"other employment type", teacher, Criteria{Types: []string{Permanent}}, false},
		{"keyword in title", nurse, Criteria{Keywords: []string{"sjuksköterska"}}, true},
		{"keyword in text, any case", nurse, Criteria{Keywords: []string{"NATTJÄNSTGÖRING"}}, true},
		{"keyword in department", nurse, Criteria{Keywords: []string{"akutkliniken"}}, true},
		{"keyword is part of a word", nurse, Criteria{Keywords: []string{"sköterska"}}, true},
		{"keyword without dots finds dotted", nurse, Criteria{Keywords: []string{"skoterska"}}, true},
		{"keyword with dots must match exactly", teacher, Criteria{Keywords: []string{"mätematik"}}, false},
		{"every word of a keyword", nurse, Criteria{Keywords: []string{"erfaren sjuksköterska"}}, true},
		{"a word of a keyword missing", nurse, Criteria{Keywords: []string{"erfaren lärare"}}, false},
		{"any of several keywords", teacher, Criteria{Keywords: []string{"kock", "matematik"}}, true},
		{"no keyword", teacher, Criteria{Keywords: []string{"kock", "vaktmästare"}}, false},
		{"all criteria pass", nurse, Criteria{Areas: []string{"health"}, Places: []string{"Östersund"}, Extent: ExtentFull,
			Types: []string{Permanent}, Keywords: []string{"akut"}}, true},
		{"one criterion fails", nurse, Criteria{Areas: []string{"health"}, Places: []string{"Östersund"}, Extent: ExtentFull,
			Types: []string{FixedTerm}, Keywords: []string{"akut"}}, false},
	} {
		if got := NewMatcher(tc.ad).Matches(tc.c); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMatcherRemembersKeywords(t *testing.T) {
	m := NewMatcher(Ad{Title: "Kock", Text: "Storkök"})
	for range 3 {
		if !m.Matches(Criteria{Keywords: []string{"kock"}}) || m.Matches(Criteria{Keywords: []string{"bagare"}}) {
			t.Fatal("wrong answer")
		}
	}
	if len(m.keywords) != 2 {
		t.Fatalf("remembered %v", m.keywords)
	}
}

func TestParseCriteria(t *testing.T) {
	for _, tc := range []struct {
		name string
		form url.Values
		want Criteria
		errs []string // fields with an error
	}{
		{"empty", url.Values{}, Criteria{}, nil},
		{"everything", url.Values{"area": {"health", "care"}, "place": {" Östersund ", "Åre"}, "extent": {"part"},
			"type": {"permanent"}, "keywords": {"sjuksköterska, barnmorska\nundersköterska"}},
			Criteria{Areas: []string{"health", "care"}, Places: []string{"Östersund", "Åre"}, Extent: ExtentPart,
				Types: []string{"permanent"}, Keywords: []string{"sjuksköterska", "barnmorska", "undersköterska"}}, nil},
		{"duplicates dropped", url.Values{"area": {"it", "it"}, "place": {"Åre", "åre"}, "keywords": {"Kock, kock,  ,"}},
			Criteria{Areas: []string{"it"}, Places: []string{"Åre"}, Keywords: []string{"Kock"}}, nil},
		{"unknown codes", url.Values{"area": {"space"}, "extent": {"half"}, "type": {"forever"}},
			Criteria{}, []string{"area", "extent"}},
		{"keyword too long", url.Values{"keywords": {"kock, " + strings.Repeat("a", MaxKeywordLength+1)}},
			Criteria{Keywords: []string{"kock"}}, []string{"keywords"}},
		{"too many keywords", url.Values{"keywords": {"a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11"}},
			Criteria{Keywords: []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"}}, []string{"keywords"}},
	} {
		got, errs := ParseCriteria(tc.form)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
		var fields []string
		for _, e := range errs {
			fields = append(fields, e.Field)
		}
		if !reflect.DeepEqual(fields, tc.errs) {
			t.Errorf("%s: errors on %v, want %v", tc.name, fields, tc.errs)
		}
		if len(tc.errs) == 0 {
			back, _ := ParseCriteria(got.Values())
			if !reflect.DeepEqual(back, got) {
				t.Errorf("%s: round trip %+v", tc.name, back)
			}
		}
	}
}
