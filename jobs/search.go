package jobs

import (
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
	ad    Ad
	text  string // folded searchable text
	loose string // the same without the dots and rings of å, ä, ö
}

func newEntry(a Ad) entry {
	parts := []string{a.Ref, a.Title, a.Organisation, a.Department, a.Place, a.Text}
	for _, c := range a.Contacts {
		parts = append(parts, c.Name, c.Role)
	}
	text := " " + Fold(strings.Join(parts, " ")) + " "
	return entry{ad: a, text: text, loose: loosen.Replace(text)}
}

// dimension indexes of a facet.
const (
	dimArea = iota
	dimPlace
	dimExtent
	dimType
	dimOrg
	dims
)

func (e *entry) values() [dims]string {
	return [dims]string{e.ad.Area, e.ad.Place, e.ad.Extent.Kind(), e.ad.Employment, e.ad.Organisation}
}

// search runs q over entries (already in the order of q.Sort) at now;
// order gives the display order of places and organisations.
func search(entries []*entry, q Query, now time.Time, order *valueOrder) Result {
	terms := Terms(q.Text)
	var selected [dims][]string
	selected[dimArea], selected[dimPlace], selected[dimType], selected[dimOrg] = q.Areas, q.Places, q.Types, q.Orgs
	if q.Extent != "" {
		selected[dimExtent] = []string{q.Extent}
	}
	var counts [dims]map[string]int
	for i := range counts {
		counts[i] = map[string]int{}
	}
	var hits []Ad
	var modified time.Time
	for _, e := range entries {
		if !e.ad.Open(now) || !matchesTerms(e, terms) {
			continue
		}
		vals := e.values()
		failed, failedDim := 0, -1
		for d := 0; d < dims; d++ {
			if len(selected[d]) > 0 && !contains(selected[d], vals[d]) {
				failed++
				failedDim = d
			}
		}
		// A facet counts the ads that pass every other filter.
		switch failed {
		case 0:
			for d := 0; d < dims; d++ {
				counts[d][vals[d]]++
			}
			hits = append(hits, e.ad)
			if e.ad.UpdatedAt.After(modified) {
				modified = e.ad.UpdatedAt
			}
		case 1:
			counts[failedDim][vals[failedDim]]++
		}
	}
	res := Result{Query: q, Total: len(hits), Page: q.Page, Modified: modified}
	size := q.PageSize
	if size == 0 {
		size = PageSize
	}
	if size < 0 {
		res.Ads, res.Page, res.Pages = hits, 1, 1
	} else {
		res.Pages = (len(hits) + size - 1) / size
		if res.Pages == 0 {
			res.Pages = 1
		}
		if res.Page > res.Pages {
			res.Page = res.Pages
		}
		start := (res.Page - 1) * size
		res.Ads = hits[start:min(start+size, len(hits))]
	}
	res.Facets = Facets{
		Areas:   options(counts[dimArea], selected[dimArea], Areas),
		Places:  options(counts[dimPlace], selected[dimPlace], order.places),
		Extents: options(counts[dimExtent], selected[dimExtent], []string{ExtentFull, ExtentPart}),
		Types:   options(counts[dimType], selected[dimType], EmploymentTypes),
		Orgs:    options(counts[dimOrg], selected[dimOrg], order.orgs),
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

// options lists the values with a count or a selection, in the given order;
// selected values the order lacks come last.
func options(counts map[string]int, selected, order []string) []Option {
	var out []Option
	for _, v := range order {
		c, sel := counts[v], contains(selected, v)
		if c > 0 || sel {
			out = append(out, Option{Value: v, Count: c, Selected: sel})
		}
	}
	for _, v := range selected {
		if !contains(order, v) {
			out = append(out, Option{Value: v, Count: counts[v], Selected: true})
		}
	}
	return out
}

// valueOrder is the display order of the free-text filter values, in
// Swedish alphabetical order (å, ä, ö last).
type valueOrder struct {
	places, orgs []string
}

func newValueOrder(entries []*entry) *valueOrder {
	places, orgs := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		places[e.ad.Place] = true
		orgs[e.ad.Organisation] = true
	}
	return &valueOrder{places: swedishSorted(places), orgs: swedishSorted(orgs)}
}

func swedishSorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	collate.New(language.Swedish, collate.IgnoreCase).SortStrings(out)
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
