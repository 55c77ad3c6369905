package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/mail"
)

// Outbox stores e-mail waiting to be sent.
type Outbox struct{ db *DB }

// Outbox returns the outbox store.
func (d *DB) Outbox() *Outbox { return &Outbox{d} }

// outboxDoc is one message. Its _id is an ObjectID, or for keyed
// messages the key, a string.
type outboxDoc struct {
	ID         any               `bson:"_id"`
	Channel    string            `bson:"channel,omitempty"` // empty: e-mail
	To         string            `bson:"to"`
	ReplyTo    string            `bson:"reply_to,omitempty"`
	Subject    string            `bson:"subject"`
	Text       string            `bson:"text"`
	HTML       string            `bson:"html,omitempty"`
	Headers    map[string]string `bson:"headers,omitempty"`
	Status     string            `bson:"status"`
	Attempts   int               `bson:"attempts"`
	LastError  string            `bson:"last_error,omitempty"`
	CreatedAt  time.Time         `bson:"created_at"`
	NextAt     time.Time         `bson:"next_at"`
	SentAt     time.Time         `bson:"sent_at,omitempty"`
	Owner      string            `bson:"owner,omitempty"`
	LeaseUntil time.Time         `bson:"lease_until,omitempty"`
	Tag        string            `bson:"tag,omitempty"`
	RetriedAt  time.Time         `bson:"retried_at,omitempty"`
}

// outboxID writes an _id as the string the mail package uses.
func outboxID(id any) string {
	if oid, ok := id.(bson.ObjectID); ok {
		return oid.Hex()
	}
	s, _ := id.(string)
	return s
}

// outboxFilterID reads an id back: keys contain a colon, ObjectIDs do not.
func outboxFilterID(id string) (any, error) {
	if strings.Contains(id, ":") {
		return id, nil
	}
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, fmt.Errorf("storage: mail id %q: %w", id, err)
	}
	return oid, nil
}

func newOutboxDoc(id any, m mail.Message, now time.Time) outboxDoc {
	return outboxDoc{ID: id, Channel: m.Channel, To: m.To, ReplyTo: m.ReplyTo, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Headers: m.Headers, Tag: m.Tag, Status: mail.StatusPending, CreatedAt: now, NextAt: now}
}

func (d outboxDoc) record() mail.Record {
	return mail.Record{
		ID: outboxID(d.ID),
		Message: mail.Message{Channel: d.Channel, To: d.To, ReplyTo: d.ReplyTo, Subject: d.Subject, Text: d.Text,
			HTML: d.HTML, Headers: d.Headers, Tag: d.Tag},
		Status: d.Status, Attempts: d.Attempts, LastError: d.LastError,
		CreatedAt: d.CreatedAt, NextAt: d.NextAt, SentAt: d.SentAt,
	}
}

// Enqueue stores a pending message.
func (o *Outbox) Enqueue(ctx context.Context, m mail.Message, now time.Time) (string, error) {
	id := bson.NewObjectID()
	if _, err := o.db.c(colOutbox).InsertOne(ctx, newOutboxDoc(id, m, now)); err != nil {
		return "", fmt.Errorf("storage: enqueue mail: %w", err)
	}
	return id.Hex(), nil
}

// EnqueueKeyed inserts the messages in one unordered batch; a key already
// present fails alone, as a duplicate, and the rest go in.
func (o *Outbox) EnqueueKeyed(ctx context.Context, msgs []mail.Keyed, now time.Time) (int, error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	docs := make([]any, len(msgs))
	for i, m := range msgs {
		docs[i] = newOutboxDoc(m.Key, m.Message, now)
	}
	res, err := o.db.c(colOutbox).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	added := 0
	if res != nil {
		added = len(res.InsertedIDs)
	}
	// The driver lists only the documents that went in, also when some
	// failed.
	if err != nil && !onlyDuplicates(err) {
		return added, fmt.Errorf("storage: enqueue keyed mail: %w", err)
	}
	return added, nil
}

// onlyDuplicates reports whether every error of a bulk write is a
// duplicate key.
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// HasKey reports whether a keyed message exists.
func (o *Outbox) HasKey(ctx context.Context, key string) (bool, error) {
	n, err := o.db.c(colOutbox).CountDocuments(ctx, bson.M{"_id": key}, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("storage: find mail %s: %w", key, err)
	}
	return n > 0, nil
}

// Cancel withdraws pending messages with the tag.
func (o *Outbox) Cancel(ctx context.Context, tag string) (int, error) {
	res, err := o.db.c(colOutbox).UpdateMany(ctx, bson.M{"tag": tag, "status": mail.StatusPending},
		bson.M{"$set": bson.M{"status": mail.StatusCancelled}})
	if err != nil {
		return 0, fmt.Errorf("storage: cancel mail: %w", err)
	}
	return int(res.ModifiedCount), nil
}

// RemoveOld deletes the sent and withdrawn messages created before the
// cut-off and reports how many went.
func (o *Outbox) RemoveOld(ctx context.Context, before time.Time) (int64, error) {
	res, err := o.db.c(colOutbox).DeleteMany(ctx, bson.M{
		"status":     bson.M{"$in": bson.A{mail.StatusSent, mail.StatusCancelled}},
		"created_at": bson.M{"$lt": before},
	})
	if err != nil {
		return 0, fmt.Errorf("storage: remove old mail: %w", err)
	}
	return res.DeletedCount, nil
}

// Failed returns failed messages, newest first.
func (o *Outbox) Failed(ctx context.Context, limit int) ([]mail.Record, error) {
	return o.find(ctx, bson.M{"status": mail.StatusFailed}, limit)
}

// Requeue makes a failed message pending again.
func (o *Outbox) Requeue(ctx context.Context, id string, now time.Time) error {
	fid, err := outboxFilterID(id)
	if err != nil {
		return mail.ErrNotFailed
	}
	res, err := o.db.c(colOutbox).UpdateOne(ctx, bson.M{"_id": fid, "status": mail.StatusFailed},
		bson.M{"$set": bson.M{"status": mail.StatusPending, "next_at": now, "attempts": 0, "retried_at": now}})
	if err != nil {
		return fmt.Errorf("storage: requeue mail %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return mail.ErrNotFailed
	}
	return nil
}

// Counts returns the number of messages per status.
func (o *Outbox) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, st := range []string{mail.StatusPending, mail.StatusSending, mail.StatusSent, mail.StatusFailed, mail.StatusCancelled} {
		n, err := o.db.c(colOutbox).CountDocuments(ctx, bson.M{"status": st})
		if err != nil {
			return nil, fmt.Errorf("storage: count mail: %w", err)
		}
		out[st] = n
	}
	return out, nil
}

// claimID names one try of a message. A requeued message counts its tries
// afresh, so the moment of the requeue is part of the name.
func claimID(doc outboxDoc, try int) string {
	id := outboxID(doc.ID) + ":" + strconv.Itoa(try)
	if !doc.RetriedAt.IsZero() {
		id += ":" + strconv.FormatInt(doc.RetriedAt.UnixMilli(), 10)
	}
	return id
}

// Claim takes the next due message for owner. Every try of a message has a
// claim document whose _id is the message id and the try's number; only one
// worker can insert it, so only one holds the try even on servers whose
// find-and-modify is not atomic (FerretDB v1).
func (o *Outbox) Claim(ctx context.Context, owner string, now, leaseUntil time.Time) (mail.Record, error) {
	filter := bson.M{"$or": bson.A{
		bson.M{"status": mail.StatusPending, "next_at": bson.M{"$lte": now}},
		bson.M{"status": mail.StatusSending, "lease_until": bson.M{"$lt": now}},
	}}
	cur, err := o.db.c(colOutbox).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "next_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(20))
	if err != nil {
		return mail.Record{}, fmt.Errorf("storage: due mail: %w", err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return mail.Record{}, fmt.Errorf("storage: due mail: %w", err)
	}
	for _, doc := range docs {
		try := doc.Attempts + 1
		claim := bson.M{"_id": claimID(doc, try), "owner": owner, "expires_at": now.Add(30 * 24 * time.Hour)}
		if _, err := o.db.c(colClaims).InsertOne(ctx, claim); isDuplicate(err) {
			continue // another worker took this try
		} else if err != nil {
			return mail.Record{}, fmt.Errorf("storage: claim mail: %w", err)
		}
		if afterClaimInsert != nil {
			afterClaimInsert()
		}
		_, err := o.db.c(colOutbox).UpdateOne(ctx, bson.M{"_id": doc.ID},
			bson.M{"$set": bson.M{"status": mail.StatusSending, "owner": owner, "lease_until": leaseUntil, "attempts": try}})
		if err != nil {
			// The try was taken but the message still says it is free: give
			// the try back, or every later claim would collide with it until
			// the claim expires. The request's context may be what failed.
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if _, uerr := o.db.c(colClaims).DeleteOne(uctx, bson.M{"_id": claim["_id"], "owner": owner}); uerr != nil {
				err = fmt.Errorf("%w (and the claim stays: %v)", err, uerr)
			}
			return mail.Record{}, fmt.Errorf("storage: claim mail: %w", err)
		}
		doc.Status, doc.Attempts = mail.StatusSending, try
		return doc.record(), nil
	}
	return mail.Record{}, mail.ErrEmpty
}

// afterClaimInsert, when set by a test, runs between taking a try and
// marking the message, where a failure must give the try back.
var afterClaimInsert func()

func (o *Outbox) finish(ctx context.Context, id, owner string, set bson.M) error {
	fid, err := outboxFilterID(id)
	if err != nil {
		return err
	}
	set["owner"] = ""
	_, err = o.db.c(colOutbox).UpdateOne(ctx,
		bson.M{"_id": fid, "owner": owner, "status": mail.StatusSending}, bson.M{"$set": set})
	if err != nil {
		return fmt.Errorf("storage: update mail %s: %w", id, err)
	}
	return nil
}

// MarkSent records a delivery.
func (o *Outbox) MarkSent(ctx context.Context, id, owner string, now time.Time) error {
	return o.finish(ctx, id, owner, bson.M{"status": mail.StatusSent, "sent_at": now, "last_error": ""})
}

// Retry puts the message back for a later try.
func (o *Outbox) Retry(ctx context.Context, id, owner string, next time.Time, reason string) error {
	return o.finish(ctx, id, owner, bson.M{"status": mail.StatusPending, "next_at": next, "last_error": reason})
}

// Fail gives up on the message.
func (o *Outbox) Fail(ctx context.Context, id, owner string, reason string) error {
	return o.finish(ctx, id, owner, bson.M{"status": mail.StatusFailed, "last_error": reason})
}

// Recent returns the newest messages first.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]mail.Record, error) {
	return o.find(ctx, bson.M{}, limit)
}

// RecentOn returns the newest messages of one channel first; e-mail is
// stored without a channel.
func (o *Outbox) RecentOn(ctx context.Context, channel string, limit int) ([]mail.Record, error) {
	if channel == mail.ChannelEmail {
		return o.find(ctx, bson.M{"channel": bson.M{"$exists": false}}, limit)
	}
	return o.find(ctx, bson.M{"channel": channel}, limit)
}

func (o *Outbox) find(ctx context.Context, filter bson.M, limit int) ([]mail.Record, error) {
	cur, err := o.db.c(colOutbox).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: recent mail: %w", err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: recent mail: %w", err)
	}
	out := make([]mail.Record, len(docs))
	for i, d := range docs {
		out[i] = d.record()
	}
	return out, nil
}
