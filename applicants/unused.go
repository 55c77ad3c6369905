package applicants

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"portal/jobs"
	"portal/mail"
)

// Unused is the rule for accounts nobody uses: an account with no
// application left and no login for Years is told NoticeDays before, and
// then deleted, unless someone logs in meanwhile.
type Unused struct {
	Years      int
	NoticeDays int
}

// notice is how long before its deletion an unused account is told.
func (u Unused) notice() time.Duration { return time.Duration(u.NoticeDays) * 24 * time.Hour }

// recordLogin stores the moment of a login, at most once a day, and ends
// the notice of an unused account. Recording is not the login: a failure
// is logged, and fails the login only when a notice would stand.
func (s *Accounts) recordLogin(ctx context.Context, a Account) error {
	now := s.Now()
	if a.IdleNoticeAt.IsZero() && !a.LastLoginAt.IsZero() && sameDay(a.LastLoginAt, now) {
		return nil
	}
	err := s.Store.RecordLogin(ctx, a.ID, now)
	if err == nil {
		return nil
	}
	s.log().Warn("login not recorded", "err", err)
	if a.IdleNoticeAt.IsZero() {
		return nil
	}
	return err
}

// sameDay reports whether a and b fall on one Swedish calendar day.
func sameDay(a, b time.Time) bool {
	const day = "2006-01-02"
	return a.In(jobs.Stockholm).Format(day) == b.In(jobs.Stockholm).Format(day)
}

// unusedBatch is how many accounts one read of the unused ones brings.
const unusedBatch = 500

// DeleteUnused applies the rule for unused accounts: those with no login
// for Unused.Years (from their creation when never logged in) and no
// application stored are told, once, NoticeDays before they go; those told
// whose time has come, and that nobody logged in to since, are deleted.
// It reads the accounts in batches and returns how many went.
func (s *Accounts) DeleteUnused(ctx context.Context) (int, error) {
	if s.Unused.Years <= 0 {
		return 0, nil
	}
	now := s.Now()
	// A day's leeway: the rule is judged exactly for each account below.
	before := now.Add(s.Unused.notice()).AddDate(-s.Unused.Years, 0, 1)
	n, after := 0, ""
	for {
		accounts, err := s.Store.UnusedAccounts(ctx, before, after, unusedBatch)
		if err != nil || len(accounts) == 0 {
			return n, err
		}
		for _, a := range accounts {
			deleted, err := s.unused(ctx, a, now)
			if err != nil {
				return n, err
			}
			if deleted {
				n++
			}
		}
		after = accounts[len(accounts)-1].ID
	}
}

// unused tells or deletes one account that may be unused, and reports
// whether it was deleted.
func (s *Accounts) unused(ctx context.Context, a Account, now time.Time) (bool, error) {
	last, err := s.lastUse(ctx, a)
	if err != nil {
		return false, err
	}
	deleteAt := last.AddDate(s.Unused.Years, 0, 0)
	if now.Add(s.Unused.notice()).Before(deleteAt) {
		return false, nil
	}
	if has, err := s.Store.HasApplications(ctx, a.ID); err != nil || has {
		return false, err
	}
	if a.IdleNoticeAt.IsZero() || a.IdleNoticeAt.Before(last) {
		// The notice has its time in full, also when the task comes late.
		until := deleteAt
		if told := now.Add(s.Unused.notice()); told.After(until) {
			until = told
		}
		if err := s.tellUnused(ctx, a, last, until); err != nil {
			return false, err
		}
		return false, s.Store.SetIdleNotice(ctx, a.ID, now)
	}
	if now.Before(deleteAt) || now.Before(a.IdleNoticeAt.Add(s.Unused.notice())) {
		return false, nil
	}
	// Read again just before: a login since the batch was read keeps it.
	fresh, err := s.Store.AccountByID(ctx, a.ID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if fresh.LastLoginAt.After(a.LastLoginAt) || fresh.IdleNoticeAt.IsZero() {
		return false, nil
	}
	if _, err := s.deleteNow(ctx, fresh, "sv", false); err != nil {
		return false, err
	}
	return true, nil
}

// lastUse is the account's latest login, or its creation when later; for
// accounts from before logins were recorded, the security log's latest.
func (s *Accounts) lastUse(ctx context.Context, a Account) (time.Time, error) {
	last := a.CreatedAt
	if a.LastLoginAt.After(last) {
		last = a.LastLoginAt
	}
	if a.LastLoginAt.IsZero() {
		logged, err := s.Store.LastLoginEvent(ctx, a.ID)
		if err != nil {
			return time.Time{}, err
		}
		if logged.After(last) {
			last = logged
		}
	}
	return last, nil
}

// tellUnused mails the notice of an unused account in Swedish and English
// (the account keeps no language), once for each time it falls unused.
func (s *Accounts) tellUnused(ctx context.Context, a Account, last, until time.Time) error {
	m := Mail{Kind: MailUnused, Until: until}
	sv, err := s.render("sv", a.Email, m)
	if err != nil {
		return err
	}
	en, err := s.render("en", a.Email, m)
	if err != nil {
		return err
	}
	sv.Subject += " / " + en.Subject
	sv.Text += "\n\n----\n\n" + en.Text
	key := "account-unused:" + a.ID + ":" + strconv.FormatInt(last.Unix(), 10)
	if _, err := s.Mailer.SendOnce(ctx, []mail.Keyed{{Key: key, Message: sv}}); err != nil {
		return fmt.Errorf("applicants: notice of an unused account: %w", err)
	}
	return nil
}
