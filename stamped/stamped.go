// Package stamped keeps a value read from the database in memory and
// reads it anew when its change stamp moves: a value in the database that
// every writer replaces after its change is stored. The stamp is read at
// most once per interval, so a change made by another instance is seen
// within it; writes made in this process are counted and seen at once.
// Past the interval nobody is served the old value: readers wait for the
// check (one of them makes it), and when it fails they get its error.
// Whatever the stamp says, the value is loaded anew at least once per
// Reload, so that a change whose stamp could not be written (the writer
// got an error) is not missed for long.
package stamped

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Reload is the longest a value is kept under an unchanged stamp.
const Reload = time.Minute

// Source is where a Cache reads from.
type Source[T any] struct {
	// Stamp reads the change stamp. nil: the value is small enough to be
	// its own stamp, and each check loads it.
	Stamp func(ctx context.Context) (string, error)
	// Writes counts the writes made in this process; when it moves the
	// next Get checks at once. nil: none are counted.
	Writes func() uint64
	// Load reads the value.
	Load func(ctx context.Context) (T, error)
}

// Cache is a value kept under a change stamp. Its zero value is not
// usable: make one with New.
type Cache[T any] struct {
	src   Source[T]
	every time.Duration
	clock func() time.Time

	mu    sync.Mutex // held while checking or loading
	cur   atomic.Pointer[state[T]]
	loads atomic.Uint64
}

// state is a loaded value; never changed once stored.
type state[T any] struct {
	value   T
	stamp   string
	writes  uint64
	checked time.Time // when the check that confirmed it began
	loaded  time.Time // when the load began
}

// New returns a cache over src that reads the stamp at most once per
// every; zero reads it on every Get (the value is still kept while the
// stamp stays).
func New[T any](src Source[T], every time.Duration) *Cache[T] {
	return &Cache[T]{src: src, every: every, clock: time.Now}
}

// Loads counts the loads of the value so far.
func (c *Cache[T]) Loads() uint64 { return c.loads.Load() }

func (c *Cache[T]) writes() uint64 {
	if c.src.Writes == nil {
		return 0
	}
	return c.src.Writes()
}

// fresh reports whether s may be served without a check.
func (c *Cache[T]) fresh(s *state[T]) bool {
	return s != nil && c.every > 0 && c.clock().Sub(s.checked) < c.every && c.writes() == s.writes
}

// Get returns the value as of a stamp read at most the interval ago.
func (c *Cache[T]) Get(ctx context.Context) (T, error) {
	if s := c.cur.Load(); c.fresh(s) {
		return s.value, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.cur.Load()
	if c.fresh(s) { // checked by another while this one waited
		return s.value, nil
	}
	// The time and the count before the stamp, the stamp before the
	// value: a value is never kept as newer than it is.
	began, writes := c.clock(), c.writes()
	stamp, err := "", error(nil)
	if c.src.Stamp != nil {
		stamp, err = c.src.Stamp(ctx)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	if s != nil && c.src.Stamp != nil && s.stamp == stamp && s.writes == writes && began.Sub(s.loaded) < Reload {
		c.cur.Store(&state[T]{value: s.value, stamp: stamp, writes: writes, checked: began, loaded: s.loaded})
		return s.value, nil
	}
	v, err := c.src.Load(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	c.loads.Add(1)
	c.cur.Store(&state[T]{value: v, stamp: stamp, writes: writes, checked: began, loaded: began})
	return v, nil
}
