package staff

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/favourites"
	"portal/handlers/web"
	"portal/valid"
)

// PathFavourites is Settings → Favourites.
const PathFavourites = "/personal/installningar/favoriter"

// Favourites is the star beside a page's heading and Settings →
// Favourites: reorder, rename, remove.
type Favourites struct {
	*web.Kit
	Nav     *Nav
	Service interface {
		List(ctx context.Context, person string) ([]favourites.Favourite, error)
		Add(ctx context.Context, person, path, title string) error
		Rename(ctx context.Context, person string, slot int, title string) error
		Move(ctx context.Context, person string, slot, by int) error
		Remove(ctx context.Context, person string, slot int) error
	}
}

// starred finds the menu entry of the path the star was pressed on,
// among those the person may open.
func (h *Favourites) starred(c *fiber.Ctx, person, path string) (MenuEntry, bool, error) {
	entries, err := h.Nav.visible(c.UserContext(), person)
	if err != nil {
		return MenuEntry{}, false, err
	}
	for _, e := range entries {
		if e.Path != "" && !strings.Contains(e.Path, "#") && e.Path == path {
			return e, true, nil
		}
	}
	return MenuEntry{}, false, nil
}

// toStarred returns to the page the star was on.
func toStarred(c *fiber.Ctx, path string) error {
	if path != "/" {
		path = SafeNext(path)
	}
	if path == "" {
		path = PathHome
	}
	return c.Redirect(path, fiber.StatusSeeOther)
}

// AddFavourite stars the page: a menu page the person may open.
func (h *Favourites) AddFavourite(c *fiber.Ctx) error {
	me, path := web.SessionOf(c).AccountID, strings.Clone(c.FormValue("path"))
	e, ok, err := h.starred(c, me, path)
	if err != nil {
		return err
	}
	if !ok || !favourites.ValidPath(path) {
		return fiber.ErrBadRequest
	}
	err = h.Service.Add(c.UserContext(), me, path, web.L(c).T(e.Title))
	if errs, ok := web.FieldErrors(err); ok {
		return h.listPage(c, errs, 0)
	}
	if err != nil {
		return err
	}
	return toStarred(c, path)
}

// RemoveStar takes the page's star off.
func (h *Favourites) RemoveStar(c *fiber.Ctx) error {
	me, path := web.SessionOf(c).AccountID, strings.Clone(c.FormValue("path"))
	list, err := h.Service.List(c.UserContext(), me)
	if err != nil {
		return err
	}
	for _, f := range list {
		if f.Path == path {
			// Gone already (another tab): as wanted.
			if err := h.Service.Remove(c.UserContext(), me, f.Slot); err != nil && !errors.Is(err, favourites.ErrNotFound) {
				return err
			}
		}
	}
	return toStarred(c, path)
}

// FavouriteView is a favourite in Settings.
type FavouriteView struct {
	favourites.Favourite
	First, Last bool
	Error       string // the title's problem
	Value       string // the title as typed
}

// ShowFavourites is Settings → Favourites.
func (h *Favourites) ShowFavourites(c *fiber.Ctx) error {
	return h.listPage(c, nil, 0)
}

// listPage draws the favourites; errs belong to the title of the slot
// (0: to the page).
func (h *Favourites) listPage(c *fiber.Ctx, errs valid.Problems, slot int, typed ...string) error {
	list, err := h.Service.List(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	views := make([]FavouriteView, len(list))
	var summary valid.Problems
	for i, f := range list {
		views[i] = FavouriteView{Favourite: f, First: i == 0, Last: i == len(list)-1, Value: f.Title}
		if f.Slot == slot && len(errs) > 0 {
			views[i].Error = errs[0].Key
			if len(typed) > 0 {
				views[i].Value = typed[0]
			}
			summary = append(summary, valid.Problem{Field: "title-" + strconv.Itoa(slot), Key: errs[0].Key, Args: errs[0].Args})
		}
	}
	if slot == 0 {
		summary = errs
	}
	data := fiber.Map{"Favourites": views, "Errors": summary, "Max": favourites.Max}
	switch c.Query("klart") {
	case "renamed", "moved", "removed":
		data["Notice"] = "nav.fav.done." + c.Query("klart")
	}
	return h.FormPageIn(c, "staff/favourites", "nav.fav.title", "staff-favourites", data)
}

// slotOf is the favourite's slot in the address.
func slotOf(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(c.Params("slot"))
	if err != nil || n < 1 || n > favourites.Max {
		return 0, fiber.ErrNotFound
	}
	return n, nil
}

// done maps the store's not-found to the page's, and goes back to the list.
func done(c *fiber.Ctx, err error, what string) error {
	if errors.Is(err, favourites.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathFavourites+"?klart="+what, fiber.StatusSeeOther)
}

// RenameFavourite gives a favourite the title typed ("Titel").
func (h *Favourites) RenameFavourite(c *fiber.Ctx) error {
	slot, err := slotOf(c)
	if err != nil {
		return err
	}
	title := strings.Clone(c.FormValue("title"))
	err = h.Service.Rename(c.UserContext(), web.SessionOf(c).AccountID, slot, title)
	if errs, ok := web.FieldErrors(err); ok {
		return h.listPage(c, errs, slot, title)
	}
	return done(c, err, "renamed")
}

// MoveFavourite moves a favourite up or down ("Flytta upp", "Flytta ned").
func (h *Favourites) MoveFavourite(c *fiber.Ctx) error {
	slot, err := slotOf(c)
	if err != nil {
		return err
	}
	by := 1
	if c.FormValue("dir") == "up" {
		by = -1
	}
	return done(c, h.Service.Move(c.UserContext(), web.SessionOf(c).AccountID, slot, by), "moved")
}

// RemoveFavourite removes a favourite.
func (h *Favourites) RemoveFavourite(c *fiber.Ctx) error {
	slot, err := slotOf(c)
	if err != nil {
		return err
	}
	return done(c, h.Service.Remove(c.UserContext(), web.SessionOf(c).AccountID, slot), "removed")
}
