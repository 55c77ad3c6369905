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

	"portal/inbox"
)

// Inbox stores the staff's messages: the messages, each recipient's
// numbered deliveries, the numbered read places, the read marks and the
// hints of the highest places.
type Inbox struct{ db *DB }

// Inbox returns the message store.
func (d *DB) Inbox() *Inbox { return &Inbox{d} }

const (
	colInboxMessages   = "inbox_messages"
	colInboxDeliveries = "inbox_deliveries" // _id <person>#<n>, unique pm <person>|<message>
	colInboxReads      = "inbox_read_places"
	colInboxMarks      = "inbox_read_marks" // _id <person>|<message>
	colInboxHeads      = "inbox_heads"      // _id <person>
)

type inboxMessageDoc struct {
	ID      string    `bson:"_id"`
	From    string    `bson:"from"`
	To      []string  `bson:"to"`
	Subject string    `bson:"subject"`
	Text    string    `bson:"text"`
	SentAt  time.Time `bson:"sent_at"`
}

type inboxDeliveryDoc struct {
	ID      string    `bson:"_id"`
	PM      string    `bson:"pm"`
	Person  string    `bson:"person"`
	N       int       `bson:"n"`
	Message string    `bson:"message"`
	From    string    `bson:"from"`
	Subject string    `bson:"subject"`
	SentAt  time.Time `bson:"sent_at"`
}

type inboxReadDoc struct {
	ID      string `bson:"_id"`
	PM      string `bson:"pm"`
	Person  string `bson:"person"`
	Message string `bson:"message"`
}

type inboxMarkDoc struct {
	ID      string    `bson:"_id"`
	Person  string    `bson:"person"`
	Message string    `bson:"message"`
	At      time.Time `bson:"at"`
}

type inboxHeadDoc struct {
	ID       string `bson:"_id"`
	Received int    `bson:"received"`
	Read     int    `bson:"read"`
}

func place(person string, n int) string { return person + "#" + strconv.Itoa(n) }

func pm(person, message string) string { return person + "|" + message }

func (d inboxDeliveryDoc) delivery() inbox.Delivery {
	return inbox.Delivery{Person: d.Person, N: d.N, MessageID: d.Message, From: d.From, Subject: d.Subject, SentAt: d.SentAt}
}

func (d inboxMessageDoc) message() inbox.Message {
	return inbox.Message{ID: d.ID, From: d.From, To: d.To, Subject: d.Subject, Text: d.Text, SentAt: d.SentAt}
}

// SaveMessage stores the message.
func (s *Inbox) SaveMessage(ctx context.Context, m inbox.Message) error {
	_, err := s.db.c(colInboxMessages).InsertOne(ctx, inboxMessageDoc{ID: m.ID, From: m.From, To: m.To, Subject: m.Subject, Text: m.Text, SentAt: m.SentAt})
	if err != nil {
		return fmt.Errorf("storage: save a message: %w", err)
	}
	return nil
}

// Message returns the message or inbox.ErrNotFound.
func (s *Inbox) Message(ctx context.Context, id string) (inbox.Message, error) {
	d, err := findOne[inboxMessageDoc](ctx, s.db.c(colInboxMessages), id, inbox.ErrNotFound)
	return d.message(), err
}

// Deliver inserts the delivery; inbox.ErrTaken when its place or the
// message in the inbox is there already.
func (s *Inbox) Deliver(ctx context.Context, d inbox.Delivery) error {
	_, err := s.db.c(colInboxDeliveries).InsertOne(ctx, inboxDeliveryDoc{ID: place(d.Person, d.N), PM: pm(d.Person, d.MessageID), Person: d.Person, N: d.N,
		Message: d.MessageID, From: d.From, Subject: d.Subject, SentAt: d.SentAt})
	if isDuplicate(err) {
		return inbox.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("storage: deliver a message: %w", err)
	}
	return nil
}

// Delivery returns the person's delivery at place n.
func (s *Inbox) Delivery(ctx context.Context, person string, n int) (inbox.Delivery, error) {
	d, err := findOne[inboxDeliveryDoc](ctx, s.db.c(colInboxDeliveries), place(person, n), inbox.ErrNotFound)
	return d.delivery(), err
}

// ClaimRead inserts read place n; inbox.ErrTaken when it or a read place
// of the message is there already.
func (s *Inbox) ClaimRead(ctx context.Context, person string, n int, messageID string) error {
	_, err := s.db.c(colInboxReads).InsertOne(ctx, inboxReadDoc{ID: place(person, n), PM: pm(person, messageID), Person: person, Message: messageID})
	if isDuplicate(err) {
		return inbox.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("storage: count a message read: %w", err)
	}
	return nil
}

// ReadPlace returns the message counted at read place n.
func (s *Inbox) ReadPlace(ctx context.Context, person string, n int) (string, error) {
	d, err := findOne[inboxReadDoc](ctx, s.db.c(colInboxReads), place(person, n), inbox.ErrNotFound)
	return d.Message, err
}

// MarkRead records the message read by the person.
func (s *Inbox) MarkRead(ctx context.Context, person, messageID string, at time.Time) error {
	_, err := s.db.c(colInboxMarks).InsertOne(ctx, inboxMarkDoc{ID: pm(person, messageID), Person: person, Message: messageID, At: at})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("storage: mark a message read: %w", err)
	}
	return nil
}

// IsRead reports whether the person has read the message.
func (s *Inbox) IsRead(ctx context.Context, person, messageID string) (bool, error) {
	_, err := findOne[inboxMarkDoc](ctx, s.db.c(colInboxMarks), pm(person, messageID), inbox.ErrNotFound)
	if errors.Is(err, inbox.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Heads returns the hints of the person's highest places.
func (s *Inbox) Heads(ctx context.Context, person string) (int, int, error) {
	d, err := findOne[inboxHeadDoc](ctx, s.db.c(colInboxHeads), person, inbox.ErrNotFound)
	if errors.Is(err, inbox.ErrNotFound) {
		return 0, 0, nil
	}
	return d.Received, d.Read, err
}

// RaiseHeads raises the hints.
func (s *Inbox) RaiseHeads(ctx context.Context, person string, received, read int) error {
	err := upsert(func() error {
		_, err := s.db.c(colInboxHeads).UpdateOne(ctx, bson.M{"_id": person},
			bson.M{"$max": bson.M{"received": received, "read": read}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("storage: raise the inbox hints: %w", err)
	}
	return nil
}

// Received lists the person's deliveries.
func (s *Inbox) Received(ctx context.Context, person string) ([]inbox.Delivery, error) {
	docs, err := findAll[inboxDeliveryDoc](ctx, s.db.c(colInboxDeliveries), bson.M{"person": person}, nil, 0)
	return mapDocs(docs, inboxDeliveryDoc.delivery), err
}

// SentBy lists the messages the person sent.
func (s *Inbox) SentBy(ctx context.Context, person string) ([]inbox.Message, error) {
	docs, err := findAll[inboxMessageDoc](ctx, s.db.c(colInboxMessages), bson.M{"from": person}, nil, 0)
	return mapDocs(docs, inboxMessageDoc.message), err
}

// ReadSet returns the messages the person has read.
func (s *Inbox) ReadSet(ctx context.Context, person string) (map[string]bool, error) {
	docs, err := findAll[inboxMarkDoc](ctx, s.db.c(colInboxMarks), bson.M{"person": person}, nil, 0)
	out := map[string]bool{}
	for _, d := range docs {
		out[d.Message] = true
	}
	return out, err
}

// inboxIndexes make a message once in an inbox and counted read once.
func inboxIndexes(ctx context.Context, d *DB) error {
	for _, col := range []string{colInboxDeliveries, colInboxReads} {
		if err := d.indexes(ctx, col,
			mongo.IndexModel{Keys: bson.D{{Key: "pm", Value: 1}}, Options: options.Index().SetUnique(true).SetName("pm_unique")},
			mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}}, Options: options.Index().SetName("person")}); err != nil {
			return err
		}
	}
	for col, key := range map[string]string{colInboxMessages: "from", colInboxMarks: "person"} {
		if err := d.indexes(ctx, col, mongo.IndexModel{Keys: bson.D{{Key: key, Value: 1}}, Options: options.Index().SetName(key)}); err != nil {
			return err
		}
	}
	return nil
}
