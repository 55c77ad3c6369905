package jobs

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Store is what the job board needs from the database.
type Store interface {
	// SaveAd inserts or replaces the ad with the same reference number and
	// advances the version of the ad collection.
	SaveAd(ctx context.Context, ad Ad) error
	// SaveAds does what SaveAd does for each ad, in one write.
	SaveAds(ctx context.Context, ads []Ad) error
	// AdByRef returns the ad or ErrNotFound.
	AdByRef(ctx context.Context, ref string) (Ad, error)
	// UnclosedAds returns every ad whose last application day has not
	// ended at now, scheduled ones included.
	UnclosedAds(ctx context.Context, now time.Time) ([]Ad, error)
	// AdsVersion returns a number that changes whenever an ad changes.
	AdsVersion(ctx context.Context) (string, error)
}

// Board is the public job board: search and reading of ads. It keeps the
// ads that are not yet closed in memory and reloads them when the version
// in the database moves, which it checks at most once per MaxAge; writes
// through this Board are seen at once.
type Board struct {
	store  Store
	now    func() time.Time
	maxAge time.Duration

	mu    sync.Mutex // held while loading
	snap  atomic.Pointer[snapshot]
	loads atomic.Uint64
}

type snapshot struct {
	seq     uint64  // numbers the loads of this board
	bounds  []int64 // moments (Unix ns) when what the board shows changes: publications, closings, last days
	version string
	checked time.Time
	newest  []*entry
	closing []*entry
	byRef   map[string]*entry
	index   *index
}

// NewBoard returns a board over store. now is the clock; maxAge bounds how
// stale a change made by another instance can be.
func NewBoard(store Store, now func() time.Time, maxAge time.Duration) *Board {
	return &Board{store: store, now: now, maxAge: maxAge}
}

// Now is the board's clock.
func (b *Board) Now() time.Time { return b.now() }

// Search returns one page of open ads matching q.
func (b *Board) Search(ctx context.Context, q Query) (Result, error) {
	s, err := b.current(ctx)
	if err != nil {
		return Result{}, err
	}
	list := s.newest
	if q.Sort == SortClosing {
		list = s.closing
	}
	return search(list, q, b.now(), s.index), nil
}

// AdByRef returns the ad as it is now, published or not: from memory
// while it is open (changes by other instances are seen within the
// refresh interval), else from the store. Applications judge their
// deadline by it on every step, so it must not cost a database read.
func (b *Board) AdByRef(ctx context.Context, ref string) (Ad, error) {
	s, err := b.current(ctx)
	if err != nil {
		return Ad{}, err
	}
	if e, ok := s.byRef[ref]; ok {
		return e.ad, nil
	}
	return b.store.AdByRef(ctx, ref)
}

// Ad returns a published ad, open or closed.
func (b *Board) Ad(ctx context.Context, ref string) (Ad, error) {
	s, err := b.current(ctx)
	if err != nil {
		return Ad{}, err
	}
	ad := Ad{}
	if e, ok := s.byRef[ref]; ok {
		ad = e.ad
	} else if ad, err = b.store.AdByRef(ctx, ref); err != nil {
		return Ad{}, err
	}
	if !ad.Published(b.now()) {
		return Ad{}, ErrNotFound
	}
	return ad, nil
}

// Generation names what the board shows at this moment: it changes when
// an ad is saved, published or closed, or enters its last day. Pages
// rendered under one generation can be served again until it changes.
func (b *Board) Generation(ctx context.Context) (string, error) {
	s, err := b.current(ctx)
	if err != nil {
		return "", err
	}
	now := b.now().UnixNano()
	passed := sort.Search(len(s.bounds), func(i int) bool { return s.bounds[i] > now })
	return strconv.FormatUint(s.seq, 10) + "." + strconv.Itoa(passed), nil
}

// Save validates and stores an ad.
func (b *Board) Save(ctx context.Context, ad Ad) error {
	if err := ad.Validate(); err != nil {
		return err
	}
	ad.UpdatedAt = b.now().UTC().Truncate(time.Millisecond)
	if err := b.store.SaveAd(ctx, ad); err != nil {
		return err
	}
	b.mu.Lock()
	b.snap.Store(nil)
	b.mu.Unlock()
	return nil
}

// SaveAll validates every ad and, if all are valid, stores them together;
// an invalid ad stores none.
func (b *Board) SaveAll(ctx context.Context, ads []Ad) error {
	if len(ads) == 0 {
		return nil
	}
	now := b.now().UTC().Truncate(time.Millisecond)
	out := make([]Ad, len(ads))
	for i, ad := range ads {
		if err := ad.Validate(); err != nil {
			return err
		}
		ad.UpdatedAt = now
		out[i] = ad
	}
	if err := b.store.SaveAds(ctx, out); err != nil {
		return err
	}
	b.mu.Lock()
	b.snap.Store(nil)
	b.mu.Unlock()
	return nil
}

// current returns a snapshot fresh within maxAge.
func (b *Board) current(ctx context.Context) (*snapshot, error) {
	s := b.snap.Load()
	now := b.now()
	if s != nil && now.Sub(s.checked) < b.maxAge {
		return s, nil
	}
	if s != nil {
		// Someone else is refreshing: serve the previous snapshot meanwhile.
		if !b.mu.TryLock() {
			return s, nil
		}
	} else {
		b.mu.Lock()
	}
	defer b.mu.Unlock()
	if cur := b.snap.Load(); cur != nil && cur != s {
		return cur, nil
	}
	version, err := b.store.AdsVersion(ctx)
	if err != nil {
		if s != nil {
			return s, nil // the database is away: old ads beat an error page
		}
		return nil, fmt.Errorf("jobs: read version: %w", err)
	}
	if s != nil && s.version == version {
		next := *s
		next.checked = now
		b.snap.Store(&next)
		return &next, nil
	}
	ads, err := b.store.UnclosedAds(ctx, now)
	if err != nil {
		if s != nil {
			return s, nil
		}
		return nil, fmt.Errorf("jobs: load ads: %w", err)
	}
	next := &snapshot{seq: b.loads.Add(1), version: version, checked: now, byRef: make(map[string]*entry, len(ads))}
	for _, ad := range ads {
		e := newEntry(ad)
		next.newest = append(next.newest, &e)
		next.byRef[ad.Ref] = &e
		next.bounds = append(next.bounds, e.opens, e.closes, ad.LastDay.Start().UnixNano())
	}
	slices.Sort(next.bounds)
	next.closing = append([]*entry(nil), next.newest...)
	sortEntries(next.newest, SortNewest)
	sortEntries(next.closing, SortClosing)
	next.index = newIndex(next.newest)
	b.snap.Store(next)
	return next, nil
}
