// Package alerts holds job alerts: saved searches ("intresseanmälan" for
// applicants, e-mail subscriptions for anyone), their double opt-in, signed
// links to change or end them, and the delivery of new ads to them, once
// per subscription and ad whatever restarts or second instances happen.
package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"portal/jobs"
	"portal/mail"
)

// How often a subscriber hears of new ads.
const (
	Immediate = "immediate" // one message per new ad
	Daily     = "daily"     // one digest a day of the day's new ads
)

// Frequencies lists the choices in display order.
var Frequencies = []string{Immediate, Daily}

// Statuses of a subscription.
const (
	Unconfirmed = "unconfirmed" // waits for the address to be confirmed
	Active      = "active"
)

// Rules of subscriptions.
const (
	// Lifetime is how long a confirmed subscription lasts unless renewed.
	Lifetime = 2 * 365 * 24 * time.Hour
	// ConfirmWindow is how long an unconfirmed subscription waits for its
	// address to be confirmed before it is removed.
	ConfirmWindow = 7 * 24 * time.Hour
	// ReminderLead is how long before the end the renewal reminder goes.
	ReminderLead = 7 * 24 * time.Hour
	// ConfirmsPerAddress caps confirmation mails to one address a day, so
	// the public form cannot be used to flood someone's inbox.
	ConfirmsPerAddress = 5
)

// Errors of the alerts domain.
var (
	ErrNotFound = errors.New("alerts: not found")
	// ErrBadLink is returned for a link whose signature does not fit.
	ErrBadLink = errors.New("alerts: link is not valid")
)

// Subscription is one saved search that may send e-mail.
type Subscription struct {
	ID        string
	Email     string
	Lang      string // language of the e-mail
	Criteria  jobs.Criteria
	Frequency string
	// Notify is false for an interest registration without e-mail; its
	// feed still works.
	Notify      bool
	Account     string // the applicant account it belongs to; empty for public subscriptions
	Status      string
	FeedID      string // names the subscription's public feed
	ConfirmHash string // SHA-256 of the confirmation token, while unconfirmed
	CreatedAt   time.Time
	ConfirmedAt time.Time
	ExpiresAt   time.Time // zero while unconfirmed
	RemindedAt  time.Time // when the renewal reminder went, for this ExpiresAt
	// Removed is set on records read from ChangedSubscriptions: the
	// subscription has ended and only its id is left.
	Removed bool
}

// Receives reports whether the subscription gets e-mail at now.
func (s Subscription) Receives(now time.Time) bool {
	return s.Status == Active && s.Notify && !s.Removed && now.Before(s.ExpiresAt)
}

// Tag groups the outbox messages of the subscription.
func (s Subscription) Tag() string { return "subscription:" + s.ID }

// Store keeps subscriptions.
type Store interface {
	InsertSubscription(ctx context.Context, s Subscription, now time.Time) error
	// Subscription returns a live subscription or ErrNotFound.
	Subscription(ctx context.Context, id string) (Subscription, error)
	SubscriptionByConfirmHash(ctx context.Context, hash string) (Subscription, error)
	SubscriptionByAccount(ctx context.Context, account string) (Subscription, error)
	SubscriptionByFeed(ctx context.Context, feed string) (Subscription, error)
	// SaveSubscription replaces a live subscription; ErrNotFound when it
	// has ended.
	SaveSubscription(ctx context.Context, s Subscription, now time.Time) error
	// RemoveSubscription ends a subscription, leaving a removal record for
	// ChangedSubscriptions; false when it had already ended.
	RemoveSubscription(ctx context.Context, id string, now time.Time) (bool, error)
	// ChangedSubscriptions returns the subscriptions written at or after
	// since, removal records included; a zero since returns every live one.
	ChangedSubscriptions(ctx context.Context, since time.Time) ([]Subscription, error)
	// SubscriptionsVersion changes whenever a subscription is written.
	SubscriptionsVersion(ctx context.Context) (string, error)
	// ExpiringSubscriptions returns active subscriptions with e-mail that
	// end before the given moment and have had no reminder yet.
	ExpiringSubscriptions(ctx context.Context, before time.Time) ([]Subscription, error)
	// RemoveStaleSubscriptions ends subscriptions unconfirmed since before
	// unconfirmedBefore and those that expired before now, and forgets
	// removal records older than forgetBefore.
	RemoveStaleSubscriptions(ctx context.Context, unconfirmedBefore, now, forgetBefore time.Time) (int, error)
}

// Dispatch is the progress of delivering one newly published ad.
type Dispatch struct {
	Ref    string
	DueAt  time.Time // the ad's publication
	Cursor string    // subscriptions up to this id have been handled
	DoneAt time.Time
}

// Match is a new ad waiting for a subscription's daily digest.
type Match struct {
	Subscription string
	Ref          string
	At           time.Time // when the ad was dispatched
	Digest       string    // the day of the digest that took it, once taken
}

// Ledger records what delivery has done, so that it resumes after a
// restart without sending anything twice.
type Ledger interface {
	// ScheduleDispatch records that ad ref is published at at; nothing
	// changes for an ad already dispatched.
	ScheduleDispatch(ctx context.Context, ref string, at time.Time) error
	// DueDispatches returns the dispatches not done whose time has come.
	DueDispatches(ctx context.Context, now time.Time) ([]Dispatch, error)
	SaveDispatch(ctx context.Context, d Dispatch) error
	// AddMatches stores matches, skipping those already stored: one per
	// subscription and ad, ever.
	AddMatches(ctx context.Context, ms []Match) error
	// OpenMatches returns the matches not yet in a digest that were made
	// before the given moment, and those in the digest of day.
	OpenMatches(ctx context.Context, before time.Time, day string) ([]Match, error)
	// TakeMatches puts a subscription's matches made before the given
	// moment and not yet in a digest in the digest of day, and returns all
	// the matches in that digest.
	TakeMatches(ctx context.Context, subscription string, before time.Time, day string) ([]Match, error)
	// PruneMatches forgets matches made before the given moment that are
	// in a digest.
	PruneMatches(ctx context.Context, before time.Time) error
	// RemoveMatches forgets the matches of a subscription.
	RemoveMatches(ctx context.Context, subscription string) error
}

// Outbox is where alert e-mail goes.
type Outbox interface {
	Send(ctx context.Context, m mail.Message) error
	SendOnce(ctx context.Context, msgs []mail.Keyed) (int, error)
	Sent(ctx context.Context, key string) (bool, error)
	Cancel(ctx context.Context, tag string) (int, error)
}

// Counter counts events per key in fixed windows, shared by all instances.
type Counter interface {
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error)
}

// Ads gives the ads that alerts describe.
type Ads interface {
	AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
}

// Signer signs the links in alert e-mail, so that they work without a
// login and cannot be made up for someone else's subscription.
type Signer struct{ Key []byte }

// Purposes of signed links; a signature for one does not work for another.
const (
	LinkUnsubscribe = "unsubscribe"
	LinkManage      = "manage"
	LinkRenew       = "renew"
)

// Sign returns the signature of a link of purpose for subscription id.
func (s Signer) Sign(purpose, id string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Check reports whether sig is the signature of purpose for id.
func (s Signer) Check(purpose, id, sig string) bool {
	return hmac.Equal([]byte(s.Sign(purpose, id)), []byte(sig))
}
