package overview

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"portal/valid"
)

func order(l Layout) []Block {
	var out []Block
	for _, it := range l.Items {
		out = append(out, it.Block)
	}
	return out
}

func TestDefaultHasEveryBlockOnce(t *testing.T) {
	l := Default("eva")
	if !slices.Equal(order(l), Blocks) || !l.IsDefault() {
		t.Fatalf("default: %v", order(l))
	}
	if l.Items[0].Size != Half || l.Items[5].Size != Full || len(l.Visible()) != len(Blocks) {
		t.Fatalf("default sizes: %+v", l.Items)
	}
}

func TestMoveResizeHide(t *testing.T) {
	l := Default("eva")
	up, err := l.Move(Balances, -1)
	if err != nil || !slices.Equal(order(up), []Block{NetPay, Balances, Preliminary, YearToDate, ToDo, Schedule}) {
		t.Fatalf("move up: %v %v", order(up), err)
	}
	if !slices.Equal(order(l), Blocks) {
		t.Fatalf("move changed the layout it was made from: %v", order(l))
	}
	if _, err := l.Move(NetPay, -1); !errors.Is(err, ErrNoMove) {
		t.Errorf("first block up: %v", err)
	}
	if _, err := l.Move(Schedule, 1); !errors.Is(err, ErrNoMove) {
		t.Errorf("last block down: %v", err)
	}
	if _, err := l.Move(NetPay, 2); !errors.Is(err, ErrNoMove) {
		t.Errorf("two places: %v", err)
	}
	if _, err := l.Move("salary", 1); err == nil {
		t.Error("unknown block moved")
	}
	wide, err := up.Resize(Balances, Full)
	if err != nil || wide.Items[1].Size != Full || up.Items[1].Size != Half {
		t.Fatalf("resize: %+v %v", wide.Items, err)
	}
	if _, err := up.Resize(Balances, "huge"); err == nil {
		t.Error("unknown size taken")
	}
	hid, err := wide.SetHidden(ToDo, true)
	if err != nil || len(hid.Visible()) != 5 || slices.ContainsFunc(hid.Visible(), func(it Item) bool { return it.Block == ToDo }) {
		t.Fatalf("hide: %+v %v", hid.Visible(), err)
	}
	shown, _ := hid.SetHidden(ToDo, false)
	if len(shown.Visible()) != 6 || shown.IsDefault() {
		t.Fatalf("show: %+v", shown.Items)
	}
	if r := shown.Reset(); !r.IsDefault() || r.PersonID != "eva" {
		t.Fatalf("reset: %+v", r)
	}
}

func TestCheckRefusesHostileLayouts(t *testing.T) {
	full := Default("eva").Items
	for name, items := range map[string][]Item{
		"empty":     nil,
		"unknown":   append(slices.Clone(full[:5]), Item{Block: "salary", Size: Half}),
		"duplicate": {full[0], full[1], full[0]},
		"too many":  append(slices.Clone(full), full[0]),
		"size":      {{Block: NetPay, Size: "wide"}},
	} {
		if _, err := Check("eva", items); err == nil {
			t.Errorf("%s: taken", name)
		} else if _, ok := err.(valid.Problems); !ok {
			t.Errorf("%s: %v is not a validation error", name, err)
		}
	}
	// A stale page that lacks a block gets it at the end, by default.
	l, err := Check("eva", []Item{{Block: Schedule, Size: Half, Hidden: true}})
	if err != nil || len(l.Items) != len(Blocks) || l.Items[0] != (Item{Block: Schedule, Size: Half, Hidden: true}) || l.Items[1].Block != NetPay {
		t.Fatalf("stale layout: %+v %v", l.Items, err)
	}
}

func TestNormalizeMendsAStoredLayout(t *testing.T) {
	l := Normalize(Layout{PersonID: "eva", Items: []Item{{Block: "gone", Size: Half}, {Block: ToDo, Size: "x"}, {Block: ToDo, Size: Half}}})
	if len(l.Items) != len(Blocks) || l.Items[0] != (Item{Block: ToDo, Size: Full}) || l.Items[1].Block != NetPay {
		t.Fatalf("normalized: %+v", l.Items)
	}
}

func TestEncodeDecode(t *testing.T) {
	for _, it := range Default("eva").Items {
		it.Hidden = it.Block == YearToDate
		got, ok := Decode(it.Encode())
		if !ok || got != it {
			t.Errorf("%+v came back as %+v", it, got)
		}
	}
	for _, s := range []string{"", "net", "net:half", "net:half:maybe", "net:half:shown:x"} {
		if _, ok := Decode(s); ok {
			t.Errorf("%q decoded", s)
		}
	}
}

type memStore struct {
	saved   map[string]Layout
	deletes int
}

func (m *memStore) Layout(_ context.Context, id string) (Layout, error) {
	l, ok := m.saved[id]
	if !ok {
		return Layout{}, ErrNotFound
	}
	return l, nil
}

func (m *memStore) SaveLayout(_ context.Context, l Layout) error {
	m.saved[l.PersonID] = l
	return nil
}

func (m *memStore) DeleteLayout(_ context.Context, id string) error {
	m.deletes++
	delete(m.saved, id)
	return nil
}

func TestServiceSavesWholeOrNothing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	st := &memStore{saved: map[string]Layout{}}
	s := &Service{Store: st, Now: func() time.Time { return now }}
	if l, err := s.Layout(ctx, "eva"); err != nil || !l.IsDefault() {
		t.Fatalf("unsaved: %+v %v", l, err)
	}
	moved, _ := Default("eva").Move(Schedule, -1)
	if _, err := s.Save(ctx, "eva", moved.Items); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Layout(ctx, "eva"); !slices.Equal(order(l), order(moved)) || !l.SavedAt.Equal(now) {
		t.Fatalf("saved: %+v", l)
	}
	if _, err := s.Save(ctx, "eva", []Item{{Block: "x", Size: Half}}); err == nil {
		t.Fatal("hostile layout saved")
	}
	if l, _ := s.Layout(ctx, "eva"); !slices.Equal(order(l), order(moved)) {
		t.Fatalf("a refused save changed the layout: %v", order(l))
	}
	if _, err := s.Save(ctx, "eva", Default("eva").Items); err != nil || st.deletes != 1 || len(st.saved) != 0 {
		t.Fatalf("saving the default: %v %d", err, st.deletes)
	}
}
