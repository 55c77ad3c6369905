package staff

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/favourites"
	"portal/handlers/web"
	"portal/inbox"
	"portal/jobs"
	"portal/views"
)

// PathMenu is the whole menu as a page, with the menu search.
const PathMenu = "/personal/meny"

// localNav keeps the request's NavView for its handler.
const localNav = "staff-nav"

// MenuEntry is one row of the staff menu: a page, or a submenu (no Path) that
// the entries naming it as Parent are listed under. Its texts are
// translation keys; Keywords is a key whose text lists, comma-separated,
// further words the menu search finds the entry by (in each language).
type MenuEntry struct {
	ID       string // unique; what Parent names
	Parent   string // the submenu's ID; "" at the top
	Path     string // the page; "" for a submenu
	Title    string // translation key of the entry's name
	Text     string // translation key of a short description; "" none
	Keywords string // translation key of the search words; "" none
	// Show tells whether the person may open the page; nil: every
	// employee. A submenu is shown when one of its entries is.
	Show Condition
	// Hidden entries are not listed but known: a page one may star.
	Hidden bool
}

// Condition tells whether the person the Viewer asks about may open an
// entry's page.
type Condition func(ctx context.Context, v *Viewer) (bool, error)

// MenuEntries is the staff menu, in its order. A new page is a new row here
// (and its texts in views/locales/*/nav.json or the area's own files).
var MenuEntries = []MenuEntry{
	{ID: "home", Path: PathHome, Title: "nav.menu.home", Keywords: "nav.kw.home"},
	{ID: "pay", Title: "nav.menu.pay", Keywords: "nav.kw.pay"},
	{ID: "payslips", Parent: "pay", Path: "/personal/lon", Title: "nav.menu.payslips", Text: "nav.text.payslips", Keywords: "nav.kw.payslips"},
	{ID: "balances", Parent: "pay", Path: "/personal/saldon", Title: "nav.menu.balances", Text: "nav.text.balances", Keywords: "nav.kw.balances"},
	{ID: "personal", Title: "nav.menu.personal", Keywords: "nav.kw.personal"},
	{ID: "details", Parent: "personal", Path: "/personal/personligt", Title: "nav.menu.details", Text: "nav.text.details", Keywords: "nav.kw.details"},
	{ID: "relatives", Parent: "personal", Path: "/personal/personligt/anhoriga", Title: "nav.menu.relatives", Text: "nav.text.relatives", Keywords: "nav.kw.relatives"},
	{ID: "tax", Parent: "personal", Path: "/personal/personligt/skatt", Title: "nav.menu.tax", Text: "nav.text.tax", Keywords: "nav.kw.tax"},
	{ID: "absence", Parent: "personal", Path: PathCases + "/ny/franvaro", Title: "cases.menu.absence", Text: "cases.menu.absence_text", Keywords: "cases.kw.absence"},
	{ID: "work-change", Parent: "personal", Path: PathCases + "/ny/arbetsforandring", Title: "cases.menu.work", Text: "cases.menu.work_text", Keywords: "cases.kw.work"},
	{ID: "travel", Parent: "personal", Path: PathCases + "/ny/reserakning", Title: "cases.menu.travel", Text: "cases.menu.travel_text", Keywords: "cases.kw.travel"},
	{ID: "additions", Parent: "personal", Path: PathCases + "/ny/tillagg-avdrag", Title: "cases.menu.addition", Text: "cases.menu.addition_text", Keywords: "cases.kw.addition"},
	{ID: "cases", Parent: "personal", Path: PathCases, Title: "cases.menu.mine", Text: "cases.menu.mine_text", Keywords: "cases.kw.mine"},
	{ID: "approval-group", Title: "cases.menu.approval_group", Keywords: "cases.kw.approval"},
	{ID: "approval", Parent: "approval-group", Path: PathApproval, Title: "cases.approval.title", Text: "cases.menu.approval_text", Keywords: "cases.kw.approval", Show: Approvers},
	{ID: "substitutes", Parent: "approval-group", Path: PathSubstitutes, Title: "cases.substitutes.title", Text: "cases.menu.substitutes_text", Keywords: "cases.kw.substitutes", Show: Managers},
	{ID: "messages", Path: PathInbox, Title: "nav.menu.messages", Keywords: "nav.kw.messages"},
	{ID: "settings", Title: "nav.menu.settings_group", Keywords: "nav.kw.settings"},
	{ID: "settings-account", Parent: "settings", Path: "/personal/installningar", Title: "nav.menu.settings", Text: "nav.text.settings", Keywords: "nav.kw.settings_account"},
	{ID: "favourites", Parent: "settings", Path: PathFavourites, Title: "nav.menu.favourites", Text: "nav.text.favourites", Keywords: "nav.kw.favourites"},
	{ID: "login-settings", Parent: "settings", Path: "/personal/installningar/inloggning", Title: "nav.menu.login_settings", Keywords: "nav.kw.login_settings"},
	{ID: "roles", Title: "nav.menu.roles_group", Keywords: "nav.kw.roles"},
	{ID: "roles-mine", Parent: "roles", Path: "/personal/behorigheter", Title: "access.roles.title", Text: "nav.text.roles", Keywords: "nav.kw.roles_mine"},
	{ID: "roles-sign", Parent: "roles", Path: "/personal/behorigheter/att-signera", Title: "access.sign.title", Keywords: "nav.kw.roles_sign", Show: Managers},
	{ID: "recruitments", Path: PathRecruitments, Title: "recruit.list.title", Keywords: "nav.kw.recruitments", Show: Recruiters},
	{ID: "registrar", Path: PathRequests, Title: "disclose.list.title", Keywords: "nav.kw.registrar", Show: Registrars},
	{ID: "admin", Title: "nav.menu.admin", Keywords: "nav.kw.admin"},
	{ID: "admin-roles", Parent: "admin", Path: "/personal/admin/behorigheter", Title: "access.admin.title", Keywords: "nav.kw.admin_roles", Show: Permission(access.PermGrantRoles)},
	{ID: "admin-courses", Parent: "admin", Path: "/personal/admin/kurser", Title: "access.courses.title", Keywords: "nav.kw.admin_courses", Show: Permission(access.PermRecordCourses)},
	{ID: "admin-audit", Parent: "admin", Path: "/personal/admin/logg", Title: "access.audit.title", Keywords: "nav.kw.admin_audit", Show: Permission(access.PermReadAudit)},
	{ID: "admin-outbox", Parent: "admin", Path: "/personal/admin/utskick", Title: "admin.outbox.title", Keywords: "nav.kw.admin_outbox", Show: Permission(access.PermManageMail)},
	{ID: "admin-stages", Parent: "admin", Path: PathStages, Title: "recruitlist.stages.title", Keywords: "nav.kw.admin_stages", Show: Permission(access.PermRecruitStages)},
	{ID: "admin-retention", Parent: "admin", Path: PathRetention, Title: "retention.title", Keywords: "nav.kw.admin_retention", Show: Permission(access.PermRetention)},
	{ID: "jobs", Path: "/", Title: "nav.menu.jobs", Text: "nav.text.jobs", Keywords: "nav.kw.jobs"},
}

// Permission shows an entry to those whose roles carry the permission
// somewhere.
func Permission(p access.Permission) Condition {
	return func(ctx context.Context, v *Viewer) (bool, error) {
		perms, err := v.permitted(ctx)
		return perms[p], err
	}
}

// Managers shows an entry to those who manage some employment.
func Managers(ctx context.Context, v *Viewer) (bool, error) {
	if v.nav.Checks == nil {
		return false, nil
	}
	return v.nav.Checks.ManagesAnyone(ctx, v.Person)
}

// Recruiters shows an entry to those who have recruitments to see.
func Recruiters(ctx context.Context, v *Viewer) (bool, error) {
	if v.nav.Recruiting == nil {
		return false, nil
	}
	return v.nav.seesRecruitments(ctx, v.Person)
}

// Registrars shows an entry to those who handle requests for official
// documents.
func Registrars(ctx context.Context, v *Viewer) (bool, error) {
	if v.nav.Registrar == nil {
		return false, nil
	}
	return v.nav.Registrar.May(ctx, v.Person)
}

// Viewer is the person a Condition asks about, with what was asked of
// their roles kept for the other entries.
type Viewer struct {
	Person string
	nav    *Nav
	perms  map[access.Permission]bool
}

func (v *Viewer) permitted(ctx context.Context) (map[access.Permission]bool, error) {
	if v.perms == nil && v.nav.Checks != nil {
		p, err := v.nav.Checks.Permitted(ctx, v.Person)
		if err != nil {
			return nil, err
		}
		v.perms = p
	}
	return v.perms, nil
}

// Nav puts the staff layout's menu, favourites and messages on every page
// of a whole login.
type Nav struct {
	// Checks answers the permission and manager conditions; nil: none hold.
	Checks Menu
	// Recruiting and Registrar answer whether the person has recruitments
	// or requests for official documents to see; nil: no.
	Recruiting interface {
		SeesRecruitments(ctx context.Context, personID string) (bool, error)
	}
	Registrar interface {
		May(ctx context.Context, personID string) (bool, error)
	}
	// Approvers answers who decides cases (managers and substitutes);
	// nil: managers.
	Approvers interface {
		Approves(ctx context.Context, personID string) (bool, error)
	}
	Favourites interface {
		List(ctx context.Context, person string) ([]favourites.Favourite, error)
	}
	Inbox interface {
		Summary(ctx context.Context, person string) (inbox.Summary, error)
	}
	// Names tells the name of a sender in the header's messages.
	Names interface {
		Name(ctx context.Context, personID string) string
	}
	Now func() time.Time

	mu    sync.Mutex
	sees  map[string]seen // whether a person sees recruitments, briefly kept
	index map[string]int  // entries by ID
}

// seen is a kept answer of SeesRecruitments.
type seen struct {
	ok bool
	at time.Time
}

// seesFor is how long an instance trusts whether a person sees
// recruitments: a member of a group with no grant costs a read of every
// recruitment, and every page asks. The page itself always asks anew.
const seesFor = 30 * time.Second

func (n *Nav) seesRecruitments(ctx context.Context, person string) (bool, error) {
	now := time.Now()
	if n.Now != nil {
		now = n.Now()
	}
	n.mu.Lock()
	s, ok := n.sees[person]
	n.mu.Unlock()
	if ok && now.Sub(s.at) < seesFor && now.Sub(s.at) >= 0 {
		return s.ok, nil
	}
	yes, err := n.Recruiting.SeesRecruitments(ctx, person)
	if err != nil {
		return false, err
	}
	n.mu.Lock()
	if n.sees == nil || len(n.sees) > 10000 {
		n.sees = map[string]seen{}
	}
	n.sees[person] = seen{yes, now}
	n.mu.Unlock()
	return yes, nil
}

// MenuItem is an entry as the layout and the menu page show it.
type MenuItem struct {
	ID, Href, Title, Text string
	Search                string // the folded words the menu search matches
	Current               string // "page": the page shown; "true": it is under this one
	Open                  bool   // a submenu holding the page shown
	Children              []MenuItem
}

// Group reports whether the item is a submenu.
func (m MenuItem) Group() bool { return m.Href == "" }

// Favourite is a favourite as the menu lists it.
type Favourite struct {
	Slot        int
	Href, Title string
	Current     bool
}

// NavView is what the layout shows: the menu, the favourites, the
// messages and the star of the page shown.
type NavView struct {
	Menu       []MenuItem
	Favourites []Favourite
	Inbox      inbox.Summary
	Latest     []LatestView
	Here       string // the page's path and query
	Path       string // the page's path, which its star saves
	Starrable  bool   // the page may be starred
	Starred    bool
	StarTitle  string // the title a new favourite gets
	Query      string // the menu search's words
}

// LatestView is an unread message in the header.
type LatestView struct {
	ID, From, Subject string
	SentAt            time.Time
}

// visible returns the entries the person may open (submenus with at least
// one), in their order.
func (n *Nav) visible(ctx context.Context, person string) ([]MenuEntry, error) {
	v := &Viewer{Person: person, nav: n}
	shown := map[string]bool{}
	for _, e := range MenuEntries {
		if e.Path == "" {
			continue
		}
		ok := true
		if e.Show != nil {
			var err error
			if ok, err = e.Show(ctx, v); err != nil {
				return nil, err
			}
		}
		if ok {
			shown[e.ID] = true
			if e.Parent != "" && !e.Hidden {
				shown[e.Parent] = true
			}
		}
	}
	var out []MenuEntry
	for _, e := range MenuEntries {
		if shown[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}

// pagePath is an entry's path without its fragment.
func pagePath(p string) string {
	p, _, _ = strings.Cut(p, "#")
	return p
}

// currentOf returns the ID of the entry of the page at path: the one of
// that path (exact), else the deepest whose path the page is under.
func currentOf(entries []MenuEntry, path string) (id string, exact bool) {
	best, bestLen := "", 0
	for _, e := range entries {
		p := pagePath(e.Path)
		if e.Path == "" || strings.Contains(e.Path, "#") {
			continue
		}
		if p == path {
			return e.ID, true
		}
		if p != PathHome && p != "/" && strings.HasPrefix(path, p+"/") && len(p) > bestLen {
			best, bestLen = e.ID, len(p)
		}
	}
	return best, false
}

// tree makes the menu's items from the visible entries: the submenus with
// their entries, in the order of the rows.
func tree(l *views.Localizer, entries []MenuEntry, current string, exact bool) []MenuItem {
	mark := "page"
	if !exact {
		mark = "true" // a page under the entry's
	}
	item := func(e MenuEntry) MenuItem {
		it := MenuItem{ID: e.ID, Href: e.Path, Title: l.T(e.Title)}
		if e.ID == current {
			it.Current = mark
		}
		if e.Text != "" {
			it.Text = l.T(e.Text)
		}
		return it
	}
	search := func(it MenuItem, e MenuEntry, more ...string) string {
		words := append([]string{it.Title, it.Text}, more...)
		if e.Keywords != "" {
			words = append(words, strings.ReplaceAll(l.T(e.Keywords), ",", " "))
		}
		return menuFold(strings.Join(words, " "))
	}
	var top []MenuItem
	byID := map[string]int{}
	for _, e := range entries {
		if e.Parent == "" && !e.Hidden {
			it := item(e)
			it.Search = search(it, e)
			byID[e.ID] = len(top)
			top = append(top, it)
		}
	}
	for _, e := range entries {
		i, ok := byID[e.Parent]
		if e.Parent == "" || e.Hidden || !ok {
			continue
		}
		it := item(e)
		it.Search = search(it, e, top[i].Title)
		top[i].Children = append(top[i].Children, it)
		if it.Current != "" {
			top[i].Open = true
		}
	}
	// A submenu without an entry to show is no submenu.
	return slices.DeleteFunc(top, func(it MenuItem) bool { return it.Href == "" && len(it.Children) == 0 })
}

// search returns the pages among the items whose words hold every word of
// the query, each as the start of a word, case and accents aside.
func search(items []MenuItem, q string) []MenuItem {
	words := strings.Fields(menuFold(q))
	if len(words) == 0 {
		return nil
	}
	var out []MenuItem
	var walk func([]MenuItem)
	walk = func(list []MenuItem) {
		for _, it := range list {
			if !it.Group() && matches(it.Search, words) {
				out = append(out, it)
			}
			walk(it.Children)
		}
	}
	walk(items)
	return out
}

// menuFold folds text for the menu search: as the job search does, and
// then å, ä and ö as a and o too, so "jamkning" finds "jämkning".
func menuFold(s string) string { return swedishLetters.Replace(jobs.Fold(s)) }

var swedishLetters = strings.NewReplacer("å", "a", "ä", "a", "ö", "o")

// matches reports whether every word starts a word of the folded text.
func matches(text string, words []string) bool {
	hay := " " + text
	for _, w := range words {
		if !strings.Contains(hay, " "+w) {
			return false
		}
	}
	return true
}

// Load gives the layout the person's menu, favourites and messages.
func (n *Nav) Load(c *fiber.Ctx, person string) error {
	ctx, l := c.UserContext(), web.L(c)
	entries, err := n.visible(ctx, person)
	if err != nil {
		return err
	}
	path := c.Path()
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	current, exact := currentOf(entries, path)
	view := &NavView{Menu: tree(l, entries, current, exact), Here: SafeNext(string(c.Request().URI().RequestURI())), Path: path}
	if path == PathMenu && len(c.Query("q")) <= 100 { // elsewhere q is another search's
		view.Query = strings.Clone(c.Query("q"))
	}
	// The page may be starred when it is an entry's own page.
	for _, e := range entries {
		if e.Path != "" && e.Path == path && e.ID == current && exact {
			view.Starrable, view.StarTitle = true, l.T(e.Title)
		}
	}
	if n.Favourites != nil {
		favs, err := n.Favourites.List(ctx, person)
		if err != nil {
			return err
		}
		for _, f := range favs {
			if !mayOpen(entries, f.Path) {
				continue
			}
			p, _, _ := strings.Cut(f.Path, "?")
			view.Favourites = append(view.Favourites, Favourite{Slot: f.Slot, Href: f.Path, Title: f.Title, Current: p == path})
			if p == path {
				view.Starred = true
			}
		}
	}
	if err := n.loadInbox(c, view, person); err != nil {
		return err
	}
	web.SetLayout(c, "Nav", view)
	c.Locals(localNav, view)
	return nil
}

// loadInbox puts the person's unread count and latest unread messages
// into the view.
func (n *Nav) loadInbox(c *fiber.Ctx, view *NavView, person string) error {
	if n.Inbox == nil {
		return nil
	}
	ctx, l := c.UserContext(), web.L(c)
	sum, err := n.Inbox.Summary(ctx, person)
	if err != nil {
		return err
	}
	view.Inbox, view.Latest = sum, nil
	for _, d := range sum.Latest {
		view.Latest = append(view.Latest, LatestView{ID: d.MessageID, From: senderName(ctx, n.Names, l, d.From), Subject: d.Subject, SentAt: d.SentAt})
	}
	return nil
}

// ReloadInbox reads the header's messages again, for a page that has
// changed them (opening a message marks it read) after Load ran.
func (n *Nav) ReloadInbox(c *fiber.Ctx, person string) error {
	if view := navOf(c); view != nil {
		return n.loadInbox(c, view, person)
	}
	return nil
}

// mayOpen reports whether a favourite's page is a visible entry's.
func mayOpen(entries []MenuEntry, favourite string) bool {
	p, _, _ := strings.Cut(favourite, "?")
	return slices.ContainsFunc(entries, func(e MenuEntry) bool { return e.Path != "" && pagePath(e.Path) == p })
}

// senderName is how a message's sender is named.
func senderName(ctx context.Context, names interface {
	Name(ctx context.Context, personID string) string
}, l *views.Localizer, id string) string {
	if id == "" {
		return l.T("nav.msg.portal")
	}
	if names == nil {
		return id
	}
	return names.Name(ctx, id)
}

// ShowMenu is the whole menu as a page, and the menu search's answer
// without JavaScript.
func (h *Home) ShowMenu(c *fiber.Ctx) error {
	nav := navOf(c)
	var hits []MenuItem
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 100 {
		q = q[:100]
	}
	if nav != nil && q != "" {
		hits = search(nav.Menu, q)
	}
	return h.Render(c, "staff/menu", web.Page{Title: web.L(c).T("nav.menu.page_title"), Section: "staff-menu",
		Data: fiber.Map{"Q": q, "Hits": hits, "Searched": q != ""}})
}

// navOf returns the layout's menu of the request.
func navOf(c *fiber.Ctx) *NavView {
	v, _ := c.Locals(localNav).(*NavView)
	return v
}
