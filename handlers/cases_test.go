package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/cases"
	"portal/employees"
	"portal/internal/testapp"
	"portal/payroll"
)

// casesNow is before December's cut-off, so approvals are paid on
// December's payday, the next one.
var casesNow = time.Date(2026, 12, 2, 10, 0, 0, 0, payroll.Stockholm)

// casesApp is a portal with Eva (evaryl01) managing Fatima (fatali01),
// and Otto, who manages nobody; Fatima's payroll summary has a salary,
// a tax rate and three vacation days.
func casesApp(t *testing.T) *testApp {
	t.Helper()
	a := appOf(testapp.New(t, testapp.Options{Now: casesNow}))
	st := a.db.Employees()
	for _, p := range []struct{ id, first, emp, manager string }{{"evaryl01", "Eva", "E-EVA", ""}, {"fatali01", "Fatima", "E-FAT", "E-EVA"}, {"otto", "Otto", "E-OTTO", ""}} {
		if err := st.SavePerson(ctx, employees.Person{ID: p.id, FirstName: p.first, LastName: "Test", WorkEmail: p.id + "@example.se", Active: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveEmployment(ctx, employees.Employment{ID: p.emp, PersonID: p.id, UnitID: "U1", ManagerID: p.manager, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	sum := payroll.Summary{EmploymentID: "E-FAT", Salary: &payroll.Salary{EmploymentID: "E-FAT", Monthly: 3000000},
		Tax:      &payroll.Tax{EmploymentID: "E-FAT", Year: 2026, Percent: 3000},
		Balances: []payroll.Balance{{EmploymentID: "E-FAT", Kind: payroll.VacationPaid, Year: 2026, Unit: "dag", Value: 300}},
		Schedule: []payroll.Shift{{EmploymentID: "E-FAT", Day: time.Date(2026, 12, 3, 0, 0, 0, 0, payroll.Stockholm), Start: "07:00", End: "16:00"}}}
	if err := a.db.Payroll().SaveSummary(ctx, sum, payroll.Contents{}); err != nil {
		t.Fatal(err)
	}
	return a
}

var ctx = context.Background()

var caseLink = regexp.MustCompile(`/personal/arenden/([0-9a-f]{24})`)

// newCase posts a case's form and returns its id.
func newCase(t *testing.T, v *visitor, slug string, form url.Values) string {
	t.Helper()
	res := v.post("/personal/arenden/ny/"+slug, "/personal/arenden/ny/"+slug, form)
	m := caseLink.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != 303 || m == nil {
		t.Fatalf("new %s: %d %s\n%s", slug, res.StatusCode, res.Header.Get("Location"), res.body)
	}
	return m[1]
}

// uploadOutlay posts an outlay with its receipt from the case's page.
func uploadOutlay(t *testing.T, v *visitor, id, name string, content []byte, text, amount string) response {
	t.Helper()
	p := v.get("/personal/arenden/" + id)
	m := csrfField.FindStringSubmatch(p.body)
	rev := revField.FindStringSubmatch(p.body)
	if m == nil || rev == nil {
		t.Fatalf("no outlay form (%d)\n%s", p.StatusCode, p.body)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", m[1])
	_ = w.WriteField("rev", rev[1])
	_ = w.WriteField("text", text)
	_ = w.WriteField("amount", amount)
	fw, _ := w.CreateFormFile("files", name)
	_, _ = fw.Write(content)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/personal/arenden/"+id+"/utlagg", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	v.addCookies(req)
	return v.send(req)
}

var pngReceipt = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 200)...)

// The done-when through the pages: Fatima registers care of a sick child
// from a day of her schedule and a travel claim with a receipt photo;
// Eva sees both waiting, rejects one with a reason and approves the
// other; Fatima gets both messages and the preliminary pay grows by the
// claim.
func TestCasesJourney(t *testing.T) {
	t.Parallel()
	a := casesApp(t)
	fatima, eva := staffVisitor(t, a, "fatali01"), staffVisitor(t, a, "evaryl01")

	home := fatima.get("/personal")
	want(t, "the schedule's day menu", home, 200, "/personal/arenden/ny/franvaro?dag=2026-12-03", "Registrera frånvaro", "Registrera arbetsförändring")
	want(t, "the form from the day", fatima.get("/personal/arenden/ny/franvaro?dag=2026-12-03"), 200, `value="2026-12-03"`, "Vård av sjukt barn")
	want(t, "menu search", fatima.get("/personal/meny?q=Reser%C3%A4kning"), 200, "/personal/arenden/ny/reserakning")

	sick := newCase(t, fatima, "franvaro", url.Values{"cause": {"sick-child"}, "from": {"2026-12-03"}, "to": {"2026-12-03"}, "extent": {"whole"}})
	want(t, "the absence", fatima.get("/personal/arenden/"+sick+"?klart=skickat"), 200, "Vård av sjukt barn", "Inskickat av Fatima Test", "Ärendet är inskickat")
	trip := newCase(t, fatima, "reserakning", url.Values{"action": {"draft"}, "from": {"2026-11-26"}, "to": {"2026-11-27"}, "destination": {"Jönköping"},
		"purpose": {"Utbildning"}, "km": {"100"}, "days": {"2"}, "lunches": {"1"}})
	res := uploadOutlay(t, fatima, trip, "kvitto.png", pngReceipt, "Parkering", "120")
	if res.StatusCode != 303 {
		t.Fatalf("outlay: %d\n%s", res.StatusCode, res.body)
	}
	want(t, "a bad receipt", uploadOutlay(t, fatima, trip, "kvitto.exe", []byte("MZ..."), "Taxi", "80"), 422, "kvitton ska vara pdf, jpg eller png")
	want(t, "a bad amount", uploadOutlay(t, fatima, trip, "kvitto.png", pngReceipt, "Taxi", "åttio"), 422, `id="amount-error"`)
	if res := fatima.get("/personal/arenden/" + trip + "/utlagg/1"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("receipt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res = fatima.post("/personal/arenden/"+trip, "/personal/arenden/"+trip+"/skicka", url.Values{})
	if res.StatusCode != 303 {
		t.Fatalf("submit: %d\n%s", res.StatusCode, res.body)
	}
	want(t, "a vacation the balance does not cover", fatima.post("/personal/arenden/ny/franvaro", "/personal/arenden/ny/franvaro",
		url.Values{"cause": {"vacation"}, "from": {"2026-12-07"}, "to": {"2026-12-11"}}), 422, "Semestersaldot räcker inte", "betalda och sparade semesterdagar finns 3 kvar")

	before, err := a.Payroll.Estimate(ctx, "E-FAT", casesNow)
	if err != nil {
		t.Fatal(err)
	}
	page := eva.get("/personal/attestera")
	want(t, "the manager's to-do", page, 200, "Fatima Test: Vård av sjukt barn", "Jönköping", "Betalda semesterdagar", "07:00–16:00", "Frånvaro (1)", "Reseräkning (1)")
	want(t, "the manager's overview", eva.get("/personal"), 200, "Att attestera: Vård av sjukt barn")
	want(t, "a rejection needs a reason", eva.post("/personal/attestera", "/personal/attestera", url.Values{"one": {"reject:" + sick}}), 422, "Skriv en motivering")
	want(t, "rejected", eva.post("/personal/attestera", "/personal/attestera", url.Values{"one": {"reject:" + sick}, "reason-" + sick: {"Intyg saknas"}}), 200, "Avslaget: Fatima Test")
	want(t, "approved", eva.post("/personal/attestera", "/personal/attestera", url.Values{"case": {trip}, "action": {"approve"}}), 200, "Godkänt: Fatima Test", "Inga ärenden väntar")

	after, err := a.Payroll.Estimate(ctx, "E-FAT", casesNow)
	if err != nil {
		t.Fatal(err)
	}
	if grew := after.Gross - before.Gross; grew != 100*250+2*30000-10500+12000 {
		t.Errorf("the preliminary pay grew by %d", grew)
	}
	want(t, "the employee's messages", fatima.get("/personal/meddelanden"), 200, "Ditt ärende är avslaget", "Ditt ärende är godkänt")
	want(t, "the rejected case", fatima.get("/personal/arenden/"+sick), 200, "Avslaget", "Intyg saknas", "Avslaget av Eva Test")
	want(t, "the approved case", fatima.get("/personal/arenden/"+trip), 200, "Godkänt", "Betalas med lönen för december 2026")
	if res := fatima.post("/personal/arenden/"+trip, "/personal/arenden/"+trip+"/aterkalla", url.Values{}); res.StatusCode != 409 {
		t.Errorf("withdraw an approved case: %d", res.StatusCode)
	}
}

// Other people's case ids: refused as no case at all, nothing revealed,
// nothing changed.
func TestCasesOfOthers(t *testing.T) {
	t.Parallel()
	a := casesApp(t)
	fatima, otto, eva := staffVisitor(t, a, "fatali01"), staffVisitor(t, a, "otto"), staffVisitor(t, a, "evaryl01")
	draft := newCase(t, fatima, "tillagg-avdrag", url.Values{"action": {"draft"}, "code": {"3220"}, "amount": {"500"}})
	trip := newCase(t, fatima, "reserakning", url.Values{"action": {"draft"}, "from": {"2026-11-26"}, "to": {"2026-11-26"}, "destination": {"Växjö"}, "purpose": {"Möte"}})
	if res := uploadOutlay(t, fatima, trip, "kvitto.png", pngReceipt, "Tåg", "300"); res.StatusCode != 303 {
		t.Fatalf("outlay: %d", res.StatusCode)
	}
	if res := fatima.post("/personal/arenden/"+trip, "/personal/arenden/"+trip+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	for _, v := range []*visitor{otto, eva} {
		for _, path := range []string{"/personal/arenden/" + draft, "/personal/arenden/" + draft + "/andra", "/personal/arenden/" + draft + "/aterkalla"} {
			if res := v.get(path); res.StatusCode != 404 || strings.Contains(res.body, "Friskvård") {
				t.Errorf("%s: %d", path, res.StatusCode)
			}
		}
	}
	for _, path := range []string{"/personal/arenden/" + trip, "/personal/arenden/" + trip + "/andra", "/personal/arenden/" + trip + "/utlagg/1"} {
		if res := otto.get(path); res.StatusCode != 404 || strings.Contains(res.body, "Växjö") {
			t.Errorf("otto %s: %d", path, res.StatusCode)
		}
	}
	want(t, "the manager sees the submitted claim", eva.get("/personal/arenden/"+trip), 200, "Växjö", "Godkänn")
	if res := eva.get("/personal/arenden/" + trip + "/andra"); res.StatusCode != 404 {
		t.Errorf("the manager changes: %d", res.StatusCode)
	}
	otto.get("/personal/attestera")
	res := otto.post("/personal/attestera", "/personal/attestera", url.Values{"one": {"approve:" + trip}})
	want(t, "otto decides", res, 200, "Ett ärende finns inte bland dem du kan besluta om")
	for _, path := range []string{"/personal/arenden/" + trip + "/aterkalla", "/personal/arenden/" + trip + "/andra", "/personal/arenden/" + trip + "/utlagg/1/ta-bort",
		"/personal/arenden/" + draft + "/aterkalla", "/personal/arenden/" + trip + "/skicka"} {
		if res := otto.post("/personal/arenden", path, url.Values{"rev": {"2"}, "destination": {"X"}}); res.StatusCode != 404 {
			t.Errorf("otto posts %s: %d", path, res.StatusCode)
		}
	}
	c, steps, _, err := a.Cases.Open(ctx, "fatali01", "E-FAT", trip)
	if err != nil || !c.Open() || c.Travel.Destination != "Växjö" || len(c.Travel.Outlays) != 1 || len(steps) != 3 {
		t.Fatalf("changed: %+v %d %v", c, len(steps), err)
	}
}

// Managers deciding one case from many tabs at once decide it once: one
// outcome, one message.
func TestCasesDecidedOnce(t *testing.T) {
	t.Parallel()
	a := casesApp(t)
	fatima, eva := staffVisitor(t, a, "fatali01"), staffVisitor(t, a, "evaryl01")
	id := newCase(t, fatima, "arbetsforandring", url.Values{"type": {"overtime"}, "day": {"2026-12-01"}, "start": {"17:00"}, "end": {"19:30"}})
	var reqs []*http.Request
	for i := range 8 {
		v := url.Values{"one": {"approve:" + id}}
		if i%2 == 1 {
			v = url.Values{"one": {"reject:" + id}, "reason-" + id: {"Nej"}}
		}
		reqs = append(reqs, eva.formRequest("/personal/attestera", "/personal/attestera", v))
	}
	withdraw := fatima.formRequest("/personal/arenden/"+id+"/aterkalla", "/personal/arenden/"+id+"/aterkalla", nil)
	reqs = append(reqs, withdraw)
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			var res response
			if i == len(reqs)-1 {
				res = fatima.send(r)
			} else {
				res = eva.send(r)
			}
			if res.StatusCode >= 500 {
				t.Errorf("%d: %d\n%s", i, res.StatusCode, res.body)
			}
		})
	}
	wg.Wait()
	_, steps, _, err := a.Cases.Open(context.Background(), "fatali01", "E-FAT", id)
	ends := 0
	for _, st := range steps {
		if st.Kind.Ends() {
			ends++
		}
	}
	if err != nil || ends != 1 {
		t.Fatalf("%d ends: %v", ends, err)
	}
	msgs, err := a.Inbox.Summary(ctx, "fatali01")
	if err != nil {
		t.Fatal(err)
	}
	if steps[len(steps)-1].Kind != cases.StepWithdrawn && msgs.Unread() != 1 {
		t.Errorf("%d messages", msgs.Unread())
	}
}

var substituteEnd = regexp.MustCompile(`/personal/attestera/ersattare/([0-9a-f]{24})/ta-bort`)

// A manager names a substitute for a period; the substitute sees the
// cases waiting, decides one, and the log says it was as substitute.
// Only managers name substitutes, and only their own end.
func TestCaseSubstitutes(t *testing.T) {
	t.Parallel()
	a := casesApp(t)
	fatima, eva, otto := staffVisitor(t, a, "fatali01"), staffVisitor(t, a, "evaryl01"), staffVisitor(t, a, "otto")
	id := newCase(t, fatima, "franvaro", url.Values{"cause": {"sick"}, "from": {"2026-12-01"}, "to": {"2026-12-01"}})
	if res := fatima.get("/personal/attestera/ersattare"); res.StatusCode != 404 {
		t.Errorf("an employee's substitutes: %d", res.StatusCode)
	}
	want(t, "no approvals for otto yet", otto.get("/personal/attestera"), 200, "Inga ärenden väntar på dig.")
	want(t, "a bad substitute", eva.post("/personal/attestera/ersattare", "/personal/attestera/ersattare",
		url.Values{"substitute": {"nobody9"}, "from": {"2026-12-01"}, "to": {"2026-12-10"}}), 422, "Det finns ingen aktiv anställd med användarnamnet nobody9")
	res := eva.post("/personal/attestera/ersattare", "/personal/attestera/ersattare", url.Values{"substitute": {"Otto"}, "from": {"2026-12-01"}, "to": {"2026-12-10"}})
	if res.StatusCode != 303 {
		t.Fatalf("name: %d\n%s", res.StatusCode, res.body)
	}
	page := eva.get("/personal/attestera/ersattare?klart=ersattare")
	want(t, "the substitutes", page, 200, "Otto Test (otto)", "Ersättaren är utsedd")
	m := substituteEnd.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("no end button")
	}
	want(t, "the substitute's to-do", otto.get("/personal/attestera"), 200, "Fatima Test: Sjukdom")
	want(t, "the substitute's menu", otto.get("/personal/meny"), 200, `href="/personal/attestera"`)
	want(t, "approved by the substitute", otto.post("/personal/attestera", "/personal/attestera", url.Values{"one": {"approve:" + id}}), 200, "Godkänt: Fatima Test")
	want(t, "the log", fatima.get("/personal/arenden/"+id), 200, "Godkänt av Otto Test. Som ersättare för Eva Test.")
	if res := otto.post("/personal/attestera", m[0], url.Values{}); res.StatusCode != 404 {
		t.Errorf("otto ends eva's substitution: %d", res.StatusCode)
	}
	if res := eva.post("/personal/attestera/ersattare", m[0], url.Values{}); res.StatusCode != 303 {
		t.Errorf("end: %d", res.StatusCode)
	}
	want(t, "ended", eva.get("/personal/attestera/ersattare"), 200, "Du har ingen ersättare utsedd.")
}

// With digests, the manager gets no message per case but one a day of
// the day's cases, once however often the task runs.
func TestCaseDigest(t *testing.T) {
	t.Parallel()
	a := casesApp(t)
	a.Cases.Digest = true
	fatima := staffVisitor(t, a, "fatali01")
	newCase(t, fatima, "franvaro", url.Values{"cause": {"sick"}, "from": {"2026-12-01"}, "to": {"2026-12-01"}})
	newCase(t, fatima, "tillagg-avdrag", url.Values{"code": {"3220"}, "amount": {"800"}})
	if s, err := a.Inbox.Summary(ctx, "evaryl01"); err != nil || s.Unread() != 0 {
		t.Fatalf("told at once: %+v %v", s, err)
	}
	a.Clock.Add(24 * time.Hour)
	for i := range 2 {
		if n, err := a.Cases.SendDigests(ctx); err != nil || n != 1-i {
			t.Fatalf("digests: %d %v", n, err)
		}
	}
	if s, err := a.Inbox.Summary(ctx, "evaryl01"); err != nil || s.Unread() != 1 {
		t.Fatalf("digest messages: %+v %v", s, err)
	}
	want(t, "the digest", staffVisitor(t, a, "evaryl01").get("/personal/meddelanden"), 200, "2 nya ärenden att attestera")
}
