package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/jobs"
)

// Ads stores job ads.
type Ads struct{ db *DB }

// Ads returns the ad store.
func (d *DB) Ads() *Ads { return &Ads{d} }

type contactDoc struct {
	Name  string `bson:"name"`
	Role  string `bson:"role,omitempty"`
	Phone string `bson:"phone,omitempty"`
	Email string `bson:"email,omitempty"`
}

type questionDoc struct {
	ID       string   `bson:"id"`
	Type     string   `bson:"type"`
	Text     string   `bson:"text"`
	Options  []string `bson:"options,omitempty"`
	Required bool     `bson:"required"`
	Help     string   `bson:"help,omitempty"`
	Wanted   []string `bson:"wanted,omitempty"`
}

type englishDoc struct {
	Title      string `bson:"title,omitempty"`
	Department string `bson:"department,omitempty"`
	Text       string `bson:"text,omitempty"`
}

type adDoc struct {
	Ref           string        `bson:"ref"`
	Title         string        `bson:"title"`
	Organisation  string        `bson:"organisation"`
	Department    string        `bson:"department,omitempty"`
	Area          string        `bson:"area"`
	Place         string        `bson:"place"`
	ExtentPercent int           `bson:"extent_percent"`
	Employment    string        `bson:"employment"`
	Positions     int           `bson:"positions"`
	Text          string        `bson:"text"`
	Contacts      []contactDoc  `bson:"contacts"`
	UnionContacts []contactDoc  `bson:"union_contacts"`
	PublishedAt   time.Time     `bson:"published_at"`
	LastDay       string        `bson:"last_day"`
	ClosesAt      time.Time     `bson:"closes_at"`
	UpdatedAt     time.Time     `bson:"updated_at"`
	Questions     []questionDoc `bson:"questions,omitempty"`
	Occupation    string        `bson:"occupation,omitempty"`
	Municipality  string        `bson:"municipality,omitempty"`
	English       *englishDoc   `bson:"en,omitempty"`
	ClosedAt      time.Time     `bson:"closed_at,omitempty"`
}

func toContactDocs(cs []jobs.Contact) []contactDoc {
	out := make([]contactDoc, len(cs))
	for i, c := range cs {
		out[i] = contactDoc(c)
	}
	return out
}

func fromContactDocs(cs []contactDoc) []jobs.Contact {
	out := make([]jobs.Contact, len(cs))
	for i, c := range cs {
		out[i] = jobs.Contact(c)
	}
	return out
}

func toAdDoc(a jobs.Ad) adDoc {
	return adDoc{
		Ref: a.Ref, Title: a.Title, Organisation: a.Organisation, Department: a.Department,
		Area: a.Area, Place: a.Place, ExtentPercent: a.Extent.Percent, Employment: a.Employment,
		Positions: a.Positions, Text: a.Text,
		Contacts: toContactDocs(a.Contacts), UnionContacts: toContactDocs(a.UnionContacts),
		PublishedAt: a.PublishedAt, LastDay: a.LastDay.String(), ClosesAt: a.ClosesAt(), UpdatedAt: a.UpdatedAt,
		Questions: toQuestionDocs(a.Questions), Occupation: a.Occupation, Municipality: a.Municipality,
		English: toEnglishDoc(a.English), ClosedAt: a.ClosedAt,
	}
}

func toEnglishDoc(e jobs.English) *englishDoc {
	if e == (jobs.English{}) {
		return nil
	}
	d := englishDoc(e)
	return &d
}

func toQuestionDocs(qs []jobs.Question) []questionDoc {
	out := make([]questionDoc, len(qs))
	for i, q := range qs {
		out[i] = questionDoc(q)
	}
	return out
}

func fromQuestionDocs(qs []questionDoc) []jobs.Question {
	var out []jobs.Question
	for _, q := range qs {
		out = append(out, jobs.Question(q))
	}
	return out
}

func (d adDoc) toAd() (jobs.Ad, error) {
	day, err := jobs.ParseDay(d.LastDay)
	if err != nil {
		return jobs.Ad{}, fmt.Errorf("storage: ad %s: %w", d.Ref, err)
	}
	ad := jobs.Ad{
		Ref: d.Ref, Title: d.Title, Organisation: d.Organisation, Department: d.Department,
		Area: d.Area, Place: d.Place, Extent: jobs.Extent{Percent: d.ExtentPercent}, Employment: d.Employment,
		Positions: d.Positions, Text: d.Text,
		Contacts: fromContactDocs(d.Contacts), UnionContacts: fromContactDocs(d.UnionContacts),
		PublishedAt: d.PublishedAt, LastDay: day, UpdatedAt: d.UpdatedAt, Questions: fromQuestionDocs(d.Questions),
		Occupation: d.Occupation, Municipality: d.Municipality, ClosedAt: d.ClosedAt,
	}
	if d.English != nil {
		ad.English = jobs.English(*d.English)
	}
	return ad, nil
}

// SaveAd inserts or replaces the ad with the same reference number.
func (s *Ads) SaveAd(ctx context.Context, ad jobs.Ad) error {
	_, err := s.db.c(colAds).ReplaceOne(ctx, bson.M{"ref": ad.Ref}, toAdDoc(ad), options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: save ad %s: %w", ad.Ref, err)
	}
	return s.advanceVersion(ctx)
}

// SaveAds inserts or replaces each ad by its reference number, and moves
// the version once. The new ads go in one insert and the stored ones are
// replaced by _id in one bulk write: FerretDB v1 reads every ad for each
// write filtered by reference number.
func (s *Ads) SaveAds(ctx context.Context, ads []jobs.Ad) error {
	if len(ads) == 0 {
		return nil
	}
	refs := make([]string, len(ads))
	for i, ad := range ads {
		refs[i] = ad.Ref
	}
	cur, err := s.db.c(colAds).Find(ctx, bson.M{"ref": bson.M{"$in": refs}}, options.Find().SetProjection(bson.M{"ref": 1}))
	if err != nil {
		return fmt.Errorf("storage: stored ads: %w", err)
	}
	var stored []struct {
		ID  any    `bson:"_id"`
		Ref string `bson:"ref"`
	}
	if err := cur.All(ctx, &stored); err != nil {
		return fmt.Errorf("storage: stored ads: %w", err)
	}
	ids := make(map[string]any, len(stored))
	for _, d := range stored {
		ids[d.Ref] = d.ID
	}
	var replace []mongo.WriteModel
	var fresh []any
	var freshAds []jobs.Ad
	for _, ad := range ads {
		if id, ok := ids[ad.Ref]; ok {
			replace = append(replace, mongo.NewReplaceOneModel().SetFilter(bson.M{"_id": id}).SetReplacement(toAdDoc(ad)))
		} else {
			fresh, freshAds = append(fresh, toAdDoc(ad)), append(freshAds, ad)
		}
	}
	if len(replace) > 0 {
		if _, err := s.db.c(colAds).BulkWrite(ctx, replace); err != nil {
			return fmt.Errorf("storage: save %d ads: %w", len(replace), err)
		}
	}
	if len(fresh) > 0 {
		_, err := s.db.c(colAds).InsertMany(ctx, fresh)
		if isDuplicate(err) {
			// Stored meanwhile by another instance, or named twice in the
			// list: replace by reference number, the slow way.
			err = s.upsertAds(ctx, freshAds)
		}
		if err != nil {
			return fmt.Errorf("storage: save %d ads: %w", len(fresh), err)
		}
	}
	return s.advanceVersion(ctx)
}

// upsertAds inserts or replaces each ad by its reference number.
func (s *Ads) upsertAds(ctx context.Context, ads []jobs.Ad) error {
	models := make([]mongo.WriteModel, len(ads))
	for i, ad := range ads {
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.M{"ref": ad.Ref}).SetReplacement(toAdDoc(ad)).SetUpsert(true)
	}
	_, err := s.db.c(colAds).BulkWrite(ctx, models)
	return err
}

// advanceVersion gives the ad collection a new version.
func (s *Ads) advanceVersion(ctx context.Context) error {
	// A fresh value rather than $inc: concurrent increments can be lost on
	// FerretDB v1, and a lost change would leave other instances stale.
	_, err := s.db.c(colMeta).UpdateOne(ctx, bson.M{"_id": "ads"},
		bson.M{"$set": bson.M{"version": bson.NewObjectID().Hex()}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: advance ads version: %w", err)
	}
	return nil
}

// AdByRef returns one ad or jobs.ErrNotFound.
func (s *Ads) AdByRef(ctx context.Context, ref string) (jobs.Ad, error) {
	var doc adDoc
	err := s.db.c(colAds).FindOne(ctx, bson.M{"ref": ref}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return jobs.Ad{}, jobs.ErrNotFound
	}
	if err != nil {
		return jobs.Ad{}, fmt.Errorf("storage: ad %s: %w", ref, err)
	}
	return doc.toAd()
}

// UnclosedAds returns the ads whose last application day has not ended.
func (s *Ads) UnclosedAds(ctx context.Context, now time.Time) ([]jobs.Ad, error) {
	cur, err := s.db.c(colAds).Find(ctx, bson.M{"closes_at": bson.M{"$gt": now}})
	if err != nil {
		return nil, fmt.Errorf("storage: unclosed ads: %w", err)
	}
	var docs []adDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: unclosed ads: %w", err)
	}
	out := make([]jobs.Ad, 0, len(docs))
	for _, d := range docs {
		ad, err := d.toAd()
		if err != nil {
			return nil, err
		}
		out = append(out, ad)
	}
	return out, nil
}

// CountAds returns the number of ads stored.
func (s *Ads) CountAds(ctx context.Context) (int64, error) {
	n, err := s.db.c(colAds).CountDocuments(ctx, bson.M{})
	if err != nil {
		return 0, fmt.Errorf("storage: count ads: %w", err)
	}
	return n, nil
}

// AdsVersion returns the value that SaveAd changes.
func (s *Ads) AdsVersion(ctx context.Context) (string, error) {
	var doc struct {
		Version string `bson:"version"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": "ads"}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: ads version: %w", err)
	}
	return doc.Version, nil
}
