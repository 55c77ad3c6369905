package applicants

import (
	"context"
	"errors"
	"fmt"
)

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
	// DeleteSessionsOf ends every session of the account but except; ""
	// ends them all.
	DeleteSessionsOf(ctx context.Context, account, except string) error
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
func (s *Service) deleteNow(ctx context.Context, id string) error {
	if err := s.Drafts.RemoveDrafts(ctx, id); err != nil {
		return err
	}
	if err := s.Sessions.DeleteSessionsOf(ctx, id, ""); err != nil {
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

// RemoveDrafts deletes the applicant's drafts with their files, and the
// files and answers of submitted applications that are on the working copy
// only; submitted versions and their files stay, as official records,
// until the retention rules cull them. Every application lets go of its
// files before the files go, so a failure half-way leaves only files on no
// application, which the sweep removes.
func (s *Applying) RemoveDrafts(ctx context.Context, applicant string) error {
	apps, err := s.Apps.ApplicationsOf(ctx, applicant)
	if err != nil {
		return err
	}
	onRecord := map[string]bool{}
	for _, a := range apps {
		if a.Version == 0 {
			err := s.Apps.DeleteDraft(ctx, a.ID)
			if err == nil {
				continue
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
			// Submitted meanwhile, or gone: read it again.
			if a, err = s.Apps.ApplicationByID(ctx, a.ID); errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
		}
		versions, err := s.Apps.Versions(ctx, a.ID)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			// Marked submitted but its version not yet written: the working
			// copy is what was sent.
			current, err := s.Files.Store.AttachmentsOf(ctx, a.ID)
			if err != nil {
				return err
			}
			for _, f := range current {
				onRecord[f.ID] = true
			}
			continue
		}
		for _, v := range versions {
			for _, f := range v.Attachments {
				onRecord[f.ID] = true
			}
		}
		if err := s.Apps.ResetWorkingCopy(ctx, a.ID, versions[len(versions)-1], s.Now()); err != nil {
			return fmt.Errorf("applicants: reset working copy: %w", err)
		}
	}
	files, err := s.Files.Store.OwnedBy(ctx, applicant)
	if err != nil {
		return err
	}
	for _, f := range files {
		if onRecord[f.ID] {
			continue
		}
		if err := s.Files.discard(ctx, f); err != nil {
			return err
		}
	}
	return nil
}
