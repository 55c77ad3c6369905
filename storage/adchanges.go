package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"portal/recruiting"
)

// Collections of the ad editor.
const (
	colAdChanges   = "ad_changes"
	colAdTemplates = "ad_templates"
)

// AdEditing stores the record of changes to ads and the units' ad
// templates.
type AdEditing struct{ db *DB }

// AdEditing returns the store of ad changes and templates.
func (d *DB) AdEditing() *AdEditing { return &AdEditing{d} }

type fieldChangeDoc struct {
	Field string `bson:"field"`
	Old   string `bson:"old"`
	New   string `bson:"new"`
}

type adChangeDoc struct {
	ID          string           `bson:"_id"`
	Ref         string           `bson:"ref"`
	Recruitment string           `bson:"recruitment"`
	By          string           `bson:"by"`
	At          time.Time        `bson:"at"`
	Action      string           `bson:"action"`
	Fields      []fieldChangeDoc `bson:"fields"`
}

// AddAdChange inserts one record of a change; records are never changed.
func (s *AdEditing) AddAdChange(ctx context.Context, c recruiting.AdChange) error {
	doc := adChangeDoc{ID: bson.NewObjectID().Hex(), Ref: c.Ref, Recruitment: c.RecruitmentID, By: c.By, At: c.At, Action: c.Action}
	for _, f := range c.Fields {
		doc.Fields = append(doc.Fields, fieldChangeDoc(f))
	}
	if _, err := s.db.c(colAdChanges).InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("storage: add ad change %s: %w", c.Ref, err)
	}
	return nil
}

// AdChanges returns the records of one ad, oldest first.
func (s *AdEditing) AdChanges(ctx context.Context, ref string) ([]recruiting.AdChange, error) {
	docs, err := findAll[adChangeDoc](ctx, s.db.c(colAdChanges), bson.M{"ref": ref}, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.AdChange, len(docs))
	for i, d := range docs {
		out[i] = recruiting.AdChange{Ref: d.Ref, RecruitmentID: d.Recruitment, By: d.By, At: d.At, Action: d.Action}
		for _, f := range d.Fields {
			out[i].Fields = append(out[i].Fields, recruiting.FieldChange(f))
		}
	}
	return out, nil
}

type adTemplateDoc struct {
	ID        string    `bson:"_id"`
	Unit      string    `bson:"unit"`
	Name      string    `bson:"name"`
	Ad        adDoc     `bson:"ad"`
	CreatedBy string    `bson:"created_by"`
	CreatedAt time.Time `bson:"created_at"`
}

func (d adTemplateDoc) template() (recruiting.AdTemplate, error) {
	d.Ad.LastDay = "2000-01-01" // a template has no last day; toAd wants one
	ad, err := d.Ad.toAd()
	if err != nil {
		return recruiting.AdTemplate{}, err
	}
	ad.LastDay = recruiting.CopyOf(ad).LastDay
	return recruiting.AdTemplate{ID: d.ID, UnitID: d.Unit, Name: d.Name, Ad: ad, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}, nil
}

// AddAdTemplate stores a new template of a unit.
func (s *AdEditing) AddAdTemplate(ctx context.Context, t recruiting.AdTemplate) (string, error) {
	doc := adTemplateDoc{ID: bson.NewObjectID().Hex(), Unit: t.UnitID, Name: t.Name, Ad: toAdDoc(t.Ad), CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt}
	if _, err := s.db.c(colAdTemplates).InsertOne(ctx, doc); err != nil {
		return "", fmt.Errorf("storage: add ad template: %w", err)
	}
	return doc.ID, nil
}

// AdTemplates returns the templates of a unit, newest first.
func (s *AdEditing) AdTemplates(ctx context.Context, unitID string) ([]recruiting.AdTemplate, error) {
	docs, err := findAll[adTemplateDoc](ctx, s.db.c(colAdTemplates), bson.M{"unit": unitID}, bson.D{{Key: "created_at", Value: -1}}, 200)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.AdTemplate, 0, len(docs))
	for _, d := range docs {
		t, err := d.template()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// AdTemplate returns one template, or recruiting.ErrNotFound.
func (s *AdEditing) AdTemplate(ctx context.Context, id string) (recruiting.AdTemplate, error) {
	d, err := findOne[adTemplateDoc](ctx, s.db.c(colAdTemplates), id, recruiting.ErrNotFound)
	if err != nil {
		return recruiting.AdTemplate{}, err
	}
	return d.template()
}
