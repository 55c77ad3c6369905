// Package storage holds the adapters to MongoDB and S3 that the domain
// packages declare as interfaces.
package storage

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// DB is the portal's MongoDB database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	// changes counts the writes made through this handle, per kind of
	// cached data (see stamps.go); trace sees every command (tests).
	changes [numStampKinds]atomic.Uint64
	trace   atomic.Pointer[func(command, collection string)]
}

// Connect opens the database and checks that it answers.
func Connect(ctx context.Context, uri, name string) (*DB, error) {
	d := &DB{}
	opts := options.Client().ApplyURI(uri).
		SetMonitor(d.monitor()).
		SetWriteConcern(writeconcern.Majority()).
		SetServerSelectionTimeout(10 * time.Second).
		SetConnectTimeout(5 * time.Second).
		// A call made without a deadline of its own (background work)
		// still ends: a database that hangs holds nothing forever.
		SetTimeout(30 * time.Second).
		SetAppName("portal")
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("storage: connect: %w", err)
	}
	d.client, d.db = client, client.Database(name)
	if err := d.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return d, nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	return nil
}

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.client.Disconnect(ctx) }

// Name is the database's name.
func (d *DB) Name() string { return d.db.Name() }

// Drop removes the whole database; tests use it to clean up.
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

func (d *DB) c(name string) *mongo.Collection { return d.db.Collection(name) }

// Collection names.
const (
	colMeta     = "meta"
	colAds      = "ads"
	colOutbox   = "outbox"
	colLocks    = "locks"
	colCounters = "counters"
	colKV       = "kv"
	colClaims   = "claims"
	colAccounts = "accounts"
	colEvents   = "account_events"
	colSessions = "sessions"
	// colApplications is written by the application store; accounts read
	// the latest submission from it for the two-year rule.
	colApplications = "applications"
	colAttachments  = "attachments"
	colVersions     = "application_versions"
	colAnswers      = "application_answers"
	// Job alerts.
	colSubscriptions = "subscriptions"
	colDispatches    = "alert_dispatches"
	colMatches       = "alert_matches"
	// The staff directory.
	colPeople      = "staff_people"
	colEmployments = "staff_employments"
	colUnits       = "staff_units"
	// Staff access: role requests, grants, courses, steps, the audit log.
	colRoleRequests = "staff_roles_requests"
	colRoleGrants   = "staff_roles_grants"
	colRoleCourses  = "staff_roles_courses"
	colRoleSteps    = "staff_roles_steps"
	colRoleAudit    = "staff_roles_audit"
	// The second factor: what each person set up, and the codes sent.
	colFactors     = "staff_factors"
	colFactorCodes = "staff_factor_codes"

	colRecruitments = "recruitments"
	colCandidates   = "recruitment_candidates"
	colNumbers      = "recruitment_numbers"
	colStageEvents  = "recruitment_stage_events"
)

// migration is one idempotent step of the schema.
type migration struct {
	name string
	run  func(ctx context.Context, d *DB) error
}

// migrations is append-only: the stored version counts the steps done.
var migrations = []migration{
	{"ads indexes", func(ctx context.Context, d *DB) error {
		return d.indexes(ctx, colAds,
			mongo.IndexModel{Keys: bson.D{{Key: "ref", Value: 1}}, Options: options.Index().SetUnique(true).SetName("ref_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "closes_at", Value: 1}}, Options: options.Index().SetName("closes_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "published_at", Value: -1}}, Options: options.Index().SetName("published_at")},
		)
	}},
	{"outbox indexes", func(ctx context.Context, d *DB) error {
		return d.indexes(ctx, colOutbox,
			mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "next_at", Value: 1}}, Options: options.Index().SetName("status_next_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: -1}}, Options: options.Index().SetName("created_at")},
		)
	}},
	{"counter and lease lookups", func(ctx context.Context, d *DB) error {
		err := d.indexes(ctx, colCounters, mongo.IndexModel{Keys: bson.D{{Key: "k", Value: 1}}, Options: options.Index().SetName("k")})
		if err != nil {
			return err
		}
		return d.indexes(ctx, colLocks, mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}, {Key: "gen", Value: -1}}, Options: options.Index().SetName("name_gen")})
	}},
	{"expiring documents", func(ctx context.Context, d *DB) error {
		for _, col := range []string{colCounters, colKV, colClaims, colSessions} {
			err := d.indexes(ctx, col, mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")})
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"accounts and sessions", func(ctx context.Context, d *DB) error {
		err := d.indexes(ctx, colAccounts,
			mongo.IndexModel{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true).SetName("email_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "verify_token_hash", Value: 1}}, Options: options.Index().SetName("verify_token_hash")},
		)
		if err != nil {
			return err
		}
		err = d.indexes(ctx, colEvents, mongo.IndexModel{Keys: bson.D{{Key: "account", Value: 1}, {Key: "at", Value: -1}}, Options: options.Index().SetName("account_at")})
		if err != nil {
			return err
		}
		return d.indexes(ctx, colSessions,
			mongo.IndexModel{Keys: bson.D{{Key: "account", Value: 1}}, Options: options.Index().SetName("account")},
			mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
		)
	}},
	{"account changes and deletions", func(ctx context.Context, d *DB) error {
		err := d.indexes(ctx, colAccounts,
			mongo.IndexModel{Keys: bson.D{{Key: "email_token_hash", Value: 1}}, Options: options.Index().SetName("email_token_hash")},
			mongo.IndexModel{Keys: bson.D{{Key: "delete_after", Value: 1}}, Options: options.Index().SetName("delete_after")},
		)
		if err != nil {
			return err
		}
		return d.indexes(ctx, colApplications, mongo.IndexModel{Keys: bson.D{{Key: "applicant", Value: 1}, {Key: "submitted_at", Value: -1}}, Options: options.Index().SetName("applicant_submitted")})
	}},
	{"attachments", func(ctx context.Context, d *DB) error {
		return d.indexes(ctx, colAttachments,
			mongo.IndexModel{Keys: bson.D{{Key: "key", Value: 1}}, Options: options.Index().SetName("key")},
			mongo.IndexModel{Keys: bson.D{{Key: "state", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("state_created")},
			mongo.IndexModel{Keys: bson.D{{Key: "owner", Value: 1}, {Key: "ad_ref", Value: 1}}, Options: options.Index().SetName("owner_ad")},
		)
	}},
	{"applications", func(ctx context.Context, d *DB) error {
		err := d.indexes(ctx, colApplications,
			mongo.IndexModel{Keys: bson.D{{Key: "applicant", Value: 1}, {Key: "ad_ref", Value: 1}}, Options: options.Index().SetUnique(true).SetName("applicant_ad_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "ad_ref", Value: 1}, {Key: "status", Value: 1}}, Options: options.Index().SetName("ad_status")},
		)
		if err != nil {
			return err
		}
		return d.indexes(ctx, colVersions, mongo.IndexModel{Keys: bson.D{{Key: "application", Value: 1}, {Key: "n", Value: 1}}, Options: options.Index().SetName("application_n")})
	}},
	{"job alerts", func(ctx context.Context, d *DB) error {
		err := d.indexes(ctx, colSubscriptions,
			mongo.IndexModel{Keys: bson.D{{Key: "confirm_hash", Value: 1}}, Options: options.Index().SetName("confirm_hash")},
			mongo.IndexModel{Keys: bson.D{{Key: "account", Value: 1}}, Options: options.Index().SetName("account")},
			mongo.IndexModel{Keys: bson.D{{Key: "feed_id", Value: 1}}, Options: options.Index().SetName("feed_id")},
			mongo.IndexModel{Keys: bson.D{{Key: "changed_at", Value: 1}}, Options: options.Index().SetName("changed_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "expires_at", Value: 1}}, Options: options.Index().SetName("status_expires")},
		)
		if err != nil {
			return err
		}
		err = d.indexes(ctx, colDispatches, mongo.IndexModel{Keys: bson.D{{Key: "done_at", Value: 1}, {Key: "due_at", Value: 1}}, Options: options.Index().SetName("done_due")})
		if err != nil {
			return err
		}
		err = d.indexes(ctx, colMatches,
			mongo.IndexModel{Keys: bson.D{{Key: "sub", Value: 1}, {Key: "digest", Value: 1}}, Options: options.Index().SetName("sub_digest")},
			mongo.IndexModel{Keys: bson.D{{Key: "digest", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("digest_at")},
		)
		if err != nil {
			return err
		}
		return d.indexes(ctx, colOutbox, mongo.IndexModel{Keys: bson.D{{Key: "tag", Value: 1}, {Key: "status", Value: 1}}, Options: options.Index().SetName("tag_status")})
	}},
	{"attachment references", func(ctx context.Context, d *DB) error {
		err := d.indexes(ctx, colApplications, mongo.IndexModel{Keys: bson.D{{Key: "attachments", Value: 1}}, Options: options.Index().SetName("attachments")})
		if err != nil {
			return err
		}
		return d.indexes(ctx, colVersions, mongo.IndexModel{Keys: bson.D{{Key: "attachments.id", Value: 1}}, Options: options.Index().SetName("attachments_id")})
	}},
	{"answer revisions and the files of an application", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colAnswers, mongo.IndexModel{Keys: bson.D{{Key: "application", Value: 1}, {Key: "rev", Value: -1}}, Options: options.Index().SetName("application_rev")}); err != nil {
			return err
		}
		return d.attachmentSlots(ctx)
	}},
	{"staff directory", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colEmployments,
			mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}}, Options: options.Index().SetName("person")},
			mongo.IndexModel{Keys: bson.D{{Key: "manager", Value: 1}}, Options: options.Index().SetName("manager")},
		); err != nil {
			return err
		}
		return d.indexes(ctx, colUnits, mongo.IndexModel{Keys: bson.D{{Key: "parent", Value: 1}}, Options: options.Index().SetName("parent")})
	}},
	{"staff roles", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colRoleRequests,
			mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("person_created")},
			mongo.IndexModel{Keys: bson.D{{Key: "state", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("state_created")},
		); err != nil {
			return err
		}
		if err := d.indexes(ctx, colRoleGrants,
			mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}}, Options: options.Index().SetName("person")},
			mongo.IndexModel{Keys: bson.D{{Key: "active", Value: 1}, {Key: "person", Value: 1}}, Options: options.Index().SetName("active_person")},
		); err != nil {
			return err
		}
		if err := d.indexes(ctx, colRoleCourses, mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}}, Options: options.Index().SetName("person")}); err != nil {
			return err
		}
		return d.indexes(ctx, colRoleAudit,
			mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}}, Options: options.Index().SetName("at")},
			mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}, {Key: "at", Value: -1}}, Options: options.Index().SetName("person_at")},
		)
	}},
	{"the administrator role moves from applicant accounts to staff", func(ctx context.Context, d *DB) error {
		if _, err := d.c(colAccounts).UpdateMany(ctx, bson.M{"admin": bson.M{"$exists": true}}, bson.M{"$unset": bson.M{"admin": ""}}); err != nil {
			return fmt.Errorf("storage: drop the applicants' admin flag: %w", err)
		}
		return nil
	}},
	{"second factor codes", func(ctx context.Context, d *DB) error {
		return d.indexes(ctx, colFactorCodes,
			mongo.IndexModel{Keys: bson.D{{Key: "attempt", Value: 1}, {Key: "purpose", Value: 1}, {Key: "seq", Value: -1}}, Options: options.Index().SetUnique(true).SetName("attempt_purpose_seq_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
		)
	}},
	{"recruitments and their candidates", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colRecruitments,
			mongo.IndexModel{Keys: bson.D{{Key: "ref", Value: 1}}, Options: options.Index().SetUnique(true).SetName("ref_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: -1}}, Options: options.Index().SetName("created_at")},
		); err != nil {
			return err
		}
		if err := d.indexes(ctx, colStageEvents,
			mongo.IndexModel{Keys: bson.D{{Key: "candidate", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("candidate_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("recruitment_at")},
		); err != nil {
			return err
		}
		return d.indexes(ctx, colCandidates,
			mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}, {Key: "number", Value: 1}}, Options: options.Index().SetName("recruitment_number")},
		)
	}},
	{"ad changes and ad templates", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colAdChanges,
			mongo.IndexModel{Keys: bson.D{{Key: "ref", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("ref_at")},
		); err != nil {
			return err
		}
		return d.indexes(ctx, colAdTemplates,
			mongo.IndexModel{Keys: bson.D{{Key: "unit", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("unit_created")},
		)
	}},
	{"the review of applications: ratings, notes, access log", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colRatings,
			mongo.IndexModel{Keys: bson.D{{Key: "candidate", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("candidate_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}}, Options: options.Index().SetName("recruitment")},
		); err != nil {
			return err
		}
		if err := d.indexes(ctx, colNotes,
			mongo.IndexModel{Keys: bson.D{{Key: "candidate", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("candidate_at")},
		); err != nil {
			return err
		}
		return d.indexes(ctx, colAccessLog,
			mongo.IndexModel{Keys: bson.D{{Key: "candidate", Value: 1}, {Key: "at", Value: -1}}, Options: options.Index().SetName("candidate_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}, {Key: "at", Value: -1}}, Options: options.Index().SetName("recruitment_at")},
		)
	}},
	{"recruitment messages, decisions and statements", func(ctx context.Context, d *DB) error {
		for col, key := range map[string]string{colRecruitMessages: "candidate", colStatements: "candidate", colCandidates: "arrived_at"} {
			if err := d.indexes(ctx, col, mongo.IndexModel{Keys: bson.D{{Key: key, Value: 1}}, Options: options.Index().SetName(key)}); err != nil {
				return err
			}
		}
		return d.indexes(ctx, colStatements, mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}}, Options: options.Index().SetName("recruitment")})
	}},
	{"the candidate list: ratings by recruitment, candidates by stage", func(ctx context.Context, d *DB) error {
		// Ratings by recruitment: "the review of applications" made that index.
		return d.indexes(ctx, colCandidates, mongo.IndexModel{Keys: bson.D{{Key: "stage", Value: 1}}, Options: options.Index().SetName("stage")})
	}},
	{"retention: holds, culling marks, records and runs", func(ctx context.Context, d *DB) error {
		for col, key := range map[string]string{colHolds: "recruitment", colMarks: "at", colCullRecs: "run", colCullRuns: "started"} {
			if err := d.indexes(ctx, col, mongo.IndexModel{Keys: bson.D{{Key: key, Value: 1}}, Options: options.Index().SetName(key)}); err != nil {
				return err
			}
		}
		return nil
	}},
	{"requests for official documents", func(ctx context.Context, d *DB) error {
		// Outcomes are one per request by their _id; requests are listed
		// newest first and found by recruitment.
		return d.indexes(ctx, colDisclosureRequests,
			mongo.IndexModel{Keys: bson.D{{Key: "recorded_at", Value: -1}}, Options: options.Index().SetName("recorded_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}}, Options: options.Index().SetName("recruitment")},
		)
	}},
	{"unused accounts: the latest login", func(ctx context.Context, d *DB) error {
		return d.indexes(ctx, colAccounts,
			mongo.IndexModel{Keys: bson.D{{Key: "last_login_at", Value: 1}}, Options: options.Index().SetName("last_login_at")},
			mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: 1}}, Options: options.Index().SetName("created_at")})
	}},
	{"retention: appeals of decisions", func(ctx context.Context, d *DB) error {
		return d.indexes(ctx, colAppeals, mongo.IndexModel{Keys: bson.D{{Key: "recruitment", Value: 1}}, Options: options.Index().SetName("recruitment")})
	}},
	{"personal data: relatives in their slots, the record of changes", func(ctx context.Context, d *DB) error {
		if err := d.indexes(ctx, colRelatives,
			mongo.IndexModel{Keys: bson.D{{Key: "slot", Value: 1}}, Options: options.Index().SetUnique(true).SetName("slot_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}, {Key: "n", Value: 1}}, Options: options.Index().SetName("person_n")}); err != nil {
			return err
		}
		return d.indexes(ctx, colPersonalChanges, mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}, {Key: "at", Value: -1}}, Options: options.Index().SetName("person_at")})
	}},
	{"staff messages: once in an inbox, counted read once", inboxIndexes},
	{"staff favourites: a path once per person", favouriteIndexes},
	{"staff cases: by employment, their logs, approvals by period", caseIndexes},
}

// attachmentSlots moves the list of files kept on each application onto
// the attachment records, each in its slot, and gives the records on no
// application a slot of their own, before the slots are made unique.
func (d *DB) attachmentSlots(ctx context.Context) error {
	cur, err := d.c(colApplications).Find(ctx, bson.M{"attachments": bson.M{"$exists": true}},
		options.Find().SetProjection(bson.M{"attachments": 1}))
	if err != nil {
		return fmt.Errorf("storage: applications with files: %w", err)
	}
	var apps []struct {
		ID          bson.ObjectID `bson:"_id"`
		Attachments []string      `bson:"attachments"`
	}
	if err := cur.All(ctx, &apps); err != nil {
		return fmt.Errorf("storage: applications with files: %w", err)
	}
	for _, app := range apps {
		for i, id := range app.Attachments {
			_, err := d.c(colAttachments).UpdateOne(ctx, bson.M{"_id": id},
				bson.M{"$set": bson.M{"application": app.ID.Hex(), "slot": slotKey(app.ID.Hex(), i+1)}})
			if err != nil {
				return fmt.Errorf("storage: file of application: %w", err)
			}
		}
	}
	cur, err = d.c(colAttachments).Find(ctx, bson.M{"slot": bson.M{"$exists": false}}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return fmt.Errorf("storage: files without a slot: %w", err)
	}
	var loose []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &loose); err != nil {
		return fmt.Errorf("storage: files without a slot: %w", err)
	}
	for _, l := range loose {
		if _, err := d.c(colAttachments).UpdateOne(ctx, bson.M{"_id": l.ID}, bson.M{"$set": bson.M{"slot": l.ID}}); err != nil {
			return fmt.Errorf("storage: slot of a file: %w", err)
		}
	}
	err = d.indexes(ctx, colAttachments,
		mongo.IndexModel{Keys: bson.D{{Key: "slot", Value: 1}}, Options: options.Index().SetUnique(true).SetName("slot_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "application", Value: 1}}, Options: options.Index().SetName("application")},
	)
	if err != nil {
		return err
	}
	if _, err := d.c(colApplications).UpdateMany(ctx, bson.M{"attachments": bson.M{"$exists": true}}, bson.M{"$unset": bson.M{"attachments": ""}}); err != nil {
		return fmt.Errorf("storage: drop the old lists of files: %w", err)
	}
	return nil
}

// indexes creates the indexes one at a time: FerretDB v1 drops the
// connection when one call asks again for several indexes that exist, as a
// step run a second time does.
func (d *DB) indexes(ctx context.Context, col string, models ...mongo.IndexModel) error {
	for _, m := range models {
		if _, err := d.c(col).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("storage: indexes of %s: %w", col, err)
		}
	}
	return nil
}

// SchemaVersion is the version Migrate reaches: the number of steps.
func SchemaVersion() int { return len(migrations) }

// Migrate runs the steps not yet recorded and returns the version reached.
// Steps are idempotent, so two instances starting together do no harm.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	var doc struct {
		Version int `bson:"version"`
	}
	err := d.c(colMeta).FindOne(ctx, bson.M{"_id": "schema"}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("storage: read schema version: %w", err)
	}
	for i := doc.Version; i < len(migrations); i++ {
		if err := migrations[i].run(ctx, d); err != nil {
			return i, fmt.Errorf("storage: migration %d (%s): %w", i+1, migrations[i].name, err)
		}
		_, err := d.c(colMeta).UpdateOne(ctx, bson.M{"_id": "schema"},
			bson.M{"$max": bson.M{"version": i + 1}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return i, fmt.Errorf("storage: record schema version: %w", err)
		}
	}
	return len(migrations), nil
}

// Atomicity: FerretDB v1 applies an update by reading the document and
// writing it back, so concurrent $inc or find-and-modify calls on one
// document can lose writes. Where instances compete, the stores below rely
// only on inserts colliding on a unique _id, which both servers make atomic.

// isDuplicate reports whether err is a unique-index violation.
func isDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }
