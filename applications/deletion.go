package applications

import (
	"context"
	"errors"
	"fmt"
)

// RemoveDrafts deletes the applicant's drafts with their files, and the
// files and answers of submitted applications that are on the working copy
// only; submitted versions and their files stay, as official records,
// until the retention rules cull them. Every application lets go of its
// files before the files go, so a failure half-way leaves only files on no
// application, which the sweep removes.
func (s *Service) RemoveDrafts(ctx context.Context, applicant string) error {
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
			return fmt.Errorf("applications: reset working copy: %w", err)
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
