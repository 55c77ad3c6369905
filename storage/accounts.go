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

	"portal/applicants"
	"portal/applications"
)

// Accounts stores applicant accounts and their security log.
type Accounts struct{ db *DB }

// Accounts returns the account store.
func (d *DB) Accounts() *Accounts { return &Accounts{d} }

type profileDoc struct {
	FirstName  string `bson:"first_name"`
	LastName   string `bson:"last_name"`
	Street     string `bson:"street"`
	PostalCode string `bson:"postal_code"`
	Town       string `bson:"town"`
	Country    string `bson:"country"`
	Phone      string `bson:"phone"`
	Protected  bool   `bson:"protected,omitempty"`
}

type tempDoc struct {
	Hash      string    `bson:"hash"`
	IssuedAt  time.Time `bson:"issued_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

type accountDoc struct {
	ID                bson.ObjectID `bson:"_id,omitempty"`
	Email             string        `bson:"email"`
	PasswordHash      string        `bson:"password_hash"`
	EmailVerifiedAt   time.Time     `bson:"email_verified_at,omitempty"`
	VerifyTokenHash   string        `bson:"verify_token_hash,omitempty"`
	VerifyExpiresAt   time.Time     `bson:"verify_expires_at,omitempty"`
	ConsentVersion    string        `bson:"consent_version"`
	ConsentAt         time.Time     `bson:"consent_at"`
	Profile           profileDoc    `bson:"profile"`
	Temp              *tempDoc      `bson:"temp,omitempty"`
	CreatedAt         time.Time     `bson:"created_at"`
	PasswordChangedAt time.Time     `bson:"password_changed_at"`
	PendingEmail      string        `bson:"pending_email,omitempty"`
	EmailTokenHash    string        `bson:"email_token_hash,omitempty"`
	EmailTokenExpires time.Time     `bson:"email_token_expires,omitempty"`
	DeleteAfter       time.Time     `bson:"delete_after,omitempty"`
	LastLoginAt       time.Time     `bson:"last_login_at,omitempty"`
	IdleNoticeAt      time.Time     `bson:"idle_notice_at,omitempty"`
}

func (d accountDoc) account() applicants.Account {
	a := applicants.Account{
		ID: d.ID.Hex(), Email: d.Email, PasswordHash: d.PasswordHash, EmailVerifiedAt: d.EmailVerifiedAt,
		VerifyTokenHash: d.VerifyTokenHash, VerifyExpiresAt: d.VerifyExpiresAt,
		ConsentVersion: d.ConsentVersion, ConsentAt: d.ConsentAt, Profile: applicants.Profile(d.Profile),
		CreatedAt: d.CreatedAt, PasswordChangedAt: d.PasswordChangedAt,
		PendingEmail: d.PendingEmail, EmailTokenHash: d.EmailTokenHash, EmailTokenExpires: d.EmailTokenExpires,
		DeleteAfter: d.DeleteAfter, LastLoginAt: d.LastLoginAt, IdleNoticeAt: d.IdleNoticeAt,
	}
	if d.Temp != nil {
		a.Temp = &applicants.TempPassword{Hash: d.Temp.Hash, IssuedAt: d.Temp.IssuedAt, ExpiresAt: d.Temp.ExpiresAt}
	}
	return a
}

// CreateAccount stores a new account; the unique index on email refuses a
// second account for one address.
func (s *Accounts) CreateAccount(ctx context.Context, a applicants.Account) (string, error) {
	doc := accountDoc{Email: a.Email, PasswordHash: a.PasswordHash, ConsentVersion: a.ConsentVersion,
		ConsentAt: a.ConsentAt, Profile: profileDoc(a.Profile), CreatedAt: a.CreatedAt, PasswordChangedAt: a.PasswordChangedAt}
	res, err := s.db.c(colAccounts).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return "", applicants.ErrEmailTaken
	}
	if err != nil {
		return "", fmt.Errorf("storage: create account: %w", err)
	}
	return res.InsertedID.(bson.ObjectID).Hex(), nil
}

func (s *Accounts) one(ctx context.Context, filter bson.M) (applicants.Account, error) {
	var doc accountDoc
	err := s.db.c(colAccounts).FindOne(ctx, filter).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return applicants.Account{}, applicants.ErrNotFound
	}
	if err != nil {
		return applicants.Account{}, fmt.Errorf("storage: account: %w", err)
	}
	return doc.account(), nil
}

// AccountByEmail finds an account by its normalized address.
func (s *Accounts) AccountByEmail(ctx context.Context, email string) (applicants.Account, error) {
	return s.one(ctx, bson.M{"email": email})
}

// AccountByID finds an account by id.
func (s *Accounts) AccountByID(ctx context.Context, id string) (applicants.Account, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.Account{}, applicants.ErrNotFound
	}
	return s.one(ctx, bson.M{"_id": oid})
}

// Applicant returns what applying needs of an account.
func (s *Accounts) Applicant(ctx context.Context, id string) (applications.Applicant, error) {
	a, err := s.AccountByID(ctx, id)
	if err != nil {
		return applications.Applicant{}, err
	}
	p := a.Profile
	return applications.Applicant{Email: a.Email, Verified: a.Verified(), Details: applications.Snapshot{
		FirstName: p.FirstName, LastName: p.LastName, Email: a.Email, Phone: p.Phone,
		Street: p.Street, PostalCode: p.PostalCode, Town: p.Town, Country: p.Country, Protected: p.Protected}}, nil
}

// AccountByVerifyToken finds the account a verification link belongs to.
func (s *Accounts) AccountByVerifyToken(ctx context.Context, hash string) (applicants.Account, error) {
	return s.one(ctx, bson.M{"verify_token_hash": hash})
}

func (s *Accounts) update(ctx context.Context, id string, update bson.M) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.ErrNotFound
	}
	res, err := s.db.c(colAccounts).UpdateOne(ctx, bson.M{"_id": oid}, update)
	if err != nil {
		return fmt.Errorf("storage: update account: %w", err)
	}
	if res.MatchedCount == 0 {
		return applicants.ErrNotFound
	}
	return nil
}

// SetPassword replaces the password and removes any temporary one.
func (s *Accounts) SetPassword(ctx context.Context, id, hash string, now time.Time) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"password_hash": hash, "password_changed_at": now}, "$unset": bson.M{"temp": ""}})
}

// SetTempPassword replaces the temporary password; nil removes it.
func (s *Accounts) SetTempPassword(ctx context.Context, id string, t *applicants.TempPassword) error {
	if t == nil {
		return s.update(ctx, id, bson.M{"$unset": bson.M{"temp": ""}})
	}
	return s.update(ctx, id, bson.M{"$set": bson.M{"temp": tempDoc{Hash: t.Hash, IssuedAt: t.IssuedAt, ExpiresAt: t.ExpiresAt}}})
}

// ClaimTempPassword spends the temporary password issued at issued: only
// one caller ever gets true, as the claim is an insert on a unique _id.
func (s *Accounts) ClaimTempPassword(ctx context.Context, id string, issued, keepUntil time.Time) (bool, error) {
	_, err := s.db.c(colClaims).InsertOne(ctx, bson.M{
		"_id": "temp-password:" + id + ":" + strconv.FormatInt(issued.UnixNano(), 10), "expires_at": keepUntil,
	})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: claim temporary password: %w", err)
	}
	return true, nil
}

// SetVerifyToken stores the hash of a new verification link.
func (s *Accounts) SetVerifyToken(ctx context.Context, id, hash string, expires time.Time) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"verify_token_hash": hash, "verify_expires_at": expires}})
}

// MarkVerified records the confirmation of the address and spends the link.
func (s *Accounts) MarkVerified(ctx context.Context, id string, now time.Time) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"email_verified_at": now}, "$unset": bson.M{"verify_token_hash": "", "verify_expires_at": ""}})
}

// SetProfile stores the applicant's details.
func (s *Accounts) SetProfile(ctx context.Context, id string, p applicants.Profile) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"profile": profileDoc(p)}})
}

type eventDoc struct {
	Account string    `bson:"account"`
	At      time.Time `bson:"at"`
	Kind    string    `bson:"kind"`
	IP      string    `bson:"ip,omitempty"`
}

// AddEvent appends to an account's security log.
func (s *Accounts) AddEvent(ctx context.Context, id string, e applicants.Event) error {
	_, err := s.db.c(colEvents).InsertOne(ctx, eventDoc{Account: id, At: e.At, Kind: e.Kind, IP: e.IP})
	if err != nil {
		return fmt.Errorf("storage: add event: %w", err)
	}
	return nil
}

// Events returns an account's newest security events first.
func (s *Accounts) Events(ctx context.Context, id string, limit int) ([]applicants.Event, error) {
	cur, err := s.db.c(colEvents).Find(ctx, bson.M{"account": id},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: events: %w", err)
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: events: %w", err)
	}
	out := make([]applicants.Event, len(docs))
	for i, d := range docs {
		out[i] = applicants.Event{At: d.At, Kind: d.Kind, IP: d.IP}
	}
	return out, nil
}

// SetPendingEmail stores a new address waiting for its link to be opened.
func (s *Accounts) SetPendingEmail(ctx context.Context, id, email, hash string, expires time.Time) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"pending_email": email, "email_token_hash": hash, "email_token_expires": expires}})
}

// AccountByEmailToken finds the account an address-change link belongs to.
func (s *Accounts) AccountByEmailToken(ctx context.Context, hash string) (applicants.Account, error) {
	return s.one(ctx, bson.M{"email_token_hash": hash})
}

// ApplyEmailChange makes email the account's address; the unique index
// refuses an address another account took meanwhile.
func (s *Accounts) ApplyEmailChange(ctx context.Context, id, email string, now time.Time) error {
	err := s.update(ctx, id, bson.M{
		"$set":   bson.M{"email": email, "email_verified_at": now},
		"$unset": bson.M{"pending_email": "", "email_token_hash": "", "email_token_expires": ""},
	})
	if isDuplicate(err) {
		return applicants.ErrEmailTaken
	}
	return err
}

// HasApplications reports whether any application of the applicant is
// stored, submitted or not.
func (s *Accounts) HasApplications(ctx context.Context, id string) (bool, error) {
	err := s.db.c(colApplications).FindOne(ctx, bson.M{"applicant": id}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: applications of an account: %w", err)
	}
	return true, nil
}

// ScheduleDeletion marks the account as being deleted since at; zero
// removes the mark.
func (s *Accounts) ScheduleDeletion(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return s.update(ctx, id, bson.M{"$unset": bson.M{"delete_after": ""}})
	}
	return s.update(ctx, id, bson.M{"$set": bson.M{"delete_after": at}})
}

// MarkedForDeletion lists, in order of id, up to limit accounts with a
// deletion mark whose ids come after the given one ("": from the first).
func (s *Accounts) MarkedForDeletion(ctx context.Context, after string, limit int) ([]string, error) {
	filter := bson.M{"delete_after": bson.M{"$gt": time.Time{}}}
	if err := afterID(filter, after); err != nil {
		return nil, err
	}
	cur, err := s.db.c(colAccounts).Find(ctx, filter,
		options.Find().SetProjection(bson.M{"_id": 1}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: accounts marked for deletion: %w", err)
	}
	var docs []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: accounts marked for deletion: %w", err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID.Hex()
	}
	return out, nil
}

// afterID adds to a filter that the account's id comes after the given
// one; "" adds nothing.
func afterID(filter bson.M, after string) error {
	if after == "" {
		return nil
	}
	oid, err := bson.ObjectIDFromHex(after)
	if err != nil {
		return fmt.Errorf("storage: account id %q: %w", after, err)
	}
	filter["_id"] = bson.M{"$gt": oid}
	return nil
}

// RecordLogin stores the moment of a login and removes the notice of an
// unused account. Logins at once each write a moment of the same day, so
// whichever write stays is right.
func (s *Accounts) RecordLogin(ctx context.Context, id string, at time.Time) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"last_login_at": at}, "$unset": bson.M{"idle_notice_at": ""}})
}

// LastLoginEvent returns the latest login in the account's security log,
// zero when there is none.
func (s *Accounts) LastLoginEvent(ctx context.Context, id string) (time.Time, error) {
	var doc eventDoc
	err := s.db.c(colEvents).FindOne(ctx, bson.M{"account": id, "kind": bson.M{"$in": bson.A{applicants.EventLogin, applicants.EventResetUsed}}},
		options.FindOne().SetSort(bson.D{{Key: "at", Value: -1}})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: last login: %w", err)
	}
	return doc.At, nil
}

// UnusedAccounts lists, in order of id and after the given one, up to
// limit accounts whose latest recorded login is before the moment, or
// that never logged in and were created before it.
func (s *Accounts) UnusedAccounts(ctx context.Context, before time.Time, after string, limit int) ([]applicants.Account, error) {
	filter := bson.M{"$or": bson.A{
		bson.M{"last_login_at": bson.M{"$lt": before}},
		bson.M{"last_login_at": bson.M{"$exists": false}, "created_at": bson.M{"$lt": before}},
	}}
	if err := afterID(filter, after); err != nil {
		return nil, err
	}
	cur, err := s.db.c(colAccounts).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: unused accounts: %w", err)
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: unused accounts: %w", err)
	}
	out := make([]applicants.Account, len(docs))
	for i, d := range docs {
		out[i] = d.account()
	}
	return out, nil
}

// SetIdleNotice records when the account was told it is to be deleted as
// unused.
func (s *Accounts) SetIdleNotice(ctx context.Context, id string, at time.Time) error {
	return s.update(ctx, id, bson.M{"$set": bson.M{"idle_notice_at": at}})
}

// DeleteEvents removes an account's security log.
func (s *Accounts) DeleteEvents(ctx context.Context, id string) error {
	if _, err := s.db.c(colEvents).DeleteMany(ctx, bson.M{"account": id}); err != nil {
		return fmt.Errorf("storage: delete account events: %w", err)
	}
	return nil
}

// DeleteAccount removes the account record; what hangs on it is removed
// by the caller first.
func (s *Accounts) DeleteAccount(ctx context.Context, id string) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return applicants.ErrNotFound
	}
	if _, err := s.db.c(colAccounts).DeleteOne(ctx, bson.M{"_id": oid}); err != nil {
		return fmt.Errorf("storage: delete account: %w", err)
	}
	return nil
}
