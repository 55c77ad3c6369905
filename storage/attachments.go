package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/applications"
)

// Attachments stores attachment records.
type Attachments struct{ db *DB }

// Attachments returns the attachment store.
func (d *DB) Attachments() *Attachments { return &Attachments{d} }

type attachmentDoc struct {
	ID          string    `bson:"_id"`
	Owner       string    `bson:"owner"`
	AdRef       string    `bson:"ad_ref"`
	Name        string    `bson:"name"`
	ContentType string    `bson:"content_type"`
	Size        int64     `bson:"size"`
	SHA256      string    `bson:"sha256,omitempty"`
	Key         string    `bson:"key"`
	State       string    `bson:"state"`
	CreatedAt   time.Time `bson:"created_at"`
	Application string    `bson:"application,omitempty"`
	// Slot is "<application>:<n>" while the file is on an application and
	// the record's own id once it is not. A unique index on it lets only
	// one record hold a slot: an insert is atomic on FerretDB v1 too.
	Slot string `bson:"slot"`
}

func slotKey(application string, n int) string { return application + ":" + strconv.Itoa(n) }

func toAttachmentDoc(a applications.Attachment) attachmentDoc {
	d := attachmentDoc{ID: a.ID, Owner: a.Owner, AdRef: a.AdRef, Name: a.Name, ContentType: a.ContentType, Size: a.Size,
		SHA256: a.SHA256, Key: a.Key, State: a.State, CreatedAt: a.CreatedAt, Slot: a.ID}
	if a.Application != "" && a.Slot > 0 {
		d.Application, d.Slot = a.Application, slotKey(a.Application, a.Slot)
	}
	return d
}

func (d attachmentDoc) attachment() applications.Attachment {
	a := applications.Attachment{ID: d.ID, Owner: d.Owner, AdRef: d.AdRef, Name: d.Name, ContentType: d.ContentType, Size: d.Size,
		SHA256: d.SHA256, Key: d.Key, State: d.State, CreatedAt: d.CreatedAt, Application: d.Application}
	if d.Application != "" {
		a.Slot, _ = strconv.Atoi(strings.TrimPrefix(d.Slot, d.Application+":"))
	}
	return a
}

// InsertAttachment stores a new record; a slot already held collides on
// the unique index.
func (s *Attachments) InsertAttachment(ctx context.Context, a applications.Attachment) error {
	_, err := s.db.c(colAttachments).InsertOne(ctx, toAttachmentDoc(a))
	if isDuplicate(err) {
		return applications.ErrSlotTaken
	}
	if err != nil {
		return fmt.Errorf("storage: insert attachment: %w", err)
	}
	return nil
}

// MarkStored records that the file is complete.
func (s *Attachments) MarkStored(ctx context.Context, id, sha string) error {
	res, err := s.db.c(colAttachments).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"state": applications.AttachmentStored, "sha256": sha}})
	if err != nil {
		return fmt.Errorf("storage: mark attachment stored: %w", err)
	}
	if res.MatchedCount == 0 {
		return applications.ErrNotFound
	}
	return nil
}

// Attachment returns one record.
func (s *Attachments) Attachment(ctx context.Context, id string) (applications.Attachment, error) {
	var d attachmentDoc
	err := s.db.c(colAttachments).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return applications.Attachment{}, applications.ErrNotFound
	}
	if err != nil {
		return applications.Attachment{}, fmt.Errorf("storage: attachment: %w", err)
	}
	return d.attachment(), nil
}

// AttachmentsOf returns the records on an application in upload order.
func (s *Attachments) AttachmentsOf(ctx context.Context, application string) ([]applications.Attachment, error) {
	cur, err := s.db.c(colAttachments).Find(ctx, bson.M{"application": application})
	if err != nil {
		return nil, fmt.Errorf("storage: attachments of application: %w", err)
	}
	var docs []attachmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: attachments of application: %w", err)
	}
	out := make([]applications.Attachment, len(docs))
	for i, d := range docs {
		out[i] = d.attachment()
	}
	slices.SortFunc(out, func(a, b applications.Attachment) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Slot, b.Slot))
	})
	return out, nil
}

// Detach takes a record off its application, freeing its slot.
func (s *Attachments) Detach(ctx context.Context, id string) error {
	_, err := s.db.c(colAttachments).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"slot": id}, "$unset": bson.M{"application": ""}})
	if err != nil {
		return fmt.Errorf("storage: detach attachment: %w", err)
	}
	return nil
}

// DeleteAttachment removes a record.
func (s *Attachments) DeleteAttachment(ctx context.Context, id string) error {
	if _, err := s.db.c(colAttachments).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return fmt.Errorf("storage: delete attachment: %w", err)
	}
	return nil
}

// StalePending lists pending records created before cutoff.
func (s *Attachments) StalePending(ctx context.Context, cutoff time.Time) ([]applications.Attachment, error) {
	cur, err := s.db.c(colAttachments).Find(ctx, bson.M{"state": applications.AttachmentPending, "created_at": bson.M{"$lt": cutoff}})
	if err != nil {
		return nil, fmt.Errorf("storage: stale attachments: %w", err)
	}
	var docs []attachmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: stale attachments: %w", err)
	}
	out := make([]applications.Attachment, len(docs))
	for i, d := range docs {
		out[i] = d.attachment()
	}
	return out, nil
}

// HasKey reports whether a record names the object key.
func (s *Attachments) HasKey(ctx context.Context, key string) (bool, error) {
	n, err := s.db.c(colAttachments).CountDocuments(ctx, bson.M{"key": key})
	if err != nil {
		return false, fmt.Errorf("storage: attachment key: %w", err)
	}
	return n > 0, nil
}

// sweepBatch is how many records the sweep looks at in one go.
const sweepBatch = 500

// StoredBefore calls fn with the stored records created before cutoff, in
// batches ordered by id; each batch is read after fn has handled the one
// before, so fn may delete records.
func (s *Attachments) StoredBefore(ctx context.Context, cutoff time.Time, fn func([]applications.Attachment) error) error {
	last := ""
	for {
		cur, err := s.db.c(colAttachments).Find(ctx,
			bson.M{"state": applications.AttachmentStored, "created_at": bson.M{"$lt": cutoff}, "_id": bson.M{"$gt": last}},
			options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(sweepBatch))
		if err != nil {
			return fmt.Errorf("storage: stored attachments: %w", err)
		}
		var docs []attachmentDoc
		if err := cur.All(ctx, &docs); err != nil {
			return fmt.Errorf("storage: stored attachments: %w", err)
		}
		if len(docs) == 0 {
			return nil
		}
		batch := make([]applications.Attachment, len(docs))
		for i, d := range docs {
			batch[i] = d.attachment()
		}
		if err := fn(batch); err != nil {
			return err
		}
		last = docs[len(docs)-1].ID
	}
}

// Unreferenced returns those of ids that are on no application's working
// copy (the record names no application, or one that is gone) and that no
// submitted version names. Working copies are read before versions: a file
// moves only from a working copy into a new version, so one found in
// neither cannot have moved between the two reads.
func (s *Attachments) Unreferenced(ctx context.Context, ids []string) ([]string, error) {
	named := map[string]bool{}
	var records []struct {
		ID          string `bson:"_id"`
		Application string `bson:"application"`
	}
	cur, err := s.db.c(colAttachments).Find(ctx, bson.M{"_id": bson.M{"$in": ids}, "application": bson.M{"$exists": true, "$ne": ""}},
		options.Find().SetProjection(bson.M{"application": 1}))
	if err == nil {
		err = cur.All(ctx, &records)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: attachments on applications: %w", err)
	}
	var apps bson.A
	for _, r := range records {
		if oid, err := bson.ObjectIDFromHex(r.Application); err == nil {
			apps = append(apps, oid)
		}
	}
	live := map[string]bool{}
	if len(apps) > 0 {
		var found []struct {
			ID bson.ObjectID `bson:"_id"`
		}
		cur, err := s.db.c(colApplications).Find(ctx, bson.M{"_id": bson.M{"$in": apps}}, options.Find().SetProjection(bson.M{"_id": 1}))
		if err == nil {
			err = cur.All(ctx, &found)
		}
		if err != nil {
			return nil, fmt.Errorf("storage: applications of attachments: %w", err)
		}
		for _, f := range found {
			live[f.ID.Hex()] = true
		}
	}
	// A file a recruiter added to an application registered by hand is on
	// that candidate, who has no application document.
	var others bson.A
	for _, r := range records {
		if !live[r.Application] {
			others = append(others, r.Application)
		}
	}
	if len(others) > 0 {
		var found []struct {
			ID string `bson:"_id"`
		}
		cur, err := s.db.c(colCandidates).Find(ctx, bson.M{"_id": bson.M{"$in": others}}, options.Find().SetProjection(bson.M{"_id": 1}))
		if err == nil {
			err = cur.All(ctx, &found)
		}
		if err != nil {
			return nil, fmt.Errorf("storage: candidates of attachments: %w", err)
		}
		for _, f := range found {
			live[f.ID] = true
		}
	}
	for _, r := range records {
		if live[r.Application] {
			named[r.ID] = true
		}
	}
	var versions []struct {
		Attachments []versionAttachmentDoc `bson:"attachments"`
	}
	cur, err = s.db.c(colVersions).Find(ctx, bson.M{"attachments.id": bson.M{"$in": ids}},
		options.Find().SetProjection(bson.M{"attachments": 1}))
	if err == nil {
		err = cur.All(ctx, &versions)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: attachments on versions: %w", err)
	}
	for _, v := range versions {
		for _, a := range v.Attachments {
			named[a.ID] = true
		}
	}
	var out []string
	for _, id := range ids {
		if !named[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// OwnedBy lists every record of an owner, in any state.
func (s *Attachments) OwnedBy(ctx context.Context, owner string) ([]applications.Attachment, error) {
	cur, err := s.db.c(colAttachments).Find(ctx, bson.M{"owner": owner})
	if err != nil {
		return nil, fmt.Errorf("storage: attachments of owner: %w", err)
	}
	var docs []attachmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: attachments of owner: %w", err)
	}
	out := make([]applications.Attachment, len(docs))
	for i, d := range docs {
		out[i] = d.attachment()
	}
	return out, nil
}
