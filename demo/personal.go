package demo

import (
	"fmt"
	"hash/fnv"
	"time"

	"portal/employees"
	"portal/personal"
)

// PersonalData is what the demo's HR and payroll export about one person
// (address, phone, the bank account, masked) and the relatives the
// person has entered.
type PersonalData struct {
	Exported  personal.Exported
	Relatives []personal.Relative
}

var (
	demoStreets = []string{"Storgatan", "Järnvägsgatan", "Kyrkogatan", "Torggatan", "Lagavägen", "Bredasten", "Ekvägen", "Björkgatan", "Smålandsvägen", "Prästgårdsgatan"}
	demoTowns   = []struct{ code, town string }{{"331 30", "Värnamo"}, {"331 41", "Värnamo"}, {"331 53", "Värnamo"}, {"335 30", "Gnosjö"}, {"352 30", "Växjö"}, {"553 16", "Jönköping"}}
	demoBanks   = []string{"8327-9", "6152", "5357", "3300", "9420"}
	demoFirst   = []string{"Johan", "Maria", "Lars", "Karin", "Anders", "Eva", "Mikael", "Sara", "Per", "Lena"}
	demoKids    = []string{"Elsa", "Noah", "Alice", "Hugo", "Maja", "Liam", "Ebba", "Oscar"}
)

// Personal gives every person of the demo organisation an address, a
// phone and a bank account as HR and payroll would export them, and
// every other person a relative to contact and some a child too; the
// same organisation always gives the same data.
func Personal(b employees.Batch, now time.Time) []PersonalData {
	var out []PersonalData
	for i, p := range b.People {
		h := fnv.New32a()
		h.Write([]byte(p.User))
		n := h.Sum32()
		town := demoTowns[n%uint32(len(demoTowns))]
		bank := personal.Bank{Clearing: demoBanks[(n/7)%uint32(len(demoBanks))], Last4: fmt.Sprintf("%04d", n%10000)}
		user := employees.NormalizeUser(p.User)
		d := PersonalData{Exported: personal.Exported{PersonID: user, Bank: &bank, UpdatedAt: now, Contact: personal.Contact{
			Street: fmt.Sprintf("%s %d", demoStreets[(n/3)%uint32(len(demoStreets))], 1+n%40), PostalCode: town.code, City: town.town,
			Phone: fmt.Sprintf("070-%03d %02d %02d", n%1000, (n/1000)%100, (n/100000)%100),
		}}}
		if i%2 == 0 {
			relation := []personal.Relation{personal.Spouse, personal.Cohabitant, personal.Parent, personal.Sibling}[(n/11)%4]
			d.Relatives = append(d.Relatives, personal.Relative{PersonID: user, Kind: personal.KindRelative, Slot: 1,
				Name: demoFirst[(n/13)%uint32(len(demoFirst))] + " " + p.LastName, Relation: relation, Emergency: true,
				Phone: fmt.Sprintf("073-%03d %02d %02d", (n/17)%1000, (n/19)%100, (n/23)%100), CreatedAt: now, UpdatedAt: now})
		}
		if i%4 == 0 {
			born := time.Date(2010+int(n%14), time.Month(1+(n/29)%12), 1+int((n/31)%28), 0, 0, 0, 0, time.UTC)
			d.Relatives = append(d.Relatives, personal.Relative{PersonID: user, Kind: personal.KindChild, Slot: len(d.Relatives) + 1,
				Name: demoKids[(n/37)%uint32(len(demoKids))] + " " + p.LastName, BirthDate: born, LivesWith: true, CreatedAt: now, UpdatedAt: now})
		}
		out = append(out, d)
	}
	return out
}
