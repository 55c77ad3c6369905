package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"portal/jobs"
	"portal/payroll"
)

// payrollFor stores a summary of payroll's export for the employment:
// the latest payslip, balances, the year's totals, salary, tax table and
// shifts this week and the next.
func payrollFor(t *testing.T, p *portal, employmentID string) {
	t.Helper()
	now := p.Now().In(jobs.Stockholm)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, jobs.Stockholm)
	last := today.AddDate(0, -1, 0)
	sum := payroll.Summary{
		EmploymentID: employmentID,
		Latest: &payroll.Payslip{EmploymentID: employmentID, Period: payroll.Period(last.Format("2006-01")), PaidOn: last, Gross: 3200000, Tax: 800000, Net: 2400000,
			Lines: []payroll.Line{{Code: "1101", Text: "Månadslön", Amount: 3200000}}},
		Balances: []payroll.Balance{
			{EmploymentID: employmentID, Kind: payroll.VacationPaid, Year: today.Year(), Unit: "dag", Value: 1850, AsOf: today},
			{EmploymentID: employmentID, Kind: payroll.Flex, Unit: "tim", Value: 1250, AsOf: today},
		},
		YearToDate: &payroll.YearToDate{EmploymentID: employmentID, Year: today.Year(), Salary: 32000000, Tax: 8000000, Allowances: 120000, Benefits: 50000, AsOf: last},
		Salary:     &payroll.Salary{EmploymentID: employmentID, Monthly: 3200000, From: today.AddDate(-1, 0, 0)},
		Tax: &payroll.Tax{EmploymentID: employmentID, Year: today.Year(), Table: 33, Column: 1,
			Steps: []payroll.TaxStep{{From: 3100000, To: 3300000, Tax: 800000}}},
	}
	for i := range 14 {
		if d := today.AddDate(0, 0, i); d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			sum.Schedule = append(sum.Schedule, payroll.Shift{EmploymentID: employmentID, Day: d, Start: "07:00", End: "16:00", BreakMinutes: 45, Text: "Dagpass"})
		}
	}
	if err := p.DB.Payroll().SaveSummary(context.Background(), sum, payroll.Contents{}); err != nil {
		t.Fatal(err)
	}
}

// tabTo presses Tab until the element with the id has the focus.
func tabTo(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	for range 120 {
		var at string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.activeElement ? document.activeElement.id : ""`, &at)); err != nil {
			t.Fatal(err)
		}
		if at == id {
			return
		}
		if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("Tab never reached #%s", id)
}

// press presses Enter on what has the focus.
func press(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
}

// blocksShown is the ids of the overview's blocks in the order shown.
func blocksShown(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var ids []string
	if err := chromedp.Run(ctx, chromedp.WaitVisible(".ov-grid", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll(".ov-block")].map(s => s.id)`, &ids)); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The overview and its edit page in both languages with axe and at
// 320 px; Eva rearranges her overview with the keyboard alone, saves it
// and finds it so after logging in again.
func TestOverviewInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	staffOrg(t, p)
	payrollFor(t, p, "E-EVA")
	eva := browser(t)
	staffLogin(t, eva, p, "evaryl01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, eva, lang)
		step("overview", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal"), chromedp.WaitVisible(".ov-grid", chromedp.ByQuery))
		notSideways(t, eva, lang+" overview")
		shownAt320(t, eva, lang+" overview", ".ov-lines td:not(:empty), .ov-lines td.pay-net")
		step("a day's menu", chromedp.Click(`.ov-today summary`, chromedp.ByQuery), chromedp.WaitVisible(`.ov-today .ov-day-menu`, chromedp.ByQuery))
		step("edit overview", chromedp.Navigate(p.URL+"/personal/oversikt/redigera"), chromedp.WaitVisible("#ov-edit", chromedp.ByQuery))
		notSideways(t, eva, lang+" edit overview")
	}
	step := stepper(t, eva, "sv")
	step("edit overview", chromedp.Navigate(p.URL+"/sprak/sv?next=/personal/oversikt/redigera"), chromedp.WaitVisible("#ov-edit", chromedp.ByQuery))
	// Keyboard only: hide Ackar, move Mina arbetstider up twice, save.
	if err := chromedp.Run(eva, chromedp.Evaluate(`document.activeElement && document.activeElement.blur()`, nil)); err != nil {
		t.Fatal(err)
	}
	tabTo(t, eva, "ov-vis-ytd")
	press(t, eva)
	step("hidden in place", chromedp.WaitVisible(`#ov-edit-ytd.ov-is-hidden`, chromedp.ByQuery))
	if got := text(t, eva, "#ov-status"); got != "Ackar är dolt. Välj Spara översikt för att behålla ändringen." {
		t.Errorf("status after hiding: %q", got)
	}
	tabTo(t, eva, "ov-up-schedule")
	press(t, eva)
	press(t, eva) // the focus stays on the button
	var order []string
	if err := chromedp.Run(eva, chromedp.Evaluate(`[...document.querySelectorAll(".ov-edit-item")].map(li => li.dataset.block)`, &order)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"net", "preliminary", "balances", "schedule", "ytd", "todo"}; !slices.Equal(order, want) {
		t.Fatalf("order in the draft %v, want %v", order, want)
	}
	checkAxe(t, eva, "sv moved in place")
	tabTo(t, eva, "ov-save")
	if err := chromedp.Run(eva, chromedp.Evaluate(`document.body.dataset.left = "1"`, nil), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotPresent("body[data-left]", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	want := []string{"ov-net", "ov-preliminary", "ov-balances", "ov-schedule", "ov-todo"}
	if got := blocksShown(t, eva); !slices.Equal(got, want) {
		t.Fatalf("saved overview %v, want %v", got, want)
	}
	checkAxe(t, eva, "sv saved overview")
	if got := text(t, eva, ".notice.success"); got != "Din översikt är sparad." {
		t.Errorf("after saving: %q", got)
	}

	// Without saving, the server's reset draws the default draft, the
	// focus on the button.
	step("edit again", chromedp.Navigate(p.URL+"/personal/oversikt/redigera"), chromedp.WaitVisible("#ov-edit", chromedp.ByQuery))
	tabTo(t, eva, "ov-reset")
	if err := chromedp.Run(eva, chromedp.Evaluate(`document.body.dataset.left = "1"`, nil), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotPresent("body[data-left]", chromedp.ByQuery), chromedp.WaitVisible("#ov-edit", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, eva, "sv reset draft")
	var focused string
	if err := chromedp.Run(eva, chromedp.Evaluate(`document.activeElement.id`, &focused)); err != nil || focused != "ov-reset" {
		t.Errorf("focus after the reset: %q %v", focused, err)
	}
	step("logout", chromedp.Navigate(p.URL+"/personal"), chromedp.WaitVisible(".ov-grid", chromedp.ByQuery),
		chromedp.Click(`form[action="/personal/logga-ut"] button`, chromedp.ByQuery), chromedp.WaitVisible(`form[action="/personal/logga-in"]`, chromedp.ByQuery))

	// A new login finds the saved overview.
	again := browser(t)
	staffLogin(t, again, p, "evaryl01")
	stepper(t, again, "sv")("overview again", chromedp.Navigate(p.URL+"/sprak/sv?next=/personal"), chromedp.WaitVisible(".ov-grid", chromedp.ByQuery))
	if got := blocksShown(t, again); !slices.Equal(got, want) {
		t.Fatalf("after logging in again %v, want %v", got, want)
	}
}
