package app

import (
	"context"
	"errors"

	"portal/applicants"
	"portal/employees"
	"portal/recruiting"
)

// staffViewings tells an applicant's data export who among the staff
// viewed what of their applications, from the recruitments' access log
// and the staff directory.
type staffViewings struct {
	log    *recruiting.AccessLog
	people *employees.Directory
}

// ViewingsOf returns the looks at the applications, oldest first, each
// with the staff member's user name and name.
func (v staffViewings) ViewingsOf(ctx context.Context, ids []string) ([]applicants.Viewing, error) {
	entries, err := v.log.OfApplications(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	out := make([]applicants.Viewing, 0, len(entries))
	for _, e := range entries {
		name, ok := names[e.PersonID]
		if !ok {
			p, err := v.people.Person(ctx, e.PersonID)
			switch {
			case err == nil:
				name = p.FirstName + " " + p.LastName
			case !errors.Is(err, employees.ErrNotFound):
				return nil, err
			}
			names[e.PersonID] = name
		}
		out = append(out, applicants.Viewing{Application: e.CandidateID, At: e.At, User: e.PersonID, Name: name, What: e.Kind,
			Version: e.Version, FileID: e.Attachment})
	}
	return out, nil
}
