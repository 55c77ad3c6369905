package handlers_test

import (
	"strings"
	"sync"
	"testing"
)

// One candidate-list request, once the list is built, asks the database
// only what is not kept in memory: the session, the chosen employment,
// the recruitment, the list's stamp and the stage set, the menu's two
// (the person's favourites stamp and unread hint, each by _id), and at
// most once per refresh interval the stamps of the directory and the
// grants. The staff directory and the grants themselves come from memory.
func TestCandidateListRoundTrips(t *testing.T) {
	t.Parallel()
	a, r, _ := reviewSetup(t, false)
	rec := staffVisitor(t, a, "rekry01")
	path := "/personal/rekrytering/" + r.ID + "/kandidater?sortera=rating"
	want200(t, "warm up", rec.get(path))
	var mu sync.Mutex
	var seen []string
	stop := a.db.Trace(func(command, collection string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, command+" "+collection)
	})
	want200(t, "list", rec.get(path))
	stop()
	mu.Lock()
	defer mu.Unlock()
	for _, c := range seen {
		if strings.Contains(c, "staff_") {
			t.Errorf("%s: the directory and the grants are kept in memory", c)
		}
	}
	if len(seen) > 9 {
		t.Errorf("%d commands, want at most 9", len(seen))
	}
	if t.Failed() {
		t.Logf("the commands of one request:\n%s", strings.Join(seen, "\n"))
	}
}
