package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/factors"
)

// Factors stores what staff have set up for the second step of a login
// from outside, and the one-time codes sent for it.
type Factors struct{ db *DB }

// Factors returns the second factor's store.
func (d *DB) Factors() *Factors { return &Factors{d} }

type phoneDoc struct {
	Number    string    `bson:"number"`
	Confirmed bool      `bson:"confirmed"`
	AddedAt   time.Time `bson:"added_at"`
}

type factorsDoc struct {
	ID         string     `bson:"_id"` // the person
	Phones     []phoneDoc `bson:"phones"`
	App        []byte     `bson:"app,omitempty"` // sealed
	AppAddedAt time.Time  `bson:"app_added_at,omitempty"`
	PendingApp []byte     `bson:"pending_app,omitempty"`
	PendingAt  time.Time  `bson:"pending_at,omitempty"`
}

type codeDoc struct {
	ID        string    `bson:"_id"`
	Attempt   string    `bson:"attempt"`
	Purpose   string    `bson:"purpose"`
	Person    string    `bson:"person"`
	Kind      string    `bson:"kind"`
	Method    string    `bson:"method,omitempty"`
	Seq       int       `bson:"seq"`
	Hash      string    `bson:"hash"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// FactorSettings returns the person's settings or factors.ErrNotFound.
func (f *Factors) FactorSettings(ctx context.Context, personID string) (factors.Settings, error) {
	var d factorsDoc
	err := f.db.c(colFactors).FindOne(ctx, bson.M{"_id": personID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return factors.Settings{}, factors.ErrNotFound
	}
	if err != nil {
		return factors.Settings{}, fmt.Errorf("storage: factor settings: %w", err)
	}
	s := factors.Settings{PersonID: d.ID, App: d.App, AppAddedAt: d.AppAddedAt, PendingApp: d.PendingApp, PendingAt: d.PendingAt}
	for _, p := range d.Phones {
		s.Phones = append(s.Phones, factors.Phone{Number: p.Number, Confirmed: p.Confirmed, AddedAt: p.AddedAt})
	}
	return s, nil
}

// SaveFactorSettings stores the settings under the person's id.
func (f *Factors) SaveFactorSettings(ctx context.Context, s factors.Settings) error {
	d := factorsDoc{ID: s.PersonID, Phones: []phoneDoc{}, App: s.App, AppAddedAt: s.AppAddedAt, PendingApp: s.PendingApp, PendingAt: s.PendingAt}
	for _, p := range s.Phones {
		d.Phones = append(d.Phones, phoneDoc{Number: p.Number, Confirmed: p.Confirmed, AddedAt: p.AddedAt})
	}
	_, err := f.db.c(colFactors).ReplaceOne(ctx, bson.M{"_id": s.PersonID}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: save factor settings: %w", err)
	}
	return nil
}

// SaveCode stores a new code.
func (f *Factors) SaveCode(ctx context.Context, c factors.Code) error {
	_, err := f.db.c(colFactorCodes).InsertOne(ctx, codeDoc{ID: c.ID, Attempt: c.Attempt, Purpose: c.Purpose, Person: c.PersonID,
		Kind: c.Kind, Method: c.Method, Seq: c.Seq, Hash: c.Hash, CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt})
	if isDuplicate(err) {
		return factors.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("storage: save code: %w", err)
	}
	return nil
}

// CurrentCode returns the code of the attempt for the purpose with the
// highest number.
func (f *Factors) CurrentCode(ctx context.Context, attempt, purpose string) (factors.Code, error) {
	var d codeDoc
	err := f.db.c(colFactorCodes).FindOne(ctx, bson.M{"attempt": attempt, "purpose": purpose},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return factors.Code{}, factors.ErrNotFound
	}
	if err != nil {
		return factors.Code{}, fmt.Errorf("storage: current code: %w", err)
	}
	return factors.Code{ID: d.ID, Attempt: d.Attempt, Purpose: d.Purpose, PersonID: d.Person, Kind: d.Kind, Method: d.Method, Seq: d.Seq, Hash: d.Hash,
		CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}, nil
}

// Claim inserts the key into the claims; only one insert of a key wins,
// on FerretDB as on MongoDB.
func (f *Factors) Claim(ctx context.Context, key string, expires time.Time) (bool, error) {
	_, err := f.db.c(colClaims).InsertOne(ctx, bson.M{"_id": key, "expires_at": expires})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: claim: %w", err)
	}
	return true, nil
}
