package public

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/alerts"
	"portal/applicants"
	"portal/handlers/web"
	"portal/jobs"
	"portal/valid"
)

// Alerts is the pages of job alerts (subscribing, confirming, changing,
// ending, renewing, their feeds) and of the interest registration.
type Alerts struct {
	*web.Kit
	Board interface {
		Search(ctx context.Context, q jobs.Query) (jobs.Result, error)
	}
	Accounts interface {
		Account(ctx context.Context, id string) (applicants.Account, error)
	}
	Alerts interface {
		Subscribe(ctx context.Context, r alerts.Request) error
		Confirmable(ctx context.Context, token string) (alerts.Subscription, error)
		Confirm(ctx context.Context, token string) (alerts.Subscription, error)
		Interest(ctx context.Context, account string) (alerts.Subscription, error)
		SaveInterest(ctx context.Context, o alerts.Owner, r alerts.Request) (alerts.Subscription, error)
		StopInterest(ctx context.Context, account string) error
		Signed(ctx context.Context, purpose, id, sig string) (alerts.Subscription, error)
		Update(ctx context.Context, id, sig string, r alerts.Request) (alerts.Subscription, error)
		Unsubscribe(ctx context.Context, id, sig string) (bool, error)
		Renew(ctx context.Context, id, sig string) (alerts.Subscription, error)
		Feed(ctx context.Context, feedID string, open []jobs.Ad) (alerts.Subscription, []jobs.Ad, error)
		LinksOf(s alerts.Subscription) alerts.Links
	}
}

// criteriaData is what the criteria fields of a form show: the choices,
// the places to choose from and what is wrong.
func (h *Alerts) criteriaData(c *fiber.Ctx, crit jobs.Criteria, errs valid.Problems) (fiber.Map, error) {
	res, err := h.Board.Search(c.UserContext(), jobs.Query{Sort: jobs.SortNewest, Page: 1, PageSize: 1})
	if err != nil {
		return nil, err
	}
	var places []string
	for _, o := range res.Facets.Places {
		places = append(places, o.Value)
	}
	for _, p := range crit.Places {
		if !slices.Contains(places, p) {
			places = append(places, p)
		}
	}
	return fiber.Map{"C": crit, "Places": places, "Keywords": strings.Join(crit.Keywords, ", "), "Errors": errs}, nil
}

// postedCriteria reads the criteria of a posted form.
func postedCriteria(c *fiber.Ctx) (jobs.Criteria, valid.Problems) {
	v := url.Values{}
	for _, name := range []string{"area", "place", "extent", "type", "keywords"} {
		for _, b := range c.Request().PostArgs().PeekMulti(name) {
			v.Add(name, string(b))
		}
	}
	crit, errs := jobs.ParseCriteria(v)
	return crit, errs
}

// alertPage renders a page of the alert forms; it never tells other sites
// its address (signed links are in it), while its own forms still tell
// the portal their origin.
func (h *Alerts) alertPage(c *fiber.Ctx, name, titleKey, section string, data fiber.Map) error {
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return h.FormPageIn(c, name, titleKey, section, data)
}

// ShowSubscribe shows the form for a job alert, with the search's criteria and a logged-in applicant's address filled in.
func (h *Alerts) ShowSubscribe(c *fiber.Ctx) error {
	data, err := h.criteriaData(c, jobs.ParseQueryCriteria(queryValues(c)), nil)
	if err != nil {
		return err
	}
	data["Frequency"] = alerts.Immediate
	if s := web.SessionOf(c); s != nil {
		if acc, err := h.Accounts.Account(c.UserContext(), s.AccountID); err == nil {
			data["Form"] = map[string]string{"email": acc.Email}
		} else if !errors.Is(err, applicants.ErrNotFound) {
			return err
		}
	}
	return h.alertPage(c, "alerts/subscribe", "alert.subscribe.title", "alerts", data)
}

// Subscribe asks for a job alert, confirmed through a mailed link, and answers the same whether or not a mail went.
func (h *Alerts) Subscribe(c *fiber.Ctx) error {
	crit, errs := postedCriteria(c)
	f := web.Form(c, "email", "frequency")
	req := alerts.Request{Email: f["email"], Lang: web.L(c).Lang, Criteria: crit, Frequency: f["frequency"], Notify: true}
	if len(errs) > 0 { // tell everything at once
		errs = append(errs, req.Problems(true)...)
	} else {
		err := h.Alerts.Subscribe(c.UserContext(), req)
		if ferrs, ok := web.FieldErrors(err); ok {
			errs = ferrs
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		data, err := h.criteriaData(c, crit, errs)
		if err != nil {
			return err
		}
		data["Form"], data["Frequency"] = f, f["frequency"]
		return h.alertPage(c, "alerts/subscribe", "alert.subscribe.title", "alerts", data)
	}
	return h.Message(c, fiber.StatusOK, "alerts", "alert.sent.heading", "alert.sent.text", true, "/jobb", "alert.to_jobs")
}

// ShowConfirm is where the confirmation link of an alert leads: a button confirms it, so a mail scanner opening the link confirms nothing.
func (h *Alerts) ShowConfirm(c *fiber.Ctx) error {
	token := c.Params("token")
	sub, err := h.Alerts.Confirmable(c.UserContext(), token)
	if errors.Is(err, alerts.ErrNotFound) {
		return h.Message(c, fiber.StatusNotFound, "alerts", "alert.confirm.heading", "alert.confirm.bad", false, "/bevakning", "alert.subscribe.again")
	}
	if err != nil {
		return err
	}
	return h.alertPage(c, "pages/action", "alert.confirm.title", "alerts", fiber.Map{
		"Heading": "alert.confirm.heading", "Text": "alert.confirm.text", "Sub": sub,
		"Action": "/bevakning/bekrafta/" + url.PathEscape(token), "Button": "alert.confirm.button",
	})
}

// ConfirmSubscription confirms an alert and leads to its settings, or to My details for an interest registration.
func (h *Alerts) ConfirmSubscription(c *fiber.Ctx) error {
	sub, err := h.Alerts.Confirm(c.UserContext(), c.Params("token"))
	if errors.Is(err, alerts.ErrNotFound) {
		return h.Message(c, fiber.StatusNotFound, "alerts", "alert.confirm.heading", "alert.confirm.bad", false, "/bevakning", "alert.subscribe.again")
	}
	if err != nil {
		return err
	}
	if sub.Account != "" { // an applicant's interest registration lives under My details
		return c.Redirect("/mina-uppgifter?intresse=1", fiber.StatusSeeOther)
	}
	return c.Redirect(h.Alerts.LinksOf(sub).Manage+"?bekraftad=1", fiber.StatusSeeOther)
}

// signed loads the subscription of a signed link; a link that does not
// fit is not found, one whose subscription ended says so.
func (h *Alerts) signed(c *fiber.Ctx, purpose string) (alerts.Subscription, bool, error) {
	sub, err := h.Alerts.Signed(c.UserContext(), purpose, c.Params("id"), c.Params("sig"))
	switch {
	case errors.Is(err, alerts.ErrNotFound):
		return sub, false, h.Message(c, fiber.StatusGone, "alerts", "alert.ended.heading", "alert.ended.text", false, "/bevakning", "alert.subscribe.again")
	case err != nil:
		return sub, false, err
	}
	return sub, true, nil
}

// ShowManage shows the settings of the alert of a signed link.
func (h *Alerts) ShowManage(c *fiber.Ctx) error {
	sub, ok, err := h.signed(c, alerts.LinkManage)
	if !ok {
		return err
	}
	return h.managePage(c, sub, sub.Criteria, nil, sub.Frequency)
}

func (h *Alerts) managePage(c *fiber.Ctx, sub alerts.Subscription, crit jobs.Criteria, errs valid.Problems, freq string) error {
	data, err := h.criteriaData(c, crit, errs)
	if err != nil {
		return err
	}
	notice := ""
	if c.Query("bekraftad") == "1" {
		notice = "alert.confirm.done"
	} else if c.Query("sparat") == "1" {
		notice = "alert.manage.saved"
	}
	data["Sub"], data["Links"], data["Frequency"], data["Notice"] = sub, h.Alerts.LinksOf(sub), freq, notice
	return h.alertPage(c, "alerts/manage", "alert.manage.title", "alerts", data)
}

// SaveManage saves the new criteria and frequency of the alert of a signed link.
func (h *Alerts) SaveManage(c *fiber.Ctx) error {
	sub, ok, err := h.signed(c, alerts.LinkManage)
	if !ok {
		return err
	}
	crit, errs := postedCriteria(c)
	freq := strings.Clone(c.FormValue("frequency"))
	if len(errs) == 0 {
		_, err := h.Alerts.Update(c.UserContext(), sub.ID, c.Params("sig"), alerts.Request{
			Lang: web.L(c).Lang, Criteria: crit, Frequency: freq,
		})
		if ferrs, ok := web.FieldErrors(err); ok {
			errs = ferrs
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.managePage(c, sub, crit, errs, freq)
	}
	return c.Redirect(h.Alerts.LinksOf(sub).Manage+"?sparat=1", fiber.StatusSeeOther)
}

// ShowUnsubscribe asks whether to end the alert of a signed link; following the link ends nothing.
func (h *Alerts) ShowUnsubscribe(c *fiber.Ctx) error {
	return h.showSignedAction(c, alerts.LinkUnsubscribe, "alert.unsubscribe")
}

// ShowRenew asks whether to renew the alert of a signed link; following the link renews nothing.
func (h *Alerts) ShowRenew(c *fiber.Ctx) error {
	return h.showSignedAction(c, alerts.LinkRenew, "alert.renew")
}

// showSignedAction shows the one button that ends or renews the
// subscription of a signed link; following a link changes nothing.
func (h *Alerts) showSignedAction(c *fiber.Ctx, purpose, keys string) error {
	sub, ok, err := h.signed(c, purpose)
	if !ok {
		return err
	}
	links := h.Alerts.LinksOf(sub)
	action := links.Unsubscribe
	if purpose == alerts.LinkRenew {
		action = links.Renew
	}
	return h.alertPage(c, "pages/action", keys+".title", "alerts", fiber.Map{
		"Heading": keys + ".heading", "Text": keys + ".text", "Sub": sub,
		"Action": action, "Button": keys + ".button", "Manage": links.Manage,
	})
}

// Unsubscribe ends a subscription. It takes no CSRF token: mail programs
// post here on their own (RFC 8058), and the signature in the address is
// what an attacker cannot have.
func (h *Alerts) Unsubscribe(c *fiber.Ctx) error {
	removed, err := h.Alerts.Unsubscribe(c.UserContext(), c.Params("id"), c.Params("sig"))
	switch {
	case err != nil:
		return err
	case !removed:
		return h.Message(c, fiber.StatusGone, "alerts", "alert.ended.heading", "alert.ended.text", false, "/bevakning", "alert.subscribe.again")
	}
	return h.Message(c, fiber.StatusOK, "alerts", "alert.unsubscribed.heading", "alert.unsubscribed.text", true, "/bevakning", "alert.subscribe.again")
}

// Renew keeps the alert of a signed link going and leads to its settings.
func (h *Alerts) Renew(c *fiber.Ctx) error {
	sub, ok, err := h.signed(c, alerts.LinkRenew)
	if !ok {
		return err
	}
	if _, err := h.Alerts.Renew(c.UserContext(), sub.ID, c.Params("sig")); err != nil {
		return err
	}
	return c.Redirect(h.Alerts.LinksOf(sub).Manage+"?sparat=1", fiber.StatusSeeOther)
}

// ShowAlertFeed serves the RSS or Atom feed of one saved search.
func (h *Alerts) ShowAlertFeed(c *fiber.Ctx) error {
	id, format, _ := strings.Cut(c.Params("file"), ".")
	if format != "rss" && format != "atom" {
		return fiber.ErrNotFound
	}
	open, err := h.Board.Search(c.UserContext(), jobs.Query{Sort: jobs.SortNewest, Page: 1, PageSize: -1})
	if err != nil {
		return err
	}
	sub, ads, err := h.Alerts.Feed(c.UserContext(), id, open.Ads)
	if err != nil {
		return err
	}
	l := h.Locales.Get(sub.Lang)
	res := jobs.Result{Ads: ads}
	for _, ad := range ads {
		if ad.UpdatedAt.After(res.Modified) {
			res.Modified = ad.UpdatedAt
		}
	}
	body, err := writeFeed(h.Kit, format, l, l.T("alert.feed.title", h.Cfg.SiteName), "/bevakning/flode/"+c.Params("file"), res)
	if err != nil {
		return err
	}
	etag := feedETag(format, l.Lang+"|"+id, res)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set(fiber.HeaderContentType, feedTypes[format])
	c.Set("X-Robots-Tag", "noindex")
	if notModified(c, etag, res.Modified) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(body)
}

// Interest registration ("Intresseanmälan"), for applicants: the criteria,
// then a summary with the choice of e-mail, then save.

// ShowInterest shows the criteria of the logged-in applicant's interest registration.
func (h *Alerts) ShowInterest(c *fiber.Ctx) error {
	crit := jobs.ParseQueryCriteria(queryValues(c))
	if len(queryValues(c)) == 0 {
		if sub, err := h.Alerts.Interest(c.UserContext(), web.SessionOf(c).AccountID); err == nil {
			crit = sub.Criteria
		} else if !errors.Is(err, alerts.ErrNotFound) {
			return err
		}
	}
	data, err := h.criteriaData(c, crit, nil)
	if err != nil {
		return err
	}
	return h.alertPage(c, "alerts/interest", "interest.title", "account", data)
}

// ReviewInterest shows the summary of the chosen criteria, with the choice of e-mail never pre-ticked.
func (h *Alerts) ReviewInterest(c *fiber.Ctx) error {
	crit, errs := postedCriteria(c)
	if len(errs) > 0 {
		data, err := h.criteriaData(c, crit, errs)
		if err != nil {
			return err
		}
		return h.alertPage(c, "alerts/interest", "interest.title", "account", data)
	}
	return h.interestSummary(c, crit, nil, map[string]string{}, alerts.Immediate) // e-mail is opted into, never pre-ticked
}

func (h *Alerts) interestSummary(c *fiber.Ctx, crit jobs.Criteria, errs valid.Problems, f map[string]string, freq string) error {
	id := web.SessionOf(c).AccountID
	acc, err := h.Accounts.Account(c.UserContext(), id)
	if err != nil {
		return err
	}
	sub, err := h.Alerts.Interest(c.UserContext(), id)
	if err != nil && !errors.Is(err, alerts.ErrNotFound) {
		return err
	}
	if err == nil && len(errs) == 0 {
		f["notify"] = ""
		if sub.Notify {
			f["notify"] = "1"
		}
		freq = sub.Frequency
	}
	back := "/intresseanmalan"
	if v := crit.Values(); len(v) > 0 {
		back += "?" + v.Encode()
	}
	return h.alertPage(c, "alerts/interest_summary", "interest.title", "account", fiber.Map{
		"C": crit, "Hidden": crit.Values(), "Back": back, "Form": f, "Errors": errs, "Frequency": freq,
		"Verified": acc.Verified(),
	})
}

// SaveInterest saves the logged-in applicant's interest registration and goes back to My details.
func (h *Alerts) SaveInterest(c *fiber.Ctx) error {
	crit, errs := postedCriteria(c)
	f := web.Form(c, "notify", "frequency")
	if len(errs) > 0 {
		return h.interestSummary(c, crit, errs, f, f["frequency"])
	}
	id := web.SessionOf(c).AccountID
	acc, err := h.Accounts.Account(c.UserContext(), id)
	if err != nil {
		return err
	}
	_, err = h.Alerts.SaveInterest(c.UserContext(), alerts.Owner{ID: id, Email: acc.Email, Verified: acc.Verified()},
		alerts.Request{Lang: web.L(c).Lang, Criteria: crit, Frequency: f["frequency"], Notify: f["notify"] == "1"})
	if ferrs, ok := web.FieldErrors(err); ok {
		return h.interestSummary(c, crit, ferrs, f, f["frequency"])
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?intresse=1", fiber.StatusSeeOther)
}

// StopInterest ends the logged-in applicant's interest registration, if there is one.
func (h *Alerts) StopInterest(c *fiber.Ctx) error {
	err := h.Alerts.StopInterest(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil && !errors.Is(err, alerts.ErrNotFound) {
		return err
	}
	return c.Redirect("/mina-uppgifter?intresse_slut=1", fiber.StatusSeeOther)
}
