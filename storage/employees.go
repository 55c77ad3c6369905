package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/employees"
)

// Employees stores the staff directory: people, employments, units.
type Employees struct{ db *DB }

// Employees returns the staff directory's store.
func (d *DB) Employees() *Employees { return &Employees{d} }

type personDoc struct {
	ID                string    `bson:"_id"`
	FirstName         string    `bson:"first_name"`
	LastName          string    `bson:"last_name"`
	WorkEmail         string    `bson:"work_email"`
	Active            bool      `bson:"active"`
	DefaultEmployment string    `bson:"default_employment,omitempty"`
	Local             bool      `bson:"local,omitempty"`
	Lang              string    `bson:"lang,omitempty"`
	CreatedAt         time.Time `bson:"created_at"`
	UpdatedAt         time.Time `bson:"updated_at"`
	DeactivatedAt     time.Time `bson:"deactivated_at,omitempty"`
}

type employmentDoc struct {
	ID      string    `bson:"_id"`
	Person  string    `bson:"person"`
	Unit    string    `bson:"unit"`
	Title   string    `bson:"title"`
	Manager string    `bson:"manager,omitempty"`
	Active  bool      `bson:"active"`
	Start   time.Time `bson:"start,omitempty"`
	End     time.Time `bson:"end,omitempty"`
	Updated time.Time `bson:"updated_at,omitempty"`
	Ended   time.Time `bson:"deactivated_at,omitempty"`
}

type unitDoc struct {
	ID      string    `bson:"_id"`
	Name    string    `bson:"name"`
	Parent  string    `bson:"parent,omitempty"`
	Active  bool      `bson:"active"`
	Updated time.Time `bson:"updated_at,omitempty"`
	Ended   time.Time `bson:"deactivated_at,omitempty"`
}

func (d personDoc) person() employees.Person {
	return employees.Person{ID: d.ID, FirstName: d.FirstName, LastName: d.LastName, WorkEmail: d.WorkEmail, Active: d.Active,
		DefaultEmployment: d.DefaultEmployment, Local: d.Local, Lang: d.Lang, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, DeactivatedAt: d.DeactivatedAt}
}

func (d employmentDoc) employment() employees.Employment {
	return employees.Employment{ID: d.ID, PersonID: d.Person, UnitID: d.Unit, Title: d.Title, ManagerID: d.Manager,
		Active: d.Active, Start: d.Start, End: d.End, UpdatedAt: d.Updated, DeactivatedAt: d.Ended}
}

func (d unitDoc) unit() employees.Unit {
	return employees.Unit{ID: d.ID, Name: d.Name, ParentID: d.Parent, Active: d.Active, UpdatedAt: d.Updated, DeactivatedAt: d.Ended}
}

// findAll decodes the documents the filter matches, in the order of
// sort, at most limit of them (0: all).
func findAll[T any](ctx context.Context, col *mongo.Collection, filter any, sort bson.D, limit int64) ([]T, error) {
	opts := options.Find()
	if sort != nil { // a nil sort cannot be marshalled
		opts.SetSort(sort)
	}
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := col.Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("storage: find in %s: %w", col.Name(), err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("storage: read %s: %w", col.Name(), err)
	}
	return out, nil
}

// findOne decodes the document with the id, or returns notFound, the
// domain's error for it.
func findOne[T any](ctx context.Context, col *mongo.Collection, id string, notFound error) (T, error) {
	var doc T
	err := col.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return doc, notFound
	}
	if err != nil {
		return doc, fmt.Errorf("storage: read %s: %w", col.Name(), err)
	}
	return doc, nil
}

// byID is the order of the directory's lists.
var byID = bson.D{{Key: "_id", Value: 1}}

// replace stores doc under id, creating it when missing.
func replace(ctx context.Context, col *mongo.Collection, id string, doc any) error {
	err := upsert(func() error {
		_, err := col.ReplaceOne(ctx, bson.M{"_id": id}, doc, options.Replace().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: save in %s: %w", col.Name(), err)
	}
	return nil
}

// upsert runs an update that may insert once more when it lost the race
// to insert: the document is there now, so the second try updates it.
func upsert(write func() error) error {
	err := write()
	if isDuplicate(err) {
		err = write()
	}
	return err
}

func mapDocs[D, T any](docs []D, f func(D) T) []T {
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, f(d))
	}
	return out
}

// PersonByID returns the person or employees.ErrNotFound.
func (s *Employees) PersonByID(ctx context.Context, id string) (employees.Person, error) {
	d, err := findOne[personDoc](ctx, s.db.c(colPeople), id, employees.ErrNotFound)
	return d.person(), err
}

// People returns the people with the ids.
func (s *Employees) People(ctx context.Context, ids []string) ([]employees.Person, error) {
	docs, err := findAll[personDoc](ctx, s.db.c(colPeople), bson.M{"_id": bson.M{"$in": ids}}, byID, 0)
	return mapDocs(docs, personDoc.person), err
}

// AllPeople returns every person.
func (s *Employees) AllPeople(ctx context.Context) ([]employees.Person, error) {
	docs, err := findAll[personDoc](ctx, s.db.c(colPeople), bson.M{}, byID, 0)
	return mapDocs(docs, personDoc.person), err
}

// SavePerson stores the person. Every write of the directory moves its
// change stamp after it (see stamps.go).
func (s *Employees) SavePerson(ctx context.Context, p employees.Person) error {
	return s.db.changed(ctx, kindDirectory, replace(ctx, s.db.c(colPeople), p.ID, personDoc{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName,
		WorkEmail: p.WorkEmail, Active: p.Active, DefaultEmployment: p.DefaultEmployment, Local: p.Local, Lang: p.Lang, CreatedAt: p.CreatedAt,
		UpdatedAt: p.UpdatedAt, DeactivatedAt: p.DeactivatedAt}))
}

// SyncPerson stores the fields of the person that the HR export owns,
// creating the person when missing; the default employment, and whatever
// else other parts of the portal keep on the person, stay as they are.
func (s *Employees) SyncPerson(ctx context.Context, p employees.Person) error {
	set := bson.M{"first_name": p.FirstName, "last_name": p.LastName, "work_email": p.WorkEmail,
		"active": p.Active, "updated_at": p.UpdatedAt, "local": false} // the export owns the person from now on
	update := bson.M{"$set": set, "$setOnInsert": bson.M{"created_at": p.CreatedAt}}
	if p.DeactivatedAt.IsZero() {
		update["$unset"] = bson.M{"deactivated_at": ""}
	} else {
		set["deactivated_at"] = p.DeactivatedAt
	}
	err := upsert(func() error {
		_, err := s.db.c(colPeople).UpdateOne(ctx, bson.M{"_id": p.ID}, update, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		err = fmt.Errorf("storage: sync person: %w", err)
	}
	return s.db.changed(ctx, kindDirectory, err)
}

// SetDefaultEmployment records the employment the person's logins start in.
func (s *Employees) SetDefaultEmployment(ctx context.Context, personID, employmentID string) error {
	res, err := s.db.c(colPeople).UpdateOne(ctx, bson.M{"_id": personID}, bson.M{"$set": bson.M{"default_employment": employmentID}})
	if err != nil {
		return s.db.changed(ctx, kindDirectory, fmt.Errorf("storage: default employment: %w", err))
	}
	if err := s.db.changed(ctx, kindDirectory, nil); err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return employees.ErrNotFound
	}
	return nil
}

// SetLanguage records the language of the person's latest login.
func (s *Employees) SetLanguage(ctx context.Context, personID, lang string) error {
	_, err := s.db.c(colPeople).UpdateOne(ctx, bson.M{"_id": personID}, bson.M{"$set": bson.M{"lang": lang}})
	if err != nil {
		err = fmt.Errorf("storage: language of a person: %w", err)
	}
	return s.db.changed(ctx, kindDirectory, err)
}

// EmploymentByID returns the employment or employees.ErrNotFound.
func (s *Employees) EmploymentByID(ctx context.Context, id string) (employees.Employment, error) {
	d, err := findOne[employmentDoc](ctx, s.db.c(colEmployments), id, employees.ErrNotFound)
	return d.employment(), err
}

// EmploymentsOf returns the person's employments.
func (s *Employees) EmploymentsOf(ctx context.Context, personID string) ([]employees.Employment, error) {
	docs, err := findAll[employmentDoc](ctx, s.db.c(colEmployments), bson.M{"person": personID}, byID, 0)
	return mapDocs(docs, employmentDoc.employment), err
}

// Reports returns the employments the employment manages.
func (s *Employees) Reports(ctx context.Context, managerID string) ([]employees.Employment, error) {
	docs, err := findAll[employmentDoc](ctx, s.db.c(colEmployments), bson.M{"manager": managerID}, byID, 0)
	return mapDocs(docs, employmentDoc.employment), err
}

// AllEmployments returns every employment.
func (s *Employees) AllEmployments(ctx context.Context) ([]employees.Employment, error) {
	docs, err := findAll[employmentDoc](ctx, s.db.c(colEmployments), bson.M{}, byID, 0)
	return mapDocs(docs, employmentDoc.employment), err
}

// SaveEmployment stores the employment.
func (s *Employees) SaveEmployment(ctx context.Context, e employees.Employment) error {
	return s.db.changed(ctx, kindDirectory, replace(ctx, s.db.c(colEmployments), e.ID, employmentDoc{ID: e.ID, Person: e.PersonID, Unit: e.UnitID, Title: e.Title,
		Manager: e.ManagerID, Active: e.Active, Start: e.Start, End: e.End, Updated: e.UpdatedAt, Ended: e.DeactivatedAt}))
}

// UnitByID returns the unit or employees.ErrNotFound.
func (s *Employees) UnitByID(ctx context.Context, id string) (employees.Unit, error) {
	d, err := findOne[unitDoc](ctx, s.db.c(colUnits), id, employees.ErrNotFound)
	return d.unit(), err
}

// AllUnits returns every unit.
func (s *Employees) AllUnits(ctx context.Context) ([]employees.Unit, error) {
	docs, err := findAll[unitDoc](ctx, s.db.c(colUnits), bson.M{}, byID, 0)
	return mapDocs(docs, unitDoc.unit), err
}

// SaveUnit stores the unit.
func (s *Employees) SaveUnit(ctx context.Context, u employees.Unit) error {
	return s.db.changed(ctx, kindDirectory, replace(ctx, s.db.c(colUnits), u.ID, unitDoc{ID: u.ID, Name: u.Name, Parent: u.ParentID, Active: u.Active,
		Updated: u.UpdatedAt, Ended: u.DeactivatedAt}))
}
