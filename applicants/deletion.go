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

// deleteNow deletes an account with everything of its applications that is
// not on record. The account goes last: when a step fails, the account is
// still there to try again (the applicant, or the daily task), and what was
// already cut loose lies on no application, where the sweep removes it.
func (s *Accounts) deleteNow(ctx context.Context, id string) error {
	if err := s.Drafts.RemoveDrafts(ctx, id); err != nil {
		return err
	}
	return s.Store.DeleteAccount(ctx, id)
}
