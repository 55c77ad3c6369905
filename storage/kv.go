package storage

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// KV is a key-value store with expiry, in the shape of fiber.Storage, so
// that Fiber middleware keeps its state where every instance sees it.
type KV struct {
	db      *DB
	prefix  string
	now     func() time.Time
	timeout time.Duration
}

// KV returns a key-value store whose keys are kept apart by prefix.
func (d *DB) KV(prefix string, now func() time.Time) *KV {
	return &KV{db: d, prefix: prefix + ":", now: now, timeout: 5 * time.Second}
}

type kvDoc struct {
	Value     []byte    `bson:"v"`
	ExpiresAt time.Time `bson:"expires_at"`
}

func (s *KV) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

// Get returns the value, or nil when it is missing or expired.
func (s *KV) Get(key string) ([]byte, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var doc kvDoc
	err := s.db.c(colKV).FindOne(ctx, bson.M{"_id": s.prefix + key}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: kv get: %w", err)
	}
	if !doc.ExpiresAt.IsZero() && !s.now().Before(doc.ExpiresAt) {
		return nil, nil
	}
	return doc.Value, nil
}

// Set stores a value; exp 0 means it never expires.
func (s *KV) Set(key string, val []byte, exp time.Duration) error {
	ctx, cancel := s.ctx()
	defer cancel()
	doc := kvDoc{Value: val}
	if exp > 0 {
		doc.ExpiresAt = s.now().Add(exp)
	}
	_, err := s.db.c(colKV).ReplaceOne(ctx, bson.M{"_id": s.prefix + key}, doc, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: kv set: %w", err)
	}
	return nil
}

// Delete removes a value.
func (s *KV) Delete(key string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	if _, err := s.db.c(colKV).DeleteOne(ctx, bson.M{"_id": s.prefix + key}); err != nil {
		return fmt.Errorf("storage: kv delete: %w", err)
	}
	return nil
}

// Reset removes every value under the prefix.
func (s *KV) Reset() error {
	ctx, cancel := s.ctx()
	defer cancel()
	_, err := s.db.c(colKV).DeleteMany(ctx, bson.M{"_id": bson.M{"$regex": "^" + regexp.QuoteMeta(s.prefix)}})
	if err != nil {
		return fmt.Errorf("storage: kv reset: %w", err)
	}
	return nil
}

// Close does nothing: the database connection belongs to DB.
func (s *KV) Close() error { return nil }

// Count is how many values are stored under the prefix, expired or not.
func (s *KV) Count(ctx context.Context) (int64, error) {
	n, err := s.db.c(colKV).CountDocuments(ctx, bson.M{"_id": bson.M{"$regex": "^" + regexp.QuoteMeta(s.prefix)}})
	if err != nil {
		return 0, fmt.Errorf("storage: kv count: %w", err)
	}
	return n, nil
}
