package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/jobs"
	"portal/recruiting"
)

// versionBatch is how many versions one read asks for by id: a
// recruitment's worth at once (FerretDB reads the whole collection for
// each).
const versionBatch = 5000

// Submissions returns the submitted applications to an ad by id, each
// with its status and the answers and number of files of its latest
// version.
func (s *Recruitments) Submissions(ctx context.Context, adRef string) (map[string]recruiting.Submission, error) {
	cur, err := s.db.c(colApplications).Find(ctx, bson.M{"ad_ref": adRef, "version": bson.M{"$gt": 0}},
		options.Find().SetProjection(bson.M{"status": 1, "version": 1}))
	if err != nil {
		return nil, fmt.Errorf("storage: submissions: %w", err)
	}
	var apps []struct {
		ID      bson.ObjectID `bson:"_id"`
		Status  string        `bson:"status"`
		Version int           `bson:"version"`
	}
	if err := cur.All(ctx, &apps); err != nil {
		return nil, fmt.Errorf("storage: submissions: %w", err)
	}
	out := make(map[string]recruiting.Submission, len(apps))
	ids := make([]string, 0, len(apps))
	for _, a := range apps {
		out[a.ID.Hex()] = recruiting.Submission{Status: a.Status}
		ids = append(ids, a.ID.Hex()+":"+strconv.Itoa(a.Version))
	}
	for len(ids) > 0 {
		batch := ids[:min(versionBatch, len(ids))]
		ids = ids[len(batch):]
		cur, err := s.db.c(colVersions).Find(ctx, bson.M{"_id": bson.M{"$in": batch}},
			options.Find().SetProjection(bson.M{"application": 1, "answers": 1, "attachments.id": 1, "applicant.protected": 1}))
		if err != nil {
			return nil, fmt.Errorf("storage: latest versions: %w", err)
		}
		var docs []struct {
			Application string              `bson:"application"`
			Answers     map[string][]string `bson:"answers"`
			Attachments []struct {
				ID string `bson:"id"`
			} `bson:"attachments"`
			Applicant struct {
				Protected bool `bson:"protected"`
			} `bson:"applicant"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return nil, fmt.Errorf("storage: latest versions: %w", err)
		}
		for _, d := range docs {
			sub := out[d.Application]
			sub.Answers, sub.Files, sub.Protected = jobs.Answers(d.Answers), len(d.Attachments), d.Applicant.Protected
			out[d.Application] = sub
		}
	}
	return out, nil
}

// reviewStampID is the meta document holding a recruitment's stamp.
func reviewStampID(recruitmentID string) string { return "review:" + recruitmentID }

// ReviewStamp returns the recruitment's change stamp; "" before its first
// change.
func (s *Recruitments) ReviewStamp(ctx context.Context, recruitmentID string) (string, error) {
	var doc struct {
		Stamp string `bson:"stamp"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": reviewStampID(recruitmentID)}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: review stamp: %w", err)
	}
	return doc.Stamp, nil
}

// Changed gives the recruitment a new change stamp. Each change writes a
// value never used before rather than counting: where two changes race
// on FerretDB one write may replace the other, but either is new, so no
// reader keeps a list built before both.
func (s *Recruitments) Changed(ctx context.Context, recruitmentID string) error {
	_, err := s.db.c(colMeta).UpdateOne(ctx, bson.M{"_id": reviewStampID(recruitmentID)},
		bson.M{"$set": bson.M{"stamp": bson.NewObjectID().Hex()}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: review changed: %w", err)
	}
	return nil
}

// StageSettings keeps the organisation's stage set.
type StageSettings struct{ db *DB }

// StageSettings returns the store of the stage set.
func (d *DB) StageSettings() *StageSettings { return &StageSettings{d} }

type reasonDoc struct {
	ID       string            `bson:"id"`
	Name     map[string]string `bson:"name"`
	Template string            `bson:"template"`
}

type stageDoc struct {
	ID      string            `bson:"id"`
	Name    map[string]string `bson:"name"`
	Reasons []reasonDoc       `bson:"reasons,omitempty"`
}

// stageSetID is the meta document holding the stage set.
const stageSetID = "stage-set"

// StageSet returns the stage set, or nil when none is saved.
func (s *StageSettings) StageSet(ctx context.Context) ([]recruiting.Stage, error) {
	var doc struct {
		Stages []stageDoc `bson:"stages"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": stageSetID}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: stage set: %w", err)
	}
	out := make([]recruiting.Stage, len(doc.Stages))
	for i, d := range doc.Stages {
		st := recruiting.Stage{ID: d.ID, Name: d.Name}
		for _, r := range d.Reasons {
			st.Reasons = append(st.Reasons, recruiting.Reason{ID: r.ID, Name: r.Name, Template: r.Template})
		}
		out[i] = st
	}
	return out, nil
}

// SaveStageSet replaces the stage set.
func (s *StageSettings) SaveStageSet(ctx context.Context, set []recruiting.Stage) error {
	docs := make([]stageDoc, len(set))
	for i, st := range set {
		d := stageDoc{ID: st.ID, Name: st.Name}
		for _, r := range st.Reasons {
			d.Reasons = append(d.Reasons, reasonDoc{ID: r.ID, Name: r.Name, Template: r.Template})
		}
		docs[i] = d
	}
	_, err := s.db.c(colMeta).ReplaceOne(ctx, bson.M{"_id": stageSetID}, bson.M{"stages": docs}, options.Replace().SetUpsert(true))
	s.db.changes[kindStageSet].Add(1)
	if err != nil {
		return fmt.Errorf("storage: save stage set: %w", err)
	}
	return nil
}

// StageInUse reports whether any candidate is at the stage.
func (s *StageSettings) StageInUse(ctx context.Context, stage string) (bool, error) {
	n, err := s.db.c(colCandidates).CountDocuments(ctx, bson.M{"stage": stage}, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("storage: stage in use: %w", err)
	}
	return n > 0, nil
}

// ReasonInUse reports whether any move to "not selected" gave the reason.
func (s *StageSettings) ReasonInUse(ctx context.Context, reason string) (bool, error) {
	n, err := s.db.c(colStageEvents).CountDocuments(ctx, bson.M{"to": recruiting.StageNotSelected, "reason": reason}, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("storage: reason in use: %w", err)
	}
	return n > 0, nil
}
