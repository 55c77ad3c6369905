package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"portal/access"
)

// Access stores role requests, grants, completed courses and the audit
// log of staff access.
type Access struct{ db *DB }

// Access returns the store of staff access.
func (d *DB) Access() *Access { return &Access{d} }

type requestDoc struct {
	ID           string    `bson:"_id"`
	Person       string    `bson:"person"`
	PersonName   string    `bson:"person_name"`
	Employment   string    `bson:"employment"`
	Role         string    `bson:"role"`
	Units        []string  `bson:"units"`
	Reason       string    `bson:"reason"`
	State        string    `bson:"state"`
	CreatedAt    time.Time `bson:"created_at"`
	SignedBy     string    `bson:"signed_by,omitempty"`
	SignedByName string    `bson:"signed_by_name,omitempty"`
	SignedAt     time.Time `bson:"signed_at,omitempty"`
	ClosedBy     string    `bson:"closed_by,omitempty"`
	ClosedByName string    `bson:"closed_by_name,omitempty"`
	ClosedAt     time.Time `bson:"closed_at,omitempty"`
	CloseReason  string    `bson:"close_reason,omitempty"`
}

func toRequestDoc(r access.Request) requestDoc {
	return requestDoc{ID: r.ID, Person: r.PersonID, PersonName: r.PersonName, Employment: r.EmploymentID, Role: r.Role, Units: r.Units,
		Reason: r.Reason, State: string(r.State), CreatedAt: r.CreatedAt, SignedBy: r.SignedBy, SignedByName: r.SignedByName,
		SignedAt: r.SignedAt, ClosedBy: r.ClosedBy, ClosedByName: r.ClosedByName, ClosedAt: r.ClosedAt, CloseReason: r.CloseReason}
}

func (d requestDoc) request() access.Request {
	return access.Request{ID: d.ID, PersonID: d.Person, PersonName: d.PersonName, EmploymentID: d.Employment, Role: d.Role, Units: d.Units,
		Reason: d.Reason, State: access.State(d.State), CreatedAt: d.CreatedAt, SignedBy: d.SignedBy, SignedByName: d.SignedByName,
		SignedAt: d.SignedAt, ClosedBy: d.ClosedBy, ClosedByName: d.ClosedByName, ClosedAt: d.ClosedAt, CloseReason: d.CloseReason}
}

type grantDoc struct {
	ID            string    `bson:"_id"`
	Person        string    `bson:"person"`
	Role          string    `bson:"role"`
	Unit          string    `bson:"unit"`
	Request       string    `bson:"request,omitempty"`
	GrantedBy     string    `bson:"granted_by"`
	GrantedByName string    `bson:"granted_by_name,omitempty"`
	GrantedAt     time.Time `bson:"granted_at"`
	Active        bool      `bson:"active"`
	RevokedBy     string    `bson:"revoked_by,omitempty"`
	RevokedByName string    `bson:"revoked_by_name,omitempty"`
	RevokedAt     time.Time `bson:"revoked_at,omitempty"`
	RevokeReason  string    `bson:"revoke_reason,omitempty"`
	Replaced      bool      `bson:"replaced,omitempty"`
}

func toGrantDoc(g access.Grant) grantDoc {
	return grantDoc{ID: g.ID, Person: g.PersonID, Role: g.Role, Unit: g.Unit, Request: g.RequestID, GrantedBy: g.GrantedBy,
		GrantedByName: g.GrantedByName, GrantedAt: g.GrantedAt, Active: g.Active(), RevokedBy: g.RevokedBy,
		RevokedByName: g.RevokedByName, RevokedAt: g.RevokedAt, RevokeReason: g.RevokeReason, Replaced: g.Replaced}
}

func (d grantDoc) grant() access.Grant {
	return access.Grant{ID: d.ID, PersonID: d.Person, Role: d.Role, Unit: d.Unit, RequestID: d.Request, GrantedBy: d.GrantedBy,
		GrantedByName: d.GrantedByName, GrantedAt: d.GrantedAt, RevokedBy: d.RevokedBy, RevokedByName: d.RevokedByName,
		RevokedAt: d.RevokedAt, RevokeReason: d.RevokeReason, Replaced: d.Replaced}
}

type completionDoc struct {
	ID          string    `bson:"_id"` // person|course
	Person      string    `bson:"person"`
	Course      string    `bson:"course"`
	CompletedOn time.Time `bson:"completed_on"`
	Source      string    `bson:"source"`
	RecordedBy  string    `bson:"recorded_by"`
	RecordedAt  time.Time `bson:"recorded_at"`
}

type auditDoc struct {
	ID        string    `bson:"_id"`
	At        time.Time `bson:"at"`
	Actor     string    `bson:"actor"`
	ActorName string    `bson:"actor_name,omitempty"`
	Action    string    `bson:"action"`
	Person    string    `bson:"person,omitempty"`
	Role      string    `bson:"role,omitempty"`
	Units     []string  `bson:"units,omitempty"`
	Request   string    `bson:"request,omitempty"`
	Grant     string    `bson:"grant,omitempty"`
	Course    string    `bson:"course,omitempty"`
	Detail    string    `bson:"detail,omitempty"`
}

func accessInsert(ctx context.Context, col *mongo.Collection, doc any) error {
	if _, err := col.InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("storage: insert in %s: %w", col.Name(), err)
	}
	return nil
}

// InsertRequest stores a new request.
func (s *Access) InsertRequest(ctx context.Context, r access.Request) error {
	return accessInsert(ctx, s.db.c(colRoleRequests), toRequestDoc(r))
}

// RequestByID returns the request or access.ErrNotFound.
func (s *Access) RequestByID(ctx context.Context, id string) (access.Request, error) {
	d, err := findOne[requestDoc](ctx, s.db.c(colRoleRequests), id, access.ErrNotFound)
	return d.request(), err
}

// RequestsOf returns the person's requests, newest first.
func (s *Access) RequestsOf(ctx context.Context, personID string) ([]access.Request, error) {
	docs, err := findAll[requestDoc](ctx, s.db.c(colRoleRequests), bson.M{"person": personID},
		bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}}, 200)
	return mapDocs(docs, requestDoc.request), err
}

// RequestsIn returns the requests in the state, oldest first, of the
// employments when some are named.
func (s *Access) RequestsIn(ctx context.Context, state access.State, employmentIDs []string) ([]access.Request, error) {
	filter := bson.M{"state": string(state)}
	if employmentIDs != nil {
		filter["employment"] = bson.M{"$in": employmentIDs}
	}
	docs, err := findAll[requestDoc](ctx, s.db.c(colRoleRequests), filter, bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, 1000)
	return mapDocs(docs, requestDoc.request), err
}

// SaveRequest replaces the request.
func (s *Access) SaveRequest(ctx context.Context, r access.Request) error {
	return replace(ctx, s.db.c(colRoleRequests), r.ID, toRequestDoc(r))
}

// ClaimStep inserts the step's key; a second claim gets access.ErrTaken.
func (s *Access) ClaimStep(ctx context.Context, key string, at time.Time) error {
	_, err := s.db.c(colRoleSteps).InsertOne(ctx, bson.M{"_id": key, "at": at})
	if isDuplicate(err) {
		return access.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("storage: claim a step: %w", err)
	}
	return nil
}

// StepTaken reports whether the step's key was claimed.
func (s *Access) StepTaken(ctx context.Context, key string) (bool, error) {
	n, err := s.db.c(colRoleSteps).CountDocuments(ctx, bson.M{"_id": key})
	if err != nil {
		return false, fmt.Errorf("storage: read a step: %w", err)
	}
	return n > 0, nil
}

// Lock inserts the lock's key with the token; while another holds it,
// it answers access.ErrTaken. A lock taken before stale is first removed
// (only that one: a fresh lock of another stays).
func (s *Access) Lock(ctx context.Context, key, token string, at, stale time.Time) error {
	col := s.db.c(colRoleSteps)
	for try := 0; ; try++ {
		_, err := col.InsertOne(ctx, bson.M{"_id": key, "token": token, "at": at})
		if err == nil {
			return nil
		}
		if !isDuplicate(err) {
			return fmt.Errorf("storage: take a lock: %w", err)
		}
		if try > 0 {
			return access.ErrTaken
		}
		res, err := col.DeleteOne(ctx, bson.M{"_id": key, "at": bson.M{"$lt": stale}})
		if err != nil {
			return fmt.Errorf("storage: break a stale lock: %w", err)
		}
		if res.DeletedCount == 0 {
			return access.ErrTaken
		}
	}
}

// Unlock removes the lock's key if the token holds it.
func (s *Access) Unlock(ctx context.Context, key, token string) error {
	if _, err := s.db.c(colRoleSteps).DeleteOne(ctx, bson.M{"_id": key, "token": token}); err != nil {
		return fmt.Errorf("storage: give up a lock: %w", err)
	}
	return nil
}

// InsertGrant stores a new grant. Every write of a grant moves the
// grants' change stamp after it (see stamps.go).
func (s *Access) InsertGrant(ctx context.Context, g access.Grant) error {
	return s.db.changed(ctx, kindGrants, accessInsert(ctx, s.db.c(colRoleGrants), toGrantDoc(g)))
}

// GrantByID returns the grant or access.ErrNotFound.
func (s *Access) GrantByID(ctx context.Context, id string) (access.Grant, error) {
	d, err := findOne[grantDoc](ctx, s.db.c(colRoleGrants), id, access.ErrNotFound)
	return d.grant(), err
}

// GrantsOf returns the person's grants.
func (s *Access) GrantsOf(ctx context.Context, personID string) ([]access.Grant, error) {
	docs, err := findAll[grantDoc](ctx, s.db.c(colRoleGrants), bson.M{"person": personID}, bson.D{{Key: "granted_at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	return mapDocs(docs, grantDoc.grant), err
}

// ActiveGrants returns every grant not revoked, by person.
func (s *Access) ActiveGrants(ctx context.Context) ([]access.Grant, error) {
	docs, err := findAll[grantDoc](ctx, s.db.c(colRoleGrants), bson.M{"active": true}, bson.D{{Key: "person", Value: 1}, {Key: "_id", Value: 1}}, 0)
	return mapDocs(docs, grantDoc.grant), err
}

// SaveGrant replaces the grant.
func (s *Access) SaveGrant(ctx context.Context, g access.Grant) error {
	return s.db.changed(ctx, kindGrants, replace(ctx, s.db.c(colRoleGrants), g.ID, toGrantDoc(g)))
}

// SaveCompletion stores the completion under person and course.
func (s *Access) SaveCompletion(ctx context.Context, c access.Completion) error {
	id := c.PersonID + "|" + c.Course
	return replace(ctx, s.db.c(colRoleCourses), id, completionDoc{ID: id, Person: c.PersonID, Course: c.Course,
		CompletedOn: c.CompletedOn, Source: c.Source, RecordedBy: c.RecordedBy, RecordedAt: c.RecordedAt})
}

// CompletionsOf returns the person's completed courses.
func (s *Access) CompletionsOf(ctx context.Context, personID string) ([]access.Completion, error) {
	docs, err := findAll[completionDoc](ctx, s.db.c(colRoleCourses), bson.M{"person": personID}, byID, 0)
	return mapDocs(docs, func(d completionDoc) access.Completion {
		return access.Completion{PersonID: d.Person, Course: d.Course, CompletedOn: d.CompletedOn, Source: d.Source,
			RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt}
	}), err
}

// DeleteCompletion removes the person's completion of the course.
func (s *Access) DeleteCompletion(ctx context.Context, personID, course string) error {
	res, err := s.db.c(colRoleCourses).DeleteOne(ctx, bson.M{"_id": personID + "|" + course})
	if err != nil {
		return fmt.Errorf("storage: remove a course: %w", err)
	}
	if res.DeletedCount == 0 {
		return access.ErrNotFound
	}
	return nil
}

// AppendEvent adds a line to the audit log.
func (s *Access) AppendEvent(ctx context.Context, e access.Event) error {
	return accessInsert(ctx, s.db.c(colRoleAudit), auditDoc{ID: e.ID, At: e.At, Actor: e.Actor, ActorName: e.ActorName, Action: e.Action,
		Person: e.Person, Role: e.Role, Units: e.Units, Request: e.Request, Grant: e.Grant, Course: e.Course, Detail: e.Detail})
}

// Events returns the newest lines of the log, of the person if given,
// those of views of the log only when withViews.
func (s *Access) Events(ctx context.Context, personID string, withViews bool, limit int) ([]access.Event, error) {
	filter := bson.M{}
	if personID != "" {
		filter["person"] = personID
	}
	if !withViews {
		filter["action"] = bson.M{"$ne": access.ActionViewLog}
	}
	docs, err := findAll[auditDoc](ctx, s.db.c(colRoleAudit), filter, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}, int64(limit))
	return mapDocs(docs, func(d auditDoc) access.Event {
		return access.Event{ID: d.ID, At: d.At, Actor: d.Actor, ActorName: d.ActorName, Action: d.Action, Person: d.Person,
			Role: d.Role, Units: d.Units, Request: d.Request, Grant: d.Grant, Course: d.Course, Detail: d.Detail}
	}), err
}
