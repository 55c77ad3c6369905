package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/retention"
)

// Retention stores holds, culling marks, records and runs, and reads and
// removes the records culling concerns.
type Retention struct{ db *DB }

// Retention returns the retention store.
func (d *DB) Retention() *Retention { return &Retention{d} }

const (
	colHolds      = "retention_holds"
	colHoldLifts  = "retention_hold_lifts"
	colMarks      = "retention_marks"
	colCullRecs   = "retention_records"
	colCullRuns   = "retention_runs"
	runsKept      = 200
	removeTimeout = 5 * time.Minute
)

type holdDoc struct {
	ID          string    `bson:"_id"`
	Recruitment string    `bson:"recruitment"`
	Candidate   string    `bson:"candidate,omitempty"`
	Kind        string    `bson:"kind"`
	Reason      string    `bson:"reason"`
	Since       time.Time `bson:"since"`
	Source      string    `bson:"source,omitempty"`
	PlacedBy    string    `bson:"placed_by"`
	PlacedAt    time.Time `bson:"placed_at"`
	LiftedBy    string    `bson:"lifted_by,omitempty"`
	LiftedAt    time.Time `bson:"lifted_at,omitempty"`
	LiftReason  string    `bson:"lift_reason,omitempty"`
}

func (d holdDoc) hold() retention.Hold {
	return retention.Hold{ID: d.ID, RecruitmentID: d.Recruitment, CandidateID: d.Candidate, Kind: d.Kind, Reason: d.Reason, Since: d.Since,
		Source: d.Source, PlacedBy: d.PlacedBy, PlacedAt: d.PlacedAt, LiftedBy: d.LiftedBy, LiftedAt: d.LiftedAt, LiftReason: d.LiftReason}
}

// AddHold stores a new hold; one with its id is retention.ErrExists.
func (s *Retention) AddHold(ctx context.Context, h retention.Hold) error {
	doc := holdDoc{ID: h.ID, Recruitment: h.RecruitmentID, Candidate: h.CandidateID, Kind: h.Kind, Reason: h.Reason, Since: h.Since,
		Source: h.Source, PlacedBy: h.PlacedBy, PlacedAt: h.PlacedAt}
	_, err := s.db.c(colHolds).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return retention.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: add hold: %w", err)
	}
	return nil
}

// Hold returns one hold, or retention.ErrNotFound.
func (s *Retention) Hold(ctx context.Context, id string) (retention.Hold, error) {
	d, err := findOne[holdDoc](ctx, s.db.c(colHolds), id, retention.ErrNotFound)
	return d.hold(), err
}

// Holds returns the holds of the recruitments (all, when none is named),
// oldest first.
func (s *Retention) Holds(ctx context.Context, recruitmentIDs ...string) ([]retention.Hold, error) {
	filter := bson.M{}
	if len(recruitmentIDs) > 0 {
		filter["recruitment"] = bson.M{"$in": recruitmentIDs}
	}
	docs, err := findAll[holdDoc](ctx, s.db.c(colHolds), filter, bson.D{{Key: "placed_at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]retention.Hold, len(docs))
	for i, d := range docs {
		out[i] = d.hold()
	}
	return out, nil
}

// LiftHold records the lifting of an active hold; a lifted one is
// retention.ErrLifted, a missing one retention.ErrNotFound. Of two people
// lifting at once one wins: the lifting is first inserted under the
// hold's id, which both servers make atomic, and only then written on the
// hold (FerretDB applies an update by reading and writing back, so a
// conditional update alone could let both through).
func (s *Retention) LiftHold(ctx context.Context, id, by, reason string, at time.Time) error {
	h, err := s.Hold(ctx, id)
	if err != nil {
		return err
	}
	if !h.Active() {
		return retention.ErrLifted
	}
	lift := liftDoc{ID: id, By: by, Reason: reason, At: at}
	_, err = s.db.c(colHoldLifts).InsertOne(ctx, lift)
	if isDuplicate(err) {
		// Lifted by someone else; finish their write if it was cut short.
		if lift, err = findOne[liftDoc](ctx, s.db.c(colHoldLifts), id, retention.ErrNotFound); err != nil {
			return err
		}
		if err := s.writeLift(ctx, lift); err != nil {
			return err
		}
		return retention.ErrLifted
	}
	if err != nil {
		return fmt.Errorf("storage: lift hold: %w", err)
	}
	return s.writeLift(ctx, lift)
}

type liftDoc struct {
	ID     string    `bson:"_id"` // the hold's
	By     string    `bson:"by"`
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

func (s *Retention) writeLift(ctx context.Context, l liftDoc) error {
	_, err := s.db.c(colHolds).UpdateOne(ctx, bson.M{"_id": l.ID, "lifted_at": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"lifted_by": l.By, "lifted_at": l.At, "lift_reason": l.Reason}})
	if err != nil {
		return fmt.Errorf("storage: lift hold: %w", err)
	}
	return nil
}

type countsDoc struct {
	Applications int `bson:"applications"`
	Drafts       int `bson:"drafts"`
	Versions     int `bson:"versions"`
	Files        int `bson:"files"`
	Objects      int `bson:"objects"`
	Ratings      int `bson:"ratings"`
	Notes        int `bson:"notes"`
	Messages     int `bson:"messages"`
	LogEntries   int `bson:"log_entries"`
	Archived     int `bson:"archived"`
}

type markDoc struct {
	ID          string    `bson:"_id"`
	Recruitment string    `bson:"recruitment"`
	Batch       string    `bson:"batch"`
	Keys        []string  `bson:"keys"`
	Counts      countsDoc `bson:"counts"`
	At          time.Time `bson:"at"`
}

// The record ids culling removes, per collection, by the field that names
// the application (or the candidate, the same id).
var byCandidate = []string{colStageEvents, colRatings, colNotes, colRecruitMessages, colAccessLog, colStatements}

// Gather counts what the applications have, and the keys of their files.
func (s *Retention) Gather(ctx context.Context, ids []string) (map[string]retention.Mark, error) {
	out := make(map[string]retention.Mark, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	oids := objectIDs(ids)
	type app struct {
		ID      bson.ObjectID `bson:"_id"`
		Version int           `bson:"version"`
	}
	apps, err := findAll[app](ctx, s.db.c(colApplications), bson.M{"_id": bson.M{"$in": oids}}, nil, 0)
	if err != nil {
		return nil, err
	}
	cands, err := findAll[struct {
		ID string `bson:"_id"`
	}](ctx, s.db.c(colCandidates), bson.M{"_id": bson.M{"$in": ids}}, nil, 0)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		m := out[c.ID]
		m.Counts.Applications = 1
		out[c.ID] = m
	}
	for _, a := range apps {
		id := a.ID.Hex()
		m := out[id]
		if a.Version == 0 && m.Counts.Applications == 0 {
			m.Counts.Drafts = 1
		} else {
			m.Counts.Applications = 1
		}
		out[id] = m
	}
	versions, err := findAll[struct {
		Application string `bson:"application"`
		Attachments []struct {
			ID string `bson:"id"`
		} `bson:"attachments"`
	}](ctx, s.db.c(colVersions), bson.M{"application": bson.M{"$in": ids}}, nil, 0)
	if err != nil {
		return nil, err
	}
	files := map[string]map[string]bool{}
	var onVersions []string
	for _, v := range versions {
		m := out[v.Application]
		m.Counts.Versions++
		out[v.Application] = m
		for _, a := range v.Attachments {
			onVersions = append(onVersions, a.ID)
		}
	}
	type fileDoc struct {
		ID          string `bson:"_id"`
		Application string `bson:"application"`
		Key         string `bson:"key"`
	}
	atts, err := findAll[fileDoc](ctx, s.db.c(colAttachments), bson.M{"$or": bson.A{
		bson.M{"application": bson.M{"$in": ids}}, bson.M{"_id": bson.M{"$in": onVersions}},
	}}, nil, 0)
	if err != nil {
		return nil, err
	}
	owner := map[string]string{}
	for _, v := range versions {
		for _, a := range v.Attachments {
			owner[a.ID] = v.Application
		}
	}
	for _, f := range atts {
		app := f.Application
		if o := owner[f.ID]; o != "" {
			app = o
		}
		if files[app] == nil {
			files[app] = map[string]bool{}
		}
		if files[app][f.ID] {
			continue
		}
		files[app][f.ID] = true
		m := out[app]
		m.Counts.Files++
		m.Keys = append(m.Keys, f.Key)
		out[app] = m
	}
	for _, col := range byCandidate {
		docs, err := findAll[struct {
			Candidate string `bson:"candidate"`
		}](ctx, s.db.c(col), bson.M{"candidate": bson.M{"$in": ids}}, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			m := out[d.Candidate]
			switch col {
			case colRatings:
				m.Counts.Ratings++
			case colNotes:
				m.Counts.Notes++
			case colRecruitMessages:
				m.Counts.Messages++
			case colAccessLog:
				m.Counts.LogEntries++
			}
			out[d.Candidate] = m
		}
	}
	for _, id := range ids {
		m := out[id]
		m.ID = id
		out[id] = m
	}
	return out, nil
}

func objectIDs(ids []string) []bson.ObjectID {
	out := make([]bson.ObjectID, 0, len(ids))
	for _, id := range ids {
		if oid, err := bson.ObjectIDFromHex(id); err == nil {
			out = append(out, oid)
		}
	}
	return out
}

// DraftsOf returns the ids of the applications to the ad never submitted.
func (s *Retention) DraftsOf(ctx context.Context, adRef string) ([]string, error) {
	docs, err := findAll[struct {
		ID bson.ObjectID `bson:"_id"`
	}](ctx, s.db.c(colApplications), bson.M{"ad_ref": adRef, "version": 0}, nil, 0)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID.Hex()
	}
	return out, nil
}

func toCountsDoc(c retention.Counts) countsDoc { return countsDoc(c) }

// AddMarks inserts the marks and returns the ids of those it inserted; a
// mark another run made before stays that run's.
func (s *Retention) AddMarks(ctx context.Context, marks []retention.Mark) ([]string, error) {
	if len(marks) == 0 {
		return nil, nil
	}
	docs := make([]any, len(marks))
	for i, m := range marks {
		docs[i] = markDoc{ID: m.ID, Recruitment: m.RecruitmentID, Batch: m.Batch, Keys: m.Keys, Counts: toCountsDoc(m.Counts), At: m.At}
	}
	_, err := s.db.c(colMarks).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	failed := map[int]bool{}
	if err != nil {
		var bulk mongo.BulkWriteException
		if !errors.As(err, &bulk) || bulk.WriteConcernError != nil {
			return nil, fmt.Errorf("storage: add culling marks: %w", err)
		}
		for _, we := range bulk.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, fmt.Errorf("storage: add culling marks: %w", we)
			}
			failed[we.Index] = true
		}
	}
	out := make([]string, 0, len(marks))
	for i, m := range marks {
		if !failed[i] {
			out = append(out, m.ID)
		}
	}
	return out, nil
}

// OpenMarks returns marks made before the moment, oldest first.
func (s *Retention) OpenMarks(ctx context.Context, before time.Time, limit int) ([]retention.Mark, error) {
	docs, err := findAll[markDoc](ctx, s.db.c(colMarks), bson.M{"at": bson.M{"$lt": before}}, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, int64(limit))
	if err != nil {
		return nil, err
	}
	out := make([]retention.Mark, len(docs))
	for i, d := range docs {
		out[i] = retention.Mark{ID: d.ID, RecruitmentID: d.Recruitment, Batch: d.Batch, Keys: d.Keys, Counts: retention.Counts(d.Counts), At: d.At}
	}
	return out, nil
}

// Remove removes every record of the marked applications: the records
// about them first, the attachments, versions and answers, then the
// application and the candidate, and the marks last, so that a removal
// cut short is done again from the marks.
func (s *Retention) Remove(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, removeTimeout)
	defer cancel()
	in := bson.M{"$in": ids}
	versions, err := findAll[struct {
		Attachments []struct {
			ID string `bson:"id"`
		} `bson:"attachments"`
	}](ctx, s.db.c(colVersions), bson.M{"application": in}, nil, 0)
	if err != nil {
		return err
	}
	var files []string
	for _, v := range versions {
		for _, a := range v.Attachments {
			files = append(files, a.ID)
		}
	}
	steps := []struct {
		col    string
		filter bson.M
	}{
		{colStageEvents, bson.M{"candidate": in}},
		{colRatings, bson.M{"candidate": in}},
		{colNotes, bson.M{"candidate": in}},
		{colRecruitMessages, bson.M{"candidate": in}},
		{colAccessLog, bson.M{"candidate": in}},
		{colStatements, bson.M{"candidate": in}},
		{colRegistrations, bson.M{"_id": in}},
		{colAttachments, bson.M{"$or": bson.A{bson.M{"application": in}, bson.M{"_id": bson.M{"$in": files}}}}},
		{colAnswers, bson.M{"application": in}},
		{colVersions, bson.M{"application": in}},
		{colApplications, bson.M{"_id": bson.M{"$in": objectIDs(ids)}}},
		{colCandidates, bson.M{"_id": in}},
		{colMarks, bson.M{"_id": in}},
	}
	for _, st := range steps {
		if _, err := s.db.c(st.col).DeleteMany(ctx, st.filter); err != nil {
			return fmt.Errorf("storage: cull %s: %w", st.col, err)
		}
	}
	return nil
}

// Archive marks the hired candidates archived.
func (s *Retention) Archive(ctx context.Context, ids []string, at time.Time) error {
	_, err := s.db.c(colCandidates).UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "archived_at": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"archived_at": at}})
	if err != nil {
		return fmt.Errorf("storage: archive candidates: %w", err)
	}
	return nil
}

type recordDoc struct {
	ID          string    `bson:"_id"`
	Run         string    `bson:"run"`
	Recruitment string    `bson:"recruitment"`
	Ref         string    `bson:"ref"`
	Category    string    `bson:"category"`
	Rule        string    `bson:"rule"`
	FinalOn     string    `bson:"final_on,omitempty"`
	Counts      countsDoc `bson:"counts"`
	At          time.Time `bson:"at"`
	Done        time.Time `bson:"done,omitempty"`
}

// HasRecord reports whether the culling record is written.
func (s *Retention) HasRecord(ctx context.Context, id string) (bool, error) {
	n, err := s.db.c(colCullRecs).CountDocuments(ctx, bson.M{"_id": id}, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("storage: read culling record: %w", err)
	}
	return n > 0, nil
}

// Unmark removes marks of which nothing is removed yet.
func (s *Retention) Unmark(ctx context.Context, ids []string) error {
	if _, err := s.db.c(colMarks).DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		return fmt.Errorf("storage: unmark: %w", err)
	}
	return nil
}

// AddRecord inserts a culling record; one with its id is
// retention.ErrExists.
func (s *Retention) AddRecord(ctx context.Context, r retention.Record) error {
	doc := recordDoc{ID: r.ID, Run: r.Run, Recruitment: r.RecruitmentID, Ref: r.Ref, Category: r.Category, Rule: r.Rule, FinalOn: r.FinalOn,
		Counts: toCountsDoc(r.Counts), At: r.At, Done: r.Done}
	_, err := s.db.c(colCullRecs).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return retention.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: add culling record: %w", err)
	}
	return nil
}

// FinishRecord adds the object versions removed to the record and sets
// its Done; one runner holds the lease, so the read-and-write-back of
// FerretDB loses nothing here.
func (s *Retention) FinishRecord(ctx context.Context, id string, objects int, at time.Time) error {
	upd := bson.M{"$set": bson.M{"done": at}, "$inc": bson.M{"counts.objects": objects}}
	if _, err := s.db.c(colCullRecs).UpdateOne(ctx, bson.M{"_id": id}, upd); err != nil {
		return fmt.Errorf("storage: finish culling record: %w", err)
	}
	return nil
}

type runDoc struct {
	ID        string    `bson:"_id"`
	By        string    `bson:"by"`
	RuleAt    time.Time `bson:"rule_at"`
	Started   time.Time `bson:"started"`
	Finished  time.Time `bson:"finished,omitempty"`
	Resumed   int       `bson:"resumed"`
	Counts    countsDoc `bson:"counts"`
	Err       string    `bson:"err,omitempty"`
	Completed bool      `bson:"completed"`
}

// SaveRun stores the run, replacing an earlier save of it.
func (s *Retention) SaveRun(ctx context.Context, r retention.Run) error {
	doc := runDoc{ID: r.ID, By: r.By, RuleAt: r.RuleAt, Started: r.Started, Finished: r.Finished, Resumed: r.Resumed, Counts: toCountsDoc(r.Counts),
		Err: r.Err, Completed: r.Completed}
	if _, err := s.db.c(colCullRuns).ReplaceOne(ctx, bson.M{"_id": r.ID}, doc, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("storage: save culling run: %w", err)
	}
	return nil
}

// Runs returns the latest runs with their records, newest first.
func (s *Retention) Runs(ctx context.Context, limit int) ([]retention.Run, error) {
	if limit <= 0 || limit > runsKept {
		limit = runsKept
	}
	docs, err := findAll[runDoc](ctx, s.db.c(colCullRuns), bson.M{}, bson.D{{Key: "started", Value: -1}, {Key: "_id", Value: -1}}, int64(limit))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	recs, err := findAll[recordDoc](ctx, s.db.c(colCullRecs), bson.M{"run": bson.M{"$in": ids}}, bson.D{{Key: "ref", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	byRun := map[string][]retention.Record{}
	for _, d := range recs {
		byRun[d.Run] = append(byRun[d.Run], retention.Record{ID: d.ID, Run: d.Run, RecruitmentID: d.Recruitment, Ref: d.Ref, Category: d.Category,
			Rule: d.Rule, FinalOn: d.FinalOn, Counts: retention.Counts(d.Counts), At: d.At, Done: d.Done})
	}
	out := make([]retention.Run, len(docs))
	for i, d := range docs {
		out[i] = retention.Run{ID: d.ID, By: d.By, RuleAt: d.RuleAt, Started: d.Started, Finished: d.Finished, Resumed: d.Resumed,
			Counts: retention.Counts(d.Counts), Err: d.Err, Completed: d.Completed, Records: byRun[d.ID]}
	}
	return out, nil
}

// RemoveAllVersions removes every version of the objects under the keys,
// delete markers too. Each key is asked for its latest version and that
// version removed until none is left: a lookup by key costs the same in a
// bucket of any size, where listing a key's versions walks its folder.
// Keys are handled removeWorkers at a time.
func (b *Blobs) RemoveAllVersions(ctx context.Context, keys []string) (int, error) {
	var (
		mu      sync.Mutex
		removed int
		first   error
	)
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(removeWorkers, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range next {
				n, err := b.removeVersions(ctx, key)
				mu.Lock()
				removed += n
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, key := range keys {
		select {
		case next <- key:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return removed, first
}

// removeWorkers is how many keys are removed at once.
const removeWorkers = 8

// maxVersions bounds the versions removed of one key, so that a server
// answering strangely cannot keep a run going for ever.
const maxVersions = 10000

func (b *Blobs) removeVersions(ctx context.Context, key string) (int, error) {
	n := 0
	for range maxVersions {
		info, err := b.client.StatObject(ctx, b.bucket, key, minio.StatObjectOptions{})
		if err != nil && !info.IsDeleteMarker {
			if code := errorCode(err); code == "NoSuchKey" || code == "NoSuchVersion" {
				return n, nil
			}
			return n, fmt.Errorf("storage: stat %s: %w", key, err)
		}
		// The latest version, or the delete marker over older ones: remove
		// it by its id (none in a bucket never versioned).
		err = b.client.RemoveObject(ctx, b.bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID})
		if err != nil {
			if code := errorCode(err); code == "NoSuchKey" || code == "NoSuchVersion" {
				continue // removed meanwhile: ask again
			}
			return n, fmt.Errorf("storage: remove %s: %w", key, err)
		}
		n++
	}
	return n, fmt.Errorf("storage: %s has more than %d versions", key, maxVersions)
}

func listVersions(key string) minio.ListObjectsOptions {
	return minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}
}

func errorCode(err error) string { return minio.ToErrorResponse(err).Code }
