package jobs

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSearch measures a search that the page cache has not seen: free
// text and a filter over 1,000 open ads.
func BenchmarkSearch(b *testing.B) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var entries []*entry
	places := []string{"Växjö", "Älmhult", "Åre", "Ljungby", "Eksjö"}
	for i := range 1000 {
		e := newEntry(Ad{Ref: fmt.Sprintf("EXK-%04d", i), Title: []string{"Sjuksköterska", "Kock", "Lärare", "Ekonom"}[i%4],
			Organisation: fmt.Sprintf("Förvaltning %d", i%7), Area: Areas[i%len(Areas)], Place: places[i%len(places)],
			Extent: Extent{50 + 50*(i%2)}, Employment: EmploymentTypes[i%4], Positions: 1,
			Text:        "Vi söker dig som vill arbeta hos oss. Du har erfarenhet och utbildning inom området.",
			PublishedAt: now.Add(-time.Duration(i) * time.Hour), LastDay: DayOf(now).AddDays(10 + i%30)})
		entries = append(entries, &e)
	}
	sortEntries(entries, SortNewest)
	ix := newIndex(entries)
	q := Query{Text: "sköterska vill", Areas: []string{"health", "care"}, Page: 1}
	b.ReportAllocs()
	for b.Loop() {
		if res := search(entries, q, now, ix); res.Total == 0 {
			b.Fatal("no hits")
		}
	}
}
