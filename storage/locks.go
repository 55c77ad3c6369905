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
)

// Locks hands out named leases. A lease is a series of generations; taking
// it means inserting the next generation, which the unique _id lets only one
// instance do. Only the holder writes to its own generation afterwards.
type Locks struct{ db *DB }

// Locks returns the lease store.
func (d *DB) Locks() *Locks { return &Locks{d} }

type lockDoc struct {
	ID    string    `bson:"_id"`
	Name  string    `bson:"name"`
	Gen   int64     `bson:"gen"`
	Owner string    `bson:"owner"`
	Until time.Time `bson:"until"`
}

func (l *Locks) latest(ctx context.Context, name string) (lockDoc, error) {
	var doc lockDoc
	err := l.db.c(colLocks).FindOne(ctx, bson.M{"name": name},
		options.FindOne().SetSort(bson.D{{Key: "gen", Value: -1}})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return lockDoc{}, nil
	}
	return doc, err
}

// Acquire takes the lease when it is free or expired, or extends it when
// owner already holds it.
func (l *Locks) Acquire(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	cur, err := l.latest(ctx, name)
	if err != nil {
		return false, fmt.Errorf("storage: acquire %s: %w", name, err)
	}
	if cur.Owner == owner && now.Before(cur.Until) {
		_, err := l.db.c(colLocks).UpdateOne(ctx, bson.M{"_id": cur.ID}, bson.M{"$set": bson.M{"until": until}})
		if err != nil {
			return false, fmt.Errorf("storage: extend %s: %w", name, err)
		}
		return true, nil
	}
	if cur.ID != "" && now.Before(cur.Until) {
		return false, nil
	}
	gen := cur.Gen + 1
	next := lockDoc{ID: name + ":" + strconv.FormatInt(gen, 10), Name: name, Gen: gen, Owner: owner, Until: until}
	if _, err := l.db.c(colLocks).InsertOne(ctx, next); isDuplicate(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("storage: acquire %s: %w", name, err)
	}
	// Older generations are history now.
	_, _ = l.db.c(colLocks).DeleteMany(ctx, bson.M{"name": name, "gen": bson.M{"$lt": gen - 1}})
	return true, nil
}

// Release ends the lease if owner holds it.
func (l *Locks) Release(ctx context.Context, name, owner string) error {
	cur, err := l.latest(ctx, name)
	if err != nil {
		return fmt.Errorf("storage: release %s: %w", name, err)
	}
	if cur.Owner != owner {
		return nil
	}
	_, err = l.db.c(colLocks).UpdateOne(ctx, bson.M{"_id": cur.ID}, bson.M{"$set": bson.M{"until": time.Time{}}})
	if err != nil {
		return fmt.Errorf("storage: release %s: %w", name, err)
	}
	return nil
}
