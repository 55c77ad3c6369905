package demo

import (
	"testing"
	"time"

	"portal/personal"
)

// Every demo person has an address and phone the portal's own rules
// accept and a masked bank account; some have a relative and a child.
func TestPersonal(t *testing.T) {
	b, err := Organisation()
	if err != nil {
		t.Fatal(err)
	}
	all, _ := personal.ParseEditable(personal.DefaultEditable)
	data := Personal(b, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if len(data) != len(b.People) {
		t.Fatalf("%d of %d people", len(data), len(b.People))
	}
	relatives, children := 0, 0
	for _, d := range data {
		if err := d.Exported.Contact.Validate(all); err != nil {
			t.Errorf("%s: %v", d.Exported.PersonID, err)
		}
		if d.Exported.Bank == nil || len(d.Exported.Bank.Last4) != 4 {
			t.Errorf("%s: bank %+v", d.Exported.PersonID, d.Exported.Bank)
		}
		for i, r := range d.Relatives {
			if r.Slot != i+1 || r.PersonID != d.Exported.PersonID {
				t.Errorf("%s: relative %+v", d.Exported.PersonID, r)
			}
			if r.Kind == personal.KindChild {
				children++
			} else if personal.ValidPhone(r.Phone) {
				relatives++
			}
		}
	}
	if relatives == 0 || children == 0 {
		t.Errorf("%d relatives, %d children", relatives, children)
	}
	again := Personal(b, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if again[3].Exported.Contact != data[3].Exported.Contact {
		t.Error("the demo data changes between runs")
	}
}
