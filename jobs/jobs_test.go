package jobs

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"portal/valid"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"SJUKSKÖTERSKA":         "sjuksköterska",
		"Åre  Älmhult":          "åre älmhult",
		"Café—Crème!":           "cafe creme",
		"Ærø":                   "ärö",
		"A\u030aa\u0308o\u0308": "åäö", // decomposed input
		"  Lärare, åk 7–9 ":     "lärare åk 7 9",
		"":                      "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Terms("Växjö växjö VÄXJÖ kock"); !reflect.DeepEqual(got, []string{"växjö", "kock"}) {
		t.Errorf("Terms: %v", got)
	}
}

func day(s string) Day {
	d, err := ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestDayClosesAtEndOfSwedishDay(t *testing.T) {
	ad := Ad{PublishedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), LastDay: day("2026-11-30")}
	last := time.Date(2026, 11, 30, 23, 59, 59, 0, Stockholm)
	if !ad.Open(last) {
		t.Fatal("closed at 23:59:59 on the last day")
	}
	if ad.Open(last.Add(time.Second)) {
		t.Fatal("open at 00:00:00 the day after")
	}
	// Summer time: the day ends at 22:00 UTC.
	summer := Ad{PublishedAt: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), LastDay: day("2026-07-15")}
	if got := summer.ClosesAt().UTC(); !got.Equal(time.Date(2026, 7, 15, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("closes at %v", got)
	}
	if ad.Open(time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)) {
		t.Fatal("open before publication")
	}
	if _, err := ParseDay("2026-13-01"); err == nil {
		t.Fatal("bad date accepted")
	}
}

func TestValidate(t *testing.T) {
	good := Ad{Ref: "EXK-1", Title: "Kock", Organisation: "Serviceförvaltningen", Place: "Växjö", Text: "Text",
		Area: "meals", Employment: Permanent, Extent: Extent{100}, Positions: 1, LastDay: day("2026-12-01"),
		PublishedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*Ad){
		"ref":        func(a *Ad) { a.Ref = "a b" },
		"title":      func(a *Ad) { a.Title = " " },
		"area":       func(a *Ad) { a.Area = "space" },
		"employment": func(a *Ad) { a.Employment = "forever" },
		"extent":     func(a *Ad) { a.Extent.Percent = 0 },
		"positions":  func(a *Ad) { a.Positions = 0 },
		"last_day":   func(a *Ad) { a.LastDay = day("2026-10-01") },
		"contacts":   func(a *Ad) { a.Contacts = []Contact{{Name: "A", Email: "not-an-address"}} },
	}
	for field, change := range cases {
		a := good
		change(&a)
		err := a.Validate()
		var verr valid.Problems
		if !errors.As(err, &verr) || len(verr) != 1 || verr[0].Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func testEntries() []*entry {
	pub := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	mk := func(ref, title, org, area, place string, pct int, emp string, published time.Time, last string) *entry {
		e := newEntry(Ad{Ref: ref, Title: title, Organisation: org, Area: area, Place: place,
			Extent: Extent{pct}, Employment: emp, Positions: 1, Text: "Text om tjänsten.",
			PublishedAt: published, LastDay: day(last), UpdatedAt: published})
		return &e
	}
	return []*entry{
		mk("A1", "Sjuksköterska", "Regionen", "health", "Växjö", 100, Permanent, pub, "2026-12-10"),
		mk("A2", "Undersköterska i hemtjänsten", "Omsorgen", "care", "Älmhult", 75, Hourly, pub.Add(time.Hour), "2026-11-25"),
		mk("A3", "Kock", "Serviceförvaltningen", "meals", "Växjö", 100, FixedTerm, pub.Add(2*time.Hour), "2026-11-30"),
		mk("A4", "Café-biträde", "Serviceförvaltningen", "meals", "Åre", 50, Substitute, pub.Add(3*time.Hour), "2026-12-01"),
		mk("A5", "Stängd sjuksköterska", "Regionen", "health", "Växjö", 100, Permanent, pub, "2026-11-20"),
		mk("A6", "Kommande kock", "Serviceförvaltningen", "meals", "Växjö", 100, Permanent, time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), "2026-12-20"),
	}
}

func refs(ads []Ad) []string {
	var out []string
	for _, a := range ads {
		out = append(out, a.Ref)
	}
	return out
}

func TestSearch(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	entries := testEntries()
	sortEntries(entries, SortNewest)
	order := newIndex(entries)
	for _, tc := range []struct {
		name  string
		query string
		want  []string
	}{
		{"all open, newest first", "", []string{"A4", "A3", "A2", "A1"}},
		{"case and Swedish letters folded", "q=SJUKSKÖTERSKA", []string{"A1"}},
		{"part of a compound word", "q=sköterska", []string{"A2", "A1"}},
		{"without dots and rings", "q=skoterska", []string{"A2", "A1"}},
		{"with dots, exact letters only", "q=ålmhult", nil},
		{"accent folded", "q=cafe", []string{"A4"}},
		{"every word must match", "q=kock+växjö", []string{"A3"}},
		{"place filter", "place=Växjö", []string{"A3", "A1"}},
		{"two areas", "area=health&area=care", []string{"A2", "A1"}},
		{"part time", "extent=part", []string{"A4", "A2"}},
		{"type and organisation", "type=fixed-term&type=substitute&org=Serviceförvaltningen", []string{"A4", "A3"}},
		{"closing soonest", "sort=closing", []string{"A2", "A3", "A4", "A1"}},
		{"unknown codes dropped", "area=moon&type=x", []string{"A4", "A3", "A2", "A1"}},
		{"nothing matches", "q=astronaut", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tc.query)
			q := ParseQuery(v)
			list := entries
			if q.Sort == SortClosing {
				list = append([]*entry(nil), entries...)
				sortEntries(list, SortClosing)
			}
			res := search(list, q, now, order)
			if got := refs(res.Ads); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if res.Total != len(tc.want) {
				t.Fatalf("total %d, want %d", res.Total, len(tc.want))
			}
		})
	}
}

func TestFacetsCountOtherFilters(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	entries := testEntries()
	sortEntries(entries, SortNewest)
	res := search(entries, Query{Places: []string{"Växjö"}, Page: 1}, now, newIndex(entries))
	// Places count as if no place were chosen, so the user can widen the
	// search; Swedish order puts Å and Ä after V.
	want := []Option{{"Växjö", 2, true}, {"Åre", 1, false}, {"Älmhult", 1, false}}
	if !reflect.DeepEqual(res.Facets.Places, want) {
		t.Fatalf("places %v, want %v", res.Facets.Places, want)
	}
	wantAreas := []Option{{"health", 1, false}, {"meals", 1, false}}
	if !reflect.DeepEqual(res.Facets.Areas, wantAreas) {
		t.Fatalf("areas %v", res.Facets.Areas)
	}
}

func TestPaging(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	entries := testEntries()
	sortEntries(entries, SortNewest)
	order := newIndex(entries)
	res := search(entries, Query{Page: 2, PageSize: 3}, now, order)
	if res.Pages != 2 || res.Page != 2 || !reflect.DeepEqual(refs(res.Ads), []string{"A1"}) {
		t.Fatalf("page 2: %+v", res)
	}
	res = search(entries, Query{Page: 9, PageSize: 3}, now, order)
	if res.Page != 2 {
		t.Fatalf("page past the end gives %d", res.Page)
	}
	res = search(entries, Query{Page: 1, PageSize: -1}, now, order)
	if len(res.Ads) != 4 {
		t.Fatalf("all: %d", len(res.Ads))
	}
}

func TestQueryRoundTrip(t *testing.T) {
	v, _ := url.ParseQuery("q=kock&area=meals&place=Växjö&extent=full&type=permanent&org=X&sort=closing&page=3")
	q := ParseQuery(v)
	if q.Page != 3 || !q.Filtered() {
		t.Fatalf("%+v", q)
	}
	again := ParseQuery(q.Values())
	again.Page = 3
	if !reflect.DeepEqual(q, again) {
		t.Fatalf("round trip: %+v vs %+v", q, again)
	}
}

func TestCheckAnswers(t *testing.T) {
	qs := []Question{
		{ID: "leg", Type: QuestionYesNo, Text: "Legitimation?", Required: true},
		{ID: "tider", Type: QuestionMulti, Text: "Tider?", Options: []string{"Dag", "Natt"}, Required: true},
		{ID: "utb", Type: QuestionSingle, Text: "Utbildning?", Options: []string{"A", "B"}},
		{ID: "ar", Type: QuestionNumber, Text: "År?", Required: true},
		{ID: "start", Type: QuestionShort, Text: "Start?"},
		{ID: "mer", Type: QuestionLong, Text: "Mer?"},
	}
	for _, tc := range []struct {
		name string
		form map[string][]string
		want map[string]string // field -> error key
	}{
		{"all good", map[string][]string{"q_leg": {"yes"}, "q_tider": {"Dag", "Natt"}, "q_utb": {"B"}, "q_ar": {"3,5"}, "q_start": {"1 mars"}, "q_mer": {"Rad 1\nRad 2"}}, nil},
		{"required missing", map[string][]string{"q_tider": {" "}}, map[string]string{"q_leg": "answer.error.required", "q_tider": "answer.error.required", "q_ar": "answer.error.required"}},
		{"unknown option", map[string][]string{"q_leg": {"kanske"}, "q_tider": {"Kväll"}, "q_utb": {"A", "B"}, "q_ar": {"tre"}}, map[string]string{"q_leg": "answer.error.choice", "q_tider": "answer.error.choice", "q_utb": "answer.error.choice", "q_ar": "answer.error.number"}},
		{"too long", map[string][]string{"q_leg": {"no"}, "q_tider": {"Dag"}, "q_ar": {"1"}, "q_start": {strings.Repeat("x", 201)}, "q_mer": {strings.Repeat("å", 4001)}}, map[string]string{"q_start": "answer.error.too_long", "q_mer": "answer.error.too_long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answers, errs := CheckAnswers(qs, tc.form)
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] = e.Key
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors %v, want %v", got, tc.want)
			}
			for f, k := range tc.want {
				if got[f] != k {
					t.Fatalf("errors %v, want %v", got, tc.want)
				}
			}
			if tc.want == nil && (answers["ar"][0] != "3,5" || len(answers["tider"]) != 2) {
				t.Fatalf("answers %v", answers)
			}
		})
	}
	bad := []Question{{ID: "a b", Type: QuestionYesNo, Text: "x"}, {ID: "c", Type: "essay", Text: "x"}, {ID: "d", Type: QuestionSingle, Text: "x", Options: []string{"1"}}, {ID: "e", Type: QuestionShort}}
	for _, q := range bad {
		ad := Ad{Ref: "EXK-1", Title: "T", Organisation: "O", Place: "P", Text: "T", Area: "it", Employment: Permanent,
			Extent: Extent{100}, Positions: 1, LastDay: day("2026-12-01"), Questions: []Question{q}}
		if err := ad.Validate(); err == nil {
			t.Errorf("question %+v accepted", q)
		}
	}
}
