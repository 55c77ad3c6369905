package jobs

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Sort orders.
const (
	SortNewest  = "newest"
	SortClosing = "closing"
)

// PageSize is the number of ads on one page of results.
const PageSize = 20

// Query is a search of open ads.
type Query struct {
	Text     string
	Areas    []string
	Places   []string
	Extent   string // "", ExtentFull or ExtentPart
	Types    []string
	Orgs     []string
	Sort     string
	Page     int // 1-based
	PageSize int // 0 means PageSize; negative means all
}

// ParseQuery reads a query from URL values, dropping unknown codes.
func ParseQuery(v url.Values) Query {
	q := Query{
		Text:   strings.TrimSpace(v.Get("q")),
		Areas:  only(v["area"], Areas),
		Places: clean(v["place"]),
		Extent: v.Get("extent"),
		Types:  only(v["type"], EmploymentTypes),
		Orgs:   clean(v["org"]),
		Sort:   v.Get("sort"),
	}
	if len(q.Text) > 200 {
		q.Text = q.Text[:200]
	}
	if q.Extent != ExtentFull && q.Extent != ExtentPart {
		q.Extent = ""
	}
	if q.Sort != SortClosing {
		q.Sort = SortNewest
	}
	q.Page, _ = strconv.Atoi(v.Get("page"))
	if q.Page < 1 {
		q.Page = 1
	}
	return q
}

// Values writes the query back as URL values (without the page), so links
// and feeds can repeat it. Values are in a fixed order.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	for _, a := range q.Areas {
		v.Add("area", a)
	}
	for _, p := range q.Places {
		v.Add("place", p)
	}
	if q.Extent != "" {
		v.Set("extent", q.Extent)
	}
	for _, t := range q.Types {
		v.Add("type", t)
	}
	for _, o := range q.Orgs {
		v.Add("org", o)
	}
	if q.Sort == SortClosing {
		v.Set("sort", q.Sort)
	}
	return v
}

// Filtered reports whether the query narrows the list in any way.
func (q Query) Filtered() bool {
	return q.Text != "" || len(q.Areas)+len(q.Places)+len(q.Types)+len(q.Orgs) > 0 || q.Extent != ""
}

func only(vals, allowed []string) []string {
	var out []string
	for _, v := range vals {
		if contains(allowed, v) && !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func clean(vals []string) []string {
	var out []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v != "" && len(v) <= 100 && !contains(out, v) && len(out) < 20 {
			out = append(out, v)
		}
	}
	return out
}

// Option is one value of a filter with the number of matching ads.
type Option struct {
	Value    string
	Count    int
	Selected bool
}

// Facets are the filter options for the current search.
type Facets struct {
	Areas, Places, Extents, Types, Orgs []Option
}

// Result is one page of a search.
type Result struct {
	Query  Query
	Ads    []Ad
	Total  int
	Page   int
	Pages  int
	Facets Facets
	// Modified is the latest change among all matching ads, for feeds.
	Modified time.Time
}

// entry is an ad prepared for searching.
type entry struct {
	ad     Ad
	text   string      // folded searchable text
	loose  string      // the same without the dots and rings of å, ä, ö
	opens  int64       // publication, Unix nanoseconds
	closes int64       // end of the last application day, Unix nanoseconds
	vals   [dims]int32 // the ad's value in each facet, as an index into index.values
}

func newEntry(a Ad) entry {
	parts := []string{a.Ref, a.Title, a.Organisation, a.Department, a.Place, a.Text}
	for _, c := range a.Contacts {
		parts = append(parts, c.Name, c.Role)
	}
	text := " " + Fold(strings.Join(parts, " ")) + " "
	e := entry{ad: a, text: text, loose: loosen.Replace(text), opens: math.MaxInt64, closes: a.ClosesAt().UnixNano()}
	if !a.PublishedAt.IsZero() {
		e.opens = a.PublishedAt.UnixNano()
	}
	return e
}

// open is Ad.Open on precomputed times.
func (e *entry) open(now int64) bool { return now >= e.opens && now < e.closes }

// dimension indexes of a facet.
const (
	dimArea = iota
	dimPlace
	dimExtent
	dimType
	dimOrg
	dims
)

func rawValues(a *Ad) [dims]string {
	return [dims]string{a.Area, a.Place, a.Extent.Kind(), a.Employment, a.Organisation}
}

// index numbers the values of each facet, in display order: the fixed
// order of codes, and Swedish alphabetical order (å, ä, ö last) for places
// and organisations.
type index struct {
	values [dims][]string
	ids    [dims]map[string]int32
}

func newIndex(entries []*entry) *index {
	var seen [dims]map[string]bool
	for d := range seen {
		seen[d] = map[string]bool{}
	}
	for _, e := range entries {
		for d, v := range rawValues(&e.ad) {
			seen[d][v] = true
		}
	}
	ix := &index{}
	ix.values[dimArea] = ordered(Areas, seen[dimArea])
	ix.values[dimExtent] = ordered([]string{ExtentFull, ExtentPart}, seen[dimExtent])
	ix.values[dimType] = ordered(EmploymentTypes, seen[dimType])
	ix.values[dimPlace] = swedishSorted(seen[dimPlace])
	ix.values[dimOrg] = swedishSorted(seen[dimOrg])
	for d := range ix.ids {
		ix.ids[d] = make(map[string]int32, len(ix.values[d]))
		for i, v := range ix.values[d] {
			ix.ids[d][v] = int32(i)
		}
	}
	for _, e := range entries {
		for d, v := range rawValues(&e.ad) {
			e.vals[d] = ix.ids[d][v]
		}
	}
	return ix
}

// ordered returns the known codes first, in their order, then any others.
func ordered(known []string, seen map[string]bool) []string {
	out := append([]string(nil), known...)
	var extra []string
	for v := range seen {
		if !contains(known, v) {
			extra = append(extra, v)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

func swedishSorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	collate.New(language.Swedish, collate.IgnoreCase).SortStrings(out)
	return out
}

// search runs q over entries (already in the order of q.Sort) at now.
func search(entries []*entry, q Query, now time.Time, ix *index) Result {
	terms := Terms(q.Text)
	var selected [dims][]string
	selected[dimArea], selected[dimPlace], selected[dimType], selected[dimOrg] = q.Areas, q.Places, q.Types, q.Orgs
	if q.Extent != "" {
		selected[dimExtent] = []string{q.Extent}
	}
	var want [dims][]bool // nil: no filter on the dimension
	var counts [dims][]int
	for d := range dims {
		counts[d] = make([]int, len(ix.values[d]))
		if len(selected[d]) > 0 {
			want[d] = make([]bool, len(ix.values[d]))
			for _, v := range selected[d] {
				if id, ok := ix.ids[d][v]; ok {
					want[d][id] = true
				}
			}
		}
	}
	t := now.UnixNano()
	var hits []*entry
	var modified time.Time
	for _, e := range entries {
		if !e.open(t) || !matchesTerms(e, terms) {
			continue
		}
		failed, failedDim := 0, -1
		for d := range dims {
			if want[d] != nil && !want[d][e.vals[d]] {
				failed++
				failedDim = d
			}
		}
		// A facet counts the ads that pass every other filter.
		switch failed {
		case 0:
			for d := range dims {
				counts[d][e.vals[d]]++
			}
			hits = append(hits, e)
			if e.ad.UpdatedAt.After(modified) {
				modified = e.ad.UpdatedAt
			}
		case 1:
			counts[failedDim][e.vals[failedDim]]++
		}
	}
	res := Result{Query: q, Total: len(hits), Page: q.Page, Modified: modified}
	size := q.PageSize
	if size == 0 {
		size = PageSize
	}
	page := hits
	if size < 0 {
		res.Page, res.Pages = 1, 1
	} else {
		res.Pages = max((len(hits)+size-1)/size, 1)
		res.Page = min(max(res.Page, 1), res.Pages)
		start := (res.Page - 1) * size
		page = hits[start:min(start+size, len(hits))]
	}
	res.Ads = make([]Ad, len(page))
	for i, e := range page {
		res.Ads[i] = e.ad
	}
	res.Facets = Facets{
		Areas:   options(ix.values[dimArea], counts[dimArea], selected[dimArea]),
		Places:  options(ix.values[dimPlace], counts[dimPlace], selected[dimPlace]),
		Extents: options(ix.values[dimExtent], counts[dimExtent], selected[dimExtent]),
		Types:   options(ix.values[dimType], counts[dimType], selected[dimType]),
		Orgs:    options(ix.values[dimOrg], counts[dimOrg], selected[dimOrg]),
	}
	return res
}

// matchesTerms reports whether every term occurs in the ad. A term written
// with å, ä or ö must match exactly; one without them also matches the
// letters with dots and rings ("skoterska" finds "sköterska").
func matchesTerms(e *entry, terms []string) bool {
	for _, t := range terms {
		text := e.loose
		if hasNordic(t) {
			text = e.text
		}
		if !strings.Contains(text, t) {
			return false
		}
	}
	return true
}

// options lists the values with a count or a selection, in index order;
// selected values the index lacks come last.
func options(values []string, counts []int, selected []string) []Option {
	var out []Option
	for i, v := range values {
		sel := contains(selected, v)
		if counts[i] > 0 || sel {
			out = append(out, Option{Value: v, Count: counts[i], Selected: sel})
		}
	}
	for _, v := range selected {
		if !contains(values, v) {
			out = append(out, Option{Value: v, Selected: true})
		}
	}
	return out
}

// sortEntries orders entries for one sort order.
func sortEntries(entries []*entry, order string) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i].ad, entries[j].ad
		if order == SortClosing && !a.LastDay.Start().Equal(b.LastDay.Start()) {
			return a.LastDay.Start().Before(b.LastDay.Start())
		}
		if !a.PublishedAt.Equal(b.PublishedAt) {
			return a.PublishedAt.After(b.PublishedAt)
		}
		return a.Ref < b.Ref
	})
}
