package applicants

import (
	"context"
	"errors"
	"time"

	"portal/mail"
	"portal/valid"
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

// How long a submitted application is kept, by the retention rule.
const (
	// KeepUndecided: until the recruitment is decided, and then Years.
	KeepUndecided = "undecided"
	// KeepThrough: through the day Through, then culled.
	KeepThrough = "kept"
	// KeepHeld: a pending matter keeps it beyond its day.
	KeepHeld = "held"
	// KeepArchived: the applicant was hired; archived for good.
	KeepArchived = "archived"
	// KeepDue: its day has passed; it goes with the account.
	KeepDue = "due"
)

// Keeping is how long the records of a submitted application are kept.
type Keeping struct {
	State   string
	Through time.Time // the last day kept (its start), for KeepThrough, KeepHeld and KeepDue
	Years   int       // the years after the decision, for KeepUndecided
}

// Decided reports whether the recruitment's decision fixed the keeping.
func (k Keeping) Decided() bool { return k.State != "" && k.State != KeepUndecided }

// Retention is the retention rule applied to applications.
type Retention interface {
	// Keeping tells how long the records of a submitted application are
	// kept.
	Keeping(ctx context.Context, applicationID string) (Keeping, error)
	// CullNow removes the records of those of the applications whose day
	// has passed, and leaves the others.
	CullNow(ctx context.Context, applicationIDs []string) error
}

// Record is a submitted application of an account and how long it is kept.
type Record struct {
	ID          string
	AdRef       string
	AdTitle     string
	SubmittedAt time.Time
	Keeping
}

// Records returns the account's submitted applications, each with how long
// it is kept. Without a retention rule every one is kept undecided.
func (s *Accounts) Records(ctx context.Context, id string) ([]Record, error) {
	apps, err := s.Applications.List(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, a := range apps {
		if a.Version == 0 {
			continue
		}
		r := Record{ID: a.ID, AdRef: a.AdRef, AdTitle: a.AdTitle, SubmittedAt: a.SubmittedAt, Keeping: Keeping{State: KeepUndecided}}
		if s.Retention != nil {
			if r.Keeping, err = s.Retention.Keeping(ctx, a.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Delete deletes the account at once, once the password is given: the
// login, the profile, the sessions, the security log, the job alerts and
// the drafts. Of its submitted applications those past their day go too;
// the rest are official records and stay in their recruitments, with the
// details given when applying, until their day. It returns the
// applications and what becomes of each, which the confirmation mail
// tells as well.
func (s *Accounts) Delete(ctx context.Context, id, password, ip, lang string) ([]Record, error) {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if key, err := s.checkPassword(ctx, a, password); err != nil {
		return nil, err
	} else if key != "" {
		return nil, valid.Problems{{Field: "delete_password", Key: key}}
	}
	// Marked first, so that the daily task finishes a deletion cut short.
	if err := s.Store.ScheduleDeletion(ctx, id, s.Now()); err != nil {
		return nil, err
	}
	s.event(ctx, id, EventDeletionPlanned, ip)
	return s.deleteNow(ctx, a, lang, true)
}

// CancelDeletion keeps an account whose deletion was asked for and not
// finished.
func (s *Accounts) CancelDeletion(ctx context.Context, id, ip string) error {
	if err := s.Store.ScheduleDeletion(ctx, id, time.Time{}); err != nil {
		return err
	}
	s.event(ctx, id, EventDeletionDropped, ip)
	return nil
}

// deletionBatch is how many marked accounts one pass of DeleteDue reads.
const deletionBatch = 200

// DeleteDue finishes the deletions that were asked for and cut short (or
// scheduled under the earlier rule), and returns how many accounts went.
func (s *Accounts) DeleteDue(ctx context.Context) (int, error) {
	n := 0
	after := ""
	for {
		ids, err := s.Store.MarkedForDeletion(ctx, after, deletionBatch)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		for _, id := range ids {
			a, err := s.Store.AccountByID(ctx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return n, err
			}
			if _, err := s.deleteNow(ctx, a, "sv", true); err != nil {
				return n, err
			}
			n++
		}
		after = ids[len(ids)-1]
	}
}

// deleteNow deletes an account with everything of its applications that is
// not on record and those of its records past their day, its logins, its
// security log and its interest registration, and tells the applicant
// (once) what is kept. The database has no transactions, so the account
// goes last: when a step fails, the account is still there to try again
// (the applicant, or the daily task), and what was already cut loose lies
// on no application, where the sweep removes it.
func (s *Accounts) deleteNow(ctx context.Context, a Account, lang string, tell bool) ([]Record, error) {
	if err := s.Drafts.RemoveDrafts(ctx, a.ID); err != nil {
		return nil, err
	}
	var records []Record
	if s.Applications != nil {
		var err error
		if records, err = s.Records(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	// Told before anything on record goes, so that a deletion cut short
	// and finished later tells the whole of it; once, whichever try.
	if tell && s.Render != nil {
		if err := s.sendOnce(ctx, "account-deleted:"+a.ID, a.Email, lang, Mail{Kind: MailDeleted, Records: records}); err != nil {
			return nil, err
		}
	}
	var due []string
	for _, r := range records {
		if r.State == KeepDue {
			due = append(due, r.ID)
		}
	}
	if len(due) > 0 && s.Retention != nil {
		if err := s.Retention.CullNow(ctx, due); err != nil {
			return nil, err
		}
	}
	if err := s.Sessions.EndAll(ctx, a.ID); err != nil {
		return nil, err
	}
	if err := s.Store.DeleteEvents(ctx, a.ID); err != nil {
		return nil, err
	}
	if err := s.Interest.ForgetAccount(ctx, a.ID); err != nil {
		return nil, err
	}
	return records, s.Store.DeleteAccount(ctx, a.ID)
}

// sendOnce renders one account e-mail and puts it in the outbox under the
// key: a second call with the key adds nothing.
func (s *Accounts) sendOnce(ctx context.Context, key, to, lang string, m Mail) error {
	msg, err := s.render(lang, to, m)
	if err != nil {
		return err
	}
	_, err = s.Mailer.SendOnce(ctx, []mail.Keyed{{Key: key, Message: msg}})
	return err
}
