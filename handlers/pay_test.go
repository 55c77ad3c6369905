package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"portal/employees"
	"portal/internal/app"
	"portal/internal/pdftext"
	"portal/payroll"
)

const nb = "\u00a0" // between thousands and before "kr"

func payslipOf(period, paid, salary, tax, net string) payroll.FilePayslip {
	return payroll.FilePayslip{Period: period, PaidOn: paid, Gross: payroll.Dec(salary), Tax: payroll.Dec(tax), Net: payroll.Dec(net),
		Lines: []payroll.FileLine{{Code: "1101", Text: "Månadslön", Amount: payroll.Dec(salary)}}}
}

// newPayApp is the staff app with pay for both of Eva Rylander's
// employments and for another person.
func newPayApp(t *testing.T) *testApp {
	t.Helper()
	a := newStaffApp(t, app.Staff{})
	addStaff(t, a, employees.Person{ID: "annand01", FirstName: "Anna", LastName: "Andersson", WorkEmail: "anna@example.se", Active: true},
		employees.Employment{ID: "200301", UnitID: "EXK-SOC", Title: "Chef", Active: true})
	first := payslipOf("2026-11", "2026-11-25", "32450.00", "7200.00", "25250.00")
	first.Lines = append(first.Lines, payroll.FileLine{Code: "3201", Text: "OB-tillägg kväll", Quantity: payroll.Dec("10.5"), Unit: "tim",
		Rate: payroll.Dec("26.30"), Amount: payroll.Dec("276.15")})
	first.Gross, first.Net = payroll.Dec("32726.15"), payroll.Dec("25526.15")
	f := payroll.File{Employments: []payroll.FileEmployment{
		{Employment: "100201", Payslips: []payroll.FilePayslip{first,
			payslipOf("2026-10", "2026-10-23", "32450.00", "7200.00", "25250.00"),
			payslipOf("2025-12", "2025-12-23", "31500.00", "6900.00", "24600.00")},
			Balances: []payroll.FileBalance{
				{Kind: "vacation-paid", Year: 2025, Unit: "dag", Value: payroll.Dec("4"), AsOf: "2025-12-31"},
				{Kind: "vacation-paid", Year: 2026, Unit: "dag", Value: payroll.Dec("12.5"), AsOf: "2026-11-20", History: []payroll.FileEntry{
					{Day: "2026-01-01", Change: payroll.Dec("25"), Value: payroll.Dec("25"), Text: "Intjänade semesterdagar"},
					{Day: "2026-07-06", Change: payroll.Dec("-12.5"), Value: payroll.Dec("12.5"), Text: "Uttag semester, sommar"}}},
				{Kind: "flex", Unit: "tim", Value: payroll.Dec("3.25"), AsOf: "2026-11-20"}}},
		{Employment: "100202", Payslips: []payroll.FilePayslip{payslipOf("2026-11", "2026-11-25", "18000.00", "3100.00", "14900.00")}},
		{Employment: "200301", Payslips: []payroll.FilePayslip{payslipOf("2026-09", "2026-09-25", "51000.00", "14000.00", "37000.00")}},
	}}
	if _, err := a.PayrollImport.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPayPages(t *testing.T) {
	t.Parallel()
	a := newPayApp(t)
	v := a.visitor(t)
	if res := v.get("/personal/lon"); !toStaffLogin(res) {
		t.Fatalf("without a login: %d", res.StatusCode)
	}
	staffLogin(v, "evaryl01", goodPassword)
	for _, c := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/personal/lon", 200, []string{"Lönespecifikationer 2026", "Anställning 100201, Undersköterska.", `href="/personal/lon/2026-11"`,
			"november 2026", "25" + nb + "526,15" + nb + "kr", "<svg", "Nettolön per månad 2026", `href="/personal/lon?ar=2025"`, `aria-current="page"`,
			"50" + nb + "776,15" + nb + "kr"}},
		{"/personal/lon?ar=2025", 200, []string{"Lönespecifikationer 2025", "december 2025", "24" + nb + "600,00" + nb + "kr"}},
		{"/personal/lon?ar=2024", 404, nil},
		{"/personal/lon?ar=tjugo", 404, nil},
		{"/personal/lon/2026-11", 200, []string{"Lönespecifikation november 2026", "Månadslön", "OB-tillägg kväll", "10,5 timmar", "26,30" + nb + "kr",
			"32" + nb + "726,15" + nb + "kr", "-7" + nb + "200,00" + nb + "kr", "25 november 2026", `href="/personal/lon/2026-11/pdf"`}},
		{"/personal/lon/2026-13", 404, nil},
		{"/personal/lon/2026-1", 404, nil},
		{"/personal/lon/2026-09", 404, nil}, // another person's period
		{"/personal/lon/2027-01/pdf", 404, nil},
		{"/personal/saldon", 200, []string{"Betalda semesterdagar 2026", "12,5 dagar", "Flexsaldo", "3,25 timmar", `href="/personal/saldon/semesterdagar?ar=2026"`}},
		{"/personal/saldon/semesterdagar", 200, []string{"Betalda semesterdagar 2026", "Uttag semester, sommar", "-12,5", "<svg", "6 juli 2026"}},
		{"/personal/saldon/semesterdagar?ar=2025", 200, []string{"Betalda semesterdagar 2025", "Saldot har ingen historik."}},
		{"/personal/saldon/semesterdagar?ar=2024", 404, nil},
		{"/personal/saldon/flex", 200, []string{"Flexsaldo", "3,25 timmar"}},
		{"/personal/saldon/komp", 404, nil},
		{"/personal/saldon/vacation-paid", 404, nil},
	} {
		res := v.get(c.path)
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.path, res.StatusCode, c.status)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(res.body, w) {
				t.Errorf("%s lacks %q", c.path, w)
			}
		}
	}

	v.lang = "en"
	for path, wants := range map[string][]string{
		"/personal/lon":            {"Payslips 2026", "SEK 25,526.15", "November 2026"},
		"/personal/lon/2026-11":    {"Payslip November 2026", "10.5 hours", "-SEK 7,200.00", "Download the payslip as a PDF"},
		"/personal/saldon/flex":    {"Flexitime", "3.25 hours"},
		"/personal/saldon":         {"Paid vacation days 2026", "12.5 days"},
		"/personal/lon/2026-11/xx": {},
	} {
		res := v.get(path)
		for _, w := range wants {
			if !strings.Contains(res.body, w) {
				t.Errorf("en %s lacks %q", path, w)
			}
		}
	}
}

func TestPayslipPDF(t *testing.T) {
	t.Parallel()
	a := newPayApp(t)
	v := a.visitor(t)
	staffLogin(v, "evaryl01", goodPassword)
	res := v.get("/personal/lon/2026-11/pdf")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" ||
		res.Header.Get("Content-Disposition") != `attachment; filename="lonespecifikation-100201-2026-11.pdf"` || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("pdf: %d %v", res.StatusCode, res.Header)
	}
	if !strings.HasPrefix(res.body, "%PDF-") {
		t.Fatal("not a PDF")
	}
	text := pdftext.Text([]byte(res.body))
	for _, w := range []string{"Lönespecifikation november 2026", "Eva Rylander", "100201 · Undersköterska · Hemtjänst Norr", "Månadslön", "OB-tillägg kväll",
		"10,5 tim", "32" + nb + "450,00", "Nettolön", "25" + nb + "526,15" + nb + "kr", "Utbetalningsdag", "25 november 2026"} {
		if !strings.Contains(text, w) {
			t.Errorf("the PDF lacks %q:\n%s", w, text)
		}
	}
	v.lang = "en"
	res = v.get("/personal/lon/2026-11/pdf")
	if res.Header.Get("Content-Disposition") != `attachment; filename="payslip-100201-2026-11.pdf"` ||
		!strings.Contains(pdftext.Text([]byte(res.body)), "SEK 25,526.15") {
		t.Fatalf("the English PDF: %v", res.Header)
	}
}

// Someone with two employments sees each one's own pay after switching,
// and never another's.
func TestPaySwitchesWithTheEmployment(t *testing.T) {
	t.Parallel()
	a := newPayApp(t)
	v := a.visitor(t)
	staffLogin(v, "evaryl01", goodPassword)
	if page := v.get("/personal/lon"); !strings.Contains(page.body, "25"+nb+"526,15") {
		t.Fatal("the first employment's pay is missing")
	}
	v.post("/personal", "/personal/anstallning", url.Values{"employment": {"100202"}, "next": {"/personal/lon"}})
	page := v.get("/personal/lon")
	if !strings.Contains(page.body, "Anställning 100202, Handläggare.") || !strings.Contains(page.body, "14"+nb+"900,00") || strings.Contains(page.body, "25"+nb+"526,15") {
		t.Fatal("after the switch: not the second employment's pay")
	}
	if res := v.get("/personal/lon/2026-10"); res.StatusCode != 404 {
		t.Fatalf("the first employment's payslip in the second: %d", res.StatusCode)
	}
	if res := v.get("/personal/saldon/flex"); res.StatusCode != 404 {
		t.Fatalf("the first employment's balance in the second: %d", res.StatusCode)
	}
	if page := v.get("/personal/saldon"); !strings.Contains(page.body, "Det finns inga saldon för anställningen ännu.") {
		t.Fatal("the balances of the second employment")
	}
	w := a.visitor(t)
	staffLogin(w, "annand01", goodPassword)
	if page := w.get("/personal/lon"); !strings.Contains(page.body, "37"+nb+"000,00") || strings.Contains(page.body, "25"+nb+"526,15") {
		t.Fatal("another person's pay")
	}
	if res := w.get("/personal/lon/2026-11"); res.StatusCode != 404 {
		t.Fatalf("Eva's period for Anna: %d", res.StatusCode)
	}
}

// A payslip page reads its payslip by key and nothing else of payroll;
// the list reads the summary and each payslip of the year by key.
func TestPayPagesReadByKey(t *testing.T) {
	t.Parallel()
	a := newPayApp(t)
	v := a.visitor(t)
	staffLogin(v, "evaryl01", goodPassword)
	for path, want := range map[string][]string{
		"/personal/lon/2026-11": {"find payroll_payslips"},
		"/personal/lon":         {"find payroll_summaries", "find payroll_summaries", "find payroll_payslips", "find payroll_payslips"},
		"/personal/saldon/flex": {"find payroll_balances"},
	} {
		v.get(path) // warm up
		var mu sync.Mutex
		var seen []string
		stop := a.db.Trace(func(command, collection string) {
			if strings.HasPrefix(collection, "payroll_") {
				mu.Lock()
				seen = append(seen, command+" "+collection)
				mu.Unlock()
			}
		})
		res := v.get(path)
		stop()
		if res.StatusCode != 200 || strings.Join(seen, ", ") != strings.Join(want, ", ") {
			t.Errorf("%s: %d, %v, want %v", path, res.StatusCode, seen, want)
		}
	}
}
