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

	"portal/credentials"
	"portal/staffauth"
)

// colStaffCredentials holds the staff's passwords, one document a person
// under the person's id.
const colStaffCredentials = "staff_credentials"

// StaffCredentials stores the staff's passwords.
type StaffCredentials struct{ db *DB }

// StaffCredentials returns the store of the staff's passwords.
func (d *DB) StaffCredentials() *StaffCredentials { return &StaffCredentials{d} }

type staffCredentialDoc struct {
	ID           string    `bson:"_id"`
	PasswordHash string    `bson:"password_hash,omitempty"`
	ChangedAt    time.Time `bson:"changed_at,omitempty"`
	Temp         *tempDoc  `bson:"temp,omitempty"`
}

// Credential returns the person's credentials or staffauth.ErrNotFound.
func (s *StaffCredentials) Credential(ctx context.Context, personID string) (staffauth.Credential, error) {
	var d staffCredentialDoc
	err := s.db.c(colStaffCredentials).FindOne(ctx, bson.M{"_id": personID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return staffauth.Credential{}, staffauth.ErrNotFound
	}
	if err != nil {
		return staffauth.Credential{}, fmt.Errorf("storage: read staff credentials: %w", err)
	}
	c := staffauth.Credential{PersonID: d.ID, PasswordHash: d.PasswordHash, ChangedAt: d.ChangedAt}
	if d.Temp != nil {
		c.Temp = &credentials.Temp{Hash: d.Temp.Hash, IssuedAt: d.Temp.IssuedAt, ExpiresAt: d.Temp.ExpiresAt}
	}
	return c, nil
}

// SetPassword replaces the password and removes any temporary one.
func (s *StaffCredentials) SetPassword(ctx context.Context, personID, hash string, at time.Time) error {
	return s.upsert(ctx, personID, bson.M{"$set": bson.M{"password_hash": hash, "changed_at": at}, "$unset": bson.M{"temp": ""}})
}

// SetTemp replaces the temporary password; nil removes it.
func (s *StaffCredentials) SetTemp(ctx context.Context, personID string, t *credentials.Temp) error {
	if t == nil {
		return s.upsert(ctx, personID, bson.M{"$unset": bson.M{"temp": ""}})
	}
	return s.upsert(ctx, personID, bson.M{"$set": bson.M{"temp": tempDoc{Hash: t.Hash, IssuedAt: t.IssuedAt, ExpiresAt: t.ExpiresAt}}})
}

func (s *StaffCredentials) upsert(ctx context.Context, personID string, update bson.M) error {
	_, err := s.db.c(colStaffCredentials).UpdateOne(ctx, bson.M{"_id": personID}, update, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: save staff credentials: %w", err)
	}
	return nil
}

// ClaimTemp spends the temporary password issued at issued: only one
// caller ever gets true, as the claim is an insert on a unique _id.
func (s *StaffCredentials) ClaimTemp(ctx context.Context, personID string, issued, keepUntil time.Time) (bool, error) {
	_, err := s.db.c(colClaims).InsertOne(ctx, bson.M{
		"_id": "staff-temp-password:" + personID + ":" + strconv.FormatInt(issued.UnixNano(), 10), "expires_at": keepUntil,
	})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: claim staff temporary password: %w", err)
	}
	return true, nil
}
