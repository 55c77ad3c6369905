package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"portal/employees"
)

// The menu lists what the person may open and nothing else; the
// self-service pages are everyone's, the admin pages by permission.
func TestStaffMenuByRole(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	everyone := []string{`href="/personal/lon"`, `href="/personal/saldon"`, `href="/personal/personligt"`, `href="/personal/personligt/anhoriga"`,
		`href="/personal/meddelanden"`, `href="/personal/installningar/favoriter"`, `href="/personal/behorigheter"`, `href="/"`}
	admin := []string{`href="/personal/admin/behorigheter"`, `href="/personal/admin/kurser"`, `href="/personal/admin/logg"`, `href="/personal/admin/utskick"`}
	for _, tc := range []struct {
		who         string
		sign, admin bool
	}{{"evaryl01", false, false}, {"chefanna", true, false}, {"admin01", false, true}} {
		v := staffVisitor(t, a, tc.who)
		page := v.get("/personal/installningar")
		want(t, tc.who, page, 200, everyone...)
		if got := strings.Contains(page.body, `href="/personal/behorigheter/att-signera"`); got != tc.sign {
			t.Errorf("%s: signing link %v", tc.who, got)
		}
		for _, l := range admin {
			if got := strings.Contains(page.body, l); got != tc.admin {
				t.Errorf("%s: %s %v", tc.who, l, got)
			}
		}
		if !strings.Contains(page.body, `<a href="/personal/installningar" aria-current="page">`) {
			t.Errorf("%s: the page shown is not marked current", tc.who)
		}
	}
}

// The menu search finds entries by title, text and keywords, case and
// accents aside, in the user's language, and only those one may open.
func TestStaffMenuSearch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	eva := staffVisitor(t, a, "evaryl01")
	for _, tc := range []struct {
		q, lang   string
		has, lack []string
	}{
		{"SEMESTER", "", []string{`<li><a href="/personal/saldon">Saldon</a>`}, nil},
		{"jamkning", "", []string{`<li><a href="/personal/personligt/skatt">Skatteuppgifter</a>`}, nil},
		{"lösen", "", []string{`<li><a href="/personal/installningar">`}, nil},
		{"vacation", "en", []string{`<li><a href="/personal/saldon">Balances</a>`}, nil},
		{"gallring", "", []string{"Inga sidor matchar"}, []string{`<li><a href="/personal/gallring">`}},
		{"tilldela", "", []string{"Inga sidor matchar"}, []string{`/personal/admin/behorigheter">`}},
	} {
		eva.lang = tc.lang
		page := eva.get("/personal/meny?q=" + url.QueryEscape(tc.q))
		want(t, tc.q, page, 200, tc.has...)
		for _, s := range tc.lack {
			if strings.Contains(page.body, s) {
				t.Errorf("%s: found %q", tc.q, s)
			}
		}
	}
	eva.lang = ""
	admin := staffVisitor(t, a, "admin01")
	want(t, "admin", admin.get("/personal/meny?q=tilldela"), 200, `<li><a href="/personal/admin/behorigheter">`)
}

var unreadBadge = regexp.MustCompile(`<span class="badge" aria-hidden="true">(\d+)</span>`)

func unread(t *testing.T, v *visitor) int {
	t.Helper()
	page := v.get("/personal/installningar")
	m := unreadBadge.FindStringSubmatch(page.body)
	if m == nil {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// A message to a colleague: search, tick, "Lägg till markerade", send; the
// colleague sees the unread count and the message in the header, opening
// it marks it read.
func TestStaffMessageToAColleague(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	eva, otto := staffVisitor(t, a, "evaryl01"), staffVisitor(t, a, "otto")
	found := eva.get("/personal/meddelanden/nytt?q=LIND")
	want(t, "search", found, 200, `<label for="pick-otto">Otto Lind (otto)</label>`)
	if strings.Contains(found.body, `pick-evaryl01`) {
		t.Error("one finds oneself")
	}
	added := eva.get("/personal/meddelanden/nytt?q=lind&pick=otto&add=1")
	want(t, "added", added, 200, `<input type="hidden" name="to" value="otto">`, "Otto Lind (otto)")

	bad := eva.post("/personal/meddelanden/nytt?to=otto", "/personal/meddelanden/nytt", url.Values{"to": {"otto"}, "subject": {""}, "text": {"Hej"}})
	want(t, "no subject", bad, 422, `id="subject-error"`, "Skriv ett ämne.", `<input type="hidden" name="to" value="otto">`)
	none := eva.post("/personal/meddelanden/nytt", "/personal/meddelanden/nytt", url.Values{"subject": {"Hej"}, "text": {"Hej"}})
	want(t, "no recipient", none, 422, "Välj minst en mottagare.")
	if n := unread(t, otto); n != 0 {
		t.Fatalf("unread after bad input: %d", n)
	}

	sent := eva.post("/personal/meddelanden/nytt", "/personal/meddelanden/nytt", url.Values{"to": {"otto"}, "subject": {"Fika på fredag"}, "text": {"Välkommen!\nEva"}})
	if sent.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", sent.StatusCode, sent.body)
	}
	page := otto.get("/personal/installningar")
	want(t, "header", page, 200, `<span class="visually-hidden">, 1 olästa</span>`, "Fika på fredag", "Eva Rydberg")
	list := otto.get("/personal/meddelanden")
	want(t, "list", list, 200, "Fika på fredag", "Oläst")
	id := regexp.MustCompile(`/personal/meddelanden/([0-9a-f]{24})`).FindStringSubmatch(list.body)
	if id == nil {
		t.Fatal("no link to the message")
	}
	// Nobody else opens it, and trying changes nothing.
	anna := staffVisitor(t, a, "chefanna")
	other := anna.get("/personal/meddelanden/" + id[1])
	want(t, "other", other, 404)
	if strings.Contains(other.body, "Fika") || strings.Contains(other.body, "Välkommen") {
		t.Error("another's message shows what it says")
	}
	want(t, "bad id", otto.get("/personal/meddelanden/nope"), 404)
	if n := unread(t, otto); n != 1 {
		t.Fatalf("unread after another's try: %d", n)
	}
	want(t, "sender", eva.get("/personal/meddelanden/"+id[1]), 200, "Fika på fredag", "Otto Lind")
	if n := unread(t, otto); n != 1 {
		t.Fatalf("unread after the sender opened it: %d", n)
	}
	want(t, "open", otto.get("/personal/meddelanden/"+id[1]), 200, "Välkommen!", "Eva Rydberg")
	if n := unread(t, otto); n != 0 {
		t.Fatalf("unread after opening: %d", n)
	}
	want(t, "sent list", eva.get("/personal/meddelanden"), 200, "Fika på fredag", "Skickat", "Otto Lind")
}

// Messages sent at the same moment to one person all count.
func TestStaffMessagesInParallelAllCount(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	const n = 12
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := []string{"evaryl01", "chefanna", "admin01", ""}[i%4]
			_, errs[i] = a.Inbox.Send(ctx, from, []string{"otto", "dirbo"}, fmt.Sprintf("Nr %d", i), "Text")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	otto := staffVisitor(t, a, "otto")
	if got := unread(t, otto); got != n {
		t.Fatalf("unread %d, want %d", got, n)
	}
	// Opened at once from several tabs: counted read once.
	list := otto.get("/personal/meddelanden")
	id := regexp.MustCompile(`/personal/meddelanden/([0-9a-f]{24})`).FindStringSubmatch(list.body)[1]
	reqs := times(6, func(int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, "/personal/meddelanden/"+id, nil)
		otto.addCookies(req)
		return req
	})
	for _, res := range a.together(t, reqs...) {
		if res.StatusCode != 200 {
			t.Fatalf("open: %d", res.StatusCode)
		}
	}
	if got := unread(t, otto); got != n-1 {
		t.Fatalf("unread after opening one six times: %d, want %d", got, n-1)
	}
	sum, err := a.Inbox.Summary(ctx, "dirbo")
	if err != nil || sum.Unread() != n || len(sum.Latest) != 5 {
		t.Fatalf("dirbo: %+v %v", sum, err)
	}
}

// A role granted is a message from the portal too, beside the e-mail.
func TestStaffMessageOnRoleGranted(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	p, _ := a.db.Employees().PersonByID(ctx, "evaryl01")
	p.WorkEmail = "evaryl01@kommunen.se"
	if err := a.db.Employees().SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	eva := staffVisitor(t, a, "evaryl01")
	if res := eva.post("/personal/behorigheter", "/personal/behorigheter", url.Values{"role": {"recruiter"}, "units": {"SOC-HEM"}, "reason": {"Rekryterar"}}); res.StatusCode != 303 {
		t.Fatalf("request: %d", res.StatusCode)
	}
	reqs, _ := a.db.Access().RequestsOf(ctx, "evaryl01")
	if res := staffVisitor(t, a, "chefanna").post("/personal/behorigheter/att-signera", "/personal/behorigheter/"+reqs[0].ID+"/signera", nil); res.StatusCode != 303 {
		t.Fatalf("sign: %d", res.StatusCode)
	}
	if unread(t, eva) != 0 {
		t.Fatal("a message before the grant")
	}
	if res := staffVisitor(t, a, "admin01").post("/personal/admin/behorigheter", "/personal/admin/behorigheter/"+reqs[0].ID+"/bevilja", nil); res.StatusCode != 303 {
		t.Fatalf("grant: %d", res.StatusCode)
	}
	want(t, "header", eva.get("/personal/installningar"), 200, ", 1 olästa", "Du har fått en ny behörighet", "Portalen")
	list := eva.get("/personal/meddelanden")
	id := regexp.MustCompile(`/personal/meddelanden/([0-9a-f]{24})`).FindStringSubmatch(list.body)
	if id == nil {
		t.Fatalf("no message:\n%s", list.body)
	}
	want(t, "message", eva.get("/personal/meddelanden/"+id[1]), 200, "är beviljad")
}

// Favourites: the star saves a menu page, it shows at the top of the
// menu; renamed, moved and removed under Settings; a path of someone
// else's kind is refused; two tabs starring at once both keep theirs.
func TestStaffFavourites(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	eva := staffVisitor(t, a, "evaryl01")
	page := eva.get("/personal/behorigheter")
	want(t, "star", page, 200, `aria-pressed="false"><span aria-hidden="true">☆</span><span class="visually-hidden">Favorit</span>`)
	res := eva.post("/personal/behorigheter", "/personal/favoriter", url.Values{"path": {"/personal/behorigheter"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("star: %d %s", res.StatusCode, res.body)
	}
	page = eva.get("/personal/behorigheter")
	// The same name; aria-pressed alone tells the state.
	want(t, "starred", page, 200, `aria-pressed="true"><span aria-hidden="true">★</span><span class="visually-hidden">Favorit</span>`, `id="menu-favourites"`)
	// Pages one may not open, and other sites, are refused.
	for _, p := range []string{"/personal/admin/behorigheter", "//evil.example/personal", "https://evil.example/", "/personal/nope"} {
		if res := eva.post("/personal/behorigheter", "/personal/favoriter", url.Values{"path": {p}}); res.StatusCode != 400 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	// Two tabs at once.
	reqs := []*http.Request{
		eva.formRequest("/personal/installningar", "/personal/favoriter", url.Values{"path": {"/personal/installningar"}}),
		eva.formRequest("/personal/meddelanden", "/personal/favoriter", url.Values{"path": {"/personal/meddelanden"}}),
		eva.formRequest("/personal/meddelanden", "/personal/favoriter", url.Values{"path": {"/personal/meddelanden"}}),
	}
	for _, r := range a.together(t, reqs...) {
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("parallel star: %d %s", r.StatusCode, r.body)
		}
	}
	list, err := a.Favourites.List(context.Background(), "evaryl01")
	if err != nil || len(list) != 3 {
		t.Fatalf("favourites: %+v %v", list, err)
	}
	settings := eva.get("/personal/installningar/favoriter")
	want(t, "settings", settings, 200, "Flytta upp", "Flytta ned", `<label for="title-1">Titel`, "Ta bort favoriten")
	slot := fmt.Sprint(list[2].Slot)
	want(t, "empty title", eva.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+slot+"/titel", url.Values{"title": {" "}}), 422,
		"Skriv en titel.", `href="#title-`+slot+`"`)
	if res := eva.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+slot+"/titel", url.Values{"title": {"Min post"}}); res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	if res := eva.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+slot+"/flytta", url.Values{"dir": {"up"}}); res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	list, _ = a.Favourites.List(context.Background(), "evaryl01")
	if list[1].Title != "Min post" {
		t.Fatalf("after rename and move: %+v", list)
	}
	page = eva.get("/personal/installningar")
	if i, j := strings.Index(page.body, "★ </span>Min post"), strings.Index(page.body, "★ </span>Mina behörigheter"); i < 0 || j < 0 || i > strings.Index(page.body, "★ </span>"+list[2].Title) {
		t.Errorf("menu order: %d %d", i, j)
	}
	if res := eva.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+slot+"/ta-bort", nil); res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	// Removing a slot one never had, or one removed already, is not found
	// and says nothing was removed.
	for _, s := range []string{slot, "29"} {
		res := eva.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+s+"/ta-bort", nil)
		want(t, "remove "+s+" again", res, 404)
	}
	want(t, "another's removal", staffVisitor(t, a, "otto").post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+fmt.Sprint(list[0].Slot)+"/ta-bort", nil), 404)
	want(t, "no such slot", eva.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/31/titel", url.Values{"title": {"x"}}), 404)
	otto := staffVisitor(t, a, "otto")
	want(t, "another's slot", otto.post("/personal/installningar/favoriter", "/personal/installningar/favoriter/"+fmt.Sprint(list[0].Slot)+"/titel", url.Values{"title": {"x"}}), 404)
	list, _ = a.Favourites.List(context.Background(), "evaryl01")
	if len(list) != 2 {
		t.Fatalf("after removing: %+v", list)
	}
}

// A favourite of a page the person may no longer open is not shown.
func TestStaffFavouriteHiddenWhenNoLongerPermitted(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	if err := a.Favourites.Add(ctx, "evaryl01", "/personal/admin/logg", "Loggen"); err != nil {
		t.Fatal(err)
	}
	page := staffVisitor(t, a, "evaryl01").get("/personal/installningar")
	want(t, "page", page, 200)
	if strings.Contains(page.body, "Loggen") {
		t.Error("a favourite of a page one may not open is shown")
	}
}

// The limits of a message: at most 50 recipients, each an active
// colleague, a subject and a text of bounded length; bad input sends
// nothing.
func TestStaffMessageLimits(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("p%02d", i)
	}
	for name, tc := range map[string]struct {
		to            []string
		subject, text string
		field         string
	}{
		"too many":   {many, "Hej", "Text", "to"},
		"unknown":    {[]string{"otto", "nobody"}, "Hej", "Text", "to"},
		"long text":  {[]string{"otto"}, "Hej", strings.Repeat("a", 10001), "text"},
		"long title": {[]string{"otto"}, strings.Repeat("a", 201), "Text", "subject"},
		"control":    {[]string{"otto"}, "Hej\x00", "Text", "subject"},
		"no text":    {[]string{"otto"}, "Hej", "  ", "text"},
	} {
		_, err := a.Inbox.Send(ctx, "evaryl01", tc.to, tc.subject, tc.text)
		if !strings.Contains(fmt.Sprint(err), tc.field+":") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if sum, err := a.Inbox.Summary(ctx, "otto"); err != nil || sum.Unread() != 0 {
		t.Fatalf("sent anyway: %+v %v", sum, err)
	}
	long := eva(t, a).post("/personal/meddelanden/nytt", "/personal/meddelanden/nytt", url.Values{"to": {"otto"}, "subject": {"Hej"}, "text": {strings.Repeat("å", 10001)}})
	want(t, "long text", long, 422, "Texten får vara högst 10 000 tecken.", `id="text-error"`, `href="#text"`)
}

func eva(t *testing.T, a *testApp) *visitor { return staffVisitor(t, a, "evaryl01") }

// The page that opens a message counts it read in its own header; Svara
// starts the reply with "Sv:" (never twice); a search matching only
// chosen recipients says so; an unknown or departed recipient is named.
func TestStaffMessageReplyAndHeader(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	eva, otto := staffVisitor(t, a, "evaryl01"), staffVisitor(t, a, "otto")
	idOf := regexp.MustCompile(`/personal/meddelanden/([0-9a-f]{24})`)
	for _, subject := range []string{"Fika på fredag", "Sv: Lunch"} {
		sent := eva.post("/personal/meddelanden/nytt", "/personal/meddelanden/nytt", url.Values{"to": {"otto"}, "subject": {subject}, "text": {"Hej"}})
		if sent.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", sent.StatusCode)
		}
	}
	if n := unread(t, otto); n != 2 {
		t.Fatalf("unread: %d", n)
	}
	ids := idOf.FindAllStringSubmatch(otto.get("/personal/meddelanden").body, -1)
	if len(ids) < 2 {
		t.Fatal("no links to the messages")
	}
	opened := map[string]string{}
	for i, id := range ids[:2] {
		page := otto.get("/personal/meddelanden/" + id[1])
		left := fmt.Sprintf(`, %d olästa</span>`, 1-i)
		if i == 0 {
			want(t, "first opened", page, 200, left)
		} else if strings.Contains(page.body, "olästa</span>") {
			t.Errorf("the page of the last unread message still counts one unread")
		}
		if strings.Contains(page.body, fmt.Sprintf(`, %d olästa</span>`, 2-i)) {
			t.Errorf("the message page's header counts the message it opened as unread")
		}
		opened[id[1]] = page.body
	}
	for _, body := range opened {
		if strings.Contains(body, "Sv%3A&#43;Sv") {
			t.Error("the reply stacks Sv: Sv:")
		}
		if !strings.Contains(body, "subject=Sv%3A&#43;Fika") && !strings.Contains(body, "subject=Sv%3A&#43;Lunch") {
			t.Errorf("no reply subject in %s", body[strings.Index(body, "message-text"):][:600])
		}
	}
	reply := otto.get("/personal/meddelanden/nytt?subject=Sv%3A+Fika+p%C3%A5+fredag&to=evaryl01")
	want(t, "reply form", reply, 200, `value="Sv: Fika på fredag"`, `<input type="hidden" name="to" value="evaryl01">`)
	otto.lang = "en"
	replies := ""
	for _, id := range ids[:2] {
		replies += otto.get("/personal/meddelanden/" + id[1]).body
	}
	if !strings.Contains(replies, "subject=Re%3A&#43;Fika") || !strings.Contains(replies, "subject=Sv%3A&#43;Lunch") {
		t.Error("in English the reply is not Re: Fika, or Sv: Lunch got another prefix")
	}
	otto.lang = "sv"

	chosen := eva.get("/personal/meddelanden/nytt?to=otto&q=lind")
	want(t, "only chosen match", chosen, 200, "Alla kolleger som matchar ”lind” är redan valda")
	if err := a.db.Employees().SavePerson(context.Background(), employees.Person{ID: "slutat", FirstName: "Sture", LastName: "Slutat", Active: false}); err != nil {
		t.Fatal(err)
	}
	for to, text := range map[string]string{"nobody": "Mottagaren nobody finns inte bland de anställda.", "slutat": "Sture Slutat (slutat) arbetar inte längre här"} {
		res := eva.post("/personal/meddelanden/nytt", "/personal/meddelanden/nytt", url.Values{"to": {"otto", to}, "subject": {"Hej"}, "text": {"Hej"}})
		want(t, "to "+to, res, 422, text)
	}
}
