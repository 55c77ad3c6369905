package applicants

import (
	"context"
	"errors"
	"fmt"
	"time"

	"portal/applications"
	"portal/jobs"
)

// ErrFilesUnavailable is returned by ExportData when the file storage does
// not answer: an archive without the files would look complete.
var ErrFilesUnavailable = errors.New("applicants: the attached files cannot be reached")

// ApplicationData is what "download my data" reads of an applicant's
// applications.
type ApplicationData interface {
	List(ctx context.Context, applicant string) ([]applications.Application, error)
	Versions(ctx context.Context, a applications.Application) ([]applications.Version, error)
	AttachmentsOf(ctx context.Context, a applications.Application) ([]applications.Attachment, error)
	// StatFile checks that a file can be opened; a missing one is
	// applications.ErrNotFound, any other error a storage that does not answer.
	StatFile(ctx context.Context, owner, id string) (applications.Attachment, error)
}

// ExportedApplication is one application in "download my data".
type ExportedApplication struct {
	AdRef       string                    `json:"ad_ref"`
	AdTitle     string                    `json:"ad_title"`
	Status      string                    `json:"status"`
	Answers     map[string][]string       `json:"answers"`
	CreatedAt   time.Time                 `json:"created_at"`
	SubmittedAt time.Time                 `json:"submitted_at,omitzero"`
	WithdrawnAt time.Time                 `json:"withdrawn_at,omitzero"`
	Versions    []applications.Version    `json:"versions"`
	Files       []applications.Attachment `json:"files"`
}

// InterestExport is the interest registration in "download my data".
type InterestExport struct {
	Email     string        `json:"email"`
	Criteria  jobs.Criteria `json:"criteria"`
	Notify    bool          `json:"email_alerts"`
	Frequency string        `json:"frequency"`
	Status    string        `json:"status"`
	CreatedAt time.Time     `json:"created_at"`
	ExpiresAt time.Time     `json:"expires_at,omitzero"`
}

// exportApplications adds the applicant's applications to x, with every
// file of them checked before anything is sent: a file gone for good is
// named in x.Missing, and a file storage that does not answer stops the
// export with ErrFilesUnavailable.
func exportApplications(ctx context.Context, apps ApplicationData, id string, x *Export) error {
	list, err := apps.List(ctx, id)
	if err != nil {
		return err
	}
	files := map[string]applications.Attachment{}
	var order []string
	add := func(f applications.Attachment) {
		if _, ok := files[f.ID]; !ok {
			files[f.ID] = f
			order = append(order, f.ID)
		}
	}
	for _, app := range list {
		versions, err := apps.Versions(ctx, app)
		if err != nil {
			return err
		}
		current, err := apps.AttachmentsOf(ctx, app)
		if err != nil {
			return err
		}
		for _, f := range current {
			add(f)
		}
		for _, v := range versions {
			for _, f := range v.Attachments {
				add(f)
			}
		}
		x.Applications = append(x.Applications, ExportedApplication{AdRef: app.AdRef, AdTitle: app.AdTitle, Status: app.Status,
			Answers: app.Answers, CreatedAt: app.CreatedAt, SubmittedAt: app.SubmittedAt, WithdrawnAt: app.WithdrawnAt,
			Versions: versions, Files: current})
	}
	for _, fid := range order {
		att, err := apps.StatFile(ctx, id, fid)
		switch {
		case errors.Is(err, applications.ErrNotFound):
			x.Missing = append(x.Missing, files[fid].Name)
		case err != nil:
			return fmt.Errorf("%w (%d files): %w", ErrFilesUnavailable, len(order), err)
		default:
			x.Files = append(x.Files, att)
		}
	}
	return nil
}
