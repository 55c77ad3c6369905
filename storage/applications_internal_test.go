package storage

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/applications"
)

// Applications stored with a list of file ids get their files as records
// in slots, in the list's order; records on no application get a slot of
// their own, and the lists go.
func TestFileListsMoveOntoTheirRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := emptyDB(t)
	last := slices.IndexFunc(migrations, func(m migration) bool { return m.name == "answer revisions and the files of an application" })
	for _, m := range migrations[:last] {
		if err := m.run(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	_, err := d.c(colMeta).UpdateOne(ctx, bson.M{"_id": "schema"}, bson.M{"$set": bson.M{"version": last}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	res, err := d.c(colApplications).InsertOne(ctx, bson.M{"applicant": "a1", "ad_ref": "EXR-1", "status": "draft",
		"answers": bson.M{}, "attachments": bson.A{"f2", "f1"}, "closes_at": now.Add(time.Hour), "created_at": now})
	if err != nil {
		t.Fatal(err)
	}
	app := res.InsertedID.(bson.ObjectID).Hex()
	for _, id := range []string{"f1", "f2", "kept"} {
		_, err := d.c(colAttachments).InsertOne(ctx, bson.M{"_id": id, "owner": "a1", "ad_ref": "EXR-1", "name": id + ".pdf",
			"key": "attachments/" + id, "state": applications.AttachmentStored, "size": 10, "created_at": now})
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // once, and once more with nothing left to do
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := migrations[last].run(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	on, err := d.Attachments().AttachmentsOf(ctx, app)
	if err != nil || len(on) != 2 {
		t.Fatalf("files on the application: %+v %v", on, err)
	}
	slots := map[string]int{on[0].ID: on[0].Slot, on[1].ID: on[1].Slot}
	if slots["f2"] != 1 || slots["f1"] != 2 {
		t.Fatalf("slots %v", slots)
	}
	if kept, err := d.Attachments().Attachment(ctx, "kept"); err != nil || kept.Application != "" {
		t.Fatalf("a file on no application: %+v %v", kept, err)
	}
	n, err := d.c(colApplications).CountDocuments(ctx, bson.M{"attachments": bson.M{"$exists": true}})
	if err != nil || n != 0 {
		t.Fatalf("%d old lists left: %v", n, err)
	}
	err = d.Attachments().InsertAttachment(ctx, applications.Attachment{ID: "f3", Owner: "a1", Application: app, Slot: 1, CreatedAt: now})
	if !errors.Is(err, applications.ErrSlotTaken) {
		t.Fatalf("a new file in a moved file's slot: %v", err)
	}
}
