package storage_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"portal/internal/testenv"
	"portal/personal"
)

// Personal data round-trips; what HR exported and the person's own
// entries are apart; a relative's slot is held once, also when two
// inserts race, and another person's relative is not found.
func TestPersonalStore(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	s := db.Personal()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	if _, err := s.Exported(ctx, "eva"); !errors.Is(err, personal.ErrNotFound) {
		t.Fatalf("missing exported: %v", err)
	}
	if _, err := s.Own(ctx, "eva"); !errors.Is(err, personal.ErrNotFound) {
		t.Fatalf("missing own: %v", err)
	}
	exp := personal.Exported{PersonID: "eva", Contact: personal.Contact{Street: "Storgatan 1", PostalCode: "352 30", City: "Växjö"},
		Bank: &personal.Bank{Clearing: "8327-9", Last4: "1234"}, UpdatedAt: at}
	if err := s.SaveExported(ctx, exp); err != nil {
		t.Fatal(err)
	}
	own := personal.Own{PersonID: "eva", Contact: personal.Contact{Phone: "070-123 45 67"}, Phone: true, UpdatedAt: at}
	if err := s.SaveOwn(ctx, own); err != nil {
		t.Fatal(err)
	}
	gotExp, err := s.Exported(ctx, "eva")
	if err != nil || gotExp.Contact != exp.Contact || *gotExp.Bank != *exp.Bank || !gotExp.UpdatedAt.Equal(at) {
		t.Fatalf("exported: %+v %v", gotExp, err)
	}
	gotOwn, err := s.Own(ctx, "eva")
	if err != nil || gotOwn.Contact.Phone != "070-123 45 67" || !gotOwn.Phone || gotOwn.Address {
		t.Fatalf("own: %+v %v", gotOwn, err)
	}

	born := time.Date(2019, 4, 30, 0, 0, 0, 0, time.UTC)
	child := personal.Relative{PersonID: "eva", Kind: personal.KindChild, Slot: 1, Name: "Lo", BirthDate: born, LivesWith: true, CreatedAt: at, UpdatedAt: at}
	id, err := s.InsertRelative(ctx, child)
	if err != nil || len(id) != 24 {
		t.Fatalf("insert: %q %v", id, err)
	}
	got, err := s.Relative(ctx, "eva", id)
	if err != nil || got.Name != "Lo" || !got.BirthDate.Equal(born) || !got.LivesWith || got.Slot != 1 || got.Kind != personal.KindChild {
		t.Fatalf("relative: %+v %v", got, err)
	}
	if _, err := s.Relative(ctx, "otto", id); !errors.Is(err, personal.ErrNotFound) {
		t.Errorf("another's relative: %v", err)
	}
	got.PersonID, got.Name = "otto", "Kapad"
	if err := s.UpdateRelative(ctx, got); !errors.Is(err, personal.ErrNotFound) {
		t.Errorf("update as another: %v", err)
	}
	if err := s.DeleteRelative(ctx, "otto", id); !errors.Is(err, personal.ErrNotFound) {
		t.Errorf("delete as another: %v", err)
	}

	// Two inserts of slot 2 at once: one is kept, the other collides.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.InsertRelative(ctx, personal.Relative{PersonID: "eva", Kind: personal.KindRelative, Slot: 2, Name: "Per", Relation: personal.Spouse, Phone: "070"})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], personal.ErrTaken) || errors.Is(errs[1], personal.ErrTaken)) {
		t.Fatalf("race for a slot: %v", errs)
	}
	// Another person's slot 2 is theirs.
	if _, err := s.InsertRelative(ctx, personal.Relative{PersonID: "otto", Kind: personal.KindRelative, Slot: 2, Name: "Mia"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Relatives(ctx, "eva")
	if err != nil || len(list) != 2 || list[0].Slot != 1 || list[1].Slot != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := s.DeleteRelative(ctx, "eva", id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertRelative(ctx, personal.Relative{PersonID: "eva", Kind: personal.KindChild, Slot: 1, Name: "Mio", BirthDate: born}); err != nil {
		t.Errorf("a freed slot: %v", err)
	}

	for i, what := range []string{"contact", "relative"} {
		if err := s.RecordChange(ctx, personal.Change{PersonID: "eva", By: "eva", At: at.Add(time.Duration(i) * time.Minute), Action: "changed", What: what, Fields: []string{"phone"}}); err != nil {
			t.Fatal(err)
		}
	}
	changes, err := s.Changes(ctx, "eva", 1)
	if err != nil || len(changes) != 1 || changes[0].What != "relative" || changes[0].Fields[0] != "phone" {
		t.Fatalf("changes: %+v %v", changes, err)
	}
}
