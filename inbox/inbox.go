// Package inbox holds the staff's messages to each other and the portal's
// own messages to them ("Meddelanden"): sending, each person's received
// and sent messages, and the number unread that every staff page shows.
//
// Every staff page asks for the number unread, so it is read by _id only:
// each recipient's messages are numbered places <person>#<n>, claimed by
// inserting (a place taken by a parallel send makes the sender try the
// next), and each message read claims a numbered read place the same way,
// unique per message. Unread is the places received minus the places read,
// found from a hint of the highest of each (kept per person: one read by
// _id; it may lag behind when two writes raced on it, so each instance
// probes past it at a person's first look and every probeEvery after), so
// parallel sends and reads all count on a database where only inserts
// colliding on a unique key are safe.
package inbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"portal/employees"
	"portal/valid"
)

// Limits of a message.
const (
	MaxRecipients = 50
	MaxSubject    = 200
	MaxText       = 10000
	// Latest is how many unread messages the header lists.
	Latest = 5
)

var (
	// ErrNotFound is a message that does not exist or that the person may
	// not open: the two are told apart to nobody.
	ErrNotFound = errors.New("inbox: not found")
	// ErrTaken is a numbered place another message or read already holds.
	ErrTaken = errors.New("inbox: place taken")
)

// Message is one message, to one or more recipients.
type Message struct {
	ID      string
	From    string   // the sender's person id; "" the portal
	To      []string // the recipients' person ids
	Subject string
	Text    string
	SentAt  time.Time
}

// Delivery is a message in one recipient's inbox, at its numbered place.
type Delivery struct {
	Person    string
	N         int
	MessageID string
	From      string
	Subject   string
	SentAt    time.Time
}

// Store keeps messages, deliveries and read places.
type Store interface {
	// SaveMessage stores the message under its ID.
	SaveMessage(ctx context.Context, m Message) error
	// Message returns the message, or ErrNotFound.
	Message(ctx context.Context, id string) (Message, error)
	// Deliver inserts the delivery at its place; ErrTaken when the place,
	// or the message in the person's inbox, is there already.
	Deliver(ctx context.Context, d Delivery) error
	// Delivery returns the person's delivery at place n, or ErrNotFound.
	Delivery(ctx context.Context, person string, n int) (Delivery, error)
	// ClaimRead inserts read place n for the message; ErrTaken when the
	// place, or a read place of the message, is there already.
	ClaimRead(ctx context.Context, person string, n int, messageID string) error
	// ReadPlace returns the message counted at read place n, or ErrNotFound.
	ReadPlace(ctx context.Context, person string, n int) (string, error)
	// MarkRead records that the person has read the message (again: no change).
	MarkRead(ctx context.Context, person, messageID string, at time.Time) error
	// IsRead reports whether the person has read the message.
	IsRead(ctx context.Context, person, messageID string) (bool, error)
	// Heads returns the hints of the highest places received and read.
	Heads(ctx context.Context, person string) (received, read int, err error)
	// RaiseHeads raises the hints to at least received and read; a hint
	// lost in a race is only slower to probe past.
	RaiseHeads(ctx context.Context, person string, received, read int) error
	// Received lists the person's deliveries, SentBy the messages the
	// person sent, ReadSet the messages the person has read: for the
	// message page only (they may scan).
	Received(ctx context.Context, person string) ([]Delivery, error)
	SentBy(ctx context.Context, person string) ([]Message, error)
	ReadSet(ctx context.Context, person string) (map[string]bool, error)
}

// People is the staff directory as the inbox asks it.
type People interface {
	Person(ctx context.Context, user string) (employees.Person, error)
}

// Service sends and opens messages.
type Service struct {
	Store  Store
	People People
	Now    func() time.Time

	mu     sync.Mutex
	cache  map[string]Summary   // by person: the header's latest, under its counts
	probed map[string]time.Time // by person: when the hints were last probed past
}

// probeEvery is how often an instance looks past a person's hints: a hint
// lags only when two writes raced on it, and each look mends it, so a
// count is right at once but for that, and then within this time.
const probeEvery = 10 * time.Second

// Summary is what the header shows: the number unread and the latest
// unread messages.
type Summary struct {
	Received, Read int
	Latest         []Delivery
}

// Unread is the number of unread messages.
func (s Summary) Unread() int { return max(s.Received-s.Read, 0) }

// Send sends a message from the person (from "" is the portal) to the
// recipients, each an active member of staff; recipients named twice get
// it once. Bad input is a valid.Problems with the fields "to", "subject"
// and "text", and sends nothing.
func (s *Service) Send(ctx context.Context, from string, to []string, subject, text string) (Message, error) {
	subject, text = strings.TrimSpace(subject), strings.TrimSpace(text)
	var errs valid.Problems
	var rcpt []string
	for _, id := range to {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" && !slices.Contains(rcpt, id) {
			rcpt = append(rcpt, id)
		}
	}
	switch {
	case len(rcpt) == 0:
		errs.Add("to", "nav.msg.error.to")
	case len(rcpt) > MaxRecipients:
		errs.Add("to", "nav.msg.error.to_many", MaxRecipients)
	default:
		for _, id := range rcpt {
			p, err := s.People.Person(ctx, id)
			if errors.Is(err, employees.ErrNotFound) {
				errs.Add("to", "nav.msg.error.to_unknown", id)
				break
			}
			if err == nil && !p.Active {
				errs.Add("to", "nav.msg.error.to_departed", p.Name(), id)
				break
			}
			if err != nil {
				return Message{}, err
			}
		}
	}
	switch {
	case subject == "":
		errs.Add("subject", "nav.msg.error.subject")
	case utf8.RuneCountInString(subject) > MaxSubject:
		errs.Add("subject", "nav.msg.error.subject_long", MaxSubject)
	case !valid.Plain(subject):
		errs.Add("subject", "nav.msg.error.subject_plain")
	}
	switch {
	case text == "":
		errs.Add("text", "nav.msg.error.text")
	case utf8.RuneCountInString(text) > MaxText:
		errs.Add("text", "nav.msg.error.text_long", MaxText)
	case !valid.PlainText(text):
		errs.Add("text", "nav.msg.error.text_plain")
	}
	if err := errs.Err(); err != nil {
		return Message{}, err
	}
	m := Message{ID: newID(), From: from, To: rcpt, Subject: subject, Text: text, SentAt: s.Now().UTC()}
	if err := s.Store.SaveMessage(ctx, m); err != nil {
		return Message{}, err
	}
	for _, id := range rcpt {
		if _, err := s.deliver(ctx, id, m); err != nil {
			return m, err
		}
	}
	return m, nil
}

// deliver puts the message at the recipient's next free place; a message
// there already stays where it is.
func (s *Service) deliver(ctx context.Context, person string, m Message) (int, error) {
	head, _, err := s.Store.Heads(ctx, person)
	if err != nil {
		return 0, err
	}
	for n := head + 1; ; n++ {
		err := s.Store.Deliver(ctx, Delivery{Person: person, N: n, MessageID: m.ID, From: m.From, Subject: m.Subject, SentAt: m.SentAt})
		if err == nil {
			return n, s.Store.RaiseHeads(ctx, person, n, 0)
		}
		if !errors.Is(err, ErrTaken) {
			return 0, err
		}
		// Taken: by another message (try the next place) or by this one
		// (delivered before, at n or elsewhere).
		d, err := s.Store.Delivery(ctx, person, n)
		if errors.Is(err, ErrNotFound) {
			return 0, nil // the message is in the inbox at another place
		}
		if err != nil {
			return 0, err
		}
		if d.MessageID == m.ID {
			return n, nil
		}
	}
}

// counts probes past the hints to the highest places received and read.
func (s *Service) counts(ctx context.Context, person string) (received, read int, err error) {
	received, read, err = s.Store.Heads(ctx, person)
	if err != nil {
		return 0, 0, err
	}
	now := s.Now()
	s.mu.Lock()
	last, ok := s.probed[person]
	s.mu.Unlock()
	if ok && now.Sub(last) < probeEvery && !now.Before(last) {
		return received, read, nil
	}
	defer func() {
		if err == nil {
			s.mu.Lock()
			if s.probed == nil || len(s.probed) > 10000 {
				s.probed = map[string]time.Time{}
			}
			s.probed[person] = now
			s.mu.Unlock()
		}
	}()
	r0, d0 := received, read
	for {
		if _, err := s.Store.Delivery(ctx, person, received+1); errors.Is(err, ErrNotFound) {
			break
		} else if err != nil {
			return 0, 0, err
		}
		received++
	}
	for {
		if _, err := s.Store.ReadPlace(ctx, person, read+1); errors.Is(err, ErrNotFound) {
			break
		} else if err != nil {
			return 0, 0, err
		}
		read++
	}
	if received != r0 || read != d0 {
		_ = s.Store.RaiseHeads(ctx, person, received, read) // a hint only
	}
	return received, read, nil
}

// Summary returns the number unread and the latest unread messages, for
// the header. The latest are kept in memory under the two counts, which
// every send and read moves, so an unchanged inbox costs three reads.
func (s *Service) Summary(ctx context.Context, person string) (Summary, error) {
	received, read, err := s.counts(ctx, person)
	if err != nil {
		return Summary{}, err
	}
	s.mu.Lock()
	cached, ok := s.cache[person]
	s.mu.Unlock()
	if ok && cached.Received == received && cached.Read == read {
		return cached, nil
	}
	sum := Summary{Received: received, Read: read}
	want := min(sum.Unread(), Latest)
	for n, steps := received, 0; n >= 1 && len(sum.Latest) < want && steps < 200; n, steps = n-1, steps+1 {
		d, err := s.Store.Delivery(ctx, person, n)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Summary{}, err
		}
		isRead, err := s.Store.IsRead(ctx, person, d.MessageID)
		if err != nil {
			return Summary{}, err
		}
		if !isRead {
			sum.Latest = append(sum.Latest, d)
		}
	}
	s.mu.Lock()
	if s.cache == nil || len(s.cache) > 10000 {
		s.cache = map[string]Summary{}
	}
	s.cache[person] = sum
	s.mu.Unlock()
	return sum, nil
}

// Open returns the message if the person sent or received it, else
// ErrNotFound; a recipient's opening marks it read.
func (s *Service) Open(ctx context.Context, person, id string) (Message, error) {
	if !validID(id) {
		return Message{}, ErrNotFound
	}
	m, err := s.Store.Message(ctx, id)
	if err != nil {
		return Message{}, err
	}
	if m.From != person && !slices.Contains(m.To, person) {
		return Message{}, ErrNotFound
	}
	if slices.Contains(m.To, person) {
		if err := s.markRead(ctx, person, m); err != nil {
			return Message{}, err
		}
	}
	return m, nil
}

// markRead counts the message read once: the read place first, then the
// mark, so a failure between them is mended by opening it again.
func (s *Service) markRead(ctx context.Context, person string, m Message) error {
	if ok, err := s.Store.IsRead(ctx, person, m.ID); err != nil || ok {
		return err
	}
	// Counted read only once it is counted received.
	if _, err := s.deliver(ctx, person, m); err != nil {
		return err
	}
	_, head, err := s.Store.Heads(ctx, person)
	if err != nil {
		return err
	}
	for n := head + 1; ; n++ {
		err := s.Store.ClaimRead(ctx, person, n, m.ID)
		if err == nil {
			if err := s.Store.RaiseHeads(ctx, person, 0, n); err != nil {
				return err
			}
			break
		}
		if !errors.Is(err, ErrTaken) {
			return err
		}
		id, err := s.Store.ReadPlace(ctx, person, n)
		if errors.Is(err, ErrNotFound) || (err == nil && id == m.ID) {
			break // counted at another place, or at this one
		}
		if err != nil {
			return err
		}
	}
	return s.Store.MarkRead(ctx, person, m.ID, s.Now().UTC())
}

// Item is a message in the person's list, received or sent.
type Item struct {
	Message
	Sent bool // the person sent it
	Read bool // received and read (sent ones count as read)
}

// List returns everything the person received and sent, newest first.
func (s *Service) List(ctx context.Context, person string) ([]Item, error) {
	got, err := s.Store.Received(ctx, person)
	if err != nil {
		return nil, err
	}
	read, err := s.Store.ReadSet(ctx, person)
	if err != nil {
		return nil, err
	}
	sent, err := s.Store.SentBy(ctx, person)
	if err != nil {
		return nil, err
	}
	var out []Item
	seen := map[string]bool{}
	for _, m := range sent {
		seen[m.ID] = true
		out = append(out, Item{Message: m, Sent: true, Read: true})
	}
	for _, d := range got {
		if seen[d.MessageID] { // to oneself
			continue
		}
		seen[d.MessageID] = true
		out = append(out, Item{Message: Message{ID: d.MessageID, From: d.From, Subject: d.Subject, SentAt: d.SentAt}, Read: read[d.MessageID]})
	}
	slices.SortFunc(out, func(a, b Item) int {
		if c := b.SentAt.Compare(a.SentAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

// newID is a message's random id, 24 hexadecimal digits.
func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validID reports whether id looks like a message's id.
func validID(id string) bool {
	if len(id) != 24 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}
