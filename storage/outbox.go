package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/mail"
)

// Outbox stores e-mail waiting to be sent.
type Outbox struct{ db *DB }

// Outbox returns the outbox store.
func (d *DB) Outbox() *Outbox { return &Outbox{d} }

type outboxDoc struct {
	ID         bson.ObjectID     `bson:"_id,omitempty"`
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
}

func (d outboxDoc) record() mail.Record {
	return mail.Record{
		ID: d.ID.Hex(),
		Message: mail.Message{To: d.To, ReplyTo: d.ReplyTo, Subject: d.Subject, Text: d.Text,
			HTML: d.HTML, Headers: d.Headers},
		Status: d.Status, Attempts: d.Attempts, LastError: d.LastError,
		CreatedAt: d.CreatedAt, NextAt: d.NextAt, SentAt: d.SentAt,
	}
}

// Enqueue stores a pending message.
func (o *Outbox) Enqueue(ctx context.Context, m mail.Message, now time.Time) (string, error) {
	doc := outboxDoc{To: m.To, ReplyTo: m.ReplyTo, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Headers: m.Headers, Status: mail.StatusPending, CreatedAt: now, NextAt: now}
	res, err := o.db.c(colOutbox).InsertOne(ctx, doc)
	if err != nil {
		return "", fmt.Errorf("storage: enqueue mail: %w", err)
	}
	return res.InsertedID.(bson.ObjectID).Hex(), nil
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
		claim := bson.M{"_id": doc.ID.Hex() + ":" + strconv.Itoa(try), "owner": owner, "expires_at": now.Add(30 * 24 * time.Hour)}
		if _, err := o.db.c(colClaims).InsertOne(ctx, claim); isDuplicate(err) {
			continue // another worker took this try
		} else if err != nil {
			return mail.Record{}, fmt.Errorf("storage: claim mail: %w", err)
		}
		_, err := o.db.c(colOutbox).UpdateOne(ctx, bson.M{"_id": doc.ID},
			bson.M{"$set": bson.M{"status": mail.StatusSending, "owner": owner, "lease_until": leaseUntil, "attempts": try}})
		if err != nil {
			return mail.Record{}, fmt.Errorf("storage: claim mail: %w", err)
		}
		doc.Status, doc.Attempts = mail.StatusSending, try
		return doc.record(), nil
	}
	return mail.Record{}, mail.ErrEmpty
}

func (o *Outbox) finish(ctx context.Context, id, owner string, set bson.M) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return fmt.Errorf("storage: mail id %q: %w", id, err)
	}
	set["owner"] = ""
	_, err = o.db.c(colOutbox).UpdateOne(ctx,
		bson.M{"_id": oid, "owner": owner, "status": mail.StatusSending}, bson.M{"$set": set})
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
	cur, err := o.db.c(colOutbox).Find(ctx, bson.M{},
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
