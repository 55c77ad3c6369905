package storage_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"portal/internal/testenv"
	"portal/overview"
)

func TestOverviewLayoutRoundTrip(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Overview()
	if _, err := s.Layout(ctx, "eva"); !errors.Is(err, overview.ErrNotFound) {
		t.Fatalf("unsaved layout: %v", err)
	}
	l, _ := overview.Default("eva").Move(overview.Schedule, -1)
	l, _ = l.SetHidden(overview.YearToDate, true)
	l, _ = l.Resize(overview.NetPay, overview.Full)
	l.SavedAt = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := s.SaveLayout(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Layout(ctx, "eva")
	if err != nil || len(got.Items) != len(l.Items) || !got.SavedAt.Equal(l.SavedAt) {
		t.Fatalf("read back: %+v %v", got, err)
	}
	for i := range l.Items {
		if got.Items[i] != l.Items[i] {
			t.Errorf("item %d: %+v, want %+v", i, got.Items[i], l.Items[i])
		}
	}
	if _, err := s.Layout(ctx, "anna"); !errors.Is(err, overview.ErrNotFound) {
		t.Errorf("another person's layout: %v", err)
	}
	if err := s.DeleteLayout(ctx, "eva"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Layout(ctx, "eva"); !errors.Is(err, overview.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := s.DeleteLayout(ctx, "eva"); err != nil {
		t.Errorf("deleting none: %v", err)
	}
}

// Two saves at once leave one of them whole, never a mix.
func TestOverviewLayoutSavesAtOnce(t *testing.T) {
	t.Parallel()
	s := testenv.DB(t).Overview()
	a, _ := overview.Default("eva").Move(overview.NetPay, 1)
	b, _ := overview.Default("eva").SetHidden(overview.ToDo, true)
	b, _ = b.Resize(overview.Balances, overview.Full)
	var wg sync.WaitGroup
	for i := range 8 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Go(func() {
			if err := s.SaveLayout(ctx, l); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := s.Layout(ctx, "eva")
	if err != nil {
		t.Fatal(err)
	}
	same := func(x overview.Layout) bool {
		for i := range x.Items {
			if got.Items[i] != x.Items[i] {
				return false
			}
		}
		return len(got.Items) == len(x.Items)
	}
	if !same(a) && !same(b) {
		t.Fatalf("mixed layout: %+v", got.Items)
	}
}
