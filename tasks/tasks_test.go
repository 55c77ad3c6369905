package tasks_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"portal/internal/testenv"
	"portal/jobs"
	"portal/tasks"
)

func TestTaskRunsOnOneInstanceAtATime(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := tasks.New(db.Locks(), "a", jobs.Stockholm, time.Now, log)
	b := tasks.New(db.Locks(), "b", jobs.Stockholm, time.Now, log)
	var running, maxRunning, runs atomic.Int32
	task := func(ctx context.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		runs.Add(1)
		time.Sleep(200 * time.Millisecond)
		return nil
	}
	var wg sync.WaitGroup
	ran := make([]bool, 2)
	for i, s := range []*tasks.Scheduler{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ran[i] = s.RunOnce("sweep", time.Minute, task)
		}()
	}
	wg.Wait()
	if maxRunning.Load() != 1 || runs.Load() != 1 || ran[0] == ran[1] {
		t.Fatalf("ran %v, %d runs, %d at once", ran, runs.Load(), maxRunning.Load())
	}
	// Released after the run: the other instance may run it next time.
	if !b.RunOnce("sweep", time.Minute, task) || !a.RunOnce("sweep", time.Minute, task) {
		t.Fatal("lease not released after a run")
	}
	// A failing task releases its lease too.
	a.RunOnce("sweep", time.Minute, func(context.Context) error { return errors.New("boom") })
	if !b.RunOnce("sweep", time.Minute, task) {
		t.Fatal("lease kept after a failure")
	}
}

func TestSchedulerRunsOnCron(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	s := tasks.New(db.Locks(), "a", jobs.Stockholm, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	done := make(chan struct{}, 1)
	if err := s.Add("@every 1s", "tick", time.Minute, func(context.Context) error {
		select {
		case done <- struct{}{}:
		default:
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("not a schedule", "bad", time.Minute, nil); err == nil {
		t.Fatal("bad schedule accepted")
	}
	s.Start()
	defer s.Stop(context.Background())
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("scheduled task did not run")
	}
}
