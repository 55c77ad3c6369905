package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/personal"
)

// Collections of personal data: what HR exported and the person's own
// entries (one document each per person, by the person's id), the
// relatives (a record each) and the record of changes.
const (
	colPersonalExported = "staff_personal_exported"
	colPersonalOwn      = "staff_personal_own"
	colRelatives        = "staff_relatives"
	colPersonalChanges  = "staff_personal_changes"
)

// Personal stores staff's personal data.
type Personal struct{ db *DB }

// Personal returns the personal data's store.
func (d *DB) Personal() *Personal { return &Personal{d} }

type personalContactDoc struct {
	Street     string `bson:"street,omitempty"`
	PostalCode string `bson:"postal_code,omitempty"`
	City       string `bson:"city,omitempty"`
	Phone      string `bson:"phone,omitempty"`
	Email      string `bson:"email,omitempty"`
}

type personalBankDoc struct {
	Clearing string `bson:"clearing"`
	Last4    string `bson:"last4"`
}

type exportedDoc struct {
	ID        string             `bson:"_id"`
	Contact   personalContactDoc `bson:"contact"`
	Bank      *personalBankDoc   `bson:"bank,omitempty"`
	UpdatedAt time.Time          `bson:"updated_at"`
}

type ownDoc struct {
	ID        string             `bson:"_id"`
	Contact   personalContactDoc `bson:"contact"`
	Address   bool               `bson:"address"`
	Phone     bool               `bson:"phone"`
	Email     bool               `bson:"email"`
	UpdatedAt time.Time          `bson:"updated_at"`
}

type relativeDoc struct {
	ID     string `bson:"_id"`
	Person string `bson:"person"`
	// Slot is "<person>:<n>"; a unique index lets one record hold it.
	Slot      string    `bson:"slot"`
	N         int       `bson:"n"`
	Kind      string    `bson:"kind"`
	Name      string    `bson:"name"`
	Relation  string    `bson:"relation,omitempty"`
	Phone     string    `bson:"phone,omitempty"`
	Phone2    string    `bson:"phone2,omitempty"`
	Email     string    `bson:"email,omitempty"`
	Emergency bool      `bson:"emergency,omitempty"`
	BirthDate time.Time `bson:"birth_date,omitempty"`
	LivesWith bool      `bson:"lives_with,omitempty"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
}

type personalChangeDoc struct {
	ID     string    `bson:"_id"`
	Person string    `bson:"person"`
	By     string    `bson:"by"`
	At     time.Time `bson:"at"`
	Action string    `bson:"action"`
	What   string    `bson:"what"`
	Fields []string  `bson:"fields"`
}

func toContactDoc(c personal.Contact) personalContactDoc {
	return personalContactDoc{Street: c.Street, PostalCode: c.PostalCode, City: c.City, Phone: c.Phone, Email: c.Email}
}

func (d personalContactDoc) contact() personal.Contact {
	return personal.Contact{Street: d.Street, PostalCode: d.PostalCode, City: d.City, Phone: d.Phone, Email: d.Email}
}

func relativeSlot(person string, n int) string { return fmt.Sprintf("%s:%d", person, n) }

func toRelativeDoc(r personal.Relative) relativeDoc {
	return relativeDoc{ID: r.ID, Person: r.PersonID, Slot: relativeSlot(r.PersonID, r.Slot), N: r.Slot, Kind: string(r.Kind), Name: r.Name,
		Relation: string(r.Relation), Phone: r.Phone, Phone2: r.Phone2, Email: r.Email, Emergency: r.Emergency, BirthDate: r.BirthDate,
		LivesWith: r.LivesWith, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (d relativeDoc) relative() personal.Relative {
	r := personal.Relative{ID: d.ID, PersonID: d.Person, Slot: d.N, Kind: personal.Kind(d.Kind), Name: d.Name, Relation: personal.Relation(d.Relation),
		Phone: d.Phone, Phone2: d.Phone2, Email: d.Email, Emergency: d.Emergency, LivesWith: d.LivesWith, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if !d.BirthDate.IsZero() {
		r.BirthDate = d.BirthDate.UTC()
	}
	return r
}

// Exported returns what HR exported about the person or
// personal.ErrNotFound.
func (p *Personal) Exported(ctx context.Context, personID string) (personal.Exported, error) {
	var d exportedDoc
	err := p.db.c(colPersonalExported).FindOne(ctx, bson.M{"_id": personID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return personal.Exported{}, personal.ErrNotFound
	}
	if err != nil {
		return personal.Exported{}, fmt.Errorf("storage: exported personal data: %w", err)
	}
	e := personal.Exported{PersonID: d.ID, Contact: d.Contact.contact(), UpdatedAt: d.UpdatedAt}
	if d.Bank != nil {
		e.Bank = &personal.Bank{Clearing: d.Bank.Clearing, Last4: d.Bank.Last4}
	}
	return e, nil
}

// SaveExported stores what HR exported about the person.
func (p *Personal) SaveExported(ctx context.Context, e personal.Exported) error {
	d := exportedDoc{ID: e.PersonID, Contact: toContactDoc(e.Contact), UpdatedAt: e.UpdatedAt}
	if e.Bank != nil {
		d.Bank = &personalBankDoc{Clearing: e.Bank.Clearing, Last4: e.Bank.Last4}
	}
	if _, err := p.db.c(colPersonalExported).ReplaceOne(ctx, bson.M{"_id": e.PersonID}, d, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("storage: save exported personal data: %w", err)
	}
	return nil
}

// Own returns the person's own entries or personal.ErrNotFound.
func (p *Personal) Own(ctx context.Context, personID string) (personal.Own, error) {
	var d ownDoc
	err := p.db.c(colPersonalOwn).FindOne(ctx, bson.M{"_id": personID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return personal.Own{}, personal.ErrNotFound
	}
	if err != nil {
		return personal.Own{}, fmt.Errorf("storage: own personal data: %w", err)
	}
	return personal.Own{PersonID: d.ID, Contact: d.Contact.contact(), Address: d.Address, Phone: d.Phone, Email: d.Email, UpdatedAt: d.UpdatedAt}, nil
}

// SaveOwn stores the person's own entries.
func (p *Personal) SaveOwn(ctx context.Context, o personal.Own) error {
	d := ownDoc{ID: o.PersonID, Contact: toContactDoc(o.Contact), Address: o.Address, Phone: o.Phone, Email: o.Email, UpdatedAt: o.UpdatedAt}
	if _, err := p.db.c(colPersonalOwn).ReplaceOne(ctx, bson.M{"_id": o.PersonID}, d, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("storage: save own personal data: %w", err)
	}
	return nil
}

// Relatives returns the person's relatives and children by slot.
func (p *Personal) Relatives(ctx context.Context, personID string) ([]personal.Relative, error) {
	cur, err := p.db.c(colRelatives).Find(ctx, bson.M{"person": personID}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: relatives: %w", err)
	}
	var docs []relativeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: relatives: %w", err)
	}
	out := make([]personal.Relative, len(docs))
	for i, d := range docs {
		out[i] = d.relative()
	}
	return out, nil
}

// Relative returns one of the person's relatives; one of someone else's
// is personal.ErrNotFound.
func (p *Personal) Relative(ctx context.Context, personID, id string) (personal.Relative, error) {
	var d relativeDoc
	err := p.db.c(colRelatives).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.Person != personID) {
		return personal.Relative{}, personal.ErrNotFound
	}
	if err != nil {
		return personal.Relative{}, fmt.Errorf("storage: relative: %w", err)
	}
	return d.relative(), nil
}

// InsertRelative stores a new relative under a new id; a slot already
// held collides on the unique index (personal.ErrTaken).
func (p *Personal) InsertRelative(ctx context.Context, r personal.Relative) (string, error) {
	r.ID = bson.NewObjectID().Hex()
	if _, err := p.db.c(colRelatives).InsertOne(ctx, toRelativeDoc(r)); err != nil {
		if isDuplicate(err) {
			return "", personal.ErrTaken
		}
		return "", fmt.Errorf("storage: insert relative: %w", err)
	}
	return r.ID, nil
}

// UpdateRelative replaces one of the person's relatives, keeping its slot.
func (p *Personal) UpdateRelative(ctx context.Context, r personal.Relative) error {
	res, err := p.db.c(colRelatives).ReplaceOne(ctx, bson.M{"_id": r.ID, "person": r.PersonID}, toRelativeDoc(r))
	if err != nil {
		return fmt.Errorf("storage: update relative: %w", err)
	}
	if res.MatchedCount == 0 {
		return personal.ErrNotFound
	}
	return nil
}

// DeleteRelative removes one of the person's relatives, freeing its slot.
func (p *Personal) DeleteRelative(ctx context.Context, personID, id string) error {
	res, err := p.db.c(colRelatives).DeleteOne(ctx, bson.M{"_id": id, "person": personID})
	if err != nil {
		return fmt.Errorf("storage: delete relative: %w", err)
	}
	if res.DeletedCount == 0 {
		return personal.ErrNotFound
	}
	return nil
}

// RecordChange adds a record of a change; each is a document of its own.
func (p *Personal) RecordChange(ctx context.Context, c personal.Change) error {
	fields := c.Fields
	if fields == nil {
		fields = []string{}
	}
	_, err := p.db.c(colPersonalChanges).InsertOne(ctx, personalChangeDoc{ID: bson.NewObjectID().Hex(), Person: c.PersonID, By: c.By, At: c.At,
		Action: c.Action, What: c.What, Fields: fields})
	if err != nil {
		return fmt.Errorf("storage: record personal change: %w", err)
	}
	return nil
}

// Changes returns the person's latest changes, newest first.
func (p *Personal) Changes(ctx context.Context, personID string, limit int) ([]personal.Change, error) {
	cur, err := p.db.c(colPersonalChanges).Find(ctx, bson.M{"person": personID},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: personal changes: %w", err)
	}
	var docs []personalChangeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: personal changes: %w", err)
	}
	out := make([]personal.Change, len(docs))
	for i, d := range docs {
		out[i] = personal.Change{PersonID: d.Person, By: d.By, At: d.At, Action: d.Action, What: d.What, Fields: d.Fields}
	}
	return out, nil
}
