package applicants

import "context"

// DraftRemover removes what an applicant's applications hold that is not
// an official record.
type DraftRemover interface {
	// RemoveDrafts deletes the applicant's applications that were never
	// submitted, puts the working copy of each submitted one back to its
	// latest version, and deletes every file of the applicant that no
	// submitted version names.
	RemoveDrafts(ctx context.Context, applicant string) error
}

// Logins ends the sessions of an account.
type Logins interface {
	// EndAll ends every session of the account.
	EndAll(ctx context.Context, account string) error
}

// Interest is the account's job-alert interest registration, kept by the
// alerts.
type Interest interface {
	// ForgetAccount ends the registration of a deleted account and
	// withdraws its mail not yet sent.
	ForgetAccount(ctx context.Context, account string) error
	// AccountEmailChanged sends the registration's mail to the account's
	// new address.
	AccountEmailChanged(ctx context.Context, account, email string) error
	// ExportInterest returns the registration as "download my data" shows
	// it; false when the account has none.
	ExportInterest(ctx context.Context, account string) (InterestExport, bool, error)
}

// deleteNow deletes an account with everything of its applications that is
// not on record, its logins, its security log and its interest
// registration. The database has no transactions, so the account goes
// last: when a step fails, the account is still there to try again (the
// applicant, or the daily task), and what was already cut loose lies on no
// application, where the sweep removes it.
func (s *Accounts) deleteNow(ctx context.Context, id string) error {
	if err := s.Drafts.RemoveDrafts(ctx, id); err != nil {
		return err
	}
	if err := s.Sessions.EndAll(ctx, id); err != nil {
		return err
	}
	if err := s.Store.DeleteEvents(ctx, id); err != nil {
		return err
	}
	if err := s.Interest.ForgetAccount(ctx, id); err != nil {
		return err
	}
	return s.Store.DeleteAccount(ctx, id)
}
