// Package mail sends e-mail, and text messages (SMS), through a durable
// outbox: messages are stored first and a worker delivers them, each by
// the sender of its channel, retrying with back-off.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"portal/valid"
)

// ErrEmpty is returned by Store.Claim when no message is due.
var ErrEmpty = errors.New("mail: nothing to send")

// Statuses of an outbox record.
const (
	StatusPending = "pending"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
	// StatusCancelled marks a message withdrawn before it was sent, such as
	// an alert whose subscriber unsubscribed meanwhile.
	StatusCancelled = "cancelled"
)

// Channels a message goes out on.
const (
	// ChannelEmail is e-mail; messages stored before there were channels
	// have it too.
	ChannelEmail = ""
	// ChannelSMS is a text message to a mobile number in E.164 form
	// (+46701234567); it has a text and no subject.
	ChannelSMS = "sms"
)

// Message is one e-mail or, on ChannelSMS, one text message.
type Message struct {
	// Channel is how the message goes out: ChannelEmail or ChannelSMS.
	Channel string
	To      string
	ReplyTo string
	Subject string
	Text    string
	HTML    string            // optional alternative part
	Headers map[string]string // extra headers, such as List-Unsubscribe
	// Tag groups messages that can be withdrawn together while pending,
	// for example all alerts of one subscription.
	Tag string
}

// Keyed is a message with a key of its own: the outbox keeps at most one
// message per key, so putting a key in twice sends it once.
type Keyed struct {
	Key string
	Message
}

// address accepts a header address whose address part keeps the portal's
// rule; a display name is allowed, since configured senders and recipients
// may carry one.
func address(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && valid.Email(a.Address)
}

// smsTo is a mobile number in E.164 form.
var smsTo = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// maxSMS is the longest text message accepted: ten parts.
const maxSMS = 1530

// Validate checks the addresses and the subject of a message, or the
// number and the text of a text message.
func (m Message) Validate() error {
	switch m.Channel {
	case ChannelEmail:
	case ChannelSMS:
		if !smsTo.MatchString(m.To) {
			return errors.New("mail: text message to a number not in E.164 form")
		}
		if strings.TrimSpace(m.Text) == "" || len(m.Text) > maxSMS {
			return errors.New("mail: text message empty or too long")
		}
		return nil
	default:
		return fmt.Errorf("mail: unknown channel %q", m.Channel)
	}
	if !address(m.To) {
		return fmt.Errorf("mail: bad recipient %q", m.To)
	}
	if m.ReplyTo != "" {
		if !address(m.ReplyTo) {
			return fmt.Errorf("mail: bad reply-to %q", m.ReplyTo)
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") || strings.TrimSpace(m.Subject) == "" {
		return errors.New("mail: bad subject")
	}
	return nil
}

// Record is a message in the outbox with its delivery state.
type Record struct {
	ID string
	Message
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	NextAt    time.Time
	SentAt    time.Time
}

// Store keeps the outbox.
type Store interface {
	// Enqueue stores a pending message due at now.
	Enqueue(ctx context.Context, m Message, now time.Time) (string, error)
	// Claim atomically takes the next due message (pending and due, or
	// sending with an expired lease) for owner until leaseUntil and counts
	// the attempt. It returns ErrEmpty when none is due.
	Claim(ctx context.Context, owner string, now, leaseUntil time.Time) (Record, error)
	// MarkSent, Retry and Fail end a claim; they do nothing when owner no
	// longer holds it.
	MarkSent(ctx context.Context, id, owner string, now time.Time) error
	Retry(ctx context.Context, id, owner string, next time.Time, reason string) error
	Fail(ctx context.Context, id, owner string, reason string) error
	// Recent returns the newest records first.
	Recent(ctx context.Context, limit int) ([]Record, error)
	// RecentOn returns the newest records of one channel first.
	RecentOn(ctx context.Context, channel string, limit int) ([]Record, error)
	// EnqueueKeyed stores pending messages under their keys, skipping keys
	// already in the outbox, and returns how many it added.
	EnqueueKeyed(ctx context.Context, msgs []Keyed, now time.Time) (int, error)
	// HasKey reports whether a message with the key is in the outbox.
	HasKey(ctx context.Context, key string) (bool, error)
	// Cancel withdraws the pending messages with the tag.
	Cancel(ctx context.Context, tag string) (int, error)
	// Failed returns the messages given up on, newest first.
	Failed(ctx context.Context, limit int) ([]Record, error)
	// Requeue makes a failed message pending again with a fresh count of
	// attempts; it returns ErrNotFailed when the message is not failed.
	Requeue(ctx context.Context, id string, now time.Time) error
	// Counts returns the number of messages per status.
	Counts(ctx context.Context) (map[string]int64, error)
	// RemoveOld deletes the sent and withdrawn messages created before the
	// cut-off and returns how many went.
	RemoveOld(ctx context.Context, before time.Time) (int64, error)
}

// Retention is how long sent and withdrawn e-mail stays in the outbox: it
// is personal data that has done its job. Failed messages stay until
// someone deals with them.
const Retention = 90 * 24 * time.Hour

// ErrNotFailed is returned by Requeue for a message that has not failed.
var ErrNotFailed = errors.New("mail: message has not failed")

// Sender delivers one message, for example over SMTP.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Channels is the Sender of a worker that delivers several channels: it
// hands each message to the sender of its channel. A message of a channel
// without a sender fails its try, and is retried like any other failure.
type Channels map[string]Sender

// Send delivers m through the sender of its channel.
func (c Channels) Send(ctx context.Context, m Message) error {
	s, ok := c[m.Channel]
	if !ok || s == nil {
		return fmt.Errorf("mail: no sender for channel %q", m.Channel)
	}
	return s.Send(ctx, m)
}

// Keep is the sender of a channel whose messages are only kept in the
// outbox, for development: they count as sent and stay visible there.
type Keep struct{}

// Send does nothing.
func (Keep) Send(context.Context, Message) error { return nil }

// Outbox is the Mailer the rest of the portal uses: sending means storing.
type Outbox struct {
	store Store
	now   func() time.Time
}

// NewOutbox returns an outbox over store.
func NewOutbox(store Store, now func() time.Time) *Outbox { return &Outbox{store, now} }

// Send validates the message and puts it in the outbox.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	_, err := o.store.Enqueue(ctx, m, o.now())
	return err
}

// SendOnce validates every message and puts those whose keys are new in
// the outbox; it returns how many it added. An invalid message stops the
// whole call before anything is stored.
func (o *Outbox) SendOnce(ctx context.Context, msgs []Keyed) (int, error) {
	for _, m := range msgs {
		if m.Key == "" {
			return 0, errors.New("mail: message without a key")
		}
		if err := m.Validate(); err != nil {
			return 0, fmt.Errorf("%w (key %s)", err, m.Key)
		}
	}
	return o.store.EnqueueKeyed(ctx, msgs, o.now())
}

// Sent reports whether a message with key has been put in the outbox.
func (o *Outbox) Sent(ctx context.Context, key string) (bool, error) { return o.store.HasKey(ctx, key) }

// Cancel withdraws the pending messages with tag.
func (o *Outbox) Cancel(ctx context.Context, tag string) (int, error) {
	return o.store.Cancel(ctx, tag)
}

// RemoveOld deletes the sent and withdrawn messages older than Retention
// and returns how many went.
func (o *Outbox) RemoveOld(ctx context.Context) (int, error) {
	n, err := o.store.RemoveOld(ctx, o.now().Add(-Retention))
	return int(n), err
}

// Worker delivers outbox messages. Several workers, in one process or many,
// can share an outbox: each message is claimed by one of them at a time.
type Worker struct {
	Store       Store
	Sender      Sender
	Owner       string        // unique per worker, e.g. host name and process id
	MaxAttempts int           // after this many failed tries a message is marked failed
	Lease       time.Duration // how long a claim lasts before another worker may retry
	Poll        time.Duration // pause when the outbox is empty
	BaseDelay   time.Duration // first retry delay; doubled per attempt, capped at MaxDelay
	MaxDelay    time.Duration
	Now         func() time.Time
	Log         *slog.Logger
	// Limiter caps the sending rate, so that a large list does not trip
	// the mail server's limits; nil means no cap.
	Limiter *rate.Limiter
}

// Run delivers messages until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	for {
		n, err := w.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("outbox", "err", err)
		}
		if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Poll):
		}
	}
}

// Drain delivers due messages until none is left and returns how many it
// handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		now := w.Now()
		rec, err := w.Store.Claim(ctx, w.Owner, now, now.Add(w.Lease))
		if errors.Is(err, ErrEmpty) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		if w.Limiter != nil {
			if err := w.Limiter.Wait(ctx); err != nil {
				return n, err // the claim's lease runs out and another try follows
			}
		}
		if err := w.deliver(ctx, rec); err != nil {
			return n, err
		}
	}
	return n, ctx.Err()
}

func (w *Worker) deliver(ctx context.Context, rec Record) error {
	sendCtx, cancel := context.WithTimeout(ctx, w.Lease/2)
	sendErr := w.Sender.Send(sendCtx, rec.Message)
	cancel()
	if sendErr == nil {
		w.Log.Info("mail sent", "id", rec.ID, "attempt", rec.Attempts)
		return w.Store.MarkSent(ctx, rec.ID, w.Owner, w.Now())
	}
	reason := sendErr.Error()
	if rec.Attempts >= w.MaxAttempts {
		w.Log.Error("mail failed", "id", rec.ID, "attempts", rec.Attempts, "err", reason)
		return w.Store.Fail(ctx, rec.ID, w.Owner, reason)
	}
	next := w.Now().Add(w.delay(rec.Attempts))
	w.Log.Warn("mail retry", "id", rec.ID, "attempt", rec.Attempts, "next", next, "err", reason)
	return w.Store.Retry(ctx, rec.ID, w.Owner, next, reason)
}

// delay is the pause before the next try: doubling, capped, with jitter so
// that many messages failing together do not retry together.
func (w *Worker) delay(attempts int) time.Duration {
	d := w.BaseDelay << min(attempts-1, 20)
	if d <= 0 || d > w.MaxDelay {
		d = w.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// Recent returns the newest messages first.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]Record, error) {
	return o.store.Recent(ctx, limit)
}

// RecentOn returns the newest messages of one channel first.
func (o *Outbox) RecentOn(ctx context.Context, channel string, limit int) ([]Record, error) {
	return o.store.RecentOn(ctx, channel, limit)
}

// Failed returns the messages given up on, newest first.
func (o *Outbox) Failed(ctx context.Context, limit int) ([]Record, error) {
	return o.store.Failed(ctx, limit)
}

// Counts returns the number of messages per status.
func (o *Outbox) Counts(ctx context.Context) (map[string]int64, error) { return o.store.Counts(ctx) }

// Requeue makes a failed message pending again, due now; ErrNotFailed
// when the message has not failed.
func (o *Outbox) Requeue(ctx context.Context, id string) error {
	return o.store.Requeue(ctx, id, o.now())
}
