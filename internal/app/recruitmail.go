package app

import (
	"context"
	"errors"

	"portal/applicants"
	"portal/storage"
)

// applicantAddresses finds where an applicant's account gets e-mail: no
// address for an account that is gone.
type applicantAddresses struct{ accounts *storage.Accounts }

// Address returns the account's e-mail address, or empty.
func (a applicantAddresses) Address(ctx context.Context, applicantID string) (string, error) {
	acc, err := a.accounts.AccountByID(ctx, applicantID)
	if errors.Is(err, applicants.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return acc.Email, nil
}
