package staff

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"portal/employees"
	"portal/handlers/web"
	"portal/inbox"
	"portal/valid"
)

// Paths of the messages.
const (
	PathInbox      = "/personal/meddelanden"
	PathNewMessage = PathInbox + "/nytt"
)

// maxFound is how many colleagues one search lists.
const maxFound = 25

// Inbox is the staff's messages to each other ("Meddelanden"): the list
// of received and sent, one message, and a new message with a search of
// colleagues.
type Inbox struct {
	*web.Kit
	Service interface {
		Send(ctx context.Context, from string, to []string, subject, text string) (inbox.Message, error)
		Open(ctx context.Context, person, id string) (inbox.Message, error)
		List(ctx context.Context, person string) ([]inbox.Item, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
		ActivePeople(ctx context.Context) ([]employees.Person, error)
	}
	// Nav draws the header; opening a message has it count again. May be
	// nil.
	Nav *Nav
}

// Name is a person's name, or the user name when the person is unknown.
func (h *Inbox) Name(ctx context.Context, id string) string {
	if p, err := h.People.Person(ctx, id); err == nil && p.Name() != "" {
		return p.Name()
	}
	return id
}

// ItemView is a message in the list.
type ItemView struct {
	inbox.Item
	Who string // the sender, or for one sent the recipients
}

// ShowInbox lists everything the person received and sent.
func (h *Inbox) ShowInbox(c *fiber.Ctx) error {
	ctx, l, me := c.UserContext(), web.L(c), web.SessionOf(c).AccountID
	items, err := h.Service.List(ctx, me)
	if err != nil {
		return err
	}
	views := make([]ItemView, len(items))
	for i, it := range items {
		views[i] = ItemView{Item: it}
		if it.Sent {
			views[i].Who = h.names(ctx, it.To)
		} else {
			views[i].Who = senderName(ctx, h, l, it.From)
		}
	}
	data := fiber.Map{"Items": views}
	if c.Query("skickat") == "1" {
		data["Notice"] = "nav.msg.sent"
	}
	return h.FormPageIn(c, "staff/inbox", "nav.msg.title", "staff-inbox", data)
}

// names joins the names of the people.
func (h *Inbox) names(ctx context.Context, ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = h.Name(ctx, id)
	}
	return strings.Join(out, ", ")
}

// ShowMessage shows one message the person sent or received, marking it
// read; anyone else's is not found.
func (h *Inbox) ShowMessage(c *fiber.Ctx) error {
	ctx, l, me := c.UserContext(), web.L(c), web.SessionOf(c).AccountID
	m, err := h.Service.Open(ctx, me, strings.Clone(c.Params("id")))
	if errors.Is(err, inbox.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if h.Nav != nil { // the header of this page counts it read
		if err := h.Nav.ReloadInbox(c, me); err != nil {
			return err
		}
	}
	reply := url.Values{"to": {m.From}, "subject": {replySubject(l.T("nav.msg.reply_prefix"), m.Subject)}}
	return h.Render(c, "staff/inbox_message", web.Page{Title: m.Subject, Section: "staff-inbox", Data: fiber.Map{
		"M": m, "From": senderName(ctx, h, l, m.From), "To": h.names(ctx, m.To), "Sent": m.From == me,
		"Reply": PathNewMessage + "?" + reply.Encode()}})
}

// replyPrefixes are what a subject already replied to starts with, in
// either language.
var replyPrefixes = []string{"sv:", "re:"}

// replySubject is the subject of a reply: the prefix ("Sv:") and the
// subject, unless the subject has one already.
func replySubject(prefix, subject string) string {
	subject = strings.TrimSpace(subject)
	low := strings.ToLower(subject)
	for _, p := range replyPrefixes {
		if strings.HasPrefix(low, p) {
			return subject
		}
	}
	return prefix + " " + subject
}

// Colleague is a person found or chosen as a recipient.
type Colleague struct {
	ID, Name string
}

// ShowNewMessage is the new message: the search of colleagues (a GET
// form, carrying the recipients chosen so far), "Lägg till markerade"
// and the message itself.
func (h *Inbox) ShowNewMessage(c *fiber.Ctx) error {
	args := c.Context().QueryArgs()
	var to []string
	for _, v := range args.PeekMulti("to") {
		to = append(to, string(v))
	}
	if c.Query("add") != "" {
		for _, v := range args.PeekMulti("pick") {
			to = append(to, string(v))
		}
	}
	if drop := c.Query("remove"); drop != "" {
		to = slices.DeleteFunc(to, func(id string) bool { return id == drop })
	}
	form := map[string]string{}
	if s := strings.TrimSpace(c.Query("subject")); s != "" && utf8.RuneCountInString(s) <= inbox.MaxSubject {
		form["subject"] = strings.Clone(s) // a reply's
	}
	return h.newMessagePage(c, to, strings.TrimSpace(c.Query("q")), form, nil)
}

// newMessagePage draws the new message with the recipients chosen, the
// colleagues the search found and the form.
func (h *Inbox) newMessagePage(c *fiber.Ctx, to []string, q string, form map[string]string, errs valid.Problems) error {
	ctx, me := c.UserContext(), web.SessionOf(c).AccountID
	var chosen []Colleague
	for _, id := range to {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" || slices.ContainsFunc(chosen, func(p Colleague) bool { return p.ID == id }) || len(chosen) >= inbox.MaxRecipients {
			continue
		}
		p, err := h.People.Person(ctx, id)
		if err != nil || !p.Active {
			continue
		}
		chosen = append(chosen, Colleague{ID: p.ID, Name: p.Name()})
	}
	var found []Colleague
	var qErr string
	chosenOnly := false // the search matches only recipients chosen already
	if len([]rune(q)) > 100 {
		qErr, q = "nav.msg.error.query_long", ""
	}
	searched := q != ""
	if searched {
		people, err := h.People.ActivePeople(ctx)
		if err != nil {
			return err
		}
		words := strings.Fields(menuFold(q))
		for _, p := range people {
			if p.ID == me {
				continue
			}
			if !matches(menuFold(p.Name()+" "+p.ID), words) {
				continue
			}
			if slices.ContainsFunc(chosen, func(x Colleague) bool { return x.ID == p.ID }) {
				chosenOnly = true
				continue
			}
			found = append(found, Colleague{ID: p.ID, Name: p.Name()})
			if len(found) == maxFound {
				break
			}
		}
	}
	// Links that take one recipient off keep the others.
	removeLink := func(id string) string {
		v := url.Values{}
		for _, p := range chosen {
			v.Add("to", p.ID)
		}
		v.Set("remove", id)
		if q != "" {
			v.Set("q", q)
		}
		return PathNewMessage + "?" + v.Encode()
	}
	links := map[string]string{}
	for _, p := range chosen {
		links[p.ID] = removeLink(p.ID)
	}
	return h.FormPageIn(c, "staff/inbox_new", "nav.msg.new_title", "staff-inbox", fiber.Map{
		"Chosen": chosen, "Found": found, "Q": q, "Searched": searched, "ChosenOnly": chosenOnly && len(found) == 0, "QueryError": qErr, "RemoveLinks": links,
		"Form": form, "Errors": errs, "Max": inbox.MaxRecipients, "MaxText": inbox.MaxText})
}

// SendMessage sends the message to the recipients chosen.
func (h *Inbox) SendMessage(c *fiber.Ctx) error {
	f := web.Form(c, "subject", "text")
	var to []string
	for _, v := range c.Context().PostArgs().PeekMulti("to") {
		to = append(to, string(v))
	}
	_, err := h.Service.Send(c.UserContext(), web.SessionOf(c).AccountID, to, f["subject"], f["text"])
	if errs, ok := web.FieldErrors(err); ok {
		return h.newMessagePage(c, to, "", f, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathInbox+"?skickat=1", fiber.StatusSeeOther)
}
