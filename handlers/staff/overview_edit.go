package staff

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/overview"
	"portal/valid"
)

// editView is one block of the edit page.
type editView struct {
	overview.Item
	Name        string // the block's heading, in the reader's language
	Place       int
	First, Last bool
}

// editPage is what the edit page's template shows.
type editPage struct {
	Items  []editView
	Total  int
	Status string // what the last action did
	Focus  string // the id of the control to focus after an action
}

// ShowEditOverview is the edit page with the person's saved layout.
func (h *Overview) ShowEditOverview(c *fiber.Ctx) error {
	l, err := h.Layouts.Layout(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	return h.editPage(c, l, "", "", nil)
}

// EditOverview acts on the draft the edit form carries: moves, resizes,
// hides or shows a block, resets it to the default, or saves it. Every
// action but saving only draws the page again with the draft changed,
// so that the page works without JavaScript; saving stores the draft
// whole. A draft the form could not have sent is refused and nothing is
// stored.
func (h *Overview) EditOverview(c *fiber.Ctx) error {
	ctx, id, lt := c.UserContext(), web.SessionOf(c).AccountID, web.L(c)
	var items []overview.Item
	bad := false
	for _, v := range c.Request().PostArgs().PeekMulti("item") {
		it, ok := overview.Decode(string(v))
		bad = bad || !ok
		items = append(items, it)
	}
	refuse := func(p valid.Problems) error {
		saved, err := h.Layouts.Layout(ctx, id)
		if err != nil {
			return err
		}
		return h.editPage(c, saved, "", "", p)
	}
	if bad {
		return refuse(valid.Problems{{Field: "layout", Key: "overview.error.layout"}})
	}
	draft, err := overview.Check(id, items)
	if p, ok := web.FieldErrors(err); ok {
		return refuse(p)
	} else if err != nil {
		return err
	}
	do := strings.Clone(c.FormValue("do"))
	verb, arg, _ := strings.Cut(do, ":")
	block, size, _ := strings.Cut(arg, ":")
	b := overview.Block(block)
	name := lt.T("overview.block." + block)
	switch verb {
	case "save":
		saved, err := h.Layouts.Save(ctx, id, draft.Items)
		if p, ok := web.FieldErrors(err); ok {
			return refuse(p)
		} else if err != nil {
			return err
		}
		done := "saved"
		if saved.IsDefault() {
			done = "default"
		}
		return c.Redirect(PathOverview+"?klart="+done, fiber.StatusSeeOther)
	case "reset":
		return h.editPage(c, draft.Reset(), lt.T("overview.status.reset")+" "+lt.T("overview.edit.unsaved"), "ov-reset", nil)
	case "up", "down":
		delta, focus := -1, "ov-up-"+block
		if verb == "down" {
			delta, focus = 1, "ov-down-"+block
		}
		moved, err := draft.Move(b, delta)
		if errors.Is(err, overview.ErrNoMove) {
			key, other := "overview.status.first", "ov-down-"+block
			if verb == "down" {
				key, other = "overview.status.last", "ov-up-"+block
			}
			return h.editPage(c, draft, lt.T(key, name), other, nil)
		}
		if err != nil {
			return refuse(valid.Problems{{Field: "layout", Key: "overview.error.unknown_block"}})
		}
		place := placeOf(moved, b)
		if (verb == "up" && place == 1) || (verb == "down" && place == len(moved.Items)) {
			focus = map[string]string{"up": "ov-down-", "down": "ov-up-"}[verb] + block
		}
		return h.editPage(c, moved, lt.T("overview.status."+verb, name, place)+" "+lt.T("overview.edit.unsaved"), focus, nil)
	case "size":
		resized, err := draft.Resize(b, overview.Size(size))
		if err != nil {
			return refuse(valid.Problems{{Field: "layout", Key: "overview.error.size"}})
		}
		return h.editPage(c, resized, lt.T("overview.status."+size, name)+" "+lt.T("overview.edit.unsaved"), "ov-size-"+block, nil)
	case "hide", "show":
		changed, err := draft.SetHidden(b, verb == "hide")
		if err != nil {
			return refuse(valid.Problems{{Field: "layout", Key: "overview.error.unknown_block"}})
		}
		return h.editPage(c, changed, lt.T("overview.status."+verb, name)+" "+lt.T("overview.edit.unsaved"), "ov-vis-"+block, nil)
	}
	return h.editPage(c, draft, "", "", valid.Problems{{Field: "layout", Key: "overview.error.action"}})
}

// placeOf is b's place in l, from 1.
func placeOf(l overview.Layout, b overview.Block) int {
	for i, it := range l.Items {
		if it.Block == b {
			return i + 1
		}
	}
	return 0
}

// editPage draws the edit page with a draft.
func (h *Overview) editPage(c *fiber.Ctx, l overview.Layout, status, focus string, errs valid.Problems) error {
	lt := web.L(c)
	p := editPage{Total: len(l.Items), Status: status, Focus: focus}
	for i, it := range l.Items {
		p.Items = append(p.Items, editView{Item: it, Name: lt.T("overview.block." + string(it.Block)), Place: i + 1,
			First: i == 0, Last: i == len(l.Items)-1})
	}
	return h.FormPageIn(c, "staff/overview_edit", "overview.edit.title", "staff-home", fiber.Map{"E": p, "Errors": errs})
}
