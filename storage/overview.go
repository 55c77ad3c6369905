package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/overview"
)

// colOverview keeps each person's overview layout under the person's id.
const colOverview = "staff_overview"

// Overview stores the layouts of the staff's overview pages.
type Overview struct{ db *DB }

// Overview returns the overview layouts' store.
func (d *DB) Overview() *Overview { return &Overview{d} }

type overviewItemDoc struct {
	Block  string `bson:"block"`
	Size   string `bson:"size"`
	Hidden bool   `bson:"hidden,omitempty"`
}

type overviewDoc struct {
	ID      string            `bson:"_id"` // the person
	Items   []overviewItemDoc `bson:"items"`
	SavedAt time.Time         `bson:"saved_at"`
}

// Layout returns the person's saved layout or overview.ErrNotFound.
func (s *Overview) Layout(ctx context.Context, personID string) (overview.Layout, error) {
	var d overviewDoc
	err := s.db.c(colOverview).FindOne(ctx, bson.M{"_id": personID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return overview.Layout{}, overview.ErrNotFound
	}
	if err != nil {
		return overview.Layout{}, fmt.Errorf("storage: overview layout: %w", err)
	}
	l := overview.Layout{PersonID: d.ID, SavedAt: d.SavedAt}
	for _, it := range d.Items {
		l.Items = append(l.Items, overview.Item{Block: overview.Block(it.Block), Size: overview.Size(it.Size), Hidden: it.Hidden})
	}
	return l, nil
}

// SaveLayout replaces the person's layout with l, in one write.
func (s *Overview) SaveLayout(ctx context.Context, l overview.Layout) error {
	d := overviewDoc{ID: l.PersonID, Items: []overviewItemDoc{}, SavedAt: l.SavedAt}
	for _, it := range l.Items {
		d.Items = append(d.Items, overviewItemDoc{Block: string(it.Block), Size: string(it.Size), Hidden: it.Hidden})
	}
	replace := func() error {
		_, err := s.db.c(colOverview).ReplaceOne(ctx, bson.M{"_id": l.PersonID}, d, options.Replace().SetUpsert(true))
		return err
	}
	err := replace()
	for i := 0; i < 3 && isDuplicate(err); i++ {
		// Two first saves at once both try to insert; the one that lost
		// replaces what the other inserted.
		err = replace()
	}
	if err != nil {
		return fmt.Errorf("storage: save overview layout: %w", err)
	}
	return nil
}

// DeleteLayout removes the person's layout.
func (s *Overview) DeleteLayout(ctx context.Context, personID string) error {
	if _, err := s.db.c(colOverview).DeleteOne(ctx, bson.M{"_id": personID}); err != nil {
		return fmt.Errorf("storage: delete overview layout: %w", err)
	}
	return nil
}
