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

	"portal/applications"
	"portal/jobs"
)

// Applications stores applications and their submitted versions.
type Applications struct{ db *DB }

// Applications returns the application store.
func (d *DB) Applications() *Applications { return &Applications{d} }

// applicationDoc is an application; its answers and step here are those
// it was created with (revision 0), later ones are answerDocs.
type applicationDoc struct {
	ID           bson.ObjectID       `bson:"_id,omitempty"`
	Applicant    string              `bson:"applicant"`
	AdRef        string              `bson:"ad_ref"`
	AdTitle      string              `bson:"ad_title"`
	ClosesAt     time.Time           `bson:"closes_at"`
	Status       string              `bson:"status"`
	Step         string              `bson:"step"`
	Answers      map[string][]string `bson:"answers"`
	Version      int                 `bson:"version"`
	SubmittedRev int                 `bson:"submitted_rev,omitempty"`
	CreatedAt    time.Time           `bson:"created_at"`
	UpdatedAt    time.Time           `bson:"updated_at"`
	SubmittedAt  time.Time           `bson:"submitted_at,omitempty"`
	WithdrawnAt  time.Time           `bson:"withdrawn_at,omitempty"`
}

// answerDoc is one saved revision of an application's answers. Its _id is
// the application id and the revision number: of two saves made from the
// same revision, only the first goes in.
type answerDoc struct {
	ID          string              `bson:"_id"`
	Application string              `bson:"application"`
	Rev         int                 `bson:"rev"`
	Answers     map[string][]string `bson:"answers"`
	Step        string              `bson:"step"`
	At          time.Time           `bson:"at"`
}

func answerID(id string, rev int) string { return id + ":" + strconv.Itoa(rev) }

func (d applicationDoc) application() applications.Application {
	return applications.Application{ID: d.ID.Hex(), Applicant: d.Applicant, AdRef: d.AdRef, AdTitle: d.AdTitle,
		ClosesAt: d.ClosesAt, Status: d.Status, Step: d.Step, Answers: jobs.Answers(d.Answers),
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, SubmittedAt: d.SubmittedAt, WithdrawnAt: d.WithdrawnAt}
}

// withAnswers returns the application with its latest answers. The step is
// the one saved with them, unless the application was submitted since.
func (s *Applications) withAnswers(ctx context.Context, d applicationDoc) (applications.Application, error) {
	a := d.application()
	var r answerDoc
	err := s.db.c(colAnswers).FindOne(ctx, bson.M{"application": a.ID},
		options.FindOne().SetSort(bson.D{{Key: "rev", Value: -1}})).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return a, nil
	}
	if err != nil {
		return a, fmt.Errorf("storage: answers: %w", err)
	}
	a.Answers, a.Rev = jobs.Answers(r.Answers), r.Rev
	if a.Answers == nil {
		a.Answers = jobs.Answers{}
	}
	if r.At.After(a.UpdatedAt) {
		a.UpdatedAt = r.At
	}
	if r.Rev > d.SubmittedRev {
		a.Step = r.Step
	}
	return a, nil
}

// CreateApplication stores a new draft; the unique index on applicant and
// ad makes a second one collide.
func (s *Applications) CreateApplication(ctx context.Context, a applications.Application) (string, error) {
	doc := applicationDoc{Applicant: a.Applicant, AdRef: a.AdRef, AdTitle: a.AdTitle, ClosesAt: a.ClosesAt,
		Status: a.Status, Step: a.Step, Answers: a.Answers, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if doc.Answers == nil {
		doc.Answers = map[string][]string{}
	}
	res, err := s.db.c(colApplications).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return "", applications.ErrExists
	}
	if err != nil {
		return "", fmt.Errorf("storage: create application: %w", err)
	}
	return res.InsertedID.(bson.ObjectID).Hex(), nil
}

func (s *Applications) one(ctx context.Context, filter bson.M) (applications.Application, error) {
	var d applicationDoc
	err := s.db.c(colApplications).FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return applications.Application{}, applications.ErrNotFound
	}
	if err != nil {
		return applications.Application{}, fmt.Errorf("storage: application: %w", err)
	}
	return s.withAnswers(ctx, d)
}

// ApplicationFor returns the applicant's application to an ad.
func (s *Applications) ApplicationFor(ctx context.Context, applicant, adRef string) (applications.Application, error) {
	return s.one(ctx, bson.M{"applicant": applicant, "ad_ref": adRef})
}

// ApplicationByID returns one application.
func (s *Applications) ApplicationByID(ctx context.Context, id string) (applications.Application, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applications.Application{}, applications.ErrNotFound
	}
	return s.one(ctx, bson.M{"_id": oid})
}

// AnswersAt returns the answers of one revision; revision 0 is the one the
// application was created with.
func (s *Applications) AnswersAt(ctx context.Context, id string, rev int) (jobs.Answers, error) {
	if rev == 0 {
		oid, err := bson.ObjectIDFromHex(id)
		if err != nil {
			return nil, applications.ErrNotFound
		}
		var d applicationDoc
		err = s.db.c(colApplications).FindOne(ctx, bson.M{"_id": oid}, options.FindOne().SetProjection(bson.M{"answers": 1})).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, applications.ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("storage: answers: %w", err)
		}
		return jobs.Answers(d.Answers), nil
	}
	var r answerDoc
	err := s.db.c(colAnswers).FindOne(ctx, bson.M{"_id": answerID(id, rev)}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, applications.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("storage: answers: %w", err)
	}
	return jobs.Answers(r.Answers), nil
}

// SaveAnswers inserts a revision of the answers; one that exists already
// collides on _id and is ErrConflict.
func (s *Applications) SaveAnswers(ctx context.Context, id string, rev int, answers jobs.Answers, step string, at time.Time) error {
	if rev < 1 {
		return fmt.Errorf("storage: save answers: revision %d", rev)
	}
	doc := answerDoc{ID: answerID(id, rev), Application: id, Rev: rev, Answers: answers, Step: step, At: at}
	if doc.Answers == nil {
		doc.Answers = map[string][]string{}
	}
	_, err := s.db.c(colAnswers).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return applications.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("storage: save answers: %w", err)
	}
	// Earlier revisions serve only saves begun from them, which are merged
	// with the latest and must collide rather than go in under an old
	// number; no request or open form outlives keepRevisions. What this
	// removal misses, the next save removes.
	_, _ = s.db.c(colAnswers).DeleteMany(ctx, bson.M{"application": id, "rev": bson.M{"$lt": rev}, "at": bson.M{"$lt": at.Add(-keepRevisions)}})
	return nil
}

// keepRevisions is how long answers replaced by a later save are kept.
const keepRevisions = 24 * time.Hour

// SetClosesAt records the ad's current closing time on the application.
func (s *Applications) SetClosesAt(ctx context.Context, id string, closes time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applications.ErrNotFound
	}
	if _, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid}, bson.M{"$set": bson.M{"closes_at": closes}}); err != nil {
		return fmt.Errorf("storage: set closing time: %w", err)
	}
	return nil
}

// MarkSubmitted makes version n the latest; the deadline is part of the
// update's filter, so the write and the check are one operation.
func (s *Applications) MarkSubmitted(ctx context.Context, id string, n, rev int, now time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applications.ErrNotFound
	}
	res, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid, "closes_at": bson.M{"$gt": now}},
		bson.M{"$set": bson.M{"status": applications.StatusSubmitted, "version": n, "submitted_rev": rev, "submitted_at": now,
			"updated_at": now, "step": applications.StepSummary},
			"$unset": bson.M{"withdrawn_at": ""}})
	if err != nil {
		return fmt.Errorf("storage: submit application: %w", err)
	}
	if res.MatchedCount == 0 {
		return applications.ErrClosed
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
	Applicant   *snapshotDoc           `bson:"applicant,omitempty"`
}

type snapshotDoc struct {
	FirstName  string `bson:"first_name,omitempty"`
	LastName   string `bson:"last_name,omitempty"`
	Email      string `bson:"email,omitempty"`
	Phone      string `bson:"phone,omitempty"`
	Street     string `bson:"street,omitempty"`
	PostalCode string `bson:"postal_code,omitempty"`
	Town       string `bson:"town,omitempty"`
	Country    string `bson:"country,omitempty"`
	Protected  bool   `bson:"protected,omitempty"`
}

func toSnapshotDoc(s applications.Snapshot) *snapshotDoc {
	if s == (applications.Snapshot{}) {
		return nil
	}
	// Masked is never stored: a masked copy is for its reader only.
	return &snapshotDoc{FirstName: s.FirstName, LastName: s.LastName, Email: s.Email, Phone: s.Phone, Street: s.Street,
		PostalCode: s.PostalCode, Town: s.Town, Country: s.Country, Protected: s.Protected}
}

func fromSnapshotDoc(d snapshotDoc) applications.Snapshot {
	return applications.Snapshot{FirstName: d.FirstName, LastName: d.LastName, Email: d.Email, Phone: d.Phone, Street: d.Street,
		PostalCode: d.PostalCode, Town: d.Town, Country: d.Country, Protected: d.Protected}
}

// AddVersion records a submitted version once: a repeat collides on _id
// and is taken as already done.
func (s *Applications) AddVersion(ctx context.Context, id string, v applications.Version) error {
	doc := versionDoc{ID: id + ":" + strconv.Itoa(v.N), Application: id, N: v.N, At: v.At, Answers: v.Answers, Attachments: []versionAttachmentDoc{}}
	doc.Applicant = toSnapshotDoc(v.Applicant)
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
func (s *Applications) Versions(ctx context.Context, id string) ([]applications.Version, error) {
	cur, err := s.db.c(colVersions).Find(ctx, bson.M{"application": id}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: versions: %w", err)
	}
	var docs []versionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: versions: %w", err)
	}
	out := make([]applications.Version, len(docs))
	for i, d := range docs {
		v := applications.Version{N: d.N, At: d.At, Answers: jobs.Answers(d.Answers)}
		if d.Applicant != nil {
			v.Applicant = fromSnapshotDoc(*d.Applicant)
		}
		for _, a := range d.Attachments {
			v.Attachments = append(v.Attachments, applications.Attachment{ID: a.ID, Name: a.Name, Size: a.Size, ContentType: a.Type, SHA256: a.SHA256})
		}
		out[i] = v
	}
	return out, nil
}

// MarkWithdrawn withdraws a submitted application before the deadline.
func (s *Applications) MarkWithdrawn(ctx context.Context, id string, now time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applications.ErrNotFound
	}
	res, err := s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid, "closes_at": bson.M{"$gt": now}, "status": applications.StatusSubmitted},
		bson.M{"$set": bson.M{"status": applications.StatusWithdrawn, "withdrawn_at": now, "updated_at": now}})
	if err != nil {
		return fmt.Errorf("storage: withdraw application: %w", err)
	}
	if res.MatchedCount == 0 {
		return applications.ErrClosed
	}
	return nil
}

// StatusesOf returns the status of each application of ids there is, by
// id; ids that are no application are left out. Ids are asked for a few
// hundred at a time.
func (s *Applications) StatusesOf(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	oids := make([]bson.ObjectID, 0, len(ids))
	for _, id := range ids {
		if oid, err := bson.ObjectIDFromHex(id); err == nil {
			oids = append(oids, oid)
		}
	}
	for len(oids) > 0 {
		batch := oids[:min(len(oids), 500)]
		oids = oids[len(batch):]
		cur, err := s.db.c(colApplications).Find(ctx, bson.M{"_id": bson.M{"$in": batch}}, options.Find().SetProjection(bson.M{"status": 1}))
		if err != nil {
			return nil, fmt.Errorf("storage: application statuses: %w", err)
		}
		var docs []struct {
			ID     bson.ObjectID `bson:"_id"`
			Status string        `bson:"status"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return nil, fmt.Errorf("storage: application statuses: %w", err)
		}
		for _, d := range docs {
			out[d.ID.Hex()] = d.Status
		}
	}
	return out, nil
}

// ApplicationsOf lists an applicant's applications, newest first.
func (s *Applications) ApplicationsOf(ctx context.Context, applicant string) ([]applications.Application, error) {
	cur, err := s.db.c(colApplications).Find(ctx, bson.M{"applicant": applicant}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: applications: %w", err)
	}
	var docs []applicationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: applications: %w", err)
	}
	out := make([]applications.Application, len(docs))
	for i, d := range docs {
		if out[i], err = s.withAnswers(ctx, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteDraft deletes an application never submitted, with its saved
// answers; the version is part of the filter, so one submitted meanwhile
// stays. Its files are left for the caller, on an application no longer
// there.
func (s *Applications) DeleteDraft(ctx context.Context, id string) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applications.ErrNotFound
	}
	res, err := s.db.c(colApplications).DeleteOne(ctx, bson.M{"_id": oid, "version": 0})
	if err != nil {
		return fmt.Errorf("storage: delete draft: %w", err)
	}
	if res.DeletedCount == 0 {
		return applications.ErrNotFound
	}
	if _, err := s.db.c(colAnswers).DeleteMany(ctx, bson.M{"application": id}); err != nil {
		return fmt.Errorf("storage: delete draft answers: %w", err)
	}
	return nil
}

// ResetWorkingCopy makes the working copy's answers those of version v,
// which must still be the latest: a revision with them is saved, and every
// earlier one, with what was typed after submitting, is removed. The files
// of the working copy are the caller's to put back.
func (s *Applications) ResetWorkingCopy(ctx context.Context, id string, v applications.Version, at time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applications.ErrNotFound
	}
	n, err := s.db.c(colApplications).CountDocuments(ctx, bson.M{"_id": oid, "version": v.N})
	if err != nil {
		return fmt.Errorf("storage: reset working copy: %w", err)
	}
	if n == 0 {
		return applications.ErrNotFound
	}
	var latest answerDoc
	err = s.db.c(colAnswers).FindOne(ctx, bson.M{"application": id}, options.FindOne().SetSort(bson.D{{Key: "rev", Value: -1}})).Decode(&latest)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("storage: reset working copy: %w", err)
	}
	rev := latest.Rev + 1
	doc := answerDoc{ID: answerID(id, rev), Application: id, Rev: rev, Answers: map[string][]string(v.Answers), Step: latest.Step, At: at}
	if doc.Answers == nil {
		doc.Answers = map[string][]string{}
	}
	if _, err := s.db.c(colAnswers).InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("storage: reset working copy: %w", err)
	}
	if _, err := s.db.c(colAnswers).DeleteMany(ctx, bson.M{"application": id, "rev": bson.M{"$lt": rev}}); err != nil {
		return fmt.Errorf("storage: reset working copy: %w", err)
	}
	_, err = s.db.c(colApplications).UpdateOne(ctx, bson.M{"_id": oid}, bson.M{"$set": bson.M{"answers": doc.Answers}})
	if err != nil {
		return fmt.Errorf("storage: reset working copy: %w", err)
	}
	return nil
}
