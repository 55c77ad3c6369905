package staff

import (
	"strings"
	"testing"

	"portal/payroll"
	"portal/views"
)

// An estimate whose lines come to nothing withholds no tax for that
// reason, not for want of a tax table; without a monthly salary the
// estimate says it is from what is approved.
func TestPrelimViewTellsNoPayFromNoTable(t *testing.T) {
	locs, err := views.LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	l := locs.Get("sv")
	tax := &payroll.Tax{Table: 33, Column: 1, Steps: []payroll.TaxStep{{From: 100, To: 100000, Tax: 0}}}
	est := payroll.Estimate{Period: "2026-12", Lines: []payroll.Line{{Code: "1310", Text: "Timlön", Amount: 50000}, {Code: "7100", Text: "Avdrag", Amount: -50000}}}
	est.Tax, est.TaxFrom, est.Rate = payroll.TaxOn(est.Gross, tax, nil)
	v := prelimView(l, est, payroll.Summary{Tax: tax})
	if v.Hourly || !strings.Contains(v.TaxFrom, "Ingen skatt dras") || v.Intro != "overview.prelim.intro_approved" {
		t.Errorf("zero gross: %+v", v)
	}
	v = prelimView(l, payroll.Estimate{Period: "2026-12"}, payroll.Summary{Tax: tax})
	if !v.Hourly {
		t.Errorf("no salary, nothing approved: %+v", v)
	}
	v = prelimView(l, payroll.Estimate{Period: "2026-12"}, payroll.Summary{})
	if !v.Hourly {
		t.Errorf("nothing at all: %+v", v)
	}
}
