package jobs

import (
	"net/url"
	"strings"

	"portal/valid"
)

// Limits on what a saved search may hold.
const (
	MaxKeywords      = 10
	MaxKeywordLength = 60
	MaxPlaces        = 20
)

// Criteria are the interests of a job alert or interest registration: an
// ad matches when it passes every criterion given. Within one criterion
// any value will do; an empty criterion lets every ad through.
type Criteria struct {
	Areas    []string // occupational area codes
	Places   []string // municipalities, compared without regard to case
	Extent   string   // "", ExtentFull or ExtentPart
	Types    []string // employment types
	Keywords []string // an ad matches a keyword when it has all of its words
}

// Empty reports whether the criteria let every ad through.
func (c Criteria) Empty() bool {
	return len(c.Areas)+len(c.Places)+len(c.Types)+len(c.Keywords) == 0 && c.Extent == ""
}

// ParseCriteria reads criteria from form values (area, place, extent,
// type, keywords) and reports what cannot be kept. Keywords are separated
// by commas or new lines.
func ParseCriteria(v url.Values) (Criteria, valid.Problems) {
	var errs valid.Problems
	c := Criteria{
		Areas:  only(v["area"], Areas),
		Extent: v.Get("extent"),
		Types:  only(v["type"], EmploymentTypes),
	}
	for _, a := range append(append([]string(nil), v["area"]...), v["type"]...) {
		if !contains(Areas, a) && !contains(EmploymentTypes, a) {
			errs.Add("area", "error.alert.unknown_choice")
			break
		}
	}
	if c.Extent != "" && c.Extent != ExtentFull && c.Extent != ExtentPart {
		errs.Add("extent", "error.alert.unknown_choice")
		c.Extent = ""
	}
	for _, p := range v["place"] {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || containsFolded(c.Places, p) {
			continue
		}
		if len(p) > 100 || len(c.Places) == MaxPlaces {
			errs.Add("place", "error.alert.places")
			break
		}
		c.Places = append(c.Places, p)
	}
	for _, k := range strings.FieldsFunc(v.Get("keywords"), func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		k = strings.Join(strings.Fields(k), " ")
		if Fold(k) == "" || containsFolded(c.Keywords, k) {
			continue
		}
		if len([]rune(k)) > MaxKeywordLength {
			errs.Add("keywords", "error.alert.keyword_length")
			continue
		}
		if len(c.Keywords) == MaxKeywords {
			errs.Add("keywords", "error.alert.keywords")
			break
		}
		c.Keywords = append(c.Keywords, k)
	}
	return c, errs
}

// ParseQueryCriteria reads criteria from the address of a search, to
// start a saved search from it: the search words become a keyword.
// Anything it cannot keep is left out.
func ParseQueryCriteria(v url.Values) Criteria {
	if q := strings.TrimSpace(v.Get("q")); q != "" && v.Get("keywords") == "" {
		v = url.Values{"area": v["area"], "place": v["place"], "extent": v["extent"], "type": v["type"], "keywords": {q}}
	}
	c, _ := ParseCriteria(v)
	return c
}

// Values writes the criteria as form values, the inverse of ParseCriteria.
func (c Criteria) Values() url.Values {
	v := url.Values{}
	v["area"] = append([]string(nil), c.Areas...)
	v["place"] = append([]string(nil), c.Places...)
	v["type"] = append([]string(nil), c.Types...)
	if c.Extent != "" {
		v.Set("extent", c.Extent)
	}
	if len(c.Keywords) > 0 {
		v.Set("keywords", strings.Join(c.Keywords, ", "))
	}
	for k, vals := range v {
		if len(vals) == 0 {
			delete(v, k)
		}
	}
	return v
}

func containsFolded(list []string, s string) bool {
	f := Fold(s)
	for _, v := range list {
		if Fold(v) == f {
			return true
		}
	}
	return false
}

// Matcher tests criteria against one ad. It prepares the ad once and
// remembers keyword results, so that testing many subscriptions against
// one new ad costs little more than comparing their codes.
type Matcher struct {
	e        entry
	place    string
	places   map[string]bool // whether a place as written is the ad's
	keywords map[string]bool
}

// NewMatcher prepares ad for matching. A Matcher is for one goroutine.
func NewMatcher(ad Ad) *Matcher {
	return &Matcher{e: newEntry(ad), place: Fold(ad.Place), places: map[string]bool{}, keywords: map[string]bool{}}
}

// Matches reports whether the ad passes every criterion of c.
func (m *Matcher) Matches(c Criteria) bool {
	a := &m.e.ad
	if len(c.Areas) > 0 && !contains(c.Areas, a.Area) {
		return false
	}
	if len(c.Types) > 0 && !contains(c.Types, a.Employment) {
		return false
	}
	if c.Extent != "" && c.Extent != a.Extent.Kind() {
		return false
	}
	if len(c.Places) > 0 {
		found := false
		for _, p := range c.Places {
			same, ok := m.places[p]
			if !ok {
				same = Fold(p) == m.place
				m.places[p] = same
			}
			if same {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if len(c.Keywords) == 0 {
		return true
	}
	for _, k := range c.Keywords {
		if m.keyword(k) {
			return true
		}
	}
	return false
}

// keyword reports whether every word of k occurs in the ad, by the rules
// of the search box.
func (m *Matcher) keyword(k string) bool {
	hit, ok := m.keywords[k]
	if !ok {
		hit = matchesTerms(&m.e, Terms(k))
		m.keywords[k] = hit
	}
	return hit
}
