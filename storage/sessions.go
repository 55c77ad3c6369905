package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"portal/sessions"
)

// Sessions stores logins.
type Sessions struct{ db *DB }

// Sessions returns the session store.
func (d *DB) Sessions() *Sessions { return &Sessions{d} }

type sessionDoc struct {
	Key        string    `bson:"_id"`
	Account    string    `bson:"account"`
	CreatedAt  time.Time `bson:"created_at"`
	LastSeen   time.Time `bson:"last_seen"`
	IdleMS     int64     `bson:"idle_ms"`
	ExpiresAt  time.Time `bson:"expires_at"`
	Public     bool      `bson:"public"`
	Restricted bool      `bson:"restricted"`
	Realm      string    `bson:"realm,omitempty"` // empty in sessions stored before realms: applicants
	Stage      string    `bson:"stage,omitempty"`
	Outside    bool      `bson:"outside,omitempty"`
}

// CreateSession stores a new session.
func (s *Sessions) CreateSession(ctx context.Context, x sessions.Session) error {
	_, err := s.db.c(colSessions).InsertOne(ctx, sessionDoc{Key: x.Key, Account: x.AccountID, CreatedAt: x.CreatedAt,
		LastSeen: x.LastSeen, IdleMS: x.Idle.Milliseconds(), ExpiresAt: x.ExpiresAt, Public: x.Public, Restricted: x.Restricted, Realm: string(x.Realm),
		Stage: x.Stage, Outside: x.Outside})
	if err != nil {
		return fmt.Errorf("storage: create session: %w", err)
	}
	return nil
}

// SessionByKey returns a session or sessions.ErrNoSession.
func (s *Sessions) SessionByKey(ctx context.Context, key string) (sessions.Session, error) {
	var d sessionDoc
	err := s.db.c(colSessions).FindOne(ctx, bson.M{"_id": key}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return sessions.Session{}, sessions.ErrNoSession
	}
	if err != nil {
		return sessions.Session{}, fmt.Errorf("storage: session: %w", err)
	}
	return sessions.Session{Key: d.Key, AccountID: d.Account, CreatedAt: d.CreatedAt, LastSeen: d.LastSeen,
		Idle: time.Duration(d.IdleMS) * time.Millisecond, ExpiresAt: d.ExpiresAt, Public: d.Public, Restricted: d.Restricted, Realm: realmOf(d.Realm),
		Stage: d.Stage, Outside: d.Outside}, nil
}

// TouchSession records activity.
func (s *Sessions) TouchSession(ctx context.Context, key string, at time.Time) error {
	_, err := s.db.c(colSessions).UpdateOne(ctx, bson.M{"_id": key}, bson.M{"$set": bson.M{"last_seen": at}})
	if err != nil {
		return fmt.Errorf("storage: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (s *Sessions) DeleteSession(ctx context.Context, key string) error {
	if _, err := s.db.c(colSessions).DeleteOne(ctx, bson.M{"_id": key}); err != nil {
		return fmt.Errorf("storage: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsOf ends every session of the realm's account but except.
func (s *Sessions) DeleteSessionsOf(ctx context.Context, realm sessions.Realm, account, except string) error {
	filter := bson.M{"account": account, "_id": bson.M{"$ne": except}, "realm": string(realm)}
	if realm == sessions.Applicant { // sessions stored before realms have none
		delete(filter, "realm")
		filter["$or"] = bson.A{bson.M{"realm": string(realm)}, bson.M{"realm": bson.M{"$exists": false}}}
	}
	_, err := s.db.c(colSessions).DeleteMany(ctx, filter)
	if err != nil {
		return fmt.Errorf("storage: delete sessions: %w", err)
	}
	return nil
}

// realmOf reads a stored realm; sessions stored before there were realms
// are applicants'.
func realmOf(s string) sessions.Realm {
	if s == "" {
		return sessions.Applicant
	}
	return sessions.Realm(s)
}
