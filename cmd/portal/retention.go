package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"portal/internal/app"
	"portal/jobs"
	"portal/retention"
)

const retentionUse = "use portal retention plan [--at YYYY-MM-DD] | portal retention run"

// retentionCommand prints what a culling run would remove, or runs one.
func retentionCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	if len(args) == 0 {
		return errors.New(retentionUse)
	}
	switch args[0] {
	case "plan":
		at, err := planMoment(args[1:], time.Now())
		if err != nil {
			return err
		}
		db, s, err := openServices(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close(context.Background())
		return printPlan(ctx, s.Culler, at, os.Stdout)
	case "run":
		if len(args) > 1 {
			return errors.New(retentionUse)
		}
		return retentionRun(ctx, cfg, log, os.Stdout)
	}
	return fmt.Errorf("unknown retention command %q; %s", args[0], retentionUse)
}

// planMoment reads --at DATE (the start of that day, Swedish time); now
// without it.
func planMoment(args []string, now time.Time) (time.Time, error) {
	switch {
	case len(args) == 0:
		return now, nil
	case len(args) == 2 && (args[0] == "--at" || args[0] == "-at"):
		d, err := jobs.ParseDay(args[1])
		if err != nil {
			return time.Time{}, fmt.Errorf("--at %q: write the date as YYYY-MM-DD", args[1])
		}
		return d.Start(), nil
	case len(args) == 1 && (strings.HasPrefix(args[0], "--at=") || strings.HasPrefix(args[0], "-at=")):
		_, v, _ := strings.Cut(args[0], "=")
		return planMoment([]string{"--at", v}, now)
	}
	return time.Time{}, errors.New(retentionUse)
}

// printPlan writes what a run at the moment would cull, per recruitment
// and kind, and what it keeps and why.
func printPlan(ctx context.Context, c *retention.Culler, at time.Time, out io.Writer) error {
	o, recs, err := c.Plan(ctx, at)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "A culling run at %s would remove:\n\n", at.In(jobs.Stockholm).Format("2006-01-02 15:04 MST"))
	if len(recs) == 0 {
		fmt.Fprintln(out, "  nothing")
	} else {
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "recruitment\tcategory\tfinal on\tapplications\tdrafts\tversions\tfiles\tratings\tnotes\tmessages\tlog entries\tarchived\t")
		var sum retention.Counts
		for _, r := range recs {
			k := r.Counts
			sum.Add(k)
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", r.Ref, r.Category, r.FinalOn,
				k.Applications, k.Drafts, k.Versions, k.Files, k.Ratings, k.Notes, k.Messages, k.LogEntries, k.Archived)
		}
		fmt.Fprintf(w, "total\t\t\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", sum.Applications, sum.Drafts, sum.Versions, sum.Files,
			sum.Ratings, sum.Notes, sum.Messages, sum.LogEntries, sum.Archived)
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(out, "\nEvery version of each file is removed from the bucket too. Ads, decisions, posted notices and the hired applicants' applications are kept.")
	}
	held := 0
	for _, d := range o.Due {
		held += d.Held
	}
	if len(o.Holds) > 0 {
		fmt.Fprintf(out, "\nKept by %d hold(s): %d application(s) past their date.\n", len(o.Holds), held)
	}
	if len(o.Undecided) > 0 {
		fmt.Fprintln(out, "\nNever culled until decided (last application day more than six months before):")
		for _, u := range o.Undecided {
			fmt.Fprintf(out, "  %s  last day %s  %d application(s)\n", u.Recruitment.Ref, u.LastDay, u.Candidates)
		}
	}
	return nil
}

// retentionRun runs the culling now, under the task's lease so that it
// never runs beside the scheduled one, and prints its record.
func retentionRun(ctx context.Context, cfg Config, log *slog.Logger, out io.Writer) error {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	s, err := app.NewServices(appConfig(cfg), app.Infra{DB: db, Blobs: blobs, Now: time.Now, Log: log})
	if err != nil {
		return err
	}
	return runUnderLease(ctx, db.Locks(), s.Culler, out)
}

// locker takes the task's lease.
type locker interface {
	Acquire(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	Release(ctx context.Context, name, owner string) error
}

func runUnderLease(ctx context.Context, locks locker, c *retention.Culler, out io.Writer) error {
	host, _ := os.Hostname()
	owner := fmt.Sprintf("command@%s:%d", host, os.Getpid())
	now := time.Now()
	name := "task:" + app.RetentionTask
	ok, err := locks.Acquire(ctx, name, owner, now, now.Add(app.RetentionLease))
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("a culling run is under way elsewhere (the scheduled task holds its lease); try again when it is done")
	}
	defer func() { _ = locks.Release(context.WithoutCancel(ctx), name, owner) }()
	rctx, cancel := context.WithTimeout(ctx, app.RetentionLease)
	defer cancel()
	run, err := c.Run(rctx, "command")
	printRun(run, out)
	return err
}

func printRun(run retention.Run, out io.Writer) {
	fmt.Fprintf(out, "Culling run %s\n", run.ID)
	if run.Resumed > 0 {
		fmt.Fprintf(out, "  completed %d application(s) an earlier run left\n", run.Resumed)
	}
	if len(run.Records) == 0 {
		fmt.Fprintln(out, "  nothing was due")
	}
	for _, r := range run.Records {
		k := r.Counts
		fmt.Fprintf(out, "  %s (%s, final %s): %d application(s), %d draft(s), %d version(s), %d file(s), %d object version(s), %d rating(s), %d note(s), %d message(s), %d log entries removed; %d archived\n",
			r.Ref, r.Category, r.FinalOn, k.Applications, k.Drafts, k.Versions, k.Files, k.Objects, k.Ratings, k.Notes, k.Messages, k.LogEntries, k.Archived)
	}
	if run.Err != "" {
		fmt.Fprintf(out, "  stopped: %s (the next run completes it)\n", run.Err)
	}
}
