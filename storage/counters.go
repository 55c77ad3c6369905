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
)

// Counters counts events in fixed time windows, shared by all instances;
// rate limits are built on them.
type Counters struct{ db *DB }

// Counters returns the counter store.
func (d *DB) Counters() *Counters { return &Counters{d} }

// Hit counts one event for key in the window containing now and returns its
// place among the window's events and when the window ends. Each event
// claims a numbered slot by inserting it under a unique _id, so requests at
// once each get a place of their own: exactly the first n are under a limit
// of n, where an $inc on FerretDB v1 can lose a count and a count after the
// insert can refuse every one of a burst.
func (s *Counters) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error) {
	start := now.Truncate(window)
	end := start.Add(window)
	id := key + "|" + strconv.FormatInt(start.Unix(), 10)
	n, err := s.db.c(colCounters).CountDocuments(ctx, bson.M{"k": id})
	if err != nil {
		return 0, end, fmt.Errorf("storage: count %s: %w", kind(key), err)
	}
	for {
		n++
		_, err := s.db.c(colCounters).InsertOne(ctx, bson.M{"_id": id + "|" + strconv.FormatInt(n, 10), "k": id, "n": n, "expires_at": end})
		if err == nil {
			return n, end, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, end, fmt.Errorf("storage: count %s: %w", kind(key), err)
		}
		// Taken: jump past every place claimed meanwhile rather than trying
		// them one by one, so a burst of n costs about n inserts, not n².
		taken, err := s.db.c(colCounters).CountDocuments(ctx, bson.M{"k": id})
		if err != nil {
			return 0, end, fmt.Errorf("storage: count %s: %w", kind(key), err)
		}
		n = max(n, taken)
	}
}

// Undo takes back one event of key in the window containing now: a try
// counted before it was judged, that turned out not to count. It frees the
// highest place, so that the next hit takes it again.
func (s *Counters) Undo(ctx context.Context, key string, window time.Duration, now time.Time) error {
	id := key + "|" + strconv.FormatInt(now.Truncate(window).Unix(), 10)
	var top struct {
		ID any `bson:"_id"`
	}
	err := s.db.c(colCounters).FindOne(ctx, bson.M{"k": id}, options.FindOne().SetSort(bson.D{{Key: "n", Value: -1}})).Decode(&top)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err == nil {
		_, err = s.db.c(colCounters).DeleteOne(ctx, bson.M{"_id": top.ID})
	}
	if err != nil {
		return fmt.Errorf("storage: undo count %s: %w", kind(key), err)
	}
	return nil
}

// kind is the part of a counter key before its first colon: errors name
// it, never the rest, which may hold an e-mail or client address.
func kind(key string) string {
	k, _, _ := strings.Cut(key, ":")
	return k
}

// RemoveExpired deletes counters and stored values whose time has passed,
// and reports how many went. Each document carries the expiry its writer
// chose.
func (d *DB) RemoveExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, col := range []string{colCounters, colKV, colClaims, colSessions, colFactorCodes} {
		res, err := d.c(col).DeleteMany(ctx, bson.M{"expires_at": bson.M{"$lt": now, "$gt": time.Time{}}})
		if err != nil {
			return total, fmt.Errorf("storage: remove expired %s: %w", col, err)
		}
		total += res.DeletedCount
	}
	return total, nil
}
