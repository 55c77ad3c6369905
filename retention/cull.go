package retention

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"portal/internal/tokens"
	"portal/recruiting"
)

// Counts are what culling removes, per kind of record.
type Counts struct {
	Applications int // submitted applications (candidates)
	Drafts       int // never submitted, to the same ad
	Versions     int
	Files        int // attachments
	Objects      int // object versions in the bucket
	Ratings      int
	Notes        int
	Messages     int
	LogEntries   int // the access log's entries about them
	Archived     int // hired: kept and marked archived
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Applications += o.Applications
	c.Drafts += o.Drafts
	c.Versions += o.Versions
	c.Files += o.Files
	c.Objects += o.Objects
	c.Ratings += o.Ratings
	c.Notes += o.Notes
	c.Messages += o.Messages
	c.LogEntries += o.LogEntries
	c.Archived += o.Archived
}

// Mark is one application marked for culling: what it has, so that a run
// cut short anywhere is completed by the next. Its id is the application's
// (the candidate's); marking is an insert on it, so two runners cull once.
type Mark struct {
	ID            string
	RecruitmentID string
	Batch         string   // the culling record it is counted in
	Keys          []string // the bucket keys of its files
	Counts        Counts
	At            time.Time
}

// Record is the culling record of one run and one recruitment: no
// personal data, only the reference, the category, the rule and counts.
type Record struct {
	ID            string // run:recruitment
	Run           string
	RecruitmentID string
	Ref           string
	Category      string
	Rule          string
	FinalOn       string // the day the decision became final
	Counts        Counts
	At            time.Time
	Done          time.Time // zero while its records are being removed
}

// Run is one culling run.
type Run struct {
	ID        string
	By        string    // "task" or "command"
	RuleAt    time.Time // the moment the rule was applied at
	Started   time.Time
	Finished  time.Time
	Resumed   int // applications a run cut short had left
	Counts    Counts
	Err       string // why it stopped, when it failed
	Records   []Record
	Completed bool
}

// Culled is how many recruitments the run removed records of (a record
// may only tell of the hired marked archived).
func (r Run) Culled() int {
	n := 0
	for _, rec := range r.Records {
		if rec.Counts.Applications+rec.Counts.Drafts > 0 {
			n++
		}
	}
	return n
}

// Records reads and removes the records culling concerns.
type Records interface {
	// Gather counts what the applications (portal ids or candidates
	// registered by hand) have, and the bucket keys of their files.
	Gather(ctx context.Context, ids []string) (map[string]Mark, error)
	// DraftsOf returns the ids of the applications to the ad that were
	// never submitted.
	DraftsOf(ctx context.Context, adRef string) ([]string, error)
	// AddMarks inserts the marks and returns the ids of those this call
	// inserted; one marked before is left.
	AddMarks(ctx context.Context, marks []Mark) ([]string, error)
	// OpenMarks returns marks made before the moment, oldest first, at
	// most limit.
	OpenMarks(ctx context.Context, before time.Time, limit int) ([]Mark, error)
	// Unmark removes marks before anything of theirs is removed: a hold
	// placed meanwhile keeps them.
	Unmark(ctx context.Context, ids []string) error
	// Remove removes every record of the marked applications, their marks
	// last.
	Remove(ctx context.Context, ids []string) error
	// Archive marks the hired candidates archived; a repeat is harmless.
	Archive(ctx context.Context, ids []string, at time.Time) error
	// HasRecord reports whether the culling record is written.
	HasRecord(ctx context.Context, id string) (bool, error)
	// AddRecord inserts a culling record; one with its id is ErrExists.
	AddRecord(ctx context.Context, r Record) error
	// FinishRecord adds the object versions removed to the record and
	// sets its Done.
	FinishRecord(ctx context.Context, id string, objects int, at time.Time) error
	// SaveRun stores the run, replacing an earlier save of it.
	SaveRun(ctx context.Context, r Run) error
	// Runs returns the latest runs with their records, newest first.
	Runs(ctx context.Context, limit int) ([]Run, error)
}

// Objects removes files from the bucket.
type Objects interface {
	// RemoveAllVersions removes every version of the objects under the
	// keys, and delete markers, and reports how many it removed; a key
	// with none is no error.
	RemoveAllVersions(ctx context.Context, keys []string) (int, error)
}

// DefaultBatch is how many applications a run handles at a time: a
// filter on a list of ids reads the whole collection on FerretDB, so
// fewer, larger batches go faster there; MongoDB uses its indexes.
const DefaultBatch = 500

// Culler runs the rule: it marks what is due, removes every object version
// of it, then its records, and writes a culling record per recruitment.
type Culler struct {
	Schedule *Schedule
	Ads      Ads
	Records  Records
	Objects  Objects
	// Changes is told of each recruitment culled, for its candidate list;
	// nil: nobody.
	Changes recruiting.Changes
	// Lease is how long a run may take at most: marks older than it are
	// a run's that was cut short, and are completed.
	Lease time.Duration
	// Batch is how many applications are handled at a time.
	Batch int
	Now   func() time.Time
}

func (c *Culler) batch() int {
	if c.Batch <= 0 {
		return DefaultBatch
	}
	return c.Batch
}

// Plan is what a run at the moment would cull, per recruitment, with the
// counts as they stand now.
func (c *Culler) Plan(ctx context.Context, at time.Time) (Overview, []Record, error) {
	o, err := c.Schedule.At(ctx, c.Ads, at)
	if err != nil {
		return Overview{}, nil, err
	}
	var out []Record
	for _, due := range o.Due {
		rec := Record{RecruitmentID: due.Recruitment.ID, Ref: due.Recruitment.Ref, Category: due.Category, Rule: due.Rule,
			FinalOn: due.Decision.FinalOn.String(), At: at}
		for _, cand := range due.Archived {
			if cand.ArchivedAt.IsZero() {
				rec.Counts.Archived++
			}
		}
		ids, err := c.ids(ctx, due, true)
		if err != nil {
			return Overview{}, nil, err
		}
		for chunk := range slices.Chunk(ids, c.batch()) {
			marks, err := c.Records.Gather(ctx, chunk)
			if err != nil {
				return Overview{}, nil, err
			}
			for _, m := range marks {
				rec.Counts.Add(m.Counts)
			}
		}
		if rec.Counts == (Counts{}) {
			continue // held: nothing would go
		}
		out = append(out, rec)
	}
	return o, out, nil
}

// ids are the applications of a due recruitment to cull: the candidates
// and, once none is held, the drafts to its ad.
func (c *Culler) ids(ctx context.Context, due Due, drafts bool) ([]string, error) {
	ids := make([]string, 0, len(due.Candidates))
	for _, cand := range due.Candidates {
		ids = append(ids, cand.ID)
	}
	if !drafts || due.Held > 0 || len(ids) == 0 {
		return ids, nil
	}
	more, err := c.Records.DraftsOf(ctx, due.Recruitment.Ref)
	if err != nil {
		return nil, err
	}
	return append(ids, more...), nil
}

// Run culls what the rule makes due now: first it completes what a run
// cut short left, then it marks, removes and records recruitment by
// recruitment. by names who started it.
func (c *Culler) Run(ctx context.Context, by string) (Run, error) {
	now := c.Now()
	run := Run{ID: now.UTC().Format("20060102T150405Z") + "-" + tokens.New(4), By: by, RuleAt: now, Started: now}
	if err := c.Records.SaveRun(ctx, run); err != nil {
		return run, err
	}
	err := c.run(ctx, &run)
	run.Finished = c.Now()
	run.Completed = err == nil
	if err != nil {
		run.Err = err.Error()
	}
	if serr := c.Records.SaveRun(context.WithoutCancel(ctx), run); serr != nil && err == nil {
		err = serr
	}
	return run, err
}

func (c *Culler) run(ctx context.Context, run *Run) error {
	if err := c.resume(ctx, run); err != nil {
		return err
	}
	return c.Schedule.Each(ctx, run.RuleAt, func(due Due) error {
		rec, err := c.cull(ctx, run, due, true)
		if err != nil {
			return fmt.Errorf("retention: %s: %w", due.Recruitment.Ref, err)
		}
		if rec.ID != "" {
			run.Records = append(run.Records, rec)
			run.Counts.Add(rec.Counts)
		}
		return nil
	})
}

// cull handles one due recruitment: archive the hired, mark the due,
// write the record, remove objects then records.
func (c *Culler) cull(ctx context.Context, run *Run, due Due, drafts bool) (Record, error) {
	now := c.Now()
	rec := Record{ID: run.ID + ":" + due.Recruitment.ID, Run: run.ID, RecruitmentID: due.Recruitment.ID, Ref: due.Recruitment.Ref,
		Category: due.Category, Rule: due.Rule, FinalOn: due.Decision.FinalOn.String(), At: now}
	var hired []string
	for _, cand := range due.Archived {
		if cand.ArchivedAt.IsZero() {
			hired = append(hired, cand.ID)
		}
	}
	if len(hired) > 0 {
		if err := c.Records.Archive(ctx, hired, now); err != nil {
			return Record{}, err
		}
		rec.Counts.Archived = len(hired)
	}
	ids, err := c.ids(ctx, due, drafts)
	if err != nil {
		return Record{}, err
	}
	var mine []string
	keys, countsOf := map[string][]string{}, map[string]Counts{}
	for chunk := range slices.Chunk(ids, c.batch()) {
		gathered, err := c.Records.Gather(ctx, chunk)
		if err != nil {
			return Record{}, err
		}
		marks := make([]Mark, 0, len(chunk))
		for _, id := range chunk {
			m := gathered[id]
			m.ID, m.RecruitmentID, m.Batch, m.At = id, due.Recruitment.ID, rec.ID, now
			marks = append(marks, m)
		}
		added, err := c.Records.AddMarks(ctx, marks)
		if err != nil {
			return Record{}, err
		}
		for _, id := range added {
			countsOf[id] = gathered[id].Counts
			keys[id] = gathered[id].Keys
		}
		mine = append(mine, added...)
	}
	// A hold placed while this recruitment was being marked keeps what it
	// covers: nothing of it has been removed yet.
	if mine, err = c.dropHeld(ctx, due.Recruitment.ID, mine); err != nil {
		return Record{}, err
	}
	rec.Counts = Counts{Archived: rec.Counts.Archived}
	for _, id := range mine {
		rec.Counts.Add(countsOf[id])
	}
	if len(mine) == 0 && rec.Counts.Archived == 0 {
		return Record{}, nil
	}
	if err := c.Records.AddRecord(ctx, rec); err != nil {
		return Record{}, err
	}
	objects := 0
	for chunk := range slices.Chunk(mine, c.batch()) {
		n, err := c.remove(ctx, chunk, keys)
		objects += n
		if err != nil {
			return Record{}, err
		}
	}
	rec.Counts.Objects = objects
	rec.Done = c.Now()
	if c.Changes != nil {
		if err := c.Changes.Changed(ctx, due.Recruitment.ID); err != nil {
			return Record{}, err
		}
	}
	return rec, c.Records.FinishRecord(ctx, rec.ID, objects, rec.Done)
}

// remove removes the marked applications' objects, every version, and
// then their records.
func (c *Culler) remove(ctx context.Context, ids []string, keys map[string][]string) (int, error) {
	var all []string
	for _, id := range ids {
		all = append(all, keys[id]...)
	}
	n, err := c.Objects.RemoveAllVersions(ctx, all)
	if err != nil {
		return n, err
	}
	return n, c.Records.Remove(ctx, ids)
}

// resume completes the marks a run cut short left: older than the lease,
// no run that made them is still going.
func (c *Culler) resume(ctx context.Context, run *Run) error {
	before := run.RuleAt.Add(-c.lease())
	for {
		marks, err := c.Records.OpenMarks(ctx, before, c.batch())
		if err != nil || len(marks) == 0 {
			return err
		}
		batches := map[string]Record{}
		keys := map[string][]string{}
		for _, m := range marks {
			keys[m.ID] = m.Keys
			r := batches[m.Batch]
			r.ID, r.RecruitmentID = m.Batch, m.RecruitmentID
			r.Counts.Add(m.Counts)
			batches[m.Batch] = r
		}
		// A run cut short before its record was written had removed
		// nothing of these yet: a hold placed since keeps what it covers,
		// and the record is written now from the marks left. A record
		// written before stays as it is, and its marks are completed.
		dropped := map[string]bool{}
		for batch, r := range batches {
			has, err := c.Records.HasRecord(ctx, batch)
			if err != nil {
				return err
			}
			if has {
				continue
			}
			var these []string
			for _, m := range marks {
				if m.Batch == batch {
					these = append(these, m.ID)
				}
			}
			kept, err := c.dropHeld(ctx, r.RecruitmentID, these)
			if err != nil {
				return err
			}
			r.Counts = Counts{}
			for _, m := range marks {
				if m.Batch == batch && slices.Contains(kept, m.ID) {
					r.Counts.Add(m.Counts)
				}
			}
			for _, id := range these {
				dropped[id] = !slices.Contains(kept, id)
			}
			rec, err := c.orphanRecord(ctx, r)
			if err != nil {
				return err
			}
			if err := c.Records.AddRecord(ctx, rec); err != nil && !errors.Is(err, ErrExists) {
				return err
			}
		}
		for batch := range batches {
			var these []string
			for _, m := range marks {
				if m.Batch == batch && !dropped[m.ID] {
					these = append(these, m.ID)
				}
			}
			n, err := c.remove(ctx, these, keys)
			if err != nil {
				return err
			}
			run.Resumed += len(these)
			if err := c.Records.FinishRecord(ctx, batch, n, c.Now()); err != nil {
				return err
			}
			if c.Changes != nil {
				if err := c.Changes.Changed(ctx, batches[batch].RecruitmentID); err != nil {
					return err
				}
			}
		}
	}
}

func (c *Culler) orphanRecord(ctx context.Context, r Record) (Record, error) {
	rec := r
	rec.At = c.Now()
	if i := len(r.ID) - len(r.RecruitmentID) - 1; i > 0 {
		rec.Run = r.ID[:i]
	}
	rt, err := c.Schedule.Recruitments.Recruitment(ctx, r.RecruitmentID)
	if err != nil && !errors.Is(err, recruiting.ErrNotFound) {
		return rec, err
	}
	rec.Ref = rt.Ref
	rec.Category, rec.Rule = CategoryNotHired, RuleNotHired
	if d, ok, err := c.Schedule.decision(ctx, r.RecruitmentID); err != nil {
		return rec, err
	} else if ok {
		rec.FinalOn = d.FinalOn.String()
		if d.Outcome == recruiting.OutcomeCancelled {
			rec.Category, rec.Rule = CategoryCancelled, RuleCancelled
		}
	}
	return rec, nil
}

// dropHeld takes out of the marked those an active hold of the
// recruitment now covers, and removes their marks.
func (c *Culler) dropHeld(ctx context.Context, recruitmentID string, ids []string) ([]string, error) {
	holds, err := c.Schedule.Holds.Holds(ctx, recruitmentID)
	if err != nil {
		return nil, err
	}
	var keep, held []string
	for _, id := range ids {
		if slices.ContainsFunc(holds, func(h Hold) bool { return h.Active() && h.Covers(recruitmentID, id) }) {
			held = append(held, id)
		} else {
			keep = append(keep, id)
		}
	}
	if len(held) > 0 {
		if err := c.Records.Unmark(ctx, held); err != nil {
			return nil, err
		}
	}
	return keep, nil
}

func (c *Culler) lease() time.Duration {
	if c.Lease <= 0 {
		return 2 * time.Hour
	}
	return c.Lease
}

// CullNow removes at once the records of those applications whose date
// has passed (their status is due), as when their applicant deletes the
// account; any other is left as it is.
func (c *Culler) CullNow(ctx context.Context, ids []string) error {
	now := c.Now()
	for _, id := range ids {
		st, err := c.Schedule.Of(ctx, id)
		if err != nil {
			return err
		}
		if st.State != StateDue {
			continue
		}
		cand, err := c.Schedule.Recruitments.Candidate(ctx, id)
		if err != nil {
			return err
		}
		due := Due{Recruitment: recruiting.Recruitment{ID: cand.RecruitmentID}, Candidates: []recruiting.Candidate{cand}}
		if r, err := c.Schedule.Recruitments.Recruitment(ctx, cand.RecruitmentID); err == nil {
			due.Recruitment = r
		}
		if d, ok, err := c.Schedule.decision(ctx, cand.RecruitmentID); err != nil {
			return err
		} else if ok {
			due.Decision = d
			due.Category, due.Rule = CategoryNotHired, RuleNotHired
			if d.Outcome == recruiting.OutcomeCancelled {
				due.Category, due.Rule = CategoryCancelled, RuleCancelled
			}
		}
		run := &Run{ID: now.UTC().Format("20060102T150405Z") + "-" + tokens.New(4), By: "account", RuleAt: now, Started: now}
		rec, err := c.cull(ctx, run, due, false)
		if err != nil {
			return err
		}
		run.Records, run.Counts, run.Finished, run.Completed = []Record{rec}, rec.Counts, c.Now(), true
		if err := c.Records.SaveRun(ctx, *run); err != nil {
			return err
		}
	}
	return nil
}
