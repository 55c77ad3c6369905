package app

import (
	"context"

	"portal/applicants"
	"portal/retention"
)

// accountRecords is the retention rule as applicant accounts ask it: how
// long each submitted application is kept, and culling those past their
// day when the account goes.
type accountRecords struct {
	schedule *retention.Schedule
	culler   *retention.Culler
}

// Keeping returns the application's status under the rule in the
// accounts' terms.
func (r accountRecords) Keeping(ctx context.Context, applicationID string) (applicants.Keeping, error) {
	st, err := r.schedule.Of(ctx, applicationID)
	if err != nil {
		return applicants.Keeping{}, err
	}
	k := applicants.Keeping{Years: r.schedule.Rules.Years}
	switch st.State {
	case retention.StateArchived:
		k.State = applicants.KeepArchived
	case retention.StateKept:
		k.State = applicants.KeepThrough
	case retention.StateHeld:
		k.State = applicants.KeepHeld
	case retention.StateDue:
		k.State = applicants.KeepDue
	default:
		k.State = applicants.KeepUndecided
	}
	if !st.KeptThrough.IsZero() {
		k.Through = st.KeptThrough.Start()
	}
	return k, nil
}

// CullNow removes the records of the applications that are due.
func (r accountRecords) CullNow(ctx context.Context, applicationIDs []string) error {
	return r.culler.CullNow(ctx, applicationIDs)
}
