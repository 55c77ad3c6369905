// Package overview is the layout of a person's overview, the staff start
// page: which blocks it shows, in what order and at what width. Each
// person keeps one layout; one never saved is the default. Editing works
// on a draft (move, resize, hide, show, reset) that is stored whole when
// saved, so that of two saves the last wins and none is stored in part.
package overview

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"portal/valid"
)

// Errors of overview.
var (
	// ErrNotFound: the person has no saved layout.
	ErrNotFound = errors.New("overview: not found")
	// ErrNoMove: the block is already first or last.
	ErrNoMove = errors.New("overview: block cannot move that way")
)

// Block names one block of the overview.
type Block string

// The blocks, in their default order.
const (
	NetPay      Block = "net"         // Aktuell nettolön
	Preliminary Block = "preliminary" // Preliminär nettolön
	Balances    Block = "balances"    // Saldon
	YearToDate  Block = "ytd"         // Ackar
	ToDo        Block = "todo"        // Att göra
	Schedule    Block = "schedule"    // Mina arbetstider
)

// Blocks are every block there is, in the default order.
var Blocks = []Block{NetPay, Preliminary, Balances, YearToDate, ToDo, Schedule}

// Known reports whether b is a block of the overview.
func Known(b Block) bool { return slices.Contains(Blocks, b) }

// Size is how wide a block is drawn.
type Size string

// The sizes of a block.
const (
	Half Size = "half" // half the width (one column of two on wide screens)
	Full Size = "full" // the whole width
)

// Item is one block of a layout.
type Item struct {
	Block  Block
	Size   Size
	Hidden bool
}

// Layout is one person's overview: every block once, in order.
type Layout struct {
	PersonID string
	Items    []Item
	SavedAt  time.Time // zero for the default never saved
}

// defaultSize is the width each block starts at.
func defaultSize(b Block) Size {
	if b == ToDo || b == Schedule {
		return Full
	}
	return Half
}

// Default is the layout of a person who never saved one.
func Default(personID string) Layout {
	l := Layout{PersonID: personID}
	for _, b := range Blocks {
		l.Items = append(l.Items, Item{Block: b, Size: defaultSize(b)})
	}
	return l
}

// IsDefault reports whether the layout looks as the default does.
func (l Layout) IsDefault() bool {
	return slices.Equal(l.Items, Default(l.PersonID).Items)
}

// Visible is the blocks shown, in order.
func (l Layout) Visible() []Item {
	var out []Item
	for _, it := range l.Items {
		if !it.Hidden {
			out = append(out, it)
		}
	}
	return out
}

// index is where b is in the layout, or -1.
func (l Layout) index(b Block) int {
	return slices.IndexFunc(l.Items, func(it Item) bool { return it.Block == b })
}

// clone copies the items so that a change leaves l as it was.
func (l Layout) clone() Layout {
	l.Items = slices.Clone(l.Items)
	return l
}

// Move moves b one place up (delta -1) or down (delta 1).
func (l Layout) Move(b Block, delta int) (Layout, error) {
	i := l.index(b)
	if i < 0 {
		return l, unknown("layout")
	}
	j := i + delta
	if (delta != -1 && delta != 1) || j < 0 || j >= len(l.Items) {
		return l, ErrNoMove
	}
	out := l.clone()
	out.Items[i], out.Items[j] = out.Items[j], out.Items[i]
	return out, nil
}

// Resize gives b the size s.
func (l Layout) Resize(b Block, s Size) (Layout, error) {
	i := l.index(b)
	if i < 0 {
		return l, unknown("layout")
	}
	if s != Half && s != Full {
		return l, valid.Problems{{Field: "layout", Key: "overview.error.size"}}
	}
	out := l.clone()
	out.Items[i].Size = s
	return out, nil
}

// SetHidden hides b or shows it again.
func (l Layout) SetHidden(b Block, hidden bool) (Layout, error) {
	i := l.index(b)
	if i < 0 {
		return l, unknown("layout")
	}
	out := l.clone()
	out.Items[i].Hidden = hidden
	return out, nil
}

// Reset is the default layout of the same person.
func (l Layout) Reset() Layout { return Default(l.PersonID) }

func unknown(field string) error {
	return valid.Problems{{Field: field, Key: "overview.error.unknown_block"}}
}

// Check judges a layout that came from outside (a posted form): every
// block it names must be known and named once, each with a known size.
// A block it leaves out (one added since the page was drawn) is put at
// the end at its default width; anything else wrong refuses it whole.
func Check(personID string, items []Item) (Layout, error) {
	if len(items) == 0 {
		return Layout{}, valid.Problems{{Field: "layout", Key: "overview.error.empty"}}
	}
	// The loop ends at the first item wrong, so at most one past the
	// known blocks is looked at: more than there are is a duplicate or an
	// unknown block, and it is told which.
	seen := map[Block]bool{}
	l := Layout{PersonID: personID}
	for _, it := range items {
		switch {
		case !Known(it.Block):
			return Layout{}, unknown("layout")
		case seen[it.Block]:
			return Layout{}, valid.Problems{{Field: "layout", Key: "overview.error.duplicate"}}
		case it.Size != Half && it.Size != Full:
			return Layout{}, valid.Problems{{Field: "layout", Key: "overview.error.size"}}
		}
		seen[it.Block] = true
		l.Items = append(l.Items, it)
	}
	return complete(l, seen), nil
}

// Normalize makes a stored layout whole: blocks no longer known are left
// out, duplicates after the first and bad sizes mended, and blocks it
// lacks appended at their default width. Storage may hold a layout saved
// by an older or newer version of the portal.
func Normalize(l Layout) Layout {
	seen := map[Block]bool{}
	out := Layout{PersonID: l.PersonID, SavedAt: l.SavedAt}
	for _, it := range l.Items {
		if !Known(it.Block) || seen[it.Block] {
			continue
		}
		if it.Size != Half && it.Size != Full {
			it.Size = defaultSize(it.Block)
		}
		seen[it.Block] = true
		out.Items = append(out.Items, it)
	}
	return complete(out, seen)
}

func complete(l Layout, seen map[Block]bool) Layout {
	for _, b := range Blocks {
		if !seen[b] {
			l.Items = append(l.Items, Item{Block: b, Size: defaultSize(b)})
		}
	}
	return l
}

// Encode writes an item as a form carries it: "balances:half:shown".
func (it Item) Encode() string {
	state := "shown"
	if it.Hidden {
		state = "hidden"
	}
	return string(it.Block) + ":" + string(it.Size) + ":" + state
}

// Decode reads an item as Encode writes it; ok false when it is not one.
func Decode(s string) (Item, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 || (parts[2] != "shown" && parts[2] != "hidden") {
		return Item{}, false
	}
	return Item{Block: Block(parts[0]), Size: Size(parts[1]), Hidden: parts[2] == "hidden"}, true
}

// Store keeps each person's layout, one document a person.
type Store interface {
	// Layout returns the person's saved layout or ErrNotFound.
	Layout(ctx context.Context, personID string) (Layout, error)
	// SaveLayout stores the layout whole under its person, replacing the
	// one before.
	SaveLayout(ctx context.Context, l Layout) error
	// DeleteLayout removes the person's layout; none is no error.
	DeleteLayout(ctx context.Context, personID string) error
}

// Service reads and saves the layouts.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Layout is the person's layout, the default when none is saved.
func (s *Service) Layout(ctx context.Context, personID string) (Layout, error) {
	l, err := s.Store.Layout(ctx, personID)
	if errors.Is(err, ErrNotFound) {
		return Default(personID), nil
	}
	if err != nil {
		return Layout{}, err
	}
	l.PersonID = personID
	return Normalize(l), nil
}

// Save checks a layout from outside and stores it whole; a layout
// refused stores nothing. Saving the default removes the saved one.
func (s *Service) Save(ctx context.Context, personID string, items []Item) (Layout, error) {
	l, err := Check(personID, items)
	if err != nil {
		return Layout{}, err
	}
	if l.IsDefault() {
		return l, s.Store.DeleteLayout(ctx, personID)
	}
	l.SavedAt = s.Now()
	return l, s.Store.SaveLayout(ctx, l)
}
