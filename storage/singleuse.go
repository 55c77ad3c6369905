package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// SingleUse spends things that may be used once (the state of a single
// sign-on login), shared by all instances: a use is an insert on a unique
// _id, so of uses at once exactly one succeeds, on FerretDB as on MongoDB.
type SingleUse struct {
	db     *DB
	prefix string
}

// SingleUse returns the store of single uses whose keys are kept apart by
// prefix.
func (d *DB) SingleUse(prefix string) *SingleUse { return &SingleUse{db: d, prefix: prefix + ":"} }

// Spend uses key up: true the first time, false ever after (until
// keepUntil has passed and the record is swept, by when what it guards
// has expired).
func (s *SingleUse) Spend(ctx context.Context, key string, keepUntil time.Time) (bool, error) {
	_, err := s.db.c(colClaims).InsertOne(ctx, bson.M{"_id": s.prefix + key, "expires_at": keepUntil})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: spend %s: %w", s.prefix, err)
	}
	return true, nil
}
