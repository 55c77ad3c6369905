package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"portal/jobs"
	"portal/links"
	"portal/mail"
)

// Delivery tuning.
const (
	// batch is how many messages go to the outbox between checkpoints.
	batch = 1000
	// lookback re-reads changes this far before the last refresh, so that
	// clocks a little apart between instances lose no change.
	lookback = 5 * time.Minute
	// forgetRemoved is how long removal records are kept; an index older
	// than refreshFull is loaded afresh rather than brought up to date.
	forgetRemoved = 30 * 24 * time.Hour
	refreshFull   = 20 * 24 * time.Hour
	// keepMatches is how long matches are kept after their digest.
	keepMatches = 60 * 24 * time.Hour
	// DigestHour is the hour (Swedish time) when daily digests go out.
	DigestHour = 7
)

// never is the due time of a dispatch whose ad is a draft again.
var never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// index holds the subscriptions that receive e-mail, in memory, so that a
// new ad is matched against all of them without reading them all.
type index struct {
	subs    map[string]*Subscription
	version string
	since   time.Time // the start of the last refresh
}

// refresh brings the index up to date: nothing to do when the version has
// not moved, the changes since the last refresh otherwise.
func (s *Service) refresh(ctx context.Context, now time.Time) error {
	version, err := s.Store.SubscriptionsVersion(ctx)
	if err != nil {
		return err
	}
	ix := &s.index
	full := ix.subs == nil || now.Sub(ix.since) >= refreshFull
	if !full && version == ix.version {
		return nil
	}
	since := ix.since.Add(-lookback)
	if full {
		since, ix.subs = time.Time{}, map[string]*Subscription{}
	}
	changed, err := s.Store.ChangedSubscriptions(ctx, since)
	if err != nil {
		return err
	}
	for i := range changed {
		if sub := &changed[i]; sub.Removed || sub.Status != Active || !sub.Notify {
			delete(ix.subs, sub.ID)
		} else {
			ix.subs[sub.ID] = sub
		}
	}
	ix.version, ix.since = version, now
	return nil
}

// Refresh brings this instance's index of subscriptions up to date. A
// starting instance calls it once, so that its first dispatch does not
// wait for the whole load.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh(ctx, s.Now())
}

// Match returns the subscriptions of the index as last refreshed that
// receive e-mail now and whose criteria ad matches, ordered by id.
func (s *Service) Match(ad jobs.Ad) []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := s.match(ad, s.Now())
	out := make([]Subscription, len(found))
	for i, sub := range found {
		out[i] = *sub
	}
	return out
}

// match is Match on the index, without copies: the subscriptions it
// returns are the index's own and must not be changed.
func (s *Service) match(ad jobs.Ad, now time.Time) []*Subscription {
	m := jobs.NewMatcher(ad)
	var out []*Subscription
	for _, sub := range s.index.subs {
		if sub.Receives(now) && m.Matches(sub.Criteria) {
			out = append(out, sub)
		}
	}
	slices.SortFunc(out, func(a, b *Subscription) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Publish records that ad is published (now or at its publication time);
// the next RunDispatches after that moment tells its subscribers.
func (s *Service) Publish(ctx context.Context, ad jobs.Ad) error {
	if ad.PublishedAt.IsZero() {
		return errors.New("alerts: ad has no publication time")
	}
	return s.Ledger.ScheduleDispatch(ctx, ad.Ref, ad.PublishedAt)
}

// RunDispatches tells subscribers of every ad whose publication has come
// and returns how many messages and digest entries it queued.
func (s *Service) RunDispatches(ctx context.Context) (int, error) {
	due, err := s.Ledger.DueDispatches(ctx, s.Now())
	if err != nil {
		return 0, err
	}
	total := 0
	for _, d := range due {
		n, err := s.dispatch(ctx, d)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// dispatch queues one message per matching immediate subscription and one
// digest entry per matching daily one, a batch at a time. The checkpoint
// moves only after a batch is stored; the keys of messages and entries
// make a batch repeated after a crash add nothing.
func (s *Service) dispatch(ctx context.Context, d Dispatch) (int, error) {
	ad, err := s.Ads.AdByRef(ctx, d.Ref)
	if errors.Is(err, jobs.ErrNotFound) {
		d.DoneAt = s.Now()
		return 0, s.Ledger.SaveDispatch(ctx, d)
	}
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	// An ad already closed tells no one; one moved to later or made a
	// draft again waits for its next publication, which schedules it anew.
	switch {
	case ad.Published(now) && !ad.Open(now):
		d.DoneAt = now
		return 0, s.Ledger.SaveDispatch(ctx, d)
	case !ad.Published(now):
		d.DueAt = ad.PublishedAt
		if d.DueAt.IsZero() {
			d.DueAt = never
		}
		return 0, s.Ledger.SaveDispatch(ctx, d)
	}
	if err := s.refresh(ctx, now); err != nil {
		return 0, err
	}
	subs := s.match(ad, now)
	queued := 0
	var render *prepared
	for start := 0; start < len(subs); start += batch {
		chunk := subs[start:min(start+batch, len(subs))]
		if chunk[len(chunk)-1].ID <= d.Cursor {
			continue
		}
		var msgs []mail.Keyed
		var matches []Match
		for _, sub := range chunk {
			if sub.ID <= d.Cursor {
				continue
			}
			if sub.Frequency == Daily {
				matches = append(matches, Match{Subscription: sub.ID, Ref: ad.Ref, At: now})
				continue
			}
			if render == nil {
				render = s.prepare(ad)
			}
			m, err := render.message(*sub)
			if err != nil {
				return queued, err
			}
			msgs = append(msgs, mail.Keyed{Key: "alert:" + sub.ID + ":" + ad.Ref, Message: m})
		}
		if err := s.Ledger.AddMatches(ctx, matches); err != nil {
			return queued, err
		}
		n, err := s.Outbox.SendOnce(ctx, msgs)
		if err != nil {
			return queued, err
		}
		queued += n + len(matches)
		d.Cursor = chunk[len(chunk)-1].ID
		if err := s.Ledger.SaveDispatch(ctx, d); err != nil {
			return queued, err
		}
	}
	d.DoneAt = s.Now()
	s.Log.Info("new ad told to subscribers", "ref", ad.Ref, "matching", len(subs), "queued", queued)
	return queued, s.Ledger.SaveDispatch(ctx, d)
}

// prepared renders the alert of one ad once per language, so that each
// subscriber costs two signatures and the filling in of links and criteria.
type prepared struct {
	s     *Service
	ad    AdLine
	cache map[string]Prepared
}

func (s *Service) prepare(ad jobs.Ad) *prepared {
	return &prepared{s: s, ad: s.line(ad), cache: map[string]Prepared{}}
}

func (p *prepared) message(sub Subscription) (mail.Message, error) {
	tmpl, ok := p.cache[sub.Lang]
	if !ok {
		var err error
		if tmpl, err = p.s.Render.Prepare(sub.Lang, MailData{Kind: KindAlert, Ads: []AdLine{p.ad}}); err != nil {
			return mail.Message{}, fmt.Errorf("alerts: render alert: %w", err)
		}
		p.cache[sub.Lang] = tmpl
	}
	unsubscribe := p.s.signedURL(links.AlertUnsubscribe, LinkUnsubscribe, sub)
	subject, text, html := tmpl.Fill(p.s.signedURL(links.AlertManage, LinkManage, sub), unsubscribe, sub.Criteria)
	return mail.Message{
		To: sub.Email, Subject: subject, Text: text, HTML: html, Tag: sub.Tag(),
		Headers: unsubscribeHeaders(unsubscribe),
	}, nil
}

func (s *Service) line(ad jobs.Ad) AdLine {
	return AdLine{Ref: ad.Ref, Title: ad.Title, Organisation: ad.Organisation, Place: ad.Place,
		LastDay: ad.LastDay.Start(), URL: s.Links.URL(links.JobAd, ad.Ref)}
}

// digestCutoff is the moment of the digest of now's day: DigestHour,
// Swedish time.
func digestCutoff(now time.Time) (time.Time, string) {
	day := jobs.DayOf(now)
	t := day.Start().In(jobs.Stockholm)
	return time.Date(t.Year(), t.Month(), t.Day(), DigestHour, 0, 0, 0, jobs.Stockholm), day.String()
}

// SendDigests queues today's digest for each daily subscriber with new
// matches and returns how many it queued. Run again the same day it queues
// only what is missing: a digest has one key per subscription and day, and
// matches are taken for it before it is queued.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	now := s.Now()
	cutoff, day := digestCutoff(now)
	if now.Before(cutoff) {
		cutoff, day = digestCutoff(now.Add(-24 * time.Hour))
	}
	open, err := s.Ledger.OpenMatches(ctx, cutoff, day)
	if err != nil {
		return 0, err
	}
	var order []string
	for _, m := range open {
		order = append(order, m.Subscription)
	}
	slices.Sort(order)
	order = slices.Compact(order)
	ads := map[string]jobs.Ad{}
	sent := 0
	for _, id := range order {
		key := "digest:" + id + ":" + day
		done, err := s.Outbox.Sent(ctx, key)
		if err != nil {
			return sent, err
		}
		if done {
			continue // matches made after it wait for tomorrow's
		}
		sub, err := s.Store.Subscription(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return sent, err
		}
		taken, err := s.Ledger.TakeMatches(ctx, id, cutoff, day)
		if err != nil {
			return sent, err
		}
		if !sub.Receives(now) {
			continue
		}
		var lines []AdLine
		for _, m := range taken {
			ad, ok := ads[m.Ref]
			if !ok {
				if ad, err = s.Ads.AdByRef(ctx, m.Ref); err != nil && !errors.Is(err, jobs.ErrNotFound) {
					return sent, err
				}
				ads[m.Ref] = ad
			}
			if ad.Ref != "" && ad.Open(now) {
				lines = append(lines, s.line(ad))
			}
		}
		if len(lines) == 0 {
			continue // every ad closed since: nothing worth a mail
		}
		sort.Slice(lines, func(i, j int) bool { return lines[i].Ref < lines[j].Ref })
		m, err := s.message(sub, MailData{Kind: KindDigest, Ads: lines})
		if err != nil {
			return sent, err
		}
		n, err := s.Outbox.SendOnce(ctx, []mail.Keyed{{Key: key, Message: m}})
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

// SendReminders mails the subscribers whose subscription ends within
// ReminderLead, once per end date, with a link to renew.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.Now()
	subs, err := s.Store.ExpiringSubscriptions(ctx, now.Add(ReminderLead))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, sub := range subs {
		if !sub.Receives(now) {
			continue
		}
		m, err := s.message(sub, MailData{Kind: KindReminder})
		if err != nil {
			return sent, err
		}
		key := fmt.Sprintf("renew:%s:%d", sub.ID, sub.ExpiresAt.Unix())
		n, err := s.Outbox.SendOnce(ctx, []mail.Keyed{{Key: key, Message: m}})
		if err != nil {
			return sent, err
		}
		sent += n
		sub.RemindedAt = now
		if err := s.Store.SaveSubscription(ctx, sub, now); err != nil && !errors.Is(err, ErrNotFound) {
			return sent, err
		}
	}
	return sent, nil
}

// RemoveStale removes subscriptions left unconfirmed for ConfirmWindow and
// those past their end, and returns how many.
func (s *Service) RemoveStale(ctx context.Context) (int, error) {
	now := s.Now()
	n, err := s.Store.RemoveStaleSubscriptions(ctx, now.Add(-ConfirmWindow), now, now.Add(-forgetRemoved))
	if err != nil {
		return n, err
	}
	return n, s.Ledger.PruneMatches(ctx, now.Add(-keepMatches))
}
