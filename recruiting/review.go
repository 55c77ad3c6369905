package recruiting

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"portal/applications"
	"portal/jobs"
)

// ListPageSize is how many candidates one page of the list shows.
const ListPageSize = 50

// Orders of the candidate list.
const (
	SortDate   = "date"   // order of arrival, the first first
	SortRating = "rating" // highest average first, the unrated last
	SortName   = "name"   // by name where it is shown, then by number
)

// Query is how the candidate list is filtered, sorted and paged. In the
// address of the list (and of an application opened from it, so that
// previous and next follow the list) its fields are the parameters:
//
//	steg     the stage's id
//	fraga    a question's id, and svar the answer: for yes/no and choice
//	         questions one of the options exactly, for the others a part
//	         of the answer in any case
//	betyg    the lowest average rating, 1 to 5
//	bilagor  "1": only those with attachments
//	flaggad  "1": only those flagged (none of the answers a question wants)
//	sortera  "date" (the default), "rating" or "name"
//	sida     the page, from 1
//
// ParseQuery reads them and Encode writes them back.
type Query struct {
	Stage     string
	Question  string
	Answer    string
	MinRating int
	Files     bool
	Flagged   bool
	Sort      string
	Page      int
}

// ParseQuery reads a list query from an address's parameters; what is
// not understood is left out.
func ParseQuery(v url.Values) Query {
	q := Query{Stage: clip(v.Get("steg"), 40), Question: clip(v.Get("fraga"), 40), Answer: clip(strings.TrimSpace(v.Get("svar")), 200),
		Files: v.Get("bilagor") == "1", Flagged: v.Get("flaggad") == "1", Sort: v.Get("sortera")}
	if q.Question == "" || q.Answer == "" {
		q.Question, q.Answer = "", ""
	}
	if n, err := strconv.Atoi(v.Get("betyg")); err == nil && n >= 1 && n <= 5 {
		q.MinRating = n
	}
	if !slices.Contains([]string{SortDate, SortRating, SortName}, q.Sort) {
		q.Sort = SortDate
	}
	if n, err := strconv.Atoi(v.Get("sida")); err == nil && n > 1 && n < 100000 {
		q.Page = n
	}
	return q
}

func clip(s string, n int) string {
	if len(s) > n {
		return ""
	}
	return s
}

// Values returns the query as address parameters, defaults left out.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Stage != "" {
		v.Set("steg", q.Stage)
	}
	if q.Question != "" && q.Answer != "" {
		v.Set("fraga", q.Question)
		v.Set("svar", q.Answer)
	}
	if q.MinRating > 0 {
		v.Set("betyg", strconv.Itoa(q.MinRating))
	}
	if q.Files {
		v.Set("bilagor", "1")
	}
	if q.Flagged {
		v.Set("flaggad", "1")
	}
	if q.Sort != "" && q.Sort != SortDate {
		v.Set("sortera", q.Sort)
	}
	if q.Page > 1 {
		v.Set("sida", strconv.Itoa(q.Page))
	}
	return v
}

// Encode returns the query as the parameters of an address, without "?".
func (q Query) Encode() string { return q.Values().Encode() }

// WithPage returns the query for page n.
func (q Query) WithPage(n int) Query {
	q.Page = n
	return q
}

// Row is one candidate as the list shows them.
type Row struct {
	Candidate
	// Hidden: the review is anonymised and the candidate not yet at the
	// interview stage, so they are named only by number.
	Hidden    bool
	Withdrawn bool
	Answers   jobs.Answers // of the latest version submitted
	Files     int          // attachments of the latest version
	Rating    float64      // the group's average, when Rated
	Rated     bool
	Flagged   bool // an answer a question does not want
}

// Name is the candidate's name, or "" when it is not to be shown.
func (r Row) Name() string {
	if r.Hidden || r.Protected() {
		return ""
	}
	return r.Details.Name()
}

// AverageText is the average rating with one decimal, written as lang
// writes numbers ("3,5" in Swedish).
func (r Row) AverageText(lang string) string { return FormatRating(r.Rating, lang) }

// FormatRating writes an average rating with one decimal as the language
// writes it: 4,5 in Swedish, 4.5 in English.
func FormatRating(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if lang == "sv" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Page is one page of the candidate list, with the counts of the whole.
type Page struct {
	Query Query
	Rows  []Row // the rows of this page
	Total int   // candidates matching the query
	Page  int   // this page, from 1
	Pages int
	// Counts are the candidates at each stage, of the whole recruitment.
	Counts    map[string]int
	All       int
	Withdrawn int
	matching  []*entry
}

// IDs returns the ids of every candidate matching the query, in the
// list's order and over all its pages: what previous and next follow.
func (p Page) IDs() []string {
	ids := make([]string, len(p.matching))
	for i, e := range p.matching {
		ids[i] = e.ID
	}
	return ids
}

// Ratings reads the group's ratings of a recruitment's candidates.
type Ratings interface {
	// Averages returns the average rating of each rated candidate, by id.
	Averages(ctx context.Context, recruitmentID string) (map[string]float64, error)
}

// Submission is what the list reads of one application: its status and
// its latest version.
type Submission struct {
	Status  string
	Answers jobs.Answers
	Files   int
	// Protected: the latest version states protected personal data.
	Protected bool
}

// ListStore reads what the candidate list is built from.
type ListStore interface {
	// CandidatesOf returns the recruitment's candidates in order of arrival.
	CandidatesOf(ctx context.Context, recruitmentID string) ([]Candidate, error)
	// Submissions returns the submitted applications to an ad by id.
	Submissions(ctx context.Context, adRef string) (map[string]Submission, error)
	// ReviewStamp returns the recruitment's change stamp: a value that
	// Changed replaces.
	ReviewStamp(ctx context.Context, recruitmentID string) (string, error)
}

// Changes records that what a recruitment's candidate list shows has
// changed: a candidate arrived, moved, was rated or withdrew. Whoever
// changes such a thing calls Changed after the change is stored, so that
// every instance rebuilds its copy of the list.
type Changes interface {
	Changed(ctx context.Context, recruitmentID string) error
}

// AdReader reads the ad of a recruitment, for its questions.
type AdReader interface {
	AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
}

// Review builds the candidate lists of recruitments. Each instance keeps
// one copy of a recruitment's candidates in memory and rebuilds it when
// the recruitment's change stamp, stored in the database, differs from
// the one it was built under; the stamp is read before the candidates,
// so a copy is never kept under a newer stamp than its data.
type Review struct {
	Store   ListStore
	Ratings Ratings // nil: nobody has rated
	Ads     AdReader
	// Registered reads the answers of applications registered by hand;
	// nil: they show none.
	Registered interface {
		RegisteredAnswersIn(ctx context.Context, recruitmentID string) (map[string]jobs.Answers, error)
	}
	// MaxKept bounds how many recruitments' lists are kept; 0 is 32.
	MaxKept int

	mu    sync.Mutex
	lists map[string]*kept
	tick  uint64
}

// kept is one recruitment's list as kept in memory.
type kept struct {
	mu   sync.Mutex // held while it is rebuilt
	snap atomic.Pointer[snapshot]
	used uint64 // guarded by Review.mu
}

// snapshot is a recruitment's candidates at one stamp; its rows never
// change once built. The orders the list sorts them in are kept beside
// them as they are first asked for, so that a request filters in order
// and sorts nothing.
type snapshot struct {
	stamp string
	rows  []entry

	mu     sync.Mutex
	orders map[string][]*entry // by sort (and, sorting by name, anonymisation)

	countOnce sync.Once
	counts    map[string]int // candidates by stage
	withdrawn int
}

// tally returns the candidates at each stage and the withdrawn ones, of
// the whole recruitment: the same for every query.
func (s *snapshot) tally() (map[string]int, int) {
	s.countOnce.Do(func() {
		s.counts = map[string]int{}
		for i := range s.rows {
			s.counts[s.rows[i].Stage]++
			if s.rows[i].Withdrawn {
				s.withdrawn++
			}
		}
	})
	return s.counts, s.withdrawn
}

// ordered returns every row in the order of the sort.
func (s *snapshot) ordered(r Recruitment, by string) []*entry {
	key := ""
	switch by {
	case SortRating:
		key = by
	case SortName:
		key = by + ":" + strconv.FormatBool(r.Anonymised) // who is hidden depends on it
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[key]; ok {
		return o
	}
	o := make([]*entry, len(s.rows))
	for i := range s.rows {
		o[i] = &s.rows[i]
	}
	sortEntries(o, r, by)
	if s.orders == nil {
		s.orders = map[string][]*entry{}
	}
	s.orders[key] = o
	return o
}

// entry is one candidate with what the list filters and sorts by.
type entry struct {
	Row
	nameKey []byte
	folded  map[string]string // each answer folded for matching, by question
}

// errNoStore is returned by a Review missing its store.
var errNoStore = errors.New("recruiting: the review has no store")

// List returns one page of the recruitment's candidate list for the
// viewer, who must see it.
func (rv *Review) List(ctx context.Context, v Viewer, r Recruitment, q Query) (Page, error) {
	if !v.See {
		return Page{}, ErrNotFound
	}
	snap, err := rv.snapshot(ctx, r)
	if err != nil {
		return Page{}, err
	}
	questions, err := rv.Questions(ctx, r)
	if err != nil {
		return Page{}, err
	}
	page := buildPage(snap, r, questions, q)
	for i := range page.Rows {
		page.Rows[i].Details = r.ShownDetails(v, page.Rows[i].Candidate)
	}
	return page, nil
}

// Questions returns the questions of the recruitment's ad; none when it
// has no ad yet.
func (rv *Review) Questions(ctx context.Context, r Recruitment) ([]jobs.Question, error) {
	if rv.Ads == nil {
		return nil, nil
	}
	ad, err := rv.Ads.AdByRef(ctx, r.Ref)
	if errors.Is(err, jobs.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ad.Questions, nil
}

// Rows returns the rows of the candidates named, in the list's order of
// arrival; ids of other recruitments are ErrNotFound.
func (rv *Review) Rows(ctx context.Context, v Viewer, r Recruitment, ids []string) ([]Row, error) {
	if !v.See {
		return nil, ErrNotFound
	}
	snap, err := rv.snapshot(ctx, r)
	if err != nil {
		return nil, err
	}
	questions, err := rv.Questions(ctx, r)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []Row
	for _, e := range snap.rows {
		if want[e.ID] {
			row := finish(e.Row, r, questions)
			row.Details = r.ShownDetails(v, row.Candidate)
			out = append(out, row)
			delete(want, e.ID)
		}
	}
	if len(want) > 0 {
		return nil, ErrNotFound
	}
	return out, nil
}

// finish adds to a kept row what depends on the recruitment and the ad
// as they are now.
func finish(row Row, r Recruitment, questions []jobs.Question) Row {
	row.Hidden = r.HidesIdentity(row.Candidate)
	row.Flagged = false
	if row.Candidate.Protected() {
		// A placeholder answers nothing in the system: its papers are
		// elsewhere, and no answer is no failed answer.
		return row
	}
	for _, qu := range questions {
		if qu.Fails(row.Answers[qu.ID]) {
			row.Flagged = true
			break
		}
	}
	return row
}

func buildPage(snap *snapshot, r Recruitment, questions []jobs.Question, q Query) Page {
	counts, withdrawn := snap.tally()
	p := Page{Query: q, Counts: maps.Clone(counts), All: len(snap.rows), Withdrawn: withdrawn}
	var question *jobs.Question
	if q.Question != "" {
		if i := slices.IndexFunc(questions, func(x jobs.Question) bool { return x.ID == q.Question }); i >= 0 {
			question = &questions[i]
		}
	}
	exact := question != nil && (question.Type == jobs.QuestionYesNo || question.Type == jobs.QuestionSingle || question.Type == jobs.QuestionMulti)
	answer := jobs.Fold(q.Answer)
	matching := make([]*entry, 0, len(snap.rows))
	for _, e := range snap.ordered(r, q.Sort) {
		if q.Stage != "" && e.Stage != q.Stage {
			continue
		}
		if q.Files && e.Files == 0 {
			continue
		}
		if q.MinRating > 0 && (!e.Rated || e.Rating < float64(q.MinRating)) {
			continue
		}
		if q.Question != "" {
			if question == nil || !e.answers(question.ID, q.Answer, answer, exact) {
				continue
			}
		}
		if q.Flagged && !finish(e.Row, r, questions).Flagged {
			continue
		}
		matching = append(matching, e)
	}
	p.Total = len(matching)
	p.Pages = max(1, (p.Total+ListPageSize-1)/ListPageSize)
	p.Page = min(max(q.Page, 1), p.Pages)
	p.matching = matching
	from := (p.Page - 1) * ListPageSize
	for _, e := range matching[from:min(from+ListPageSize, len(matching))] {
		p.Rows = append(p.Rows, finish(e.Row, r, questions))
	}
	return p
}

// answers reports whether the candidate answered the question as asked:
// one of the answers is the answer (exact), or holds it, folded (free
// text).
func (e *entry) answers(question, raw, folded string, exact bool) bool {
	if !exact {
		return strings.Contains(e.folded[question], folded)
	}
	return slices.Contains(e.Answers[question], raw)
}

func sortEntries(es []*entry, r Recruitment, by string) {
	switch by {
	case SortRating:
		slices.SortStableFunc(es, func(a, b *entry) int {
			switch {
			case a.Rated != b.Rated:
				if a.Rated {
					return -1
				}
				return 1
			case a.Rating > b.Rating:
				return -1
			case a.Rating < b.Rating:
				return 1
			}
			return a.Number - b.Number
		})
	case SortName:
		// Those shown by name first, A to Ö; those named by number after.
		slices.SortStableFunc(es, func(a, b *entry) int {
			ah, bh := r.HidesIdentity(a.Candidate) || a.nameKey == nil, r.HidesIdentity(b.Candidate) || b.nameKey == nil
			switch {
			case ah != bh:
				if bh {
					return -1
				}
				return 1
			case !ah:
				if c := bytes.Compare(a.nameKey, b.nameKey); c != 0 {
					return c
				}
			}
			return a.Number - b.Number
		})
	default:
		slices.SortStableFunc(es, func(a, b *entry) int { return a.Number - b.Number })
	}
}

// snapshot returns the recruitment's kept list, rebuilt if its stamp has
// changed. One request rebuilds it; others wait for that one.
func (rv *Review) snapshot(ctx context.Context, r Recruitment) (*snapshot, error) {
	if rv.Store == nil {
		return nil, errNoStore
	}
	stamp, err := rv.Store.ReviewStamp(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	k := rv.keptFor(r.ID)
	seen := k.snap.Load()
	if seen != nil && seen.stamp == stamp {
		return seen, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.snap.Load(); s != nil && s != seen {
		// Rebuilt while this one waited: under a stamp read later than
		// this one's, perhaps, so read the stamp again.
		if s.stamp == stamp {
			return s, nil
		}
		if stamp, err = rv.Store.ReviewStamp(ctx, r.ID); err != nil {
			return nil, err
		}
		if s.stamp == stamp {
			return s, nil
		}
	}
	s, err := rv.build(ctx, r, stamp)
	if err != nil {
		return nil, err
	}
	k.snap.Store(s)
	return s, nil
}

// keptFor returns the kept list of a recruitment, making room for it.
func (rv *Review) keptFor(id string) *kept {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.lists == nil {
		rv.lists = map[string]*kept{}
	}
	rv.tick++
	k, ok := rv.lists[id]
	if !ok {
		limit := rv.MaxKept
		if limit <= 0 {
			limit = 32
		}
		for len(rv.lists) >= limit {
			var oldest string
			var at uint64
			for id, k := range rv.lists {
				if oldest == "" || k.used < at {
					oldest, at = id, k.used
				}
			}
			delete(rv.lists, oldest)
		}
		k = &kept{}
		rv.lists[id] = k
	}
	k.used = rv.tick
	return k
}

var nameOrder = sync.Pool{New: func() any { return collate.New(language.Swedish, collate.IgnoreCase) }}

// build reads a recruitment's candidates, their applications and ratings.
func (rv *Review) build(ctx context.Context, r Recruitment, stamp string) (*snapshot, error) {
	cands, err := rv.Store.CandidatesOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	subs, err := rv.Store.Submissions(ctx, r.Ref)
	if err != nil {
		return nil, err
	}
	if rv.Registered != nil {
		typed, err := rv.Registered.RegisteredAnswersIn(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for id, answers := range typed {
			if _, ok := subs[id]; !ok {
				if subs == nil {
					subs = map[string]Submission{}
				}
				subs[id] = Submission{Answers: answers}
			}
		}
	}
	var avg map[string]float64
	if rv.Ratings != nil {
		if avg, err = rv.Ratings.Averages(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	col := nameOrder.Get().(*collate.Collator)
	defer nameOrder.Put(col)
	var buf collate.Buffer
	s := &snapshot{stamp: stamp, rows: make([]entry, len(cands))}
	for i, c := range cands {
		e := entry{Row: Row{Candidate: c}}
		if sub, ok := subs[c.ID]; ok {
			e.Withdrawn = sub.Status == applications.StatusWithdrawn
			e.Answers, e.Files = sub.Answers, sub.Files
			// Stated at a later version: the whole candidate is masked.
			e.Details.Protected = e.Details.Protected || sub.Protected
			e.folded = make(map[string]string, len(sub.Answers))
			for id, vals := range sub.Answers {
				e.folded[id] = jobs.Fold(strings.Join(vals, "\n"))
			}
		}
		e.Rating, e.Rated = avg[c.ID]
		if name := strings.TrimSpace(c.Details.LastName + " " + c.Details.FirstName); name != "" && !c.Protected() {
			e.nameKey = bytes.Clone(col.KeyFromString(&buf, name))
			buf.Reset()
		}
		s.rows[i] = e
	}
	return s, nil
}
