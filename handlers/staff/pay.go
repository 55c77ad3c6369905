package staff

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/charts"
	"portal/employees"
	"portal/handlers/web"
	"portal/payroll"
	"portal/views"
)

// The pay pages (seed 001, "Lön" and "Saldon"): the payslips of a year,
// one payslip as a page and as a PDF, the balances and one balance's
// history.
const (
	PathPayslips = PathHome + "/lon"
	PathBalances = PathHome + "/saldon"
)

// PayslipPath is the page of the payslip of a period: /personal/lon/2026-11.
func PayslipPath(p payroll.Period) string { return PathPayslips + "/" + string(p) }

// PayslipPDFPath is the PDF of the payslip of a period.
func PayslipPDFPath(p payroll.Period) string { return PayslipPath(p) + "/pdf" }

// balanceSlugs name the balances in addresses.
var balanceSlugs = map[payroll.BalanceKind]string{
	payroll.VacationPaid: "semesterdagar", payroll.VacationSaved: "sparade-semesterdagar", payroll.VacationUnpaid: "obetalda-semesterdagar",
	payroll.Flex: "flex", payroll.Compensatory: "komp",
}

// BalancePath is the page of a balance's history: /personal/saldon/flex;
// with a year, that vacation year's (?ar=2026).
func BalancePath(k payroll.BalanceKind, year int) string {
	p := PathBalances + "/" + balanceSlugs[k]
	if year != 0 && k.PerYear() {
		p += "?ar=" + strconv.Itoa(year)
	}
	return p
}

func kindOfSlug(slug string) (payroll.BalanceKind, bool) {
	for k, s := range balanceSlugs {
		if s == slug {
			return k, true
		}
	}
	return "", false
}

// Pay shows the person's own pay and balances, always of the employment
// the session works in: nothing in the address names an employment.
type Pay struct {
	*web.Kit
	Header  *Header
	Payroll interface {
		Summary(ctx context.Context, employmentID string) (payroll.Summary, error)
		Payslips(ctx context.Context, employmentID string, year int) ([]payroll.Payslip, error)
		Payslip(ctx context.Context, employmentID string, period payroll.Period) (payroll.Payslip, error)
		Years(ctx context.Context, employmentID string) ([]int, error)
		Balance(ctx context.Context, employmentID string, kind payroll.BalanceKind, year int) (payroll.Balance, error)
	}
	Employer string // the organisation's name, on the PDF
}

// YearLink is a year the person has payslips of.
type YearLink struct {
	Year    int
	Current bool
}

// ShowPayslips lists the payslips of a year (?ar=, else the latest year
// with any) with the net pay over the year as a chart and a table.
func (h *Pay) ShowPayslips(c *fiber.Ctx) error {
	_, e, ok, err := h.Header.Working(c)
	if err != nil {
		return err
	}
	l := web.L(c)
	data := fiber.Map{}
	if !ok {
		return h.FormPageIn(c, "staff/payslips", "pay.payslips.title", "staff-pay", data)
	}
	ctx := c.UserContext()
	years, err := h.Payroll.Years(ctx, e.ID)
	if err != nil {
		return err
	}
	year := 0
	if len(years) > 0 {
		year = years[0]
	}
	if q := strings.TrimSpace(c.Query("ar")); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || !slices.Contains(years, y) {
			return fiber.ErrNotFound
		}
		year = y
	}
	links := make([]YearLink, len(years))
	for i, y := range years {
		links[i] = YearLink{Year: y, Current: y == year}
	}
	data["Employment"], data["Years"], data["Year"] = e, links, year
	if year == 0 {
		return h.FormPageIn(c, "staff/payslips", "pay.payslips.title", "staff-pay", data)
	}
	slips, err := h.Payroll.Payslips(ctx, e.ID, year)
	if err != nil {
		return err
	}
	data["Payslips"] = slips
	chrono := slices.Clone(slips)
	slices.Reverse(chrono)
	labels := make([]string, len(chrono))
	values := make([]float64, len(chrono))
	var total payroll.Amount
	for i, p := range chrono {
		labels[i] = l.T(fmt.Sprintf("pay.mon.%d", p.Period.Start().Month()))
		values[i] = float64(p.Net) / 100
		total += p.Net
	}
	data["Chrono"], data["NetTotal"] = chrono, total
	if len(chrono) > 0 {
		data["Chart"] = charts.Bars(charts.BarChart{ID: "pay-net", Title: l.T("pay.chart.title", year),
			Desc:   l.T("pay.chart.desc", year, monthName(l, chrono[0].Period), monthName(l, chrono[len(chrono)-1].Period)),
			Labels: labels, Values: values, Format: func(v float64) string { return wholeKronor(l, v) }})
	}
	return h.FormPageIn(c, "staff/payslips", "pay.payslips.title", "staff-pay", data)
}

// wholeKronor is a tick of a chart of money: "25 000 kr", "SEK 25,000".
func wholeKronor(l *views.Localizer, v float64) string {
	s := payroll.Amount(int64(v) * 100).Format(l.Lang)
	return strings.Replace(strings.Replace(s, ",00\u00a0kr", "\u00a0kr", 1), ".00", "", 1)
}

func monthName(l *views.Localizer, p payroll.Period) string {
	return l.T("pay.month", l.T(fmt.Sprintf("month.%d", p.Start().Month())), p.Year())
}

// payslip is the payslip the address names, of the session's
// employment; ErrNotFound for anything else.
func (h *Pay) payslip(c *fiber.Ctx) (employees.Person, employees.Employment, payroll.Payslip, error) {
	p, e, ok, err := h.Header.Working(c)
	if err != nil {
		return p, e, payroll.Payslip{}, err
	}
	period, valid := payroll.ParsePeriod(c.Params("period"))
	if !ok || !valid {
		return p, e, payroll.Payslip{}, fiber.ErrNotFound
	}
	slip, err := h.Payroll.Payslip(c.UserContext(), e.ID, period)
	return p, e, slip, err
}

// ShowPayslip is one payslip as a page.
func (h *Pay) ShowPayslip(c *fiber.Ctx) error {
	_, e, slip, err := h.payslip(c)
	if err != nil {
		return err
	}
	l := web.L(c)
	return h.FormPageIn(c, "staff/payslip", "pay.payslip.title", "staff-pay", fiber.Map{
		"Employment": e, "P": slip, "Month": monthName(l, slip.Period), "PDF": PayslipPDFPath(slip.Period),
		"Back": PathPayslips + "?ar=" + strconv.Itoa(slip.Period.Year()), "TaxNegative": -slip.Tax,
	})
}

// DownloadPayslip is one payslip as a PDF, in the reader's language.
func (h *Pay) DownloadPayslip(c *fiber.Ctx) error {
	person, e, slip, err := h.payslip(c)
	if err != nil {
		return err
	}
	ctx, l := c.UserContext(), web.L(c)
	unit := ""
	if u, err := h.Header.Directory.Unit(ctx, e.UnitID); err == nil {
		unit = u.Name
	}
	var buf bytes.Buffer
	err = payroll.WritePDF(&buf, slip, payroll.Slip{
		Employer: h.Employer, Name: person.Name(), Employment: EmploymentView{ID: e.ID, Title: e.Title, Unit: unit}.Label(),
		Lang: l.Lang, Date: l.Date, Created: h.Now(),
		Title: l.T("pay.pdf.title", monthName(l, slip.Period)), PeriodLabel: l.T("pay.period"), PaidOnLabel: l.T("pay.paid_on"),
		EmploymentLabel: l.T("pay.pdf.employee"), Code: l.T("pay.col.code"), Text: l.T("pay.col.text"), Quantity: l.T("pay.col.quantity"),
		Rate: l.T("pay.col.rate"), Amount: l.T("pay.col.amount"), Gross: l.T("pay.gross"), Tax: l.T("pay.tax"), Net: l.T("pay.net"),
		Footer: l.T("pay.pdf.footer", h.Employer, e.ID),
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "no-store")
	name := fmt.Sprintf("%s-%s-%s.pdf", l.T("pay.pdf.file"), e.ID, slip.Period)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Send(buf.Bytes())
}

// BalanceRow is one balance as the list shows it.
type BalanceRow struct {
	payroll.Balance
	Path string
}

// ShowBalances lists the employment's current balances.
func (h *Pay) ShowBalances(c *fiber.Ctx) error {
	_, e, ok, err := h.Header.Working(c)
	if err != nil {
		return err
	}
	data := fiber.Map{}
	if ok {
		sum, err := h.Payroll.Summary(c.UserContext(), e.ID)
		if err != nil && !payroll.IsNotFound(err) {
			return err
		}
		rows := make([]BalanceRow, 0, len(sum.Balances))
		for _, b := range sum.Balances {
			rows = append(rows, BalanceRow{Balance: b, Path: BalancePath(b.Kind, b.Year)})
		}
		data["Employment"], data["Balances"] = e, rows
	}
	return h.FormPageIn(c, "staff/balances", "pay.balances.title", "staff-pay", data)
}

// ShowBalance is one balance's history as a table and a chart; a vacation
// balance of the year ?ar= (else the latest).
func (h *Pay) ShowBalance(c *fiber.Ctx) error {
	_, e, ok, err := h.Header.Working(c)
	if err != nil {
		return err
	}
	kind, known := kindOfSlug(c.Params("kind"))
	if !ok || !known {
		return fiber.ErrNotFound
	}
	year := 0
	if q := strings.TrimSpace(c.Query("ar")); q != "" && kind.PerYear() {
		if year, err = strconv.Atoi(q); err != nil || year < 2000 || year > 2100 {
			return fiber.ErrNotFound
		}
	}
	ctx, l := c.UserContext(), web.L(c)
	var b payroll.Balance
	if year == 0 && kind.PerYear() {
		sum, err := h.Payroll.Summary(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, sb := range sum.Balances {
			if sb.Kind == kind {
				year = sb.Year
			}
		}
		if year == 0 {
			return fiber.ErrNotFound
		}
	}
	if b, err = h.Payroll.Balance(ctx, e.ID, kind, year); err != nil {
		return err
	}
	name := l.T("pay.kind." + string(kind))
	labels := make([]string, len(b.History))
	values := make([]float64, len(b.History))
	for i, en := range b.History {
		labels[i] = shortDate(l, en.Day)
		values[i] = float64(en.Value) / 100
	}
	var chart template.HTML
	if len(b.History) > 0 {
		unit := l.UnitName(b.Unit)
		chart = charts.Line(charts.LineChart{ID: "balance-history", Title: l.T("pay.balance.chart.title", name),
			Desc:   l.T("pay.balance.chart.desc", name, l.Date(b.History[0].Day), l.Date(b.History[len(b.History)-1].Day)),
			Labels: labels, Values: values, Format: func(v float64) string { return payroll.Quantity(math.Round(v*100)).Format(l.Lang) + " " + unit }})
	}
	return h.FormPageIn(c, "staff/balance", "pay.balance.title", "staff-pay", fiber.Map{
		"Employment": e, "B": b, "Name": name, "Chart": chart, "Back": PathBalances,
	})
}

// shortDate is a day as the axis of a chart names it: "3/7".
func shortDate(l *views.Localizer, t time.Time) string {
	if l.Lang == "en" {
		return t.Format("Jan 2")
	}
	return t.Format("2/1")
}
