package staff

import (
	"testing"
)

// The menu search: every word starts a word of the entry, case and
// accents aside.
func TestMenuSearchMatches(t *testing.T) {
	items := []MenuItem{
		{ID: "pay", Title: "Lön", Children: []MenuItem{
			{ID: "balances", Href: "/personal/saldon", Title: "Saldon", Search: menuFold("Saldon Semester, flex och komp semesterdagar Lön")},
		}},
		{ID: "tax", Href: "/personal/personligt/skatt", Title: "Skatteuppgifter", Search: menuFold("Skatteuppgifter jämkning skattetabell")},
	}
	for q, want := range map[string]string{
		"SEMESTER": "balances", "semest": "balances", "lön saldon": "balances", "Jamkning": "tax", "jämk": "tax", "SKÄTT": "tax",
		"mester": "", "lön skatt": "", "": "",
	} {
		hits := search(items, q)
		got := ""
		if len(hits) == 1 {
			got = hits[0].ID
		} else if len(hits) > 1 {
			got = "many"
		}
		if got != want {
			t.Errorf("search %q: %q, want %q", q, got, want)
		}
	}
}

// Every entry has a unique ID, a submenu named by its entries, and
// texts in both languages (the locale test checks the keys).
func TestMenuEntries(t *testing.T) {
	ids := map[string]bool{}
	for _, e := range MenuEntries {
		if ids[e.ID] {
			t.Errorf("%s twice", e.ID)
		}
		ids[e.ID] = true
		if e.Parent != "" && !ids[e.Parent] {
			t.Errorf("%s: submenu %s not above it", e.ID, e.Parent)
		}
	}
	if id, exact := currentOf(MenuEntries, "/personal/meddelanden/nytt"); id != "messages" || exact {
		t.Errorf("current of a page under Messages: %s %v", id, exact)
	}
	if id, exact := currentOf(MenuEntries, "/personal"); id != "home" || !exact {
		t.Errorf("current of the start page: %s %v", id, exact)
	}
	if id, _ := currentOf(MenuEntries, "/personal/okand"); id != "" {
		t.Errorf("current of an unknown page: %s", id)
	}
}
