package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"portal/employees"
	"portal/internal/app"
	"portal/jobs"
	"portal/overview"
	"portal/payroll"
)

// blockOrder is the blocks of the overview page in the order they show.
func blockOrder(body string) []overview.Block {
	type at struct {
		b overview.Block
		i int
	}
	var found []at
	for _, b := range overview.Blocks {
		if i := strings.Index(body, `id="ov-`+string(b)+`"`); i >= 0 {
			found = append(found, at{b, i})
		}
	}
	slices.SortFunc(found, func(x, y at) int { return x.i - y.i })
	out := make([]overview.Block, len(found))
	for i, f := range found {
		out[i] = f.b
	}
	return out
}

// draft is the edit form's items for a layout.
func draft(l overview.Layout) []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Encode())
	}
	return out
}

// The overview is the staff start page: every block with its heading and
// an empty state before payroll has sent anything; the to-do lists the
// person's own role request, and the manager's what waits for a
// signature; someone else sees neither.
func TestOverviewPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	if _, err := a.Access.Submit(context.Background(), "evaryl01", "manager", []string{"SOC-HEM"}, "Ny enhetschef"); err != nil {
		t.Fatal(err)
	}
	eva, anna, otto := staffVisitor(t, a, "evaryl01"), staffVisitor(t, a, "chefanna"), staffVisitor(t, a, "otto")
	page := eva.get("/personal")
	want(t, "eva's overview", page, 200, "<h1>Översikt</h1>", "Aktuell nettolön", "Preliminär nettolön", "Saldon", "Ackar", "Att göra", "Mina arbetstider",
		"Du har ingen lönespecifikation ännu", "Lönesystemet har inte skickat några uppgifter", "Behörigheter", "Behörighet Chef: väntar på chefens signatur",
		`href="/personal/oversikt/redigera"`, `aria-current="date"`, "Vecka 48", "Vecka 49", "måndag 23 november", "Ledig")
	if got := blockOrder(page.body); !slices.Equal(got, overview.Blocks) {
		t.Errorf("default order: %v", got)
	}
	if strings.Contains(page.body, "Väntar på dig") {
		t.Error("eva, who manages nobody, is shown what waits for her")
	}
	want(t, "anna's overview", anna.get("/personal"), 200, "Väntar på dig", "Eva Rydberg ansöker om behörigheten Chef", `href="/personal/behorigheter/att-signera"`)
	res := otto.get("/personal")
	want(t, "otto's overview", res, 200, "Du har inget pågående just nu.")
	if strings.Contains(res.body, "Eva Rydberg") || strings.Contains(res.body, "Väntar på dig") {
		t.Error("otto sees eva's request")
	}
	// Someone without an active employment has the layout and the to-do.
	if err := a.db.Employees().SavePerson(context.Background(), employees.Person{ID: "nyanst", FirstName: "Ny", LastName: "Anställd", Active: true}); err != nil {
		t.Fatal(err)
	}
	want(t, "no employment", staffVisitor(t, a, "nyanst").get("/personal"), 200, "Du har ingen aktiv anställning just nu", "Att göra", "Du har inget pågående just nu.")
	eva.lang = "en"
	want(t, "in English", eva.get("/personal"), 200, "<h1>Overview</h1>", "Current net pay", "Preliminary net pay", "Role Manager: waiting for your manager",
		"Week 48", "Monday 23 November")
}

// Editing by plain form posts: each button draws the draft changed and
// stores nothing; saving stores it whole for the person, seen after a
// new login and by no one else; a reset and save brings the default.
func TestOverviewEditByForm(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	eva := staffVisitor(t, a, "evaryl01")
	const edit = "/personal/oversikt/redigera"
	want(t, "edit page", eva.get(edit), 200, "Editera översikt", `Flytta upp<span class="visually-hidden"> Saldon</span>`,
		`Dölj</span><span class="visually-hidden"> Ackar</span>`, `id="ov-up-net" disabled`, `id="ov-down-schedule" disabled`, "Plats 3 av 6", "Spara översikt", "Återställ standard")

	def := overview.Default("evaryl01")
	res := eva.post(edit, edit, url.Values{"item": draft(def), "do": {"up:balances"}})
	want(t, "moved up", res, 200, "Saldon flyttades upp till plats 2.", "Välj Spara översikt", `id="ov-up-balances" autofocus`)
	if l, _ := a.Overview.Layout(ctx, "evaryl01"); !l.IsDefault() {
		t.Fatal("moving in the draft stored the layout")
	}
	moved, _ := def.Move(overview.Balances, -1)
	if i, j := strings.Index(res.body, `id="ov-edit-balances"`), strings.Index(res.body, `id="ov-edit-preliminary"`); i < 0 || i > j {
		t.Errorf("the draft drawn does not show the move")
	}
	res = eva.post(edit, edit, url.Values{"item": draft(moved), "do": {"up:balances"}})
	want(t, "moved to the top", res, 200, "Saldon flyttades upp till plats 1.", `id="ov-down-balances" autofocus`)
	res = eva.post(edit, edit, url.Values{"item": draft(def), "do": {"up:net"}})
	want(t, "first up", res, 200, "Aktuell nettolön är redan först.")
	res = eva.post(edit, edit, url.Values{"item": draft(moved), "do": {"hide:ytd"}})
	want(t, "hidden", res, 200, "Ackar är dolt.", `value="ytd:half:hidden"`, `id="ov-vis-ytd" autofocus`, `value="show:ytd"`)
	res = eva.post(edit, edit, url.Values{"item": draft(moved), "do": {"size:net:full"}})
	want(t, "resized", res, 200, "Aktuell nettolön visas nu i hel bredd.", `value="net:full:shown"`, `value="size:net:half"`)
	res = eva.post(edit, edit, url.Values{"item": draft(moved), "do": {"reset"}})
	want(t, "reset in the draft", res, 200, "Standardlayouten visas.", `id="ov-reset" autofocus`, `value="balances:half:shown"`)

	final, _ := moved.SetHidden(overview.YearToDate, true)
	final, _ = final.Resize(overview.NetPay, overview.Full)
	res = eva.post(edit, edit, url.Values{"item": draft(final), "do": {"save"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal?klart=saved" {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := eva.get("/personal?klart=saved")
	want(t, "saved", page, 200, "Din översikt är sparad.", `class="ov-block ov-full" id="ov-net"`)
	wantOrder := []overview.Block{overview.NetPay, overview.Balances, overview.Preliminary, overview.ToDo, overview.Schedule}
	if got := blockOrder(page.body); !slices.Equal(got, wantOrder) {
		t.Fatalf("saved order %v, want %v", got, wantOrder)
	}
	// After logging in again, the same; another person keeps the default.
	if got := blockOrder(staffVisitor(t, a, "evaryl01").get("/personal").body); !slices.Equal(got, wantOrder) {
		t.Errorf("after a new login: %v", got)
	}
	if got := blockOrder(staffVisitor(t, a, "otto").get("/personal").body); !slices.Equal(got, overview.Blocks) {
		t.Errorf("otto's overview: %v", got)
	}
	// The edit page starts from the saved layout.
	want(t, "edit saved", eva.get(edit), 200, `value="ytd:half:hidden"`, `value="net:full:shown"`)
	res = eva.post(edit, edit, url.Values{"item": draft(def), "do": {"save"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal?klart=default" {
		t.Fatalf("save default: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := blockOrder(eva.get("/personal").body); !slices.Equal(got, overview.Blocks) {
		t.Errorf("after saving the default: %v", got)
	}
}

// A form the page could not have sent is refused with a message and
// stores nothing; the saved layout stays as it was.
func TestOverviewEditRefusesHostileForms(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	saved, _ := overview.Default("evaryl01").Move(overview.Schedule, -1)
	if _, err := a.Overview.Save(ctx, "evaryl01", saved.Items); err != nil {
		t.Fatal(err)
	}
	eva := staffVisitor(t, a, "evaryl01")
	const edit = "/personal/oversikt/redigera"
	items := draft(overview.Default("evaryl01"))
	for name, tc := range map[string]struct {
		values url.Values
		text   string
	}{
		"unknown block": {url.Values{"item": append(slices.Clone(items[:5]), "salary:half:shown"), "do": {"save"}}, "ett block som inte finns"},
		"duplicate":     {url.Values{"item": append(slices.Clone(items[:5]), items[0]), "do": {"save"}}, "samma block flera gånger"},
		"too many":      {url.Values{"item": append(slices.Clone(items), items[0]), "do": {"save"}}, "samma block flera gånger"},
		"unknown extra": {url.Values{"item": append(slices.Clone(items), "salary:half:shown"), "do": {"save"}}, "ett block som inte finns"},
		"bad size":      {url.Values{"item": append(slices.Clone(items[:5]), "schedule:huge:shown"), "do": {"save"}}, "en storlek som inte finns"},
		"garbled":       {url.Values{"item": append(slices.Clone(items[:5]), "schedule"), "do": {"save"}}, "kunde inte läsas"},
		"none":          {url.Values{"do": {"save"}}, "saknar blocken"},
		"bad action":    {url.Values{"item": items, "do": {"explode:net"}}, "kommandot finns inte"},
		"bad size act":  {url.Values{"item": items, "do": {"size:net:huge"}}, "en storlek som inte finns"},
		"unknown move":  {url.Values{"item": items, "do": {"up:salary"}}, "ett block som inte finns"},
	} {
		res := eva.post(edit, edit, tc.values)
		want(t, name, res, 422, tc.text, `href="#layout"`)
		if l, _ := a.Overview.Layout(ctx, "evaryl01"); !slices.Equal(l.Items, saved.Items) {
			t.Fatalf("%s: the layout changed to %+v", name, l.Items)
		}
	}
	// A page drawn before a block existed lacks it: the block is kept,
	// at the end.
	stale := draft(saved)
	stale = slices.DeleteFunc(stale, func(it string) bool { return strings.HasPrefix(it, "todo:") })
	if res := eva.post(edit, edit, url.Values{"item": stale, "do": {"save"}}); res.StatusCode != 303 {
		t.Fatalf("stale save: %d", res.StatusCode)
	}
	if l, _ := a.Overview.Layout(ctx, "evaryl01"); len(l.Items) != len(overview.Blocks) || l.Items[len(l.Items)-1].Block != overview.ToDo {
		t.Fatalf("stale layout stored as %+v", l.Items)
	}
	saved, _ = a.Overview.Layout(ctx, "evaryl01")
	// Without the form's token nothing is taken either.
	req := httptest.NewRequest(http.MethodPost, edit, strings.NewReader(url.Values{"item": draft(overview.Default("evaryl01")), "do": {"save"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := eva.send(req); res.StatusCode == 303 {
		t.Errorf("a post without its token: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if l, _ := a.Overview.Layout(ctx, "evaryl01"); !slices.Equal(l.Items, saved.Items) {
		t.Fatalf("a post without its token changed the layout")
	}
}

// Two tabs saving at once: the last save wins whole, never a mix.
func TestOverviewSavesAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	eva := staffVisitor(t, a, "evaryl01")
	const edit = "/personal/oversikt/redigera"
	one, _ := overview.Default("evaryl01").Move(overview.NetPay, 1)
	two, _ := overview.Default("evaryl01").SetHidden(overview.ToDo, true)
	two, _ = two.Resize(overview.Balances, overview.Full)
	res := a.together(t, times(6, func(i int) *http.Request {
		l := one
		if i%2 == 1 {
			l = two
		}
		return eva.formRequest(edit, edit, url.Values{"item": draft(l), "do": {"save"}})
	})...)
	for _, r := range res {
		if r.StatusCode != 303 {
			t.Fatalf("save: %d", r.StatusCode)
		}
	}
	l, err := a.Overview.Layout(context.Background(), "evaryl01")
	if err != nil || (!slices.Equal(l.Items, one.Items) && !slices.Equal(l.Items, two.Items)) {
		t.Fatalf("after saves at once: %+v %v", l.Items, err)
	}
}

// With payroll's export the blocks show the latest net pay, the
// preliminary pay with its lines and where the tax comes from, the
// balances with their links, the year's totals and the schedule; each
// person sees only the employment the session works in.
func TestOverviewWithPayroll(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, jobs.Stockholm); return d }
	sum := payroll.Summary{
		EmploymentID: "E-EVA",
		Latest: &payroll.Payslip{EmploymentID: "E-EVA", Period: "2026-10", PaidOn: day("2026-10-23"), Gross: 3200000, Tax: 355000, Net: 2845000,
			Lines: []payroll.Line{{Code: "1101", Text: "Månadslön", Amount: 3200000}}},
		Balances: []payroll.Balance{
			{EmploymentID: "E-EVA", Kind: payroll.VacationPaid, Year: 2026, Unit: "dag", Value: 1850, AsOf: day("2026-11-20")},
			{EmploymentID: "E-EVA", Kind: payroll.Flex, Unit: "tim", Value: -350, AsOf: day("2026-11-20")},
		},
		YearToDate: &payroll.YearToDate{EmploymentID: "E-EVA", Year: 2026, Salary: 32000000, Tax: 7100000, Allowances: 123450, Benefits: 60000, AsOf: day("2026-10-23")},
		Salary:     &payroll.Salary{EmploymentID: "E-EVA", Monthly: 3200000, From: day("2026-01-01")},
		Tax: &payroll.Tax{EmploymentID: "E-EVA", Year: 2026, Table: 33, Column: 1,
			Steps: []payroll.TaxStep{{From: 3100000, To: 3300000, Tax: 800000}}},
		Schedule: []payroll.Shift{
			{EmploymentID: "E-EVA", Day: day("2026-11-23"), Start: "07:00", End: "16:00", BreakMinutes: 45, Text: "Dagpass"},
			{EmploymentID: "E-EVA", Day: day("2026-11-26"), Start: "21:00", End: "07:00", Text: "Nattpass"},
		},
	}
	if err := a.db.Payroll().SaveSummary(ctx, sum, payroll.Contents{}); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Payroll().SavePayslip(ctx, *sum.Latest); err != nil {
		t.Fatal(err)
	}
	for _, b := range sum.Balances {
		if err := a.db.Payroll().SaveBalance(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	eva := staffVisitor(t, a, "evaryl01")
	page := eva.get("/personal")
	for _, link := range []string{"/personal/lon/2026-10", "/personal/saldon/semesterdagar?ar=2026", "/personal/saldon/flex"} {
		if !strings.Contains(page.body, `href="`+link+`"`) {
			t.Errorf("no link to %s", link)
		} else if res := eva.get(link); res.StatusCode != 200 {
			t.Errorf("%s from the overview: %d", link, res.StatusCode)
		}
	}
	want(t, "eva's overview", page, 200, "28\u00a0450,00\u00a0kr", "23 oktober 2026", `href="/personal/lon/2026-10"`, "oktober 2026",
		"Preliminär</span>", "Preliminär lön för november 2026", "Månadslön", "32\u00a0000,00\u00a0kr", "-8\u00a0000,00\u00a0kr", "24\u00a0000,00\u00a0kr",
		"Skatten följer skattetabell 33, kolumn 1", `href="/personal/saldon/semesterdagar?ar=2026"`, "Betalda semesterdagar 2026", "18,5 dagar",
		`href="/personal/saldon/flex"`, "-3,5 timmar", "Utbetalt hittills under 2026", "320\u00a0000,00\u00a0kr", "1\u00a0234,50\u00a0kr",
		"07:00–16:00", "Rast 45 min", "Dagpass", "21:00–07:00 (slutar nästa dag)", "Nattpass")
	if strings.Contains(page.body, "Lönesystemet har inte skickat") {
		t.Error("eva's overview says payroll has sent nothing")
	}
	eva.lang = "en"
	want(t, "in English", eva.get("/personal"), 200, "SEK 28,450.00", "The tax follows tax table 33, column 1", "18.5 days", "-3.5 hours", "<th scope=\"row\">Monthly salary</th>")
	// Others see none of it.
	for _, who := range []string{"chefanna", "otto"} {
		res := staffVisitor(t, a, who).get("/personal")
		want(t, who, res, 200, "Lönesystemet har inte skickat")
		if strings.Contains(res.body, "28\u00a0450") || strings.Contains(res.body, "Dagpass") {
			t.Errorf("%s sees eva's pay", who)
		}
	}
}

// The overview is of the employment the session works in: switching
// shows the other's pay; the layout is the person's, the same in either
// employment and after logging out and in with the password.
func TestOverviewFollowsTheEmploymentAndTheLogin(t *testing.T) {
	t.Parallel()
	a := newStaffApp(t, app.Staff{})
	ctx := context.Background()
	for id, net := range map[string]payroll.Amount{"100201": 2100000, "100202": 1350000} {
		sum := payroll.Summary{EmploymentID: id, Latest: &payroll.Payslip{EmploymentID: id, Period: "2026-10", PaidOn: testNow.AddDate(0, -1, 0), Net: net}}
		if err := a.db.Payroll().SaveSummary(ctx, sum, payroll.Contents{}); err != nil {
			t.Fatal(err)
		}
	}
	v := a.visitor(t)
	if res := staffLogin(v, "evaryl01", goodPassword); res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	page := v.get("/personal")
	want(t, "first employment", page, 200, "21\u00a0000,00\u00a0kr")
	if strings.Contains(page.body, "13\u00a0500,00") {
		t.Error("the other employment's pay on the first's overview")
	}
	const edit = "/personal/oversikt/redigera"
	moved, _ := overview.Default("evaryl01").Move(overview.Schedule, -1)
	if res := v.post(edit, edit, url.Values{"item": draft(moved), "do": {"save"}}); res.StatusCode != 303 {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if res := v.post("/personal", "/personal/anstallning", url.Values{"employment": {"100202"}, "next": {"/personal"}}); res.StatusCode != 303 {
		t.Fatalf("switch: %d", res.StatusCode)
	}
	page = v.get("/personal")
	want(t, "second employment", page, 200, "13\u00a0500,00\u00a0kr")
	if strings.Contains(page.body, "21\u00a0000,00") {
		t.Error("the first employment's pay on the second's overview")
	}
	order := func(l overview.Layout) []overview.Block {
		var out []overview.Block
		for _, it := range l.Items {
			out = append(out, it.Block)
		}
		return out
	}
	if got := blockOrder(page.body); !slices.Equal(got, order(moved)) {
		t.Errorf("in the other employment: %v", got)
	}
	if res := v.post("/personal", "/personal/logga-ut", nil); res.StatusCode != 303 {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	w := a.visitor(t)
	staffLogin(w, "evaryl01", goodPassword)
	if got := blockOrder(w.get("/personal").body); !slices.Equal(got, order(moved)) {
		t.Errorf("after logging in again: %v", got)
	}
}

// An hourly employment (no monthly salary, nothing approved) has no
// preliminary figure but a note that payroll computes the pay from the
// hours, and never "no tax table" while one is there; balances of
// exactly one read in the singular.
func TestOverviewHourlyEmployment(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	staffOrg(t, a)
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, jobs.Stockholm); return d }
	sum := payroll.Summary{
		EmploymentID: "E-EVA",
		Latest: &payroll.Payslip{EmploymentID: "E-EVA", Period: "2026-10", PaidOn: day("2026-10-23"), Gross: 1500000, Tax: 300000, Net: 1200000,
			Lines: []payroll.Line{{Code: "1201", Text: "Timlön", Quantity: 7500, Unit: "tim", Rate: 20000, Amount: 1500000}}},
		Balances: []payroll.Balance{
			{EmploymentID: "E-EVA", Kind: payroll.VacationPaid, Year: 2026, Unit: "dag", Value: 100, AsOf: day("2026-11-20")},
			{EmploymentID: "E-EVA", Kind: payroll.Flex, Unit: "tim", Value: 100, AsOf: day("2026-11-20")},
		},
		Tax: &payroll.Tax{EmploymentID: "E-EVA", Year: 2026, Table: 33, Column: 1, Steps: []payroll.TaxStep{{From: 0, To: 100000, Tax: 0}}},
	}
	if err := a.db.Payroll().SaveSummary(ctx, sum, payroll.Contents{}); err != nil {
		t.Fatal(err)
	}
	eva := staffVisitor(t, a, "evaryl01")
	page := eva.get("/personal")
	want(t, "hourly", page, 200, "Du har ingen månadslön", "beror på de timmar du rapporterar", "1 dag<", "1 timme<", "Saldo den 20 november 2026")
	for _, bad := range []string{">0,00\u00a0kr", "varken skattetabell", "från din månadslön", "1 dagar", "1 timmar"} {
		if strings.Contains(page.body, bad) {
			t.Errorf("the hourly overview says %q", bad)
		}
	}
	eva.lang = "en"
	page = eva.get("/personal")
	want(t, "hourly in English", page, 200, "You have no monthly salary", "depends on the hours you report", "1 day<", "1 hour<", "As of 20 November 2026")
	if strings.Contains(page.body, ">SEK 0.00") || strings.Contains(page.body, "neither a tax table") {
		t.Error("the hourly overview in English shows a zero estimate")
	}
}
