// Package favourites keeps the staff pages each person has starred
// ("Favoriter"), shown at the top of the menu: adding, renaming,
// reordering and removing them.
//
// Each favourite is a document of its own in one of the person's
// numbered slots (1 to Max), unique per path, so two tabs adding at once
// both keep theirs and the cap holds by construction. Every staff page
// lists them: each instance keeps a person's list in memory under the
// person's change stamp (one read by _id), moved after every change.
package favourites

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"portal/valid"
)

// Limits of the favourites.
const (
	Max      = 30  // favourites per person
	MaxPath  = 300 // characters of a path
	MaxTitle = 100 // characters of a title
)

var (
	// ErrNotFound is a favourite the person does not have.
	ErrNotFound = errors.New("favourites: not found")
	// ErrTaken is a slot, or a path, the person has a favourite in already.
	ErrTaken = errors.New("favourites: taken")
)

// Favourite is one starred page.
type Favourite struct {
	Slot    int
	Path    string // a staff page's path, with its query if any
	Title   string
	Pos     int // the order in the list
	AddedAt time.Time
}

// Store keeps each person's favourites and their change stamp.
type Store interface {
	// Insert adds the favourite in its slot; ErrTaken when the slot or
	// the path is the person's already.
	Insert(ctx context.Context, person string, f Favourite) error
	// List returns the person's favourites, in any order.
	List(ctx context.Context, person string) ([]Favourite, error)
	// Update sets the title and position of the favourite in the slot;
	// ErrNotFound when there is none.
	Update(ctx context.Context, person string, slot int, title string, pos int) error
	// Delete removes the favourite in the slot; ErrNotFound when there
	// is none.
	Delete(ctx context.Context, person string, slot int) error
	// Stamp returns the person's change stamp ("" before any change);
	// Touch moves it to a value never used before.
	Stamp(ctx context.Context, person string) (string, error)
	Touch(ctx context.Context, person string) error
}

// Service keeps the favourites.
type Service struct {
	Store Store
	Now   func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	stamp string
	list  []Favourite
}

// ValidPath reports whether p may be a favourite: a path of this site's
// staff pages (/personal…) or the job board (/), with no scheme, host or
// backslash, and not too long.
func ValidPath(p string) bool {
	if p == "" || utf8.RuneCountInString(p) > MaxPath || !valid.Plain(p) || strings.ContainsAny(p, "\\ #") || strings.Contains(p, "//") || strings.Contains(p, "..") {
		return false
	}
	if p == "/" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "/personal")
	return ok && (rest == "" || rest[0] == '/' || rest[0] == '?')
}

// List returns the person's favourites in their order.
func (s *Service) List(ctx context.Context, person string) ([]Favourite, error) {
	stamp, err := s.Store.Stamp(ctx, person)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	c, ok := s.cache[person]
	s.mu.Unlock()
	if ok && c.stamp == stamp {
		return c.list, nil
	}
	list, err := s.Store.List(ctx, person)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b Favourite) int {
		if a.Pos != b.Pos {
			return a.Pos - b.Pos
		}
		return a.Slot - b.Slot
	})
	s.mu.Lock()
	if s.cache == nil || len(s.cache) > 10000 {
		s.cache = map[string]cached{}
	}
	s.cache[person] = cached{stamp, list}
	s.mu.Unlock()
	return list, nil
}

// fresh reads the person's favourites from the store, in their order.
func (s *Service) fresh(ctx context.Context, person string) ([]Favourite, error) {
	s.mu.Lock()
	delete(s.cache, person)
	s.mu.Unlock()
	return s.List(ctx, person)
}

// Add stars the page under the title; a page starred already stays as it
// is. Bad input is a valid.Problems on the field "path" or "title".
func (s *Service) Add(ctx context.Context, person, path, title string) error {
	title = strings.TrimSpace(title)
	if !ValidPath(path) {
		return valid.Problems{{Field: "path", Key: "nav.fav.error.path"}}
	}
	if err := checkTitle(title); err != nil {
		return err
	}
	list, err := s.fresh(ctx, person)
	if err != nil {
		return err
	}
	used, pos := map[int]bool{}, 0
	for _, f := range list {
		if f.Path == path {
			return nil
		}
		used[f.Slot] = true
		pos = max(pos, f.Pos+1)
	}
	for slot := 1; slot <= Max; slot++ {
		if used[slot] {
			continue
		}
		err := s.Store.Insert(ctx, person, Favourite{Slot: slot, Path: path, Title: title, Pos: pos, AddedAt: s.Now().UTC()})
		if err == nil {
			return s.Store.Touch(ctx, person)
		}
		if !errors.Is(err, ErrTaken) {
			return err
		}
		// Taken by a parallel add: of this path (done) or of another (next slot).
		again, err := s.fresh(ctx, person)
		if err != nil {
			return err
		}
		for _, f := range again {
			if f.Path == path {
				return nil
			}
			used[f.Slot] = true
		}
	}
	return valid.Problems{{Field: "path", Key: "nav.fav.error.full", Args: []any{Max}}}
}

func checkTitle(title string) error {
	switch {
	case title == "":
		return valid.Problems{{Field: "title", Key: "nav.fav.error.title"}}
	case utf8.RuneCountInString(title) > MaxTitle:
		return valid.Problems{{Field: "title", Key: "nav.fav.error.title_long", Args: []any{MaxTitle}}}
	case !valid.Plain(title):
		return valid.Problems{{Field: "title", Key: "nav.fav.error.title_plain"}}
	}
	return nil
}

// Rename gives the favourite in the slot a new title.
func (s *Service) Rename(ctx context.Context, person string, slot int, title string) error {
	title = strings.TrimSpace(title)
	if err := checkTitle(title); err != nil {
		return err
	}
	list, err := s.fresh(ctx, person)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(f Favourite) bool { return f.Slot == slot })
	if i < 0 {
		return ErrNotFound
	}
	if err := s.Store.Update(ctx, person, slot, title, list[i].Pos); err != nil {
		return err
	}
	return s.Store.Touch(ctx, person)
}

// Move moves the favourite in the slot one place up (by -1) or down (+1);
// at the end of the list it stays.
func (s *Service) Move(ctx context.Context, person string, slot, by int) error {
	list, err := s.fresh(ctx, person)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(f Favourite) bool { return f.Slot == slot })
	if i < 0 {
		return ErrNotFound
	}
	j := i + by
	if j < 0 || j >= len(list) || (by != 1 && by != -1) {
		return nil
	}
	list = slices.Clone(list)
	list[i], list[j] = list[j], list[i]
	for k, f := range list { // numbered anew: positions may have been equal
		if f.Pos != k {
			if err := s.Store.Update(ctx, person, f.Slot, f.Title, k); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
	}
	return s.Store.Touch(ctx, person)
}

// Remove removes the favourite in the slot.
func (s *Service) Remove(ctx context.Context, person string, slot int) error {
	if err := s.Store.Delete(ctx, person, slot); err != nil {
		return err
	}
	return s.Store.Touch(ctx, person)
}
