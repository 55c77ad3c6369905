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

	"portal/favourites"
)

// Favourites stores each person's favourites, one document a slot
// (<person>#<slot>, unique per path), and each person's change stamp in
// meta (favourites:<person>).
type Favourites struct{ db *DB }

// Favourites returns the favourites store.
func (d *DB) Favourites() *Favourites { return &Favourites{d} }

const colFavourites = "staff_favourites"

type favouriteDoc struct {
	ID      string    `bson:"_id"`
	Person  string    `bson:"person"`
	PP      string    `bson:"pp"` // <person>|<path>, unique
	Slot    int       `bson:"slot"`
	Path    string    `bson:"path"`
	Title   string    `bson:"title"`
	Pos     int       `bson:"pos"`
	AddedAt time.Time `bson:"added_at"`
}

func favouriteID(person string, slot int) string { return person + "#" + strconv.Itoa(slot) }

// Insert adds the favourite; favourites.ErrTaken when its slot or path is
// the person's already.
func (s *Favourites) Insert(ctx context.Context, person string, f favourites.Favourite) error {
	_, err := s.db.c(colFavourites).InsertOne(ctx, favouriteDoc{ID: favouriteID(person, f.Slot), Person: person, PP: person + "|" + f.Path,
		Slot: f.Slot, Path: f.Path, Title: f.Title, Pos: f.Pos, AddedAt: f.AddedAt})
	if isDuplicate(err) {
		return favourites.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("storage: add a favourite: %w", err)
	}
	return nil
}

// List returns the person's favourites.
func (s *Favourites) List(ctx context.Context, person string) ([]favourites.Favourite, error) {
	docs, err := findAll[favouriteDoc](ctx, s.db.c(colFavourites), bson.M{"person": person}, nil, 0)
	return mapDocs(docs, func(d favouriteDoc) favourites.Favourite {
		return favourites.Favourite{Slot: d.Slot, Path: d.Path, Title: d.Title, Pos: d.Pos, AddedAt: d.AddedAt}
	}), err
}

// Update sets the favourite's title and position.
func (s *Favourites) Update(ctx context.Context, person string, slot int, title string, pos int) error {
	res, err := s.db.c(colFavourites).UpdateOne(ctx, bson.M{"_id": favouriteID(person, slot)}, bson.M{"$set": bson.M{"title": title, "pos": pos}})
	if err != nil {
		return fmt.Errorf("storage: change a favourite: %w", err)
	}
	if res.MatchedCount == 0 {
		return favourites.ErrNotFound
	}
	return nil
}

// Delete removes the favourite in the slot.
func (s *Favourites) Delete(ctx context.Context, person string, slot int) error {
	res, err := s.db.c(colFavourites).DeleteOne(ctx, bson.M{"_id": favouriteID(person, slot)})
	if err != nil {
		return fmt.Errorf("storage: remove a favourite: %w", err)
	}
	if res.DeletedCount == 0 {
		return favourites.ErrNotFound
	}
	return nil
}

// Stamp returns the person's change stamp.
func (s *Favourites) Stamp(ctx context.Context, person string) (string, error) {
	var doc struct {
		Stamp string `bson:"stamp"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": "favourites:" + person}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: read the favourites' stamp: %w", err)
	}
	return doc.Stamp, nil
}

// Touch moves the person's change stamp.
func (s *Favourites) Touch(ctx context.Context, person string) error {
	return replace(context.WithoutCancel(ctx), s.db.c(colMeta), "favourites:"+person, bson.M{"stamp": bson.NewObjectID().Hex()})
}

// favouriteIndexes make a path a person's favourite once, and list a
// person's favourites.
func favouriteIndexes(ctx context.Context, d *DB) error {
	return d.indexes(ctx, colFavourites,
		mongo.IndexModel{Keys: bson.D{{Key: "pp", Value: 1}}, Options: options.Index().SetUnique(true).SetName("pp_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}}, Options: options.Index().SetName("person")})
}
