package demo

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The demo organisation passes the import's checks and keeps the shape
// the demo relies on: user names of three letters of the first name, three
// of the last and two digits; work addresses firstname.lastname; some with
// two employments; a Systemförvaltare; the users that make run's banner
// names.
func TestOrganisation(t *testing.T) {
	b, err := Organisation()
	if err != nil {
		t.Fatal(err)
	}
	fold := strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e")
	user := regexp.MustCompile(`^[a-z]{6}[0-9]{2}$`)
	users, two, admin := map[string]bool{}, 0, false
	for _, p := range b.People {
		first, last := fold.Replace(strings.ToLower(p.FirstName)), fold.Replace(strings.ToLower(p.LastName))
		if !user.MatchString(p.User) || p.User[:6] != first[:3]+last[:3] {
			t.Errorf("user name %q of %s %s", p.User, p.FirstName, p.LastName)
		}
		if local, _, _ := strings.Cut(p.Email, "@"); !strings.HasPrefix(local, first+"."+last) || !strings.HasSuffix(p.Email, "@exempelkommunen.se") {
			t.Errorf("address %q of %s %s", p.Email, p.FirstName, p.LastName)
		}
		users[p.User] = true
		if len(p.Employments) == 2 {
			two++
		}
		for _, e := range p.Employments {
			admin = admin || e.Title == "Systemförvaltare"
		}
	}
	if len(b.People) < 30 || len(b.Units) < 8 || two < 2 || !admin {
		t.Fatalf("%d people, %d units, %d with two employments, a Systemförvaltare: %v", len(b.People), len(b.Units), two, admin)
	}
	banner, err := os.ReadFile("../scripts/run.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range DemoUsers {
		if !users[u.User] || !strings.Contains(string(banner), u.User) {
			t.Errorf("%s: in the demo %v, in the banner of make run %v", u.User, users[u.User], strings.Contains(string(banner), u.User))
		}
	}
}
