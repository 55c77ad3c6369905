package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"portal/applicants"
	"portal/internal/tokens"
	"portal/jobs"
	"portal/links"
	"portal/mail"
	"portal/valid"
)

// Kinds of alert e-mail.
const (
	KindConfirm  = "confirm"
	KindAlert    = "alert"
	KindDigest   = "digest"
	KindReminder = "reminder"
)

// AdLine is an ad as alert e-mail shows it.
type AdLine struct {
	Ref, Title, Organisation, Place string
	LastDay                         time.Time // start of the last application day
	URL                             string
}

// MailData is what an alert e-mail shows.
type MailData struct {
	Kind           string
	Ads            []AdLine
	Criteria       jobs.Criteria
	Frequency      string
	ConfirmURL     string
	ManageURL      string
	UnsubscribeURL string
	RenewURL       string
	ExpiresAt      time.Time
	Withheld       int // criteria typed as free text, left out of a confirmation
}

// Renderer writes alert e-mail: subject, plain text and HTML.
type Renderer interface {
	// Render writes one message in lang.
	Render(lang string, d MailData) (subject, text, html string, err error)
	// Prepare writes d once in lang for many subscribers; Fill then puts
	// in each one's links and criteria.
	Prepare(lang string, d MailData) (Prepared, error)
}

// Prepared is a message written once, waiting for its subscriber's parts.
type Prepared interface {
	Fill(manageURL, unsubscribeURL string, c jobs.Criteria) (subject, text, html string)
}

// Service is what the portal does with job alerts.
type Service struct {
	Store   Store
	Ledger  Ledger
	Outbox  Outbox
	Counter Counter
	Ads     Ads
	Render  Renderer
	Signer  Signer
	Now     func() time.Time
	Links   links.Links // the addresses of the pages the mail links to
	Log     *slog.Logger

	mu    sync.Mutex // held while dispatching; guards index
	index index
}

// Request is what a subscription form sends.
type Request struct {
	Email     string
	Lang      string
	Criteria  jobs.Criteria
	Frequency string
	Notify    bool
}

// Problems lists what is wrong with the request; needEmail says whether it
// must carry an address.
func (r Request) Problems(needEmail bool) valid.Problems {
	var errs valid.Problems
	if needEmail && !valid.Email(applicants.NormalizeEmail(r.Email)) {
		errs.Add("email", "alert.error.email")
	}
	if r.Notify && !slices.Contains(Frequencies, r.Frequency) {
		errs.Add("frequency", "alert.error.frequency")
	}
	return errs
}

func (r Request) check(needEmail bool) error { return r.Problems(needEmail).Err() }

func (r Request) frequency() string {
	if slices.Contains(Frequencies, r.Frequency) {
		return r.Frequency
	}
	return Immediate
}

// Subscribe starts a public subscription: nothing is sent until the
// address is confirmed through the link mailed to it. The answer is the
// same whether or not a mail went, so the form tells nothing about the
// address.
func (s *Service) Subscribe(ctx context.Context, r Request) error {
	r.Notify = true
	if err := r.check(true); err != nil {
		return err
	}
	now := s.Now()
	sub := Subscription{
		ID: tokens.New(16), Email: applicants.NormalizeEmail(r.Email), Lang: r.Lang, Criteria: r.Criteria,
		Frequency: r.frequency(), Notify: true, Status: Unconfirmed, FeedID: tokens.New(16), CreatedAt: now,
	}
	n, _, err := s.Counter.Hit(ctx, "alert-confirm:"+tokens.Hash(sub.Email), 24*time.Hour, now)
	if err != nil {
		return err
	}
	if n > ConfirmsPerAddress {
		s.Log.Warn("alert confirmations to one address over the daily limit", "count", n)
		return nil
	}
	token := tokens.New(32)
	sub.ConfirmHash = tokens.Hash(token)
	if err := s.Store.InsertSubscription(ctx, sub, now); err != nil {
		return err
	}
	return s.mail(ctx, sub, MailData{Kind: KindConfirm, ConfirmURL: s.Links.URL(links.AlertConfirm, token)})
}

// Confirmable returns the unconfirmed subscription a confirmation token
// belongs to, or ErrNotFound when the link is unknown, used or too old.
func (s *Service) Confirmable(ctx context.Context, token string) (Subscription, error) {
	sub, err := s.Store.SubscriptionByConfirmHash(ctx, tokens.Hash(token))
	if err != nil {
		return Subscription{}, err
	}
	if sub.Status != Unconfirmed || !s.Now().Before(sub.CreatedAt.Add(ConfirmWindow)) {
		return Subscription{}, ErrNotFound
	}
	return sub, nil
}

// Confirm activates the subscription of a confirmation token.
func (s *Service) Confirm(ctx context.Context, token string) (Subscription, error) {
	sub, err := s.Confirmable(ctx, token)
	if err != nil {
		return Subscription{}, err
	}
	now := s.Now()
	sub.Status, sub.ConfirmHash, sub.ConfirmedAt, sub.ExpiresAt = Active, "", now, now.Add(Lifetime)
	if err := s.Store.SaveSubscription(ctx, sub, now); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// Owner is the account an interest registration belongs to.
type Owner struct {
	ID       string
	Email    string
	Verified bool
}

// Interest returns an applicant's interest registration or ErrNotFound.
func (s *Service) Interest(ctx context.Context, account string) (Subscription, error) {
	return s.Store.SubscriptionByAccount(ctx, account)
}

// SaveInterest creates or changes an applicant's interest registration.
// With a verified address it takes effect at once; otherwise a
// confirmation link goes to the address first, as for the public form.
func (s *Service) SaveInterest(ctx context.Context, o Owner, r Request) (Subscription, error) {
	if err := r.check(false); err != nil {
		return Subscription{}, err
	}
	now := s.Now()
	sub, err := s.Store.SubscriptionByAccount(ctx, o.ID)
	isNew := errors.Is(err, ErrNotFound)
	if err != nil && !isNew {
		return Subscription{}, err
	}
	if isNew {
		sub = Subscription{ID: tokens.New(16), Account: o.ID, FeedID: tokens.New(16), CreatedAt: now, Status: Unconfirmed}
	}
	sub.Email, sub.Lang, sub.Criteria, sub.Notify, sub.Frequency = o.Email, r.Lang, r.Criteria, r.Notify, r.frequency()
	var token string
	switch {
	case sub.Status == Active:
	case o.Verified:
		sub.Status, sub.ConfirmHash, sub.ConfirmedAt, sub.ExpiresAt = Active, "", now, now.Add(Lifetime)
	case r.Notify:
		token = tokens.New(32)
		sub.ConfirmHash, sub.CreatedAt = tokens.Hash(token), now
	}
	if isNew {
		err = s.Store.InsertSubscription(ctx, sub, now)
	} else {
		err = s.Store.SaveSubscription(ctx, sub, now)
	}
	if err != nil {
		return Subscription{}, err
	}
	if token != "" {
		err = s.mail(ctx, sub, MailData{Kind: KindConfirm, ConfirmURL: s.Links.URL(links.AlertConfirm, token)})
	}
	return sub, err
}

// StopInterest ends an applicant's interest registration.
func (s *Service) StopInterest(ctx context.Context, account string) error {
	sub, err := s.Store.SubscriptionByAccount(ctx, account)
	if err != nil {
		return err
	}
	_, err = s.remove(ctx, sub.ID)
	return err
}

// ForgetAccount ends the interest registration of a deleted account and
// withdraws its mail not yet sent. It ends every one it finds: two saves at
// once can leave an account with two.
func (s *Service) ForgetAccount(ctx context.Context, account string) error {
	seen := map[string]bool{}
	for {
		sub, err := s.Store.SubscriptionByAccount(ctx, account)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if seen[sub.ID] {
			return fmt.Errorf("alerts: interest registration %s of a deleted account does not end", sub.ID)
		}
		seen[sub.ID] = true
		if _, err := s.remove(ctx, sub.ID); err != nil {
			return err
		}
	}
}

// AccountEmailChanged sends the mail of an applicant's interest
// registration to the account's new address.
func (s *Service) AccountEmailChanged(ctx context.Context, account, email string) error {
	sub, err := s.Store.SubscriptionByAccount(ctx, account)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	sub.Email = email
	if err := s.Store.SaveSubscription(ctx, sub, s.Now()); err != nil && !errors.Is(err, ErrNotFound) {
		return err // ErrNotFound: it ended meanwhile, and has no address to change
	}
	return nil
}

// ExportInterest returns an applicant's interest registration as
// "download my data" shows it; false when there is none.
func (s *Service) ExportInterest(ctx context.Context, account string) (applicants.InterestExport, bool, error) {
	sub, err := s.Store.SubscriptionByAccount(ctx, account)
	if errors.Is(err, ErrNotFound) {
		return applicants.InterestExport{}, false, nil
	}
	if err != nil {
		return applicants.InterestExport{}, false, err
	}
	return applicants.InterestExport{Email: sub.Email, Criteria: sub.Criteria, Notify: sub.Notify, Frequency: sub.Frequency,
		Status: sub.Status, CreatedAt: sub.CreatedAt, ExpiresAt: sub.ExpiresAt}, true, nil
}

// Signed returns the subscription a signed link names, or ErrBadLink when
// the signature does not fit and ErrNotFound when it has ended.
func (s *Service) Signed(ctx context.Context, purpose, id, sig string) (Subscription, error) {
	if !s.Signer.Check(purpose, id, sig) {
		return Subscription{}, ErrBadLink
	}
	return s.Store.Subscription(ctx, id)
}

// Update changes the criteria, frequency and language of the subscription
// a signed change link names.
func (s *Service) Update(ctx context.Context, id, sig string, r Request) (Subscription, error) {
	sub, err := s.Signed(ctx, LinkManage, id, sig)
	if err != nil {
		return Subscription{}, err
	}
	r.Notify = true
	if err := r.check(false); err != nil {
		return Subscription{}, err
	}
	sub.Criteria, sub.Frequency, sub.Lang, sub.Notify = r.Criteria, r.frequency(), r.Lang, true
	if err := s.Store.SaveSubscription(ctx, sub, s.Now()); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// Unsubscribe ends the subscription a signed link names. It reports false
// when the subscription had already ended: the link works once.
func (s *Service) Unsubscribe(ctx context.Context, id, sig string) (bool, error) {
	if !s.Signer.Check(LinkUnsubscribe, id, sig) {
		return false, ErrBadLink
	}
	return s.remove(ctx, id)
}

// remove ends a subscription and withdraws its mail not yet sent.
func (s *Service) remove(ctx context.Context, id string) (bool, error) {
	removed, err := s.Store.RemoveSubscription(ctx, id, s.Now())
	if err != nil || !removed {
		return removed, err
	}
	if _, err := s.Outbox.Cancel(ctx, Subscription{ID: id}.Tag()); err != nil {
		return true, err
	}
	return true, s.Ledger.RemoveMatches(ctx, id)
}

// Renew extends the subscription a signed renewal link names by another
// Lifetime from now.
func (s *Service) Renew(ctx context.Context, id, sig string) (Subscription, error) {
	sub, err := s.Signed(ctx, LinkRenew, id, sig)
	if err != nil {
		return Subscription{}, err
	}
	if sub.Status != Active {
		return Subscription{}, ErrNotFound
	}
	now := s.Now()
	sub.ExpiresAt, sub.RemindedAt = now.Add(Lifetime), time.Time{}
	if err := s.Store.SaveSubscription(ctx, sub, now); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// Feed returns the subscription of a feed address and the open ads on
// board that match it, newest first.
func (s *Service) Feed(ctx context.Context, feedID string, open []jobs.Ad) (Subscription, []jobs.Ad, error) {
	sub, err := s.Store.SubscriptionByFeed(ctx, feedID)
	if err != nil {
		return Subscription{}, nil, err
	}
	// A feed sends no mail, so an applicant's own registration needs no
	// confirmed address for it; a public subscription does.
	if sub.Status != Active && sub.Account == "" {
		return Subscription{}, nil, ErrNotFound
	}
	var out []jobs.Ad
	for _, ad := range open {
		if jobs.NewMatcher(ad).Matches(sub.Criteria) {
			out = append(out, ad)
		}
	}
	return sub, out, nil
}

// Links are the signed addresses of a subscription.
type Links struct {
	Manage, Unsubscribe, Renew, RSS, Atom string
}

// LinksOf returns the signed addresses of sub, relative to the site.
func (s *Service) LinksOf(sub Subscription) Links {
	return Links{
		Manage:      s.Links.Path(links.AlertManage, sub.ID, s.Signer.Sign(LinkManage, sub.ID)),
		Unsubscribe: s.Links.Path(links.AlertUnsubscribe, sub.ID, s.Signer.Sign(LinkUnsubscribe, sub.ID)),
		Renew:       s.Links.Path(links.AlertRenew, sub.ID, s.Signer.Sign(LinkRenew, sub.ID)),
		RSS:         s.Links.Path(links.AlertFeedRSS, sub.FeedID),
		Atom:        s.Links.Path(links.AlertFeedAtom, sub.FeedID),
	}
}

// signedURL is the absolute address of a page of sub that its signature
// for purpose opens.
func (s *Service) signedURL(p links.Page, purpose string, sub Subscription) string {
	return s.Links.URL(p, sub.ID, s.Signer.Sign(purpose, sub.ID))
}

// message renders one e-mail to sub with the links of sub filled in.
func (s *Service) message(sub Subscription, d MailData) (mail.Message, error) {
	if d.Kind != KindConfirm {
		d.ManageURL = s.signedURL(links.AlertManage, LinkManage, sub)
		d.UnsubscribeURL = s.signedURL(links.AlertUnsubscribe, LinkUnsubscribe, sub)
		d.RenewURL = s.signedURL(links.AlertRenew, LinkRenew, sub)
	}
	d.Criteria, d.Frequency, d.ExpiresAt = sub.Criteria, sub.Frequency, sub.ExpiresAt
	if d.Kind == KindConfirm {
		d.Criteria, d.Withheld = withholdFreeText(d.Criteria)
	}
	subject, text, html, err := s.Render.Render(sub.Lang, d)
	if err != nil {
		return mail.Message{}, fmt.Errorf("alerts: render %s mail: %w", d.Kind, err)
	}
	m := mail.Message{To: sub.Email, Subject: subject, Text: text, HTML: html, Tag: sub.Tag()}
	if d.Kind != KindConfirm {
		m.Headers = unsubscribeHeaders(d.UnsubscribeURL)
	}
	return m, nil
}

// withholdFreeText leaves out of criteria what a visitor typed (places and
// keywords): a confirmation goes to an address nobody has confirmed yet, so
// it must not carry a stranger's words to it. Only the fixed choices stay,
// and the number of left-out criteria is told instead.
func withholdFreeText(c jobs.Criteria) (jobs.Criteria, int) {
	n := len(c.Places) + len(c.Keywords)
	c.Places, c.Keywords = nil, nil
	return c, n
}

// unsubscribeHeaders are the headers of RFC 2369 and RFC 8058 that let a
// mail program end the subscription with one click.
func unsubscribeHeaders(url string) map[string]string {
	return map[string]string{
		"List-Unsubscribe":      "<" + url + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
}

func (s *Service) mail(ctx context.Context, sub Subscription, d MailData) error {
	m, err := s.message(sub, d)
	if err != nil {
		return err
	}
	return s.Outbox.Send(ctx, m)
}
