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

// Viewing is one look by a member of the staff at one of the applicant's
// applications, as "download my data" lists it.
type Viewing struct {
	Application string    `json:"-"` // the application's id
	AdRef       string    `json:"ad_ref"`
	At          time.Time `json:"at"`
	User        string    `json:"staff_user"` // the staff member's user name
	Name        string    `json:"staff_name"`
	// What is "application", "attachment" or "identifying attachment" (a
	// file opened while the review was anonymised).
	What    string `json:"what"`
	Version int    `json:"version,omitempty"`
	FileID  string `json:"-"`
	File    string `json:"file,omitempty"` // the file's name
}

// Viewings reads who among the staff opened what of applications.
type Viewings interface {
	// ViewingsOf returns the looks at any of the applications, oldest
	// first, each naming its application and the staff member.
	ViewingsOf(ctx context.Context, applicationIDs []string) ([]Viewing, error)
}

// exportViewings adds who viewed what of the applications to x, the
// files named as the versions name them.
func exportViewings(ctx context.Context, viewings Viewings, list []applications.Application, names map[string]string, x *Export) error {
	x.Viewed = []Viewing{}
	if viewings == nil || len(list) == 0 {
		return nil
	}
	ids := make([]string, len(list))
	refs := map[string]string{}
	for i, a := range list {
		ids[i], refs[a.ID] = a.ID, a.AdRef
	}
	seen, err := viewings.ViewingsOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, v := range seen {
		v.AdRef = refs[v.Application]
		if v.FileID != "" {
			v.File = names[v.FileID]
		}
		x.Viewed = append(x.Viewed, v)
	}
	return nil
}

// exportApplications adds the applicant's applications to x, with every
// file of them checked before anything is sent: a file gone for good is
// named in x.Missing, and a file storage that does not answer stops the
// export with ErrFilesUnavailable.
func exportApplications(ctx context.Context, apps ApplicationData, viewings Viewings, id string, x *Export) error {
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
	names := make(map[string]string, len(files))
	for fid, f := range files {
		names[fid] = f.Name
	}
	if err := exportViewings(ctx, viewings, list, names, x); err != nil {
		return err
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
