package staff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/handlers/web"
	"portal/jobs"
	"portal/overview"
	"portal/payroll"
	"portal/views"
)

// Paths of the overview.
const (
	PathOverview     = "/personal"
	PathOverviewEdit = "/personal/oversikt/redigera"
)

// Overview is the staff start page (seed 001, "Översiktssidan"): the
// blocks of the person's own layout, each about the employment the
// session works in, and editing that layout ("Editera översikt").
type Overview struct {
	*web.Kit
	// Header tells the session's person and employment.
	Header *Header
	// Layouts keeps each person's layout.
	Layouts interface {
		// Layout is the person's layout, the default when none is saved.
		Layout(ctx context.Context, personID string) (overview.Layout, error)
		// Save checks a layout and stores it whole, or refuses it.
		Save(ctx context.Context, personID string, items []overview.Item) (overview.Layout, error)
	}
	// Pay is what payroll exported; nil: the pay blocks say there is none.
	Pay interface {
		// Summary returns the employment's summary or payroll.ErrNotFound.
		Summary(ctx context.Context, employmentID string) (payroll.Summary, error)
		// Estimate is the preliminary pay of the next payday, or
		// payroll.ErrNotFound.
		Estimate(ctx context.Context, employmentID string, now time.Time) (payroll.Estimate, error)
	}
	// ToDo are the sources of the to-do block, each asked at once.
	ToDo []ToDoSource
	// Days gives each schedule day's menu its entries; nil: the menu
	// shows the day's shifts only.
	Days DayEntries
}

// summaryEstimator is what Pay may offer besides: the estimate from a
// summary already read, which spares the overview a second read of it.
type summaryEstimator interface {
	EstimateFrom(ctx context.Context, sum payroll.Summary, now time.Time) (payroll.Estimate, error)
}

// ToDo is one thing of the to-do block.
type ToDo struct {
	Area  string // the translation key of its group, "overview.todo.area.roles"
	Text  string // a translation key
	Args  []any  // of Text, already in the reader's language
	Href  string // where to act on it; may be empty
	Since time.Time
	// Waiting: it waits for the person (a manager's signature), rather
	// than being their own thing in progress.
	Waiting bool
}

// ToDoSource is one area's contribution to the to-do block (role
// requests now; the cases of absence, work changes and travel claims
// with their own sources).
type ToDoSource interface {
	// ToDo lists the person's things in progress and what waits for them,
	// worded in lang.
	ToDo(ctx context.Context, personID, lang string) ([]ToDo, error)
}

// Link is one entry of a schedule day's menu: where it leads and the key
// of its text.
type Link struct{ Href, Text string }

// DayEntries gives the entries of a schedule day's menu (registering
// absence or a work change for it comes with the cases).
type DayEntries interface {
	// DayEntries are the links of the day's menu; Text is a translation key.
	DayEntries(ctx context.Context, personID, employmentID string, day time.Time) ([]Link, error)
}

// RoleToDo puts role requests into the to-do: the person's own pending
// ones, and for managers those waiting for their signature.
type RoleToDo struct {
	Roles    *access.Catalogue
	Requests interface {
		RequestsOf(ctx context.Context, personID string) ([]access.Request, error)
		ToSign(ctx context.Context, personID string) ([]access.Request, error)
	}
	// Managers tells who manages anyone: only they are asked what waits
	// for their signature.
	Managers interface {
		ManagesAnyone(ctx context.Context, personID string) (bool, error)
	}
}

// ToDo lists the role requests in progress.
func (r *RoleToDo) ToDo(ctx context.Context, personID, lang string) ([]ToDo, error) {
	role := func(id string) string {
		if ro, ok := r.Roles.Role(id); ok {
			return ro.Name.In(lang)
		}
		return id
	}
	own, err := r.Requests.RequestsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []ToDo
	for _, q := range own {
		switch q.State {
		case access.StateAwaiting:
			out = append(out, ToDo{Area: "overview.todo.area.roles", Text: "overview.todo.role_awaiting", Args: []any{role(q.Role)}, Href: PathRoles, Since: q.CreatedAt})
		case access.StateSigned:
			out = append(out, ToDo{Area: "overview.todo.area.roles", Text: "overview.todo.role_signed", Args: []any{role(q.Role)}, Href: PathRoles, Since: q.SignedAt})
		}
	}
	manages := true
	if r.Managers != nil {
		if manages, err = r.Managers.ManagesAnyone(ctx, personID); err != nil {
			return nil, err
		}
	}
	if manages {
		sign, err := r.Requests.ToSign(ctx, personID)
		if err != nil {
			return nil, err
		}
		for _, q := range sign {
			out = append(out, ToDo{Area: "overview.todo.area.roles", Text: "overview.todo.role_to_sign", Args: []any{q.PersonName, role(q.Role)},
				Href: PathSign, Since: q.CreatedAt, Waiting: true})
		}
	}
	return out, nil
}

// overviewPage is what the overview's template shows.
type overviewPage struct {
	Blocks       []overview.Item
	NoEmployment bool
	NoPayroll    bool
	Net          *ovNet
	Prelim       *ovPrelim
	Balances     []ovBalance
	YTD          *ovYTD
	Own, Waiting []ovGroup
	Weeks        []ovWeek
	Notice       string
}

type ovNet struct{ Net, PaidOn, Period, Href string }

type ovLine struct{ Text, Quantity, Amount string }

type ovPrelim struct {
	PaidOn, Period         string
	Intro                  string // the translation key of what it is computed from
	Lines                  []ovLine
	Gross, Tax, Net        string
	TaxFrom, TaxAdjustment string
	// Hourly: no monthly salary and nothing approved yet, so no figure;
	// the pay depends on the hours reported and payroll computes it.
	Hourly bool
}

type ovBalance struct{ Label, Value, Href, AsOf string }

type ovYTD struct {
	Year                              int
	AsOf                              string
	Salary, Tax, Allowances, Benefits string
}

type ovGroup struct {
	Area  string
	Items []ovItem
}

type ovItem struct{ Text, Href, Since string }

type ovWeek struct {
	Label string
	Days  []ovDay
}

type ovDay struct {
	ID, Label, Short string
	Today, Off       bool
	Shifts           []ovShift
	Entries          []Link
}

type ovShift struct{ Time, Break, Text string }

// ShowOverview is the start page: the person's blocks in their order.
// The layout, the summary, the estimate and each to-do source are read
// at once.
func (h *Overview) ShowOverview(c *fiber.Ctx) error {
	ctx, l, now := c.UserContext(), web.L(c), h.Now()
	p, emp, hasEmp, err := h.Header.Working(c)
	if err != nil {
		return err
	}
	var (
		wg             sync.WaitGroup
		layout         overview.Layout
		sum            payroll.Summary
		est            payroll.Estimate
		layoutErr      error
		sumErr, estErr = payroll.ErrNotFound, payroll.ErrNotFound
		todos          = make([][]ToDo, len(h.ToDo))
		todoErrs       = make([]error, len(h.ToDo))
	)
	account := web.SessionOf(c).AccountID
	wg.Go(func() { layout, layoutErr = h.Layouts.Layout(ctx, account) })
	if from, ok := h.Pay.(summaryEstimator); ok && hasEmp {
		// The estimate from the summary read once.
		wg.Go(func() {
			if sum, sumErr = h.Pay.Summary(ctx, emp.ID); sumErr == nil {
				est, estErr = from.EstimateFrom(ctx, sum, now)
			}
		})
	} else if h.Pay != nil && hasEmp {
		wg.Go(func() { sum, sumErr = h.Pay.Summary(ctx, emp.ID) })
		wg.Go(func() { est, estErr = h.Pay.Estimate(ctx, emp.ID, now) })
	}
	for i, src := range h.ToDo {
		wg.Go(func() { todos[i], todoErrs[i] = src.ToDo(ctx, p.ID, l.Lang) })
	}
	wg.Wait()
	for _, err := range append([]error{layoutErr, notMissing(sumErr), notMissing(estErr)}, todoErrs...) {
		if err != nil {
			return err
		}
	}
	page := overviewPage{Blocks: layout.Visible(), NoEmployment: !hasEmp, NoPayroll: hasEmp && sumErr != nil}
	switch c.Query("klart") {
	case "saved":
		page.Notice = "overview.done.saved"
	case "default":
		page.Notice = "overview.done.default"
	}
	if sumErr == nil {
		page.Net = netView(l, sum)
		page.Balances = balanceViews(l, sum)
		page.YTD = ytdView(l, sum, now)
	}
	if estErr == nil {
		page.Prelim = prelimView(l, est, sum)
	}
	page.Own, page.Waiting = groupToDo(l, slices.Concat(todos...))
	if hasEmp {
		if page.Weeks, err = h.weeks(ctx, l, p.ID, emp.ID, sum.Schedule, now); err != nil {
			return err
		}
	}
	return h.Render(c, "staff/overview", web.Page{Title: l.T("overview.title"), Section: "staff-home", Data: fiber.Map{"O": page}})
}

// notMissing is err unless it says there is nothing yet.
func notMissing(err error) error {
	if errors.Is(err, payroll.ErrNotFound) {
		return nil
	}
	return err
}

func periodLabel(l *views.Localizer, p payroll.Period) string {
	y, m, ok := strings.Cut(string(p), "-")
	n, err := strconv.Atoi(m)
	if !ok || err != nil || n < 1 || n > 12 {
		return string(p)
	}
	return l.T(fmt.Sprintf("month.%d", n)) + " " + y
}

func netView(l *views.Localizer, s payroll.Summary) *ovNet {
	if s.Latest == nil {
		return nil
	}
	return &ovNet{Net: s.Latest.Net.Format(l.Lang), PaidOn: l.Date(s.Latest.PaidOn), Period: periodLabel(l, s.Latest.Period),
		Href: PayslipPath(s.Latest.Period)}
}

func prelimView(l *views.Localizer, e payroll.Estimate, s payroll.Summary) *ovPrelim {
	v := &ovPrelim{PaidOn: l.Date(e.PaidOn), Period: periodLabel(l, e.Period), Intro: "overview.prelim.intro",
		Gross: e.Gross.Format(l.Lang), Tax: (-e.Tax).Format(l.Lang), Net: e.Net.Format(l.Lang)}
	if s.Salary == nil || s.Salary.Monthly == 0 {
		if len(e.Lines) == 0 {
			return &ovPrelim{PaidOn: v.PaidOn, Period: v.Period, Hourly: true}
		}
		v.Intro = "overview.prelim.intro_approved"
	}
	for _, ln := range e.Lines {
		q := ""
		if ln.Quantity != 0 {
			q = l.Counted(ln.Quantity, ln.Unit)
		}
		text := ln.Text
		if ln.Code == payroll.SalaryCode {
			text = l.T("overview.prelim.salary") // the estimate's own line, in the reader's language
		}
		v.Lines = append(v.Lines, ovLine{Text: text, Quantity: q, Amount: ln.Amount.Format(l.Lang)})
	}
	switch {
	case e.Gross <= 0:
		// TaxOn withholds nothing from no pay: not for want of a table.
		v.TaxFrom = l.T("overview.prelim.tax_nothing")
	case e.TaxFrom == payroll.TaxFromTable:
		if s.Tax != nil && s.Tax.Table != 0 {
			v.TaxFrom = l.T("overview.prelim.tax_table", s.Tax.Table, s.Tax.Column)
		} else {
			v.TaxFrom = l.T("overview.prelim.tax_table_plain")
		}
	case e.TaxFrom == payroll.TaxFromPercent:
		v.TaxFrom = l.T("overview.prelim.tax_percent", e.Rate.Format(l.Lang))
	case e.TaxFrom == payroll.TaxFromLatest:
		v.TaxFrom = l.T("overview.prelim.tax_latest", e.Rate.Format(l.Lang))
	default:
		v.TaxFrom = l.T("overview.prelim.tax_unknown")
	}
	if s.Tax != nil && s.Tax.Adjustment != "" {
		v.TaxAdjustment = l.T("overview.prelim.adjustment", s.Tax.Adjustment)
	}
	return v
}

func balanceViews(l *views.Localizer, s payroll.Summary) []ovBalance {
	var out []ovBalance
	for _, b := range s.Balances {
		label, href := l.T("overview.balance."+string(b.Kind)), BalancePath(b.Kind, b.Year)
		if b.Kind.PerYear() && b.Year != 0 {
			label = l.T("overview.balances.year", label, b.Year)
		}
		value := l.Counted(b.Value, b.Unit)
		v := ovBalance{Label: label, Value: value, Href: href}
		if !b.AsOf.IsZero() {
			v.AsOf = l.T("overview.balances.as_of", l.Date(b.AsOf))
		}
		out = append(out, v)
	}
	return out
}

func ytdView(l *views.Localizer, s payroll.Summary, now time.Time) *ovYTD {
	y := s.YearToDate
	if y == nil || y.Year != now.In(jobs.Stockholm).Year() {
		return nil
	}
	return &ovYTD{Year: y.Year, AsOf: l.Date(y.AsOf), Salary: y.Salary.Format(l.Lang), Tax: y.Tax.Format(l.Lang),
		Allowances: y.Allowances.Format(l.Lang), Benefits: y.Benefits.Format(l.Lang)}
}

// groupToDo splits the to-do into the person's own and what waits for
// them, each grouped by area in the order the areas first come.
func groupToDo(l *views.Localizer, all []ToDo) (own, waiting []ovGroup) {
	add := func(groups []ovGroup, t ToDo) []ovGroup {
		it := ovItem{Text: l.T(t.Text, t.Args...), Href: t.Href}
		if !t.Since.IsZero() {
			it.Since = l.T("overview.todo.since", l.Date(t.Since))
		}
		for i := range groups {
			if groups[i].Area == t.Area {
				groups[i].Items = append(groups[i].Items, it)
				return groups
			}
		}
		return append(groups, ovGroup{Area: t.Area, Items: []ovItem{it}})
	}
	for _, t := range all {
		if t.Waiting {
			waiting = add(waiting, t)
		} else {
			own = add(own, t)
		}
	}
	return own, waiting
}

// scheduleDays is how many days the schedule shows: this week and the
// next.
const scheduleDays = 14

// weeks is the schedule from this week's Monday, a week at a time.
func (h *Overview) weeks(ctx context.Context, l *views.Localizer, personID, employmentID string, shifts []payroll.Shift, now time.Time) ([]ovWeek, error) {
	today := now.In(jobs.Stockholm)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, jobs.Stockholm)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	byDay := map[string][]payroll.Shift{}
	for _, s := range shifts {
		k := s.Day.In(jobs.Stockholm).Format(time.DateOnly)
		byDay[k] = append(byDay[k], s)
	}
	var out []ovWeek
	for i := range scheduleDays {
		day := monday.AddDate(0, 0, i)
		if i%7 == 0 {
			_, w := day.ISOWeek()
			out = append(out, ovWeek{Label: l.T("overview.schedule.week", w)})
		}
		wd := (int(day.Weekday())+6)%7 + 1
		key := day.Format(time.DateOnly)
		d := ovDay{ID: "dag-" + key, Today: day.Equal(today), Label: l.T(fmt.Sprintf("overview.day.%d", wd)) + " " + l.Date(day),
			Short: l.T(fmt.Sprintf("overview.day.%d", wd)) + " " + strconv.Itoa(day.Day()) + " " + l.T(fmt.Sprintf("month.%d", day.Month()))}
		for _, s := range byDay[key] {
			v := ovShift{Time: s.Start + "–" + s.End, Text: s.Text}
			if s.End < s.Start {
				v.Time += " (" + l.T("overview.schedule.overnight") + ")"
			}
			if s.BreakMinutes > 0 {
				v.Break = l.T("overview.schedule.break", s.BreakMinutes)
			}
			d.Shifts = append(d.Shifts, v)
		}
		d.Off = len(d.Shifts) == 0
		if h.Days != nil {
			entries, err := h.Days.DayEntries(ctx, personID, employmentID, day)
			if err != nil {
				return nil, err
			}
			d.Entries = entries
		}
		out[len(out)-1].Days = append(out[len(out)-1].Days, d)
	}
	return out, nil
}
