package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/applicants"
	"portal/jobs"
)

// Applications stores applications and their submitted versions.
type Applications struct{ db *DB }

// Applications returns the application store.
func (d *DB) Applications() *Applications { return &Applications{d} }

type applicationDoc struct {
	ID          bson.ObjectID       `bson:"_id,omitempty"`
	Applicant   string              `bson:"applicant"`
	AdRef       string              `bson:"ad_ref"`
	AdTitle     string              `bson:"ad_title"`
	ClosesAt    time.Time           `bson:"closes_at"`
	Status      string              `bson:"status"`
	Step        string              `bson:"step"`
	Answers     map[string][]string `bson:"answers"`
	Attachments []string            `bson:"attachments"`
	Version     int                 `bson:"version"`
	CreatedAt   time.Time           `bson:"created_at"`
	UpdatedAt   time.Time           `bson:"updated_at"`
	SubmittedAt time.Time           `bson:"submitted_at,omitempty"`
	WithdrawnAt time.Time           `bson:"withdrawn_at,omitempty"`
}

func (d applicationDoc) application() applicants.Application {
	return applicants.Application{ID: d.ID.Hex(), Applicant: d.Applicant, AdRef: d.AdRef, AdTitle: d.AdTitle,
		ClosesAt: d.ClosesAt, Status: d.Status, Step: d.Step, Answers: jobs.Answers(d.Answers), Attachments: d.Attachments,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, SubmittedAt: d.SubmittedAt, WithdrawnAt: d.WithdrawnAt}
}

// CreateApplication stores a new draft; the unique index on applicant and
// ad makes a second one collide.
func (s *Applications) CreateApplication(ctx context.Context, a applicants.Application) (string, error) {
	doc := applicationDoc{Applicant: a.Applicant, AdRef: a.AdRef, AdTitle: a.AdTitle, ClosesAt: a.ClosesAt,
		Status: a.Status, Step: a.Step, Answers: a.Answers, Attachments: []string{}, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if doc.Answers == nil {
		doc.Answers = map[string][]string{}
	}
	res, err := s.db.c(colApplications).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return "", applicants.ErrExists
	}
	if err != nil {
		return "", fmt.Errorf("storage: create application: %w", err)
	}
	return res.InsertedID.(bson.ObjectID).Hex(), nil
}

func (s *Applications) one(ctx context.Context, filter bson.M) (applicants.Application, error) {
	var d applicationDoc
	err := s.db.c(colApplications).FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return applicants.Application{}, applicants.ErrNotFound
	}
	if err != nil {
		return applicants.Application{}, fmt.Errorf("storage: application: %w", err)
	}
	return d.application(), nil
}

// ApplicationFor returns the applicant's application to an ad.
func (s *Applications) ApplicationFor(ctx context.Context, applicant, adRef string) (applicants.Application, error) {
	return s.one(ctx, bson.M{"applicant": applicant, "ad_ref": adRef})
}

// ApplicationByID returns one application.
func (s *Applications) ApplicationByID(ctx context.Context, id string) (applicants.Application, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.Application{}, applicants.ErrNotFound
	}
	return s.one(ctx, bson.M{"_id": oid})
}

// SaveWorkingCopy stores answers, attachments and step while the
// application is open.
func (s *Applications) SaveWorkingCopy(ctx context.Context, a applicants.Application) error {
	oid, err := bson.ObjectIDFromHex(a.ID)
	if err != nil {
		return applicants.ErrNotFound
	}
	res, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid, "closes_at": bson.M{"$gt": a.UpdatedAt}},
		bson.M{"$set": bson.M{"answers": map[string][]string(a.Answers), "attachments": a.Attachments, "step": a.Step, "updated_at": a.UpdatedAt}})
	if err != nil {
		return fmt.Errorf("storage: save application: %w", err)
	}
	if res.MatchedCount == 0 {
		return applicants.ErrClosed
	}
	return nil
}

// MarkSubmitted makes version n the latest; the deadline is part of the
// update's filter, so the write and the check are one operation.
func (s *Applications) MarkSubmitted(ctx context.Context, id string, n int, now time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.ErrNotFound
	}
	res, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid, "closes_at": bson.M{"$gt": now}},
		bson.M{"$set": bson.M{"status": applicants.StatusSubmitted, "version": n, "submitted_at": now, "updated_at": now, "step": applicants.StepSummary},
			"$unset": bson.M{"withdrawn_at": ""}})
	if err != nil {
		return fmt.Errorf("storage: submit application: %w", err)
	}
	if res.MatchedCount == 0 {
		return applicants.ErrClosed
	}
	return nil
}

type versionAttachmentDoc struct {
	ID     string `bson:"id"`
	Name   string `bson:"name"`
	Size   int64  `bson:"size"`
	Type   string `bson:"content_type"`
	SHA256 string `bson:"sha256"`
}

type versionDoc struct {
	ID          string                 `bson:"_id"` // application id and number
	Application string                 `bson:"application"`
	N           int                    `bson:"n"`
	At          time.Time              `bson:"at"`
	Answers     map[string][]string    `bson:"answers"`
	Attachments []versionAttachmentDoc `bson:"attachments"`
}

// AddVersion records a submitted version once: a repeat collides on _id
// and is taken as already done.
func (s *Applications) AddVersion(ctx context.Context, id string, v applicants.Version) error {
	doc := versionDoc{ID: id + ":" + strconv.Itoa(v.N), Application: id, N: v.N, At: v.At, Answers: v.Answers, Attachments: []versionAttachmentDoc{}}
	for _, a := range v.Attachments {
		doc.Attachments = append(doc.Attachments, versionAttachmentDoc{ID: a.ID, Name: a.Name, Size: a.Size, Type: a.ContentType, SHA256: a.SHA256})
	}
	_, err := s.db.c(colVersions).InsertOne(ctx, doc)
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("storage: add version: %w", err)
	}
	return nil
}

// Versions returns the submitted versions, oldest first.
func (s *Applications) Versions(ctx context.Context, id string) ([]applicants.Version, error) {
	cur, err := s.db.c(colVersions).Find(ctx, bson.M{"application": id}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: versions: %w", err)
	}
	var docs []versionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: versions: %w", err)
	}
	out := make([]applicants.Version, len(docs))
	for i, d := range docs {
		v := applicants.Version{N: d.N, At: d.At, Answers: jobs.Answers(d.Answers)}
		for _, a := range d.Attachments {
			v.Attachments = append(v.Attachments, applicants.Attachment{ID: a.ID, Name: a.Name, Size: a.Size, ContentType: a.Type, SHA256: a.SHA256})
		}
		out[i] = v
	}
	return out, nil
}

// MarkWithdrawn withdraws a submitted application before the deadline.
func (s *Applications) MarkWithdrawn(ctx context.Context, id string, now time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.ErrNotFound
	}
	res, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid, "closes_at": bson.M{"$gt": now}, "status": applicants.StatusSubmitted},
		bson.M{"$set": bson.M{"status": applicants.StatusWithdrawn, "withdrawn_at": now, "updated_at": now}})
	if err != nil {
		return fmt.Errorf("storage: withdraw application: %w", err)
	}
	if res.MatchedCount == 0 {
		return applicants.ErrClosed
	}
	return nil
}

// ApplicationsOf lists an applicant's applications, newest first.
func (s *Applications) ApplicationsOf(ctx context.Context, applicant string) ([]applicants.Application, error) {
	cur, err := s.db.c(colApplications).Find(ctx, bson.M{"applicant": applicant}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: applications: %w", err)
	}
	var docs []applicationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: applications: %w", err)
	}
	out := make([]applicants.Application, len(docs))
	for i, d := range docs {
		out[i] = d.application()
	}
	return out, nil
}

// DeleteDraft deletes an application never submitted; the version is part
// of the filter, so one submitted meanwhile stays.
func (s *Applications) DeleteDraft(ctx context.Context, id string) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.ErrNotFound
	}
	res, err := s.db.c(colApplications).DeleteOne(ctx, bson.M{"_id": oid, "version": 0})
	if err != nil {
		return fmt.Errorf("storage: delete draft: %w", err)
	}
	if res.DeletedCount == 0 {
		return applicants.ErrNotFound
	}
	return nil
}

// ResetWorkingCopy makes the working copy's answers and files those of
// version v, which must still be the latest.
func (s *Applications) ResetWorkingCopy(ctx context.Context, id string, v applicants.Version) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.ErrNotFound
	}
	ids := make([]string, len(v.Attachments))
	for i, a := range v.Attachments {
		ids[i] = a.ID
	}
	answers := map[string][]string(v.Answers)
	if answers == nil {
		answers = map[string][]string{}
	}
	res, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid, "version": v.N},
		bson.M{"$set": bson.M{"answers": answers, "attachments": ids}})
	if err != nil {
		return fmt.Errorf("storage: reset working copy: %w", err)
	}
	if res.MatchedCount == 0 {
		return applicants.ErrNotFound
	}
	return nil
}
