package handlers_test

import (
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/employees"
	"portal/internal/testapp"
	"portal/payroll"
	"portal/personal"
)

// personalApp is a test portal with two staff members, Eva and Otto,
// and what HR exported about Eva.
func personalApp(t *testing.T, editable string) *testApp {
	t.Helper()
	return personalAppLogging(t, editable, nil)
}

// personalAppLogging is personalApp logging every request to log.
func personalAppLogging(t *testing.T, editable string, log io.Writer) *testApp {
	t.Helper()
	e, err := personal.ParseEditable(editable)
	if err != nil {
		t.Fatal(err)
	}
	a := appOf(testapp.New(t, testapp.Options{Now: testNow, StaffEditable: e, Log: log, LogRequests: log != nil}))
	ctx := context.Background()
	st := a.db.Employees()
	for _, p := range []struct{ id, first, last, emp string }{{"evaryl01", "Eva", "Rydberg", "E-EVA"}, {"otto", "Otto", "Lind", "E-OTTO"}} {
		if err := st.SavePerson(ctx, employees.Person{ID: p.id, FirstName: p.first, LastName: p.last, WorkEmail: p.id + "@example.se", Active: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveEmployment(ctx, employees.Employment{ID: p.emp, PersonID: p.id, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	bank, err := personal.MaskAccount("8327-9", "914 123 456-1234")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.Personal().SaveExported(ctx, personal.Exported{PersonID: "evaryl01", Bank: &bank,
		Contact: personal.Contact{Street: "Storgatan 1", PostalCode: "352 30", City: "Växjö", Phone: "070-111 22 33"}}); err != nil {
		t.Fatal(err)
	}
	return a
}

// The person's page shows the name from HR, the address and the masked
// bank account; a change is stored, recorded without its values, and a
// bad one changes nothing and says what is wrong next to each field.
func TestPersonalDetails(t *testing.T) {
	t.Parallel()
	a := personalApp(t, "address,phone,email")
	eva := staffVisitor(t, a, "evaryl01")
	res := eva.get("/personal/personligt")
	want(t, "the page", res, 200, "Eva Rydberg", `value="Storgatan 1"`, "8327-9 •••• 1234", "Kontakta din chef eller HR", "löneenheten")
	if strings.Contains(res.body, "1234561234") || strings.Contains(res.body, "914") {
		t.Error("the page shows more of the account than its last four digits")
	}

	form := url.Values{"street": {"Nygatan 5"}, "postal_code": {"35231"}, "city": {"Växjö"}, "phone": {"+46 70 123 45 67"}, "email": {"eva@privat.example"}}
	res = eva.post("/personal/personligt", "/personal/personligt", form)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/personligt?klart=sparat" {
		t.Fatalf("save: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	res = eva.get("/personal/personligt?klart=sparat")
	want(t, "after saving", res, 200, `value="Nygatan 5"`, `value="352 31"`, "46 70 123 45 67", "Kontaktuppgifter ändrade", "Gatuadress")
	changes, err := a.db.Personal().Changes(context.Background(), "evaryl01", 5)
	if err != nil || len(changes) != 1 || strings.Join(changes[0].Fields, ",") != "street,postal_code,phone,email" || changes[0].By != "evaryl01" {
		t.Fatalf("recorded: %+v %v", changes, err)
	}

	for _, c := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"postal code", url.Values{"street": {"Nygatan 5"}, "postal_code": {"3523"}, "city": {"Växjö"}}, "postal_code"},
		{"no street", url.Values{"street": {""}, "postal_code": {"35231"}, "city": {"Växjö"}}, "street"},
		{"phone", url.Values{"street": {"Nygatan 5"}, "postal_code": {"35231"}, "city": {"Växjö"}, "phone": {"ring mig"}}, "phone"},
		{"e-mail", url.Values{"street": {"Nygatan 5"}, "postal_code": {"35231"}, "city": {"Växjö"}, "email": {"eva@"}}, "email"},
		{"too long", url.Values{"street": {strings.Repeat("a", 101)}, "postal_code": {"35231"}, "city": {"Växjö"}}, "street"},
		{"control characters", url.Values{"street": {"Nygatan\x005"}, "postal_code": {"35231"}, "city": {"Växjö"}}, "street"},
		{"markup", url.Values{"street": {"Nygatan 5"}, "postal_code": {"35231"}, "city": {"<script>"}}, "city"},
	} {
		res := eva.post("/personal/personligt", "/personal/personligt", c.form)
		want(t, c.name, res, 422, `href="#`+c.field+`"`, `id="`+c.field+`-error"`)
	}
	res = eva.get("/personal/personligt")
	want(t, "nothing stored on a problem", res, 200, `value="Nygatan 5"`, `value="eva@privat.example"`)
}

// What the employer does not let staff change is shown with where to
// ask, and posted anyway it is ignored.
func TestPersonalDetailsNotEditable(t *testing.T) {
	t.Parallel()
	a := personalApp(t, "phone")
	eva := staffVisitor(t, a, "evaryl01")
	res := eva.get("/personal/personligt")
	want(t, "the page", res, 200, `name="phone"`, "Storgatan 1", "Kontakta din chef eller HR för att ändra dem")
	if strings.Contains(res.body, `name="street"`) || strings.Contains(res.body, `name="email"`) {
		t.Error("a part staff may not change has a field")
	}
	res = eva.post("/personal/personligt", "/personal/personligt", url.Values{"street": {"Falskgatan 1"}, "postal_code": {"11111"}, "city": {"X"},
		"email": {"x@example.se"}, "phone": {"08-123 456 78"}})
	if res.StatusCode != 303 {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.body)
	}
	d, err := a.Personal.Details(context.Background(), "evaryl01")
	if err != nil || d.Contact.Street != "Storgatan 1" || d.Contact.Email != "" || d.Contact.Phone != "08-123 456 78" {
		t.Fatalf("details: %+v %v", d, err)
	}

	none := personalApp(t, "none")
	otto := staffVisitor(t, none, "otto")
	want(t, "nothing editable", otto.get("/personal/personligt"), 200, "Saknas", "Det finns inget bankkonto registrerat")
	if res := otto.post("/personal/personligt", "/personal/personligt", url.Values{"phone": {"08-123 456 78"}}); res.StatusCode != 404 {
		t.Errorf("save with nothing editable: %d", res.StatusCode)
	}
}

var relativeLink = regexp.MustCompile(`/personal/personligt/anhoriga/([0-9a-f]{24})/ta-bort`)

// Relatives and children: added, listed, changed and removed after a
// confirmation; a bad entry says what is wrong and stores nothing.
func TestRelatives(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "empty list", eva.get("/personal/personligt/anhoriga"), 200, "Du har inte lagt till några anhöriga", "Nytt barn")
	want(t, "new child form", eva.get("/personal/personligt/anhoriga/ny?typ=barn"), 200, `name="birth_date"`, `value="child"`)
	want(t, "new relative form", eva.get("/personal/personligt/anhoriga/ny"), 200, `name="relation"`, "Make/maka", "Sambo")

	res := eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"}, "name": {"Per Rydberg"},
		"relation": {"brother"}, "phone": {"abc"}, "email": {"x"}})
	want(t, "bad relative", res, 422, `href="#relation"`, `href="#phone"`, `href="#email"`)
	res = eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"}, "name": {"Per Rydberg"},
		"relation": {"spouse"}})
	want(t, "relative without a phone", res, 422, "Skriv minst ett telefonnummer")
	res = eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny?typ=barn", url.Values{"kind": {"child"}, "name": {"Lo"}, "birth_date": {"2030-01-01"}})
	want(t, "child born later", res, 422, `href="#birth_date"`)
	if rs, _ := a.Personal.Relatives(context.Background(), "evaryl01"); len(rs) != 0 {
		t.Fatalf("a bad entry was stored: %+v", rs)
	}

	res = eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"}, "name": {"Per Rydberg"},
		"relation": {"spouse"}, "phone": {"070-987 65 43"}, "emergency": {"1"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/personligt/anhoriga?klart=tillagd" {
		t.Fatalf("add relative: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	res = eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny?typ=barn", url.Values{"kind": {"child"}, "name": {"Lo Rydberg"},
		"birth_date": {"2019-04-30"}, "lives_with": {"1"}})
	if res.StatusCode != 303 {
		t.Fatalf("add child: %d\n%s", res.StatusCode, res.body)
	}
	res = eva.get("/personal/personligt/anhoriga?klart=tillagd")
	want(t, "list", res, 200, "Per Rydberg", "Make/maka", "070-987 65 43", "Lo Rydberg", "30 april 2019", "Uppgifterna är tillagda")
	ids := relativeLink.FindAllStringSubmatch(res.body, -1)
	if len(ids) != 2 {
		t.Fatalf("links: %v", ids)
	}
	per, lo := ids[0][1], ids[1][1]

	want(t, "change form", eva.get("/personal/personligt/anhoriga/"+per), 200, `value="Per Rydberg"`, `<option value="spouse" selected>`)
	res = eva.post("/personal/personligt/anhoriga/"+per, "/personal/personligt/anhoriga/"+per, url.Values{"name": {"Per Rydberg"}, "relation": {"cohabitant"},
		"phone": {"070-987 65 43"}, "phone2": {"+44 20 7946 0000"}})
	if res.StatusCode != 303 {
		t.Fatalf("change: %d\n%s", res.StatusCode, res.body)
	}
	r, err := a.Personal.Relative(context.Background(), "evaryl01", per)
	if err != nil || r.Relation != personal.Cohabitant || r.Emergency || r.Phone2 != "+44 20 7946 0000" {
		t.Fatalf("changed: %+v %v", r, err)
	}

	want(t, "confirmation", eva.get("/personal/personligt/anhoriga/"+lo+"/ta-bort"), 200, "Ta bort Lo Rydberg?", "Ja, ta bort")
	res = eva.post("/personal/personligt/anhoriga/"+lo+"/ta-bort", "/personal/personligt/anhoriga/"+lo+"/ta-bort", nil)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/personal/personligt/anhoriga?klart=borttagen" {
		t.Fatalf("remove: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = eva.get("/personal/personligt/anhoriga")
	if strings.Contains(res.body, "Lo Rydberg") || !strings.Contains(res.body, "Per Rydberg") {
		t.Errorf("after removing:\n%s", res.body)
	}
	changes, _ := a.Personal.Changes(context.Background(), "evaryl01", 10)
	var got []string
	for _, c := range changes {
		got = append(got, c.Action+" "+c.What)
	}
	if strings.Join(got, ", ") != "removed child, changed relative, added child, added relative" {
		t.Errorf("recorded: %v", got)
	}
}

// Nobody reaches another person's relative: its id gives a 404 for
// showing, changing and removing, and changes nothing.
func TestRelativesOfOthers(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	ctx := context.Background()
	evas, err := a.Personal.AddRelative(ctx, "evaryl01", personal.KindRelative, personal.RelativeInput{Name: "Per Rydberg", Relation: "spouse", Phone: "070-987 65 43"})
	if err != nil {
		t.Fatal(err)
	}
	ottos, err := a.Personal.AddRelative(ctx, "otto", personal.KindChild, personal.RelativeInput{Name: "Mio Lind", BirthDate: "2020-02-02"})
	if err != nil {
		t.Fatal(err)
	}
	eva, otto := staffVisitor(t, a, "evaryl01"), staffVisitor(t, a, "otto")
	for _, c := range []struct {
		who *visitor
		id  string
	}{{otto, evas.ID}, {eva, ottos.ID}} {
		base := "/personal/personligt/anhoriga/" + c.id
		want(t, "show another's", c.who.get(base), 404)
		want(t, "confirm removing another's", c.who.get(base+"/ta-bort"), 404)
		want(t, "change another's", c.who.post(base, base, url.Values{"name": {"Kapad"}, "relation": {"other"}, "phone": {"08-123 456 78"}, "birth_date": {"2020-02-02"}}), 404)
		want(t, "remove another's", c.who.post(base+"/ta-bort", base+"/ta-bort", nil), 404)
	}
	want(t, "a malformed id", eva.get("/personal/personligt/anhoriga/..%2f..%2fx"), 404)
	if r, err := a.Personal.Relative(ctx, "evaryl01", evas.ID); err != nil || r.Name != "Per Rydberg" {
		t.Errorf("Eva's relative: %+v %v", r, err)
	}
	if r, err := a.Personal.Relative(ctx, "otto", ottos.ID); err != nil || r.Name != "Mio Lind" {
		t.Errorf("Otto's child: %+v %v", r, err)
	}
	if res := otto.get("/personal/personligt/anhoriga"); strings.Contains(res.body, "Per Rydberg") {
		t.Error("Otto's list shows Eva's relative")
	}
}

// Added at once from two tabs, both relatives are kept, and the limit
// holds however many arrive together.
func TestRelativesAddedAtOnce(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	eva := staffVisitor(t, a, "evaryl01")
	add := func(n int) response {
		return eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"},
			"name": {"Anhörig " + itoa(n)}, "relation": {"sibling"}, "phone": {"070-000 00 " + itoa(10+n)}})
	}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = add(i).StatusCode }()
	}
	wg.Wait()
	rs, err := a.Personal.Relatives(context.Background(), "evaryl01")
	if err != nil || len(rs) != 2 || codes[0] != 303 || codes[1] != 303 {
		t.Fatalf("two at once: %v, kept %d (%v)", codes, len(rs), err)
	}
	for i := range personal.MaxRelatives - 4 {
		if res := add(10 + i); res.StatusCode != 303 {
			t.Fatalf("add %d: %d", i, res.StatusCode)
		}
	}
	codes = make([]int, 6)
	for i := range 6 {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = add(40 + i).StatusCode }()
	}
	wg.Wait()
	rs, _ = a.Personal.Relatives(context.Background(), "evaryl01")
	full := 0
	for _, c := range codes {
		if c == 409 {
			full++
		}
	}
	if len(rs) != personal.MaxRelatives || full != 4 {
		t.Fatalf("at the limit: kept %d, refused %d (%v)", len(rs), full, codes)
	}
	want(t, "full", eva.get("/personal/personligt/anhoriga"), 200, "vilket är högsta antalet")
}

// The tax page says where the details come from and what to do for
// voluntary extra tax, also before payroll has imported any.
func TestTaxPageWithoutDetails(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "tax", eva.get("/personal/personligt/skatt"), 200, "Skatteverket", "en gång i månaden", "administratör", "Det finns inga skatteuppgifter")
}

// The tax details are those payroll imported for the employment the
// session works in: a table and column with its amounts, or a fixed
// percentage; switching employment shows the other's.
func TestTaxPage(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	ctx := context.Background()
	if err := a.db.Employees().SaveEmployment(ctx, employees.Employment{ID: "E-EVA2", PersonID: "evaryl01", Title: "Timvikarie", Active: true}); err != nil {
		t.Fatal(err)
	}
	updated := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	for _, tax := range []payroll.Tax{
		{EmploymentID: "E-EVA", Year: 2026, Table: 32, Column: 1, Adjustment: "Jämkning 2 000 kr i månaden", UpdatedAt: updated,
			Steps: []payroll.TaxStep{{From: 2980001, To: 3000000, Tax: 672500}, {From: 3000001, To: 3020000, Tax: 678900}}},
		{EmploymentID: "E-EVA2", Year: 2026, Percent: 3050, UpdatedAt: updated},
	} {
		tax := tax
		if err := a.db.Payroll().SaveSummary(ctx, payroll.Summary{EmploymentID: tax.EmploymentID, Tax: &tax, UpdatedAt: updated}, payroll.Contents{}); err != nil {
			t.Fatal(err)
		}
	}
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "table", eva.get("/personal/personligt/skatt"), 200, "Skattetabell", "<dd>32</dd>", "<dd>1</dd>", "Jämkning 2 000 kr i månaden",
		"2 november 2026", "<td>29\u00a0801</td><td>30\u00a0000</td>", "<td>30\u00a0001</td><td>30\u00a0200</td><td>6\u00a0789</td>", "Skatteverket")
	eva.lang = "en"
	want(t, "table in English", eva.get("/personal/personligt/skatt"), 200, "<td>30,001</td><td>30,200</td><td>6,789</td>")
	eva.lang = "sv"
	res := eva.post("/personal/personligt/skatt", "/personal/anstallning", url.Values{"employment": {"E-EVA2"}, "next": {"/personal/personligt/skatt"}})
	if res.StatusCode != 303 {
		t.Fatalf("switch: %d", res.StatusCode)
	}
	want(t, "percentage", eva.get("/personal/personligt/skatt"), 200, "Fast skatt i procent", "30,5 %", "Inget jämkningsbeslut", "E-EVA2")
	otto := staffVisitor(t, a, "otto")
	want(t, "another's", otto.get("/personal/personligt/skatt"), 200, "Det finns inga skatteuppgifter")
}

// Nothing of a person's data reaches the log: not the values saved, not
// those refused, not a relative's.
func TestPersonalDataStaysOutOfTheLog(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	a := personalAppLogging(t, personal.DefaultEditable, &log)
	eva := staffVisitor(t, a, "evaryl01")
	eva.post("/personal/personligt", "/personal/personligt", url.Values{"street": {"Hemligavägen 7"}, "postal_code": {"35231"}, "city": {"Växjö"}, "phone": {"070-765 43 21"}})
	eva.post("/personal/personligt", "/personal/personligt", url.Values{"street": {"Hemligavägen 8"}, "postal_code": {"9"}, "city": {"Växjö"}, "email": {"hemlig@"}})
	eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"}, "name": {"Hemlig Anhörig"}, "relation": {"spouse"}, "phone": {"073-765 43 21"}})
	eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"child"}, "name": {"Hemligt Barn"}, "birth_date": {"2019-13-01"}})
	out := log.String()
	if !strings.Contains(out, "/personal/personligt") {
		t.Fatalf("nothing logged:\n%s", out)
	}
	for _, secret := range []string{"Hemlig", "765", "2019-13", "8327"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q reached the log:\n%s", secret, out)
		}
	}
}

// Changes that race touch only their own records: changing two relatives
// and adding a third at once keeps all three changes.
func TestRelativesChangedAtOnce(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"Per Rydberg", "Lisa Rydberg"} {
		r, err := a.Personal.AddRelative(ctx, "evaryl01", personal.KindRelative, personal.RelativeInput{Name: name, Relation: "sibling", Phone: "070-123 45 67"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	eva := staffVisitor(t, a, "evaryl01")
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 2 {
				codes[i] = eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"}, "name": {"Ny Anhörig"},
					"relation": {"other"}, "phone": {"08-123 456 78"}}).StatusCode
				return
			}
			path := "/personal/personligt/anhoriga/" + ids[i]
			codes[i] = eva.post(path, path, url.Values{"name": {"Ändrad " + itoa(i)}, "relation": {"parent"}, "phone": {"070-123 45 6" + itoa(i)}}).StatusCode
		}()
	}
	wg.Wait()
	rs, err := a.Personal.Relatives(ctx, "evaryl01")
	if err != nil || len(rs) != 3 {
		t.Fatalf("%v: %+v %v", codes, rs, err)
	}
	names := rs[0].Name + ", " + rs[1].Name + ", " + rs[2].Name
	if names != "Ändrad 0, Ändrad 1, Ny Anhörig" || rs[0].Relation != personal.Parent || rs[1].Phone != "070-123 45 61" {
		t.Errorf("%v: %s %+v", codes, names, rs)
	}
}

// The forms' maxlength is what the checks allow, and a text refused for
// its characters says which.
func TestPersonalFormsLimitsAndCharacters(t *testing.T) {
	t.Parallel()
	a := personalApp(t, personal.DefaultEditable)
	eva := staffVisitor(t, a, "evaryl01")
	want(t, "relative form", eva.get("/personal/personligt/anhoriga/ny"), 200, `name="name" value="" autocomplete="off" maxlength="100"`,
		`name="phone" value="" autocomplete="off" maxlength="30"`, `name="email" value="" autocomplete="off" maxlength="254"`)
	want(t, "details form", eva.get("/personal/personligt"), 200, `autocomplete="street-address" maxlength="100"`,
		`autocomplete="address-level2" maxlength="60"`, `autocomplete="postal-code" maxlength="6"`)
	for name, want1 := range map[string]string{"Per <b>": "Texten får inte innehålla tecknen &lt; eller &gt;.", "Per\x01Rydberg": "styrtecken"} {
		res := eva.post("/personal/personligt/anhoriga/ny", "/personal/personligt/anhoriga/ny", url.Values{"kind": {"relative"}, "name": {name},
			"relation": {"sibling"}, "phone": {"070-123 45 67"}})
		want(t, name, res, 422, want1)
	}
}
