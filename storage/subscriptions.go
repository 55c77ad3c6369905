package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/alerts"
	"portal/jobs"
)

// Subscriptions stores job alerts and the record of their delivery.
type Subscriptions struct{ db *DB }

// Subscriptions returns the job-alert store.
func (d *DB) Subscriptions() *Subscriptions { return &Subscriptions{d} }

type criteriaDoc struct {
	Areas    []string `bson:"areas,omitempty"`
	Places   []string `bson:"places,omitempty"`
	Extent   string   `bson:"extent,omitempty"`
	Types    []string `bson:"types,omitempty"`
	Keywords []string `bson:"keywords,omitempty"`
}

// subscriptionDoc is a subscription, or once it has ended only its id,
// removed and changed_at, so that other instances learn of the end.
type subscriptionDoc struct {
	ID          string      `bson:"_id"`
	Email       string      `bson:"email,omitempty"`
	Lang        string      `bson:"lang,omitempty"`
	Criteria    criteriaDoc `bson:"criteria"`
	Frequency   string      `bson:"frequency,omitempty"`
	Notify      bool        `bson:"notify"`
	Account     string      `bson:"account,omitempty"`
	Status      string      `bson:"status"`
	FeedID      string      `bson:"feed_id,omitempty"`
	ConfirmHash string      `bson:"confirm_hash,omitempty"`
	CreatedAt   time.Time   `bson:"created_at"`
	ConfirmedAt time.Time   `bson:"confirmed_at"`
	ExpiresAt   time.Time   `bson:"expires_at"`
	RemindedAt  time.Time   `bson:"reminded_at"`
	ChangedAt   time.Time   `bson:"changed_at"`
	Removed     bool        `bson:"removed,omitempty"`
}

const statusRemoved = "removed"

func toSubscriptionDoc(s alerts.Subscription, now time.Time) subscriptionDoc {
	c := s.Criteria
	return subscriptionDoc{
		ID: s.ID, Email: s.Email, Lang: s.Lang, Frequency: s.Frequency, Notify: s.Notify, Account: s.Account,
		Criteria: criteriaDoc{Areas: c.Areas, Places: c.Places, Extent: c.Extent, Types: c.Types, Keywords: c.Keywords},
		Status:   s.Status, FeedID: s.FeedID, ConfirmHash: s.ConfirmHash, CreatedAt: s.CreatedAt,
		ConfirmedAt: s.ConfirmedAt, ExpiresAt: s.ExpiresAt, RemindedAt: s.RemindedAt, ChangedAt: now,
	}
}

func (d subscriptionDoc) subscription() alerts.Subscription {
	c := d.Criteria
	return alerts.Subscription{
		ID: d.ID, Email: d.Email, Lang: d.Lang, Frequency: d.Frequency, Notify: d.Notify, Account: d.Account,
		Criteria: jobs.Criteria{Areas: c.Areas, Places: c.Places, Extent: c.Extent, Types: c.Types, Keywords: c.Keywords},
		Status:   d.Status, FeedID: d.FeedID, ConfirmHash: d.ConfirmHash, CreatedAt: d.CreatedAt.UTC(),
		ConfirmedAt: d.ConfirmedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(), RemindedAt: d.RemindedAt.UTC(), Removed: d.Removed,
	}
}

// touch changes the version other instances compare before they re-read
// subscriptions. A fresh value, not $inc: see Ads.SaveAd.
func (s *Subscriptions) touch(ctx context.Context) error {
	_, err := s.db.c(colMeta).UpdateOne(ctx, bson.M{"_id": "subscriptions"},
		bson.M{"$set": bson.M{"version": bson.NewObjectID().Hex()}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: advance subscriptions version: %w", err)
	}
	return nil
}

// SubscriptionsVersion returns the value every write changes.
func (s *Subscriptions) SubscriptionsVersion(ctx context.Context) (string, error) {
	var doc struct {
		Version string `bson:"version"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": "subscriptions"}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: subscriptions version: %w", err)
	}
	return doc.Version, nil
}

// InsertSubscription stores a new subscription.
func (s *Subscriptions) InsertSubscription(ctx context.Context, sub alerts.Subscription, now time.Time) error {
	if _, err := s.db.c(colSubscriptions).InsertOne(ctx, toSubscriptionDoc(sub, now)); err != nil {
		return fmt.Errorf("storage: insert subscription: %w", err)
	}
	return s.touch(ctx)
}

// InsertSubscriptions stores many new subscriptions in one batch, for
// seeding and benchmarks.
func (s *Subscriptions) InsertSubscriptions(ctx context.Context, subs []alerts.Subscription, now time.Time) error {
	docs := make([]any, len(subs))
	for i, sub := range subs {
		docs[i] = toSubscriptionDoc(sub, now)
	}
	if _, err := s.db.c(colSubscriptions).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
		return fmt.Errorf("storage: insert subscriptions: %w", err)
	}
	return s.touch(ctx)
}

var live = bson.M{"$ne": true}

func (s *Subscriptions) one(ctx context.Context, filter bson.M) (alerts.Subscription, error) {
	filter["removed"] = live
	var doc subscriptionDoc
	err := s.db.c(colSubscriptions).FindOne(ctx, filter).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return alerts.Subscription{}, alerts.ErrNotFound
	}
	if err != nil {
		return alerts.Subscription{}, fmt.Errorf("storage: subscription: %w", err)
	}
	return doc.subscription(), nil
}

// Subscription returns a live subscription.
func (s *Subscriptions) Subscription(ctx context.Context, id string) (alerts.Subscription, error) {
	return s.one(ctx, bson.M{"_id": id})
}

// SubscriptionByConfirmHash finds a subscription by its confirmation token.
func (s *Subscriptions) SubscriptionByConfirmHash(ctx context.Context, hash string) (alerts.Subscription, error) {
	if hash == "" {
		return alerts.Subscription{}, alerts.ErrNotFound
	}
	return s.one(ctx, bson.M{"confirm_hash": hash})
}

// SubscriptionByAccount finds an applicant's interest registration.
func (s *Subscriptions) SubscriptionByAccount(ctx context.Context, account string) (alerts.Subscription, error) {
	if account == "" {
		return alerts.Subscription{}, alerts.ErrNotFound
	}
	return s.one(ctx, bson.M{"account": account})
}

// SubscriptionByFeed finds the subscription of a feed address.
func (s *Subscriptions) SubscriptionByFeed(ctx context.Context, feed string) (alerts.Subscription, error) {
	if feed == "" {
		return alerts.Subscription{}, alerts.ErrNotFound
	}
	return s.one(ctx, bson.M{"feed_id": feed})
}

// SaveSubscription replaces a live subscription.
func (s *Subscriptions) SaveSubscription(ctx context.Context, sub alerts.Subscription, now time.Time) error {
	res, err := s.db.c(colSubscriptions).ReplaceOne(ctx, bson.M{"_id": sub.ID, "removed": live}, toSubscriptionDoc(sub, now))
	if err != nil {
		return fmt.Errorf("storage: save subscription: %w", err)
	}
	if res.MatchedCount == 0 {
		return alerts.ErrNotFound
	}
	return s.touch(ctx)
}

func removal(id string, now time.Time) subscriptionDoc {
	return subscriptionDoc{ID: id, Status: statusRemoved, Removed: true, ChangedAt: now}
}

// RemoveSubscription leaves only the removal record of a subscription.
func (s *Subscriptions) RemoveSubscription(ctx context.Context, id string, now time.Time) (bool, error) {
	removed, err := s.remove(ctx, id, now)
	if err != nil || !removed {
		return removed, err
	}
	return true, s.touch(ctx)
}

// remove is RemoveSubscription without the change of version, for callers
// that remove many and change it once.
func (s *Subscriptions) remove(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := s.db.c(colSubscriptions).ReplaceOne(ctx, bson.M{"_id": id, "removed": live}, removal(id, now))
	if err != nil {
		return false, fmt.Errorf("storage: remove subscription: %w", err)
	}
	return res.MatchedCount > 0, nil
}

// ChangedSubscriptions returns what was written since a moment.
func (s *Subscriptions) ChangedSubscriptions(ctx context.Context, since time.Time) ([]alerts.Subscription, error) {
	filter := bson.M{"removed": live}
	if !since.IsZero() {
		filter = bson.M{"changed_at": bson.M{"$gte": since}}
	}
	return s.many(ctx, filter)
}

func (s *Subscriptions) many(ctx context.Context, filter bson.M) ([]alerts.Subscription, error) {
	cur, err := s.db.c(colSubscriptions).Find(ctx, filter, options.Find().SetBatchSize(5000))
	if err != nil {
		return nil, fmt.Errorf("storage: subscriptions: %w", err)
	}
	defer cur.Close(ctx)
	var out []alerts.Subscription
	for cur.Next(ctx) {
		var doc subscriptionDoc
		if err := cur.Decode(&doc); err != nil {
			return nil, fmt.Errorf("storage: subscriptions: %w", err)
		}
		out = append(out, doc.subscription())
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("storage: subscriptions: %w", err)
	}
	return out, nil
}

// ExpiringSubscriptions returns active subscriptions with e-mail that end
// before a moment and have had no reminder.
func (s *Subscriptions) ExpiringSubscriptions(ctx context.Context, before time.Time) ([]alerts.Subscription, error) {
	return s.many(ctx, bson.M{"status": alerts.Active, "notify": true, "removed": live,
		"expires_at": bson.M{"$lt": before}, "reminded_at": time.Time{}})
}

// RemoveStaleSubscriptions ends unconfirmed and expired subscriptions and
// forgets old removal records.
func (s *Subscriptions) RemoveStaleSubscriptions(ctx context.Context, unconfirmedBefore, now, forgetBefore time.Time) (int, error) {
	stale, err := s.many(ctx, bson.M{"removed": live, "$or": bson.A{
		bson.M{"status": alerts.Unconfirmed, "created_at": bson.M{"$lt": unconfirmedBefore}},
		bson.M{"status": alerts.Active, "expires_at": bson.M{"$lt": now}},
	}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range stale {
		if sub.Status == alerts.Unconfirmed && sub.Account != "" {
			continue // an applicant's registration waits for the account's address; it sends nothing meanwhile
		}
		removed, err := s.remove(ctx, sub.ID, now)
		if err != nil {
			return n, err
		}
		if removed {
			n++
		}
	}
	if n > 0 {
		if err := s.touch(ctx); err != nil {
			return n, err
		}
	}
	_, err = s.db.c(colSubscriptions).DeleteMany(ctx, bson.M{"removed": true, "changed_at": bson.M{"$lt": forgetBefore}})
	if err != nil {
		return n, fmt.Errorf("storage: forget removed subscriptions: %w", err)
	}
	return n, nil
}

// ScheduleDispatch records a publication to tell subscribers of.
func (s *Subscriptions) ScheduleDispatch(ctx context.Context, ref string, at time.Time) error {
	_, err := s.db.c(colDispatches).UpdateOne(ctx, bson.M{"_id": ref, "done_at": time.Time{}},
		bson.M{"$set": bson.M{"due_at": at}, "$setOnInsert": bson.M{"cursor": ""}},
		options.UpdateOne().SetUpsert(true))
	if isDuplicate(err) {
		return nil // dispatched already: a new publication time changes nothing
	}
	if err != nil {
		return fmt.Errorf("storage: schedule dispatch %s: %w", ref, err)
	}
	return nil
}

type dispatchDoc struct {
	Ref    string    `bson:"_id"`
	DueAt  time.Time `bson:"due_at"`
	Cursor string    `bson:"cursor"`
	DoneAt time.Time `bson:"done_at"`
}

// DueDispatches returns the dispatches whose time has come, oldest first.
func (s *Subscriptions) DueDispatches(ctx context.Context, now time.Time) ([]alerts.Dispatch, error) {
	cur, err := s.db.c(colDispatches).Find(ctx, bson.M{"done_at": time.Time{}, "due_at": bson.M{"$lte": now}},
		options.Find().SetSort(bson.D{{Key: "due_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: due dispatches: %w", err)
	}
	var docs []dispatchDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: due dispatches: %w", err)
	}
	out := make([]alerts.Dispatch, len(docs))
	for i, d := range docs {
		out[i] = alerts.Dispatch{Ref: d.Ref, DueAt: d.DueAt.UTC(), Cursor: d.Cursor, DoneAt: d.DoneAt}
	}
	return out, nil
}

// SaveDispatch records the progress of a dispatch.
func (s *Subscriptions) SaveDispatch(ctx context.Context, d alerts.Dispatch) error {
	_, err := s.db.c(colDispatches).ReplaceOne(ctx, bson.M{"_id": d.Ref},
		dispatchDoc{Ref: d.Ref, DueAt: d.DueAt, Cursor: d.Cursor, DoneAt: d.DoneAt}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: save dispatch %s: %w", d.Ref, err)
	}
	return nil
}

type matchDoc struct {
	ID           string    `bson:"_id"`
	Subscription string    `bson:"sub"`
	Ref          string    `bson:"ref"`
	At           time.Time `bson:"at"`
	Digest       string    `bson:"digest"`
}

// AddMatches stores digest entries, one per subscription and ad.
func (s *Subscriptions) AddMatches(ctx context.Context, ms []alerts.Match) error {
	if len(ms) == 0 {
		return nil
	}
	docs := make([]any, len(ms))
	for i, m := range ms {
		docs[i] = matchDoc{ID: m.Subscription + ":" + m.Ref, Subscription: m.Subscription, Ref: m.Ref, At: m.At, Digest: m.Digest}
	}
	_, err := s.db.c(colMatches).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !onlyDuplicates(err) {
		return fmt.Errorf("storage: add matches: %w", err)
	}
	return nil
}

func (s *Subscriptions) matches(ctx context.Context, filter bson.M) ([]alerts.Match, error) {
	cur, err := s.db.c(colMatches).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "sub", Value: 1}, {Key: "ref", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: matches: %w", err)
	}
	var docs []matchDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: matches: %w", err)
	}
	out := make([]alerts.Match, len(docs))
	for i, d := range docs {
		out[i] = alerts.Match{Subscription: d.Subscription, Ref: d.Ref, At: d.At.UTC(), Digest: d.Digest}
	}
	return out, nil
}

// OpenMatches returns entries waiting for a digest, and those in day's.
func (s *Subscriptions) OpenMatches(ctx context.Context, before time.Time, day string) ([]alerts.Match, error) {
	return s.matches(ctx, bson.M{"$or": bson.A{
		bson.M{"digest": "", "at": bson.M{"$lt": before}},
		bson.M{"digest": day},
	}})
}

// TakeMatches puts a subscription's waiting entries in day's digest and
// returns that digest's entries.
func (s *Subscriptions) TakeMatches(ctx context.Context, sub string, before time.Time, day string) ([]alerts.Match, error) {
	_, err := s.db.c(colMatches).UpdateMany(ctx, bson.M{"sub": sub, "digest": "", "at": bson.M{"$lt": before}},
		bson.M{"$set": bson.M{"digest": day}})
	if err != nil {
		return nil, fmt.Errorf("storage: take matches: %w", err)
	}
	return s.matches(ctx, bson.M{"sub": sub, "digest": day})
}

// RemoveMatches forgets a subscription's entries.
func (s *Subscriptions) RemoveMatches(ctx context.Context, sub string) error {
	if _, err := s.db.c(colMatches).DeleteMany(ctx, bson.M{"sub": sub}); err != nil {
		return fmt.Errorf("storage: remove matches: %w", err)
	}
	return nil
}

// PruneMatches forgets old entries already in a digest.
func (s *Subscriptions) PruneMatches(ctx context.Context, before time.Time) error {
	_, err := s.db.c(colMatches).DeleteMany(ctx, bson.M{"digest": bson.M{"$ne": ""}, "at": bson.M{"$lt": before}})
	if err != nil {
		return fmt.Errorf("storage: prune matches: %w", err)
	}
	return nil
}
