package storage

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// stampKind is a kind of data that instances keep in memory under a change
// stamp: every write of it moves the stamp, after the change is stored.
type stampKind int

// The kinds of data kept under a stamp.
const (
	kindDirectory stampKind = iota // people, employments, units
	kindGrants                     // role grants
	kindStageSet                   // the stage set: counted only, it is its own stamp
	numStampKinds
)

// stampIDs are the meta documents of the stamps.
var stampIDs = [numStampKinds]string{"stamp:directory", "stamp:grants", ""}

// changed records that a write of the kind was made (or tried: a write
// that failed may still have been stored): this handle's count at once,
// for the instance itself, then the stamp in the database for every
// other. The stamp gets a value never used before, inserted or replaced
// by _id, rather than a count: where two writers race on FerretDB one
// replacement may win over the other, but either value is new. err is
// the write's own error, returned first.
func (d *DB) changed(ctx context.Context, k stampKind, err error) error {
	d.changes[k].Add(1)
	if serr := replace(context.WithoutCancel(ctx), d.c(colMeta), stampIDs[k], bson.M{"stamp": bson.NewObjectID().Hex()}); serr != nil && err == nil {
		err = fmt.Errorf("storage: move the change stamp: %w", serr)
	}
	return err
}

// stamp returns the kind's change stamp; "" before its first write.
func (d *DB) stamp(ctx context.Context, k stampKind) (string, error) {
	var doc struct {
		Stamp string `bson:"stamp"`
	}
	err := d.c(colMeta).FindOne(ctx, bson.M{"_id": stampIDs[k]}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: read the change stamp: %w", err)
	}
	return doc.Stamp, nil
}

// DirectoryStamp returns the staff directory's change stamp, which every
// write of a person, employment or unit moves after it is stored.
func (s *Employees) DirectoryStamp(ctx context.Context) (string, error) {
	return s.db.stamp(ctx, kindDirectory)
}

// DirectoryWrites counts the writes of the directory made through this
// database handle, so that this process sees its own at once.
func (s *Employees) DirectoryWrites() uint64 { return s.db.changes[kindDirectory].Load() }

// GrantsStamp returns the grants' change stamp, which every write of a
// grant (granting, revoking, ending an interim one) moves after it is
// stored.
func (s *Access) GrantsStamp(ctx context.Context) (string, error) {
	return s.db.stamp(ctx, kindGrants)
}

// GrantWrites counts the writes of grants made through this database
// handle.
func (s *Access) GrantWrites() uint64 { return s.db.changes[kindGrants].Load() }

// StageSetWrites counts the writes of the stage set made through this
// database handle.
func (s *StageSettings) StageSetWrites() uint64 { return s.db.changes[kindStageSet].Load() }

// Trace calls f with the name and collection of every command sent
// through this handle until stop is called; tests count round trips
// with it.
func (d *DB) Trace(f func(command, collection string)) (stop func()) {
	d.trace.Store(&f)
	return func() { d.trace.CompareAndSwap(&f, nil) }
}

// monitor passes the commands to the tracer, if any.
func (d *DB) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		f := d.trace.Load()
		if f == nil {
			return
		}
		coll := ""
		if v, err := e.Command.LookupErr(e.CommandName); err == nil {
			coll, _ = v.StringValueOK()
		}
		(*f)(e.CommandName, coll)
	}}
}
