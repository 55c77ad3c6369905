package stamped_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"portal/stamped"
)

// store is a value with its stamp, as a database keeps them; it counts
// the reads made of it.
type store struct {
	mu     sync.Mutex
	value  int
	stamp  string
	fail   error
	writes atomic.Uint64 // of this process
	stamps atomic.Int64  // stamp reads
	loads  atomic.Int64
	slow   time.Duration // each load takes this long
}

func (s *store) set(v int, stamp string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.value, s.stamp = v, stamp
}

func (s *store) source() stamped.Source[int] {
	return stamped.Source[int]{
		Stamp: func(context.Context) (string, error) {
			s.stamps.Add(1)
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.stamp, s.fail
		},
		Writes: s.writes.Load,
		Load: func(context.Context) (int, error) {
			s.loads.Add(1)
			time.Sleep(s.slow)
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.value, s.fail
		},
	}
}

func get(t *testing.T, c *stamped.Cache[int]) int {
	t.Helper()
	v, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Within the interval the kept value is served without a read; after it
// one stamp read, and a load only when the stamp moved; a write of this
// process is seen at once.
func TestIntervalStampAndOwnWrites(t *testing.T) {
	t.Parallel()
	s := &store{value: 1, stamp: "a"}
	c := stamped.New(s.source(), 100*time.Millisecond)
	if get(t, c) != 1 || s.loads.Load() != 1 || s.stamps.Load() != 1 {
		t.Fatalf("first get: %d loads, %d stamp reads", s.loads.Load(), s.stamps.Load())
	}
	s.set(2, "b") // another instance writes
	if v := get(t, c); v != 1 || s.stamps.Load() != 1 {
		t.Fatalf("within the interval: %d after %d stamp reads, want the kept 1 and no read", v, s.stamps.Load())
	}
	time.Sleep(120 * time.Millisecond)
	if v := get(t, c); v != 2 || s.loads.Load() != 2 {
		t.Fatalf("after the interval: %d (%d loads), want 2", v, s.loads.Load())
	}
	time.Sleep(120 * time.Millisecond)
	if v := get(t, c); v != 2 || s.loads.Load() != 2 || s.stamps.Load() != 3 {
		t.Fatalf("stamp unchanged: %d, %d loads, %d stamp reads; want no load", v, s.loads.Load(), s.stamps.Load())
	}
	s.set(3, "b") // this process writes (the stamp is not even moved yet)
	s.writes.Add(1)
	if v := get(t, c); v != 3 || c.Loads() != 3 {
		t.Fatalf("own write: %d, want 3 at once", v)
	}
}

// Zero interval: the stamp is read on every Get.
func TestZeroIntervalReadsTheStampEachTime(t *testing.T) {
	t.Parallel()
	s := &store{value: 1, stamp: "a"}
	c := stamped.New(s.source(), 0)
	for range 3 {
		get(t, c)
	}
	if s.stamps.Load() != 3 || s.loads.Load() != 1 {
		t.Fatalf("%d stamp reads, %d loads; want 3 and 1", s.stamps.Load(), s.loads.Load())
	}
	s.set(2, "b")
	if get(t, c) != 2 {
		t.Fatal("a moved stamp is not seen")
	}
}

// Past the interval nobody is served the old value when the stamp cannot
// be read: the error is returned (a revoked right must not live on while
// the database is away).
func TestFailsClosed(t *testing.T) {
	t.Parallel()
	s := &store{value: 1, stamp: "a"}
	c := stamped.New(s.source(), 50*time.Millisecond)
	get(t, c)
	boom := errors.New("database away")
	s.mu.Lock()
	s.fail = boom
	s.mu.Unlock()
	time.Sleep(60 * time.Millisecond)
	if _, err := c.Get(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("err %v, want the stamp read's", err)
	}
	s.mu.Lock()
	s.fail = nil
	s.mu.Unlock()
	if get(t, c) != 1 {
		t.Fatal("not served again once the database answers")
	}
}

// Many readers while the value changes and reloads: each sees a value at
// least as new as the last stamp read before it began, loads happen one
// at a time, and the race detector finds nothing.
func TestReadersDuringReloads(t *testing.T) {
	t.Parallel()
	s := &store{value: 0, stamp: "0", slow: 2 * time.Millisecond}
	var inLoad, most atomic.Int64
	src := s.source()
	load := src.Load
	src.Load = func(ctx context.Context) (int, error) {
		n := inLoad.Add(1)
		defer inLoad.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		return load(ctx)
	}
	c := stamped.New(src, 0)
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= 50; i++ {
			s.set(i, string(rune('a'+i)))
			written.Store(int64(i))
			time.Sleep(time.Millisecond)
		}
		close(stop)
	}()
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				before := written.Load()
				v, err := c.Get(context.Background())
				if err != nil {
					errs <- err
					return
				}
				if int64(v) < before {
					errs <- errors.New("a reader got a value older than a change finished before it asked")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if most.Load() != 1 {
		t.Fatalf("%d loads ran at once, want one at a time", most.Load())
	}
	if get(t, c) != 50 {
		t.Fatal("the last change is not seen")
	}
}

// A value without a stamp is its own: each check past the interval loads
// it, none within.
func TestNoStampLoadsEachCheck(t *testing.T) {
	t.Parallel()
	s := &store{value: 1}
	src := s.source()
	src.Stamp = nil
	c := stamped.New(src, 50*time.Millisecond)
	get(t, c)
	s.set(2, "")
	if get(t, c) != 1 || s.loads.Load() != 1 {
		t.Fatal("loaded again within the interval")
	}
	time.Sleep(60 * time.Millisecond)
	if get(t, c) != 2 || s.stamps.Load() != 0 {
		t.Fatalf("after the interval: %d loads, %d stamp reads", s.loads.Load(), s.stamps.Load())
	}
	s.set(3, "")
	s.writes.Add(1)
	if get(t, c) != 3 {
		t.Fatal("a write of this process is not seen at once")
	}
}
