// Package tasks runs scheduled background work. Each task holds a lease in
// the database while it runs, so that with several instances it runs on one
// of them at a time.
package tasks

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Locker hands out named leases.
type Locker interface {
	// Acquire takes the lease name for owner until the given time, when it
	// is free or expired at now; it reports whether owner holds it.
	Acquire(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	// Release gives the lease up if owner holds it.
	Release(ctx context.Context, name, owner string) error
}

// Scheduler runs tasks on cron schedules in Swedish time.
type Scheduler struct {
	cron   *cron.Cron
	locker Locker
	owner  string
	now    func() time.Time
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
}

// New returns a scheduler; owner names this instance in leases.
func New(locker Locker, owner string, loc *time.Location, now func() time.Time, log *slog.Logger) *Scheduler {
	cl := cronLogger{log}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		cron: cron.New(cron.WithLocation(loc), cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl))),
		locker: locker, owner: owner, now: now, log: log, ctx: ctx, cancel: cancel,
	}
}

// Add schedules fn under spec (standard five-field cron). lease bounds one
// run; it must be longer than the task ever takes.
func (s *Scheduler) Add(spec, name string, lease time.Duration, fn func(ctx context.Context) error) error {
	_, err := s.cron.AddFunc(spec, func() { s.RunOnce(name, lease, fn) })
	return err
}

// RunOnce runs fn now if the lease is free, and reports whether it ran.
func (s *Scheduler) RunOnce(name string, lease time.Duration, fn func(ctx context.Context) error) bool {
	now := s.now()
	ok, err := s.locker.Acquire(s.ctx, "task:"+name, s.owner, now, now.Add(lease))
	if err != nil {
		s.log.Error("task lease", "task", name, "err", err)
		return false
	}
	if !ok {
		s.log.Debug("task held elsewhere", "task", name)
		return false
	}
	ctx, cancel := context.WithTimeout(s.ctx, lease)
	defer cancel()
	start := time.Now()
	if err := fn(ctx); err != nil {
		s.log.Error("task failed", "task", name, "err", err, "duration", time.Since(start))
	} else {
		// Routine: a task logs at info what it did, when it did something.
		s.log.Debug("task done", "task", name, "duration", time.Since(start))
	}
	if err := s.locker.Release(context.WithoutCancel(ctx), "task:"+name, s.owner); err != nil {
		s.log.Error("task release", "task", name, "err", err)
	}
	return true
}

// Start begins running scheduled tasks.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling, cancels running tasks and waits for them until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) {
	done := s.cron.Stop()
	s.cancel()
	select {
	case <-done.Done():
	case <-ctx.Done():
	}
}

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// Next is when a task on the cron spec runs next after now, in the
// location's time.
func Next(spec string, loc *time.Location, now time.Time) (time.Time, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, err
	}
	return sched.Next(now.In(loc)), nil
}
