// Package sessions keeps logins on the server: the browser holds only a
// random token, the database holds its hash and the session's limits, so
// any instance can serve any request and logging out ends the session.
package sessions

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"portal/internal/tokens"
)

// ErrNoSession is returned for a missing, unknown, ended or expired session.
var ErrNoSession = errors.New("sessions: no session")

// Realm is a part of the portal with logins of its own: a session of one
// realm never counts in another.
type Realm string

// The realms.
const (
	Applicant Realm = "applicant" // job seekers' accounts
	Staff     Realm = "staff"     // employees, managers, recruiters
)

// Session is one login.
type Session struct {
	Key        string // hash of the token; the token itself is never stored
	Realm      Realm
	AccountID  string
	CreatedAt  time.Time
	LastSeen   time.Time
	Idle       time.Duration // ends after this long without a request
	ExpiresAt  time.Time     // ends at this moment whatever happens
	Public     bool          // "public computer": shorter limits, nothing kept
	Restricted bool          // logged in with a temporary password: may only choose a new one
	// Stage is what the login still lacks before it is whole (a second
	// factor, a new password); empty when nothing.
	Stage string
	// Outside: the login came from outside the trusted networks.
	Outside bool
}

// Options are how a session starts.
type Options struct {
	Public     bool
	Restricted bool
	Stage      string
	Outside    bool
}

// EndsAt is when the session ends if no request comes first.
func (s Session) EndsAt() time.Time {
	idleEnd := s.LastSeen.Add(s.Idle)
	if idleEnd.Before(s.ExpiresAt) {
		return idleEnd
	}
	return s.ExpiresAt
}

// Store keeps sessions.
type Store interface {
	CreateSession(ctx context.Context, s Session) error
	SessionByKey(ctx context.Context, key string) (Session, error) // ErrNoSession when missing
	TouchSession(ctx context.Context, key string, at time.Time) error
	DeleteSession(ctx context.Context, key string) error
	// DeleteSessionsOf ends every session of the realm's account but the
	// one with key except (which may be empty).
	DeleteSessionsOf(ctx context.Context, realm Realm, accountID, except string) error
}

// Policy is how long sessions last.
type Policy struct {
	Idle, Absolute             time.Duration
	PublicIdle, PublicAbsolute time.Duration
	// OutsideIdle, when set, is the idle time of a login from outside
	// the trusted networks.
	OutsideIdle time.Duration
	// TouchEvery bounds how often a request writes the last-seen time.
	TouchEvery time.Duration
}

// DefaultPolicy: 30 minutes idle and 12 hours in all; on a public
// computer 15 minutes idle and 60 minutes in all.
var DefaultPolicy = Policy{Idle: 30 * time.Minute, Absolute: 12 * time.Hour,
	PublicIdle: 15 * time.Minute, PublicAbsolute: 60 * time.Minute, TouchEvery: 30 * time.Second}

// StaffPolicy: staff sessions end after 30 minutes without activity and
// 10 hours in all (a working day); a login from outside the trusted
// networks ends after 15 minutes without activity. There is no
// public-computer choice.
var StaffPolicy = Policy{Idle: 30 * time.Minute, Absolute: 10 * time.Hour,
	PublicIdle: 30 * time.Minute, PublicAbsolute: 10 * time.Hour, OutsideIdle: 15 * time.Minute, TouchEvery: 30 * time.Second}

// Manager starts, checks and ends the sessions of one realm.
type Manager struct {
	Store  Store
	Realm  Realm // zero: Applicant
	Policy Policy
	Now    func() time.Time
}

// Key returns the stored form of a token.
func Key(token string) string { return tokens.Hash(token) }

// Start begins a session and returns the token for the cookie: 256 random
// bits, new at every login and change of privilege.
func (m *Manager) Start(ctx context.Context, accountID string, public, restricted bool) (string, Session, error) {
	return m.Open(ctx, accountID, Options{Public: public, Restricted: restricted})
}

// Open begins a session as o says and returns the token for the cookie.
func (m *Manager) Open(ctx context.Context, accountID string, o Options) (string, Session, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Session{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := m.Now()
	idle, absolute := m.Policy.Idle, m.Policy.Absolute
	if o.Public {
		idle, absolute = m.Policy.PublicIdle, m.Policy.PublicAbsolute
	}
	if o.Outside && m.Policy.OutsideIdle > 0 {
		idle = min(idle, m.Policy.OutsideIdle)
	}
	s := Session{Key: Key(token), Realm: m.realm(), AccountID: accountID, CreatedAt: now, LastSeen: now,
		Idle: idle, ExpiresAt: now.Add(absolute), Public: o.Public, Restricted: o.Restricted, Stage: o.Stage, Outside: o.Outside}
	if err := m.Store.CreateSession(ctx, s); err != nil {
		return "", Session{}, err
	}
	return token, s, nil
}

// Load returns the live session of a token and records the activity. An
// expired session is removed and reported as ErrNoSession.
func (m *Manager) Load(ctx context.Context, token string) (Session, error) {
	if len(token) != 43 {
		return Session{}, ErrNoSession
	}
	s, err := m.Store.SessionByKey(ctx, Key(token))
	if err != nil {
		return Session{}, err
	}
	if s.Realm != m.realm() {
		return Session{}, ErrNoSession // a login elsewhere is no login here
	}
	now := m.Now()
	if !now.Before(s.EndsAt()) {
		_ = m.Store.DeleteSession(ctx, s.Key)
		return Session{}, ErrNoSession
	}
	if now.Sub(s.LastSeen) >= m.Policy.TouchEvery {
		if err := m.Store.TouchSession(ctx, s.Key, now); err != nil {
			return Session{}, err
		}
		s.LastSeen = now
	}
	return s, nil
}

func (m *Manager) realm() Realm {
	if m.Realm == "" {
		return Applicant
	}
	return m.Realm
}

// Extend records activity now, for "continue" in the time-out warning.
func (m *Manager) Extend(ctx context.Context, s Session) (Session, error) {
	if s.Realm != m.realm() {
		return Session{}, ErrNoSession
	}
	s.LastSeen = m.Now()
	return s, m.Store.TouchSession(ctx, s.Key, s.LastSeen)
}

// End ends one session of the realm; one of another realm is
// ErrNoSession and goes on.
func (m *Manager) End(ctx context.Context, s Session) error {
	if s.Realm != m.realm() {
		return ErrNoSession
	}
	return m.Store.DeleteSession(ctx, s.Key)
}

// EndOthers ends every other session of the account.
func (m *Manager) EndOthers(ctx context.Context, s Session) error {
	if s.Realm != m.realm() {
		return ErrNoSession
	}
	return m.Store.DeleteSessionsOf(ctx, m.realm(), s.AccountID, s.Key)
}

// EndAll ends every session of the account in the realm.
func (m *Manager) EndAll(ctx context.Context, accountID string) error {
	return m.Store.DeleteSessionsOf(ctx, m.realm(), accountID, "")
}
