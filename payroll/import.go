package payroll

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Problem is one thing wrong with an export: where (the path in the file
// and, when known, the employment and what it names there), the field
// and what is wrong.
type Problem struct {
	Path    string // "employments[2].payslips[0].lines[3]"; empty: the file as a whole
	Label   string // "employment 100234, payslip 2026-11"
	Field   string // "amount"
	Message string
}

// String names the problem the way a person fixing the file reads it:
// "employments[2].payslips[0].lines[3].amount (employment 100234,
// payslip 2026-11): the lines sum to …".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Field != "" {
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(p.Field)
	}
	if p.Label != "" {
		fmt.Fprintf(&b, " (%s)", p.Label)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ImportError lists everything wrong with an export, in the order of the
// file; when an import returns it, nothing was stored.
type ImportError struct {
	Problems []Problem
}

func (e *ImportError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "payroll: the export has problems:\n" + strings.Join(lines, "\n")
}

// Counts says what an import did to one kind of record.
type Counts struct {
	Added, Changed, Unchanged int
}

// Result says what an import did.
type Result struct {
	Employments                        int
	Payslips, Balances, Totals, Months Counts
	Details                            Counts // salaries and tax details
	Summaries                          int    // summaries written
}

// String is the result, a line per kind.
func (r Result) String() string {
	line := func(kind string, c Counts) string {
		return fmt.Sprintf("%-16s added %d, changed %d, unchanged %d", kind, c.Added, c.Changed, c.Unchanged)
	}
	return strings.Join([]string{
		fmt.Sprintf("%-16s %d", "employments", r.Employments),
		line("payslips", r.Payslips), line("balances", r.Balances), line("year totals", r.Totals),
		line("schedule months", r.Months), line("salary and tax", r.Details),
		fmt.Sprintf("%-16s %d rewritten", "summaries", r.Summaries),
	}, "\n")
}

// Importer reads payroll's export into the store.
type Importer struct {
	Records     Records
	Employments Employments
	Now         func() time.Time
}

// planned is one checked employment of an export.
type planned struct {
	id       string
	payslips []Payslip
	balances []Balance
	totals   []YearToDate
	schedule *plannedSchedule
	salary   *Salary
	tax      *Tax
}

type plannedSchedule struct {
	from, to time.Time
	shifts   []Shift
}

var (
	employmentPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	clockPattern      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

type checker struct {
	ps    []Problem
	path  string
	label string
}

func (c *checker) add(field, format string, args ...any) {
	c.ps = append(c.ps, Problem{Path: c.path, Label: c.label, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) amount(field string, d Decimal, required bool) Amount {
	if !d.Set() {
		if required {
			c.add(field, "required")
		}
		return 0
	}
	a, why := d.amount()
	if why != "" {
		c.add(field, "%s", why)
	}
	return a
}

func (c *checker) quantity(field string, d Decimal, required bool) Quantity {
	if !d.Set() {
		if required {
			c.add(field, "required")
		}
		return 0
	}
	q, why := d.quantity()
	if why != "" {
		c.add(field, "%s", why)
	}
	return q
}

func (c *checker) date(field, s string, required bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			c.add(field, "required")
		}
		return time.Time{}, false
	}
	t, ok := date(s)
	if !ok {
		c.add(field, "%q is not a date (YYYY-MM-DD)", s)
	}
	return t, ok
}

func (c *checker) text(field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		c.add(field, "required")
	case utf8.RuneCountInString(s) > max:
		c.add(field, "longer than %d characters", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		c.add(field, "has control characters")
	}
	return s
}

func (c *checker) year(field string, y int) {
	if y < 2000 || y > 2100 {
		c.add(field, "%d is not a year from 2000 to 2100", y)
	}
}

// Check reports everything wrong with the export as an *ImportError, or
// nil; it asks the staff directory whether each employment exists.
func (im *Importer) Check(ctx context.Context, f File) error {
	_, err := im.check(ctx, f)
	return err
}

func (im *Importer) check(ctx context.Context, f File) ([]planned, error) {
	c := &checker{}
	if len(f.Employments) == 0 {
		c.add("employments", "the export lists no employments")
	}
	seen := map[string]int{}
	var out []planned
	for i, fe := range f.Employments {
		c.path, c.label = fmt.Sprintf("employments[%d]", i), ""
		id := strings.TrimSpace(fe.Employment)
		switch {
		case id == "":
			c.add("employment", "required")
		case !employmentPattern.MatchString(id):
			c.add("employment", "%q is not an employee number", id)
		default:
			c.label = "employment " + id
			if j, ok := seen[id]; ok {
				c.add("employment", "also in employments[%d]; give each employment once", j)
			} else {
				seen[id] = i
				ok, err := im.Employments.EmploymentExists(ctx, id)
				if err != nil {
					return nil, err
				}
				if !ok {
					c.add("employment", "the staff directory has no employment %s: import the HR export first", id)
				}
			}
		}
		out = append(out, c.employment(id, fe))
	}
	if len(c.ps) > 0 {
		return nil, &ImportError{Problems: c.ps}
	}
	return out, nil
}

func (c *checker) employment(id string, fe FileEmployment) planned {
	base, label := c.path, c.label
	defer func() { c.path, c.label = base, label }()
	p := planned{id: id}
	periods := map[Period]int{}
	for i, fp := range fe.Payslips {
		c.path, c.label = fmt.Sprintf("%s.payslips[%d]", base, i), label
		period, ok := ParsePeriod(strings.TrimSpace(fp.Period))
		if !ok {
			c.add("period", "%q is not a pay period (YYYY-MM)", fp.Period)
		} else {
			c.label = join(label, "payslip "+string(period))
			if j, dup := periods[period]; dup {
				c.add("period", "also in payslips[%d]; give each period once", j)
			}
			periods[period] = i
		}
		slip := Payslip{EmploymentID: id, Period: period}
		var paidOK bool
		slip.PaidOn, paidOK = c.date("paid_on", fp.PaidOn, true)
		if paidOK && ok && (slip.PaidOn.Before(period.Start()) || !slip.PaidOn.Before(period.Start().AddDate(0, 3, 0))) {
			c.add("paid_on", "%s is not within the period %s or the two months after it", fp.PaidOn, period)
		}
		if len(fp.Lines) == 0 {
			c.add("lines", "a payslip has at least one line")
		}
		var sum Amount
		at, atLabel := c.path, c.label
		for j, fl := range fp.Lines {
			c.path = fmt.Sprintf("%s.lines[%d]", at, j)
			l := Line{Code: c.text("code", fl.Code, 16, true), Text: c.text("text", fl.Text, 100, true), Unit: c.text("unit", fl.Unit, 10, false)}
			l.Quantity = c.quantity("quantity", fl.Quantity, false)
			l.Rate = c.amount("rate", fl.Rate, false)
			l.Amount = c.amount("amount", fl.Amount, true)
			if l.Quantity != 0 && l.Rate != 0 {
				if want := Amount(divRound(int64(l.Quantity)*int64(l.Rate), 100)); abs(int64(want-l.Amount)) > 100 {
					c.add("amount", "quantity × rate is %s, more than 1.00 from the amount %s", FormatAmount(want), FormatAmount(l.Amount))
				}
			}
			sum += l.Amount
			slip.Lines = append(slip.Lines, l)
		}
		c.path, c.label = at, atLabel
		slip.Gross = c.amount("gross", fp.Gross, true)
		slip.Tax = c.amount("tax", fp.Tax, true)
		slip.Net = c.amount("net", fp.Net, true)
		if slip.Tax < 0 {
			c.add("tax", "the tax withheld cannot be negative")
		}
		if len(fp.Lines) > 0 && fp.Gross.Set() && sum != slip.Gross {
			c.add("gross", "the lines sum to %s, not %s", FormatAmount(sum), FormatAmount(slip.Gross))
		}
		if fp.Gross.Set() && fp.Tax.Set() && fp.Net.Set() && slip.Gross-slip.Tax != slip.Net {
			c.add("net", "gross − tax is %s, not %s", FormatAmount(slip.Gross-slip.Tax), FormatAmount(slip.Net))
		}
		p.payslips = append(p.payslips, slip)
	}

	keys := map[BalanceKey]int{}
	for i, fb := range fe.Balances {
		c.path, c.label = fmt.Sprintf("%s.balances[%d]", base, i), label
		kind := BalanceKind(strings.TrimSpace(fb.Kind))
		b := Balance{EmploymentID: id, Kind: kind, Year: fb.Year, Unit: strings.TrimSpace(fb.Unit)}
		switch {
		case !kind.Known():
			c.add("kind", "%q is none of vacation-paid, vacation-saved, vacation-unpaid, flex, comp", fb.Kind)
		case kind.PerYear():
			c.label = join(label, fmt.Sprintf("%s %d", kind, fb.Year))
			c.year("year", fb.Year)
			if b.Unit != "dag" {
				c.add("unit", "vacation is counted in days: \"dag\"")
			}
		default:
			c.label = join(label, string(kind))
			if fb.Year != 0 {
				c.add("year", "%s is not kept per year: leave the year out", kind)
			}
			if b.Unit != "tim" {
				c.add("unit", "%s is counted in hours: \"tim\"", kind)
			}
		}
		key := BalanceKey{kind, fb.Year}
		if j, dup := keys[key]; dup && kind.Known() {
			c.add("kind", "also in balances[%d]; give each balance once", j)
		}
		keys[key] = i
		b.Value = c.quantity("value", fb.Value, true)
		b.AsOf, _ = c.date("as_of", fb.AsOf, true)
		at := c.path
		var prev *BalanceEntry
		for j, fh := range fb.History {
			c.path = fmt.Sprintf("%s.history[%d]", at, j)
			e := BalanceEntry{Text: c.text("text", fh.Text, 100, false)}
			var ok bool
			e.Day, ok = c.date("day", fh.Day, true)
			e.Change = c.quantity("change", fh.Change, true)
			e.Value = c.quantity("value", fh.Value, true)
			if prev != nil {
				if ok && !prev.Day.IsZero() && e.Day.Before(prev.Day) {
					c.add("day", "before the change above it: the history goes oldest first")
				}
				if fh.Change.Set() && fh.Value.Set() && prev.Value+e.Change != e.Value {
					c.add("value", "%s + %s is %s, not %s", FormatQuantity(prev.Value), FormatQuantity(e.Change),
						FormatQuantity(prev.Value+e.Change), FormatQuantity(e.Value))
				}
			}
			b.History = append(b.History, e)
			prev = &b.History[len(b.History)-1]
		}
		c.path = at
		if prev != nil && fb.Value.Set() && prev.Value != b.Value {
			c.add("value", "the history ends at %s, not %s", FormatQuantity(prev.Value), FormatQuantity(b.Value))
		}
		p.balances = append(p.balances, b)
	}

	years := map[int]int{}
	for i, ft := range fe.YearToDate {
		c.path, c.label = fmt.Sprintf("%s.year_to_date[%d]", base, i), join(label, fmt.Sprintf("year %d", ft.Year))
		c.year("year", ft.Year)
		if j, dup := years[ft.Year]; dup {
			c.add("year", "also in year_to_date[%d]; give each year once", j)
		}
		years[ft.Year] = i
		t := YearToDate{EmploymentID: id, Year: ft.Year, Salary: c.amount("salary", ft.Salary, true), Tax: c.amount("tax", ft.Tax, true),
			Allowances: c.amount("allowances", ft.Allowances, true), Benefits: c.amount("benefits", ft.Benefits, true)}
		if t.Tax < 0 {
			c.add("tax", "the tax withheld cannot be negative")
		}
		var asOfOK bool
		t.AsOf, asOfOK = c.date("as_of", ft.AsOf, true)
		// The totals of a year are as of a day in it, or early the next
		// year when its last payslips are settled.
		if start := time.Date(ft.Year, time.January, 1, 0, 0, 0, 0, Stockholm); asOfOK && (t.AsOf.Before(start) || !t.AsOf.Before(start.AddDate(1, 2, 0))) {
			c.add("as_of", "%s is not within %d or the first two months after it", ft.AsOf, ft.Year)
		}
		p.totals = append(p.totals, t)
	}

	if fs := fe.Schedule; fs != nil {
		c.path, c.label = base+".schedule", label
		s := &plannedSchedule{}
		var okFrom, okTo bool
		s.from, okFrom = c.date("from", fs.From, true)
		s.to, okTo = c.date("to", fs.To, true)
		if okFrom && okTo {
			switch {
			case s.to.Before(s.from):
				c.add("to", "before from")
			case s.to.Sub(s.from) > 400*24*time.Hour:
				c.add("to", "a schedule covers at most 400 days")
			}
		}
		type slot struct {
			day   time.Time
			start string
		}
		slots := map[slot]int{}
		for j, fsh := range fs.Shifts {
			c.path = fmt.Sprintf("%s.schedule.shifts[%d]", base, j)
			c.label = join(label, "day "+strings.TrimSpace(fsh.Day))
			sh := Shift{EmploymentID: id, Start: strings.TrimSpace(fsh.Start), End: strings.TrimSpace(fsh.End),
				BreakMinutes: fsh.BreakMinutes, Text: c.text("text", fsh.Text, 60, false)}
			var ok bool
			sh.Day, ok = c.date("day", fsh.Day, true)
			if ok && okFrom && okTo && (sh.Day.Before(s.from) || sh.Day.After(s.to)) {
				c.add("day", "outside the schedule's days from %s to %s", fs.From, fs.To)
			}
			okStart, okEnd := clockPattern.MatchString(sh.Start), clockPattern.MatchString(sh.End)
			if !okStart {
				c.add("start", "%q is not a time of day (HH:MM)", fsh.Start)
			}
			if !okEnd {
				c.add("end", "%q is not a time of day (HH:MM)", fsh.End)
			}
			if okStart && okEnd {
				length := minutes(sh.End) - minutes(sh.Start)
				if length <= 0 {
					length += 24 * 60
				}
				if sh.Start == sh.End {
					c.add("end", "the same as the start")
				}
				if sh.BreakMinutes < 0 || sh.BreakMinutes >= length {
					c.add("break_minutes", "%d is not a break within a shift of %d minutes", sh.BreakMinutes, length)
				}
			}
			k := slot{sh.Day, sh.Start}
			if j2, dup := slots[k]; dup && ok {
				c.add("start", "shifts[%d] starts the same day at the same time", j2)
			}
			slots[k] = j
			s.shifts = append(s.shifts, sh)
		}
		p.schedule = s
	}

	if fs := fe.Salary; fs != nil {
		c.path, c.label = base+".salary", label
		s := &Salary{EmploymentID: id, Monthly: c.amount("monthly", fs.Monthly, true)}
		if fs.Monthly.Set() && s.Monthly <= 0 {
			c.add("monthly", "a monthly salary is more than zero; leave the salary out for an employment paid by the hour")
		}
		s.From, _ = c.date("from", fs.From, true)
		p.salary = s
	}

	if ft := fe.Tax; ft != nil {
		c.path, c.label = base+".tax", label
		t := &Tax{EmploymentID: id, Year: ft.Year, Table: ft.Table, Column: ft.Column, Adjustment: c.text("adjustment", ft.Adjustment, 500, false)}
		c.year("year", ft.Year)
		t.UpdatedAt, _ = c.date("updated", ft.Updated, true)
		t.Percent = c.quantity("percent", ft.Percent, false)
		switch {
		case ft.Table != 0 && ft.Percent.Set():
			c.add("percent", "give a table and column or a fixed percentage, not both")
		case ft.Table != 0:
			if ft.Table < 29 || ft.Table > 42 {
				c.add("table", "%d is not a tax table (29–42)", ft.Table)
			}
			if ft.Column < 1 || ft.Column > 6 {
				c.add("column", "%d is not a column of a tax table (1–6)", ft.Column)
			}
		case ft.Percent.Set():
			if t.Percent <= 0 || t.Percent > 10000 {
				c.add("percent", "a percentage above 0 and at most 100")
			}
			if ft.Column != 0 {
				c.add("column", "a fixed percentage has no column")
			}
			if len(ft.Steps) > 0 {
				c.add("steps", "a fixed percentage has no table amounts")
			}
		default:
			c.add("table", "give a table and column, or a fixed percentage")
		}
		at := c.path
		for j, fst := range ft.Steps {
			c.path = fmt.Sprintf("%s.steps[%d]", at, j)
			st := TaxStep{From: c.amount("from", fst.From, true), To: c.amount("to", fst.To, true), Tax: c.amount("tax", fst.Tax, true)}
			switch {
			case st.From < 0:
				c.add("from", "cannot be negative")
			case st.To < st.From:
				c.add("to", "below from")
			case st.Tax < 0 || st.Tax > st.To:
				c.add("tax", "%s is not a tax on an income up to %s", FormatAmount(st.Tax), FormatAmount(st.To))
			case j > 0 && st.From <= t.Steps[j-1].To:
				c.add("from", "within the step above (up to %s): steps go up without overlapping", FormatAmount(t.Steps[j-1].To))
			}
			t.Steps = append(t.Steps, st)
		}
		p.tax = t
	}
	return p
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

func minutes(hhmm string) int {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return h*60 + m
}

// Import stores the export after checking all of it: when anything is
// wrong the error is an *ImportError naming every problem and nothing is
// stored. It is idempotent per record: a payslip, balance or year's
// totals equal to the stored one is left as it is (with its time of
// import), a different one replaces it (a corrected payslip replaces its
// period's), and the schedule's days are replaced by the file's. Each
// employment's summary is then rewritten from what is stored, when it
// changed. Importing the same file twice changes nothing.
func (im *Importer) Import(ctx context.Context, f File) (Result, error) {
	plans, err := im.check(ctx, f)
	if err != nil {
		return Result{}, err
	}
	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	at := now()
	var res Result
	for _, p := range plans {
		res.Employments++
		if err := im.apply(ctx, p, at, &res); err != nil {
			return res, fmt.Errorf("payroll: employment %s: %w", p.id, err)
		}
	}
	return res, nil
}

// same compares two records by their JSON, which writes each time in
// its zone and treats every field alike.
func same(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func (c *Counts) count(existed, equal bool) {
	switch {
	case !existed:
		c.Added++
	case equal:
		c.Unchanged++
	default:
		c.Changed++
	}
}

func (im *Importer) apply(ctx context.Context, p planned, at time.Time, res *Result) error {
	r := im.Records
	stored, err := r.Contents(ctx, p.id)
	if err != nil {
		return err
	}
	contents := Contents{Periods: slices.Clone(stored.Periods), Balances: slices.Clone(stored.Balances),
		Totals: slices.Clone(stored.Totals), Months: slices.Clone(stored.Months)}
	for _, slip := range p.payslips {
		old, err := r.Payslip(ctx, p.id, slip.Period)
		if err != nil && !IsNotFound(err) {
			return err
		}
		old.ImportedAt = time.Time{}
		equal := err == nil && same(old, slip)
		res.Payslips.count(err == nil, equal)
		if !equal {
			slip.ImportedAt = at
			if err := r.SavePayslip(ctx, slip); err != nil {
				return err
			}
		}
		contents.Periods = insert(contents.Periods, slip.Period)
	}
	for _, b := range p.balances {
		old, err := r.Balance(ctx, p.id, b.Kind, b.Year)
		if err != nil && !IsNotFound(err) {
			return err
		}
		equal := err == nil && same(old, b)
		res.Balances.count(err == nil, equal)
		if !equal {
			if err := r.SaveBalance(ctx, b); err != nil {
				return err
			}
		}
		contents.Balances = insertKey(contents.Balances, BalanceKey{b.Kind, b.Year})
	}
	for _, t := range p.totals {
		old, err := r.YearToDate(ctx, p.id, t.Year)
		if err != nil && !IsNotFound(err) {
			return err
		}
		equal := err == nil && same(old, t)
		res.Totals.count(err == nil, equal)
		if !equal {
			if err := r.SaveYearToDate(ctx, t); err != nil {
				return err
			}
		}
		contents.Totals = insert(contents.Totals, t.Year)
	}
	if s := p.schedule; s != nil {
		for m := PeriodOf(s.from); m <= PeriodOf(s.to); m = m.Next() {
			old, err := r.Shifts(ctx, p.id, m)
			if err != nil {
				return err
			}
			var keep []Shift
			for _, sh := range old {
				if sh.Day.Before(s.from) || sh.Day.After(s.to) {
					keep = append(keep, sh)
				}
			}
			for _, sh := range s.shifts {
				if PeriodOf(sh.Day) == m {
					keep = append(keep, sh)
				}
			}
			sortShifts(keep)
			stored := slices.Contains(contents.Months, m)
			equal := same(old, keep)
			if !stored && len(keep) == 0 {
				continue
			}
			res.Months.count(stored, equal)
			if !equal || !stored {
				if err := r.SaveShifts(ctx, p.id, m, keep); err != nil {
					return err
				}
			}
			contents.Months = insert(contents.Months, m)
		}
	}
	if p.salary != nil {
		old, err := r.Salary(ctx, p.id)
		if err != nil && !IsNotFound(err) {
			return err
		}
		equal := err == nil && same(old, *p.salary)
		res.Details.count(err == nil, equal)
		if !equal {
			if err := r.SaveSalary(ctx, *p.salary); err != nil {
				return err
			}
		}
	}
	if p.tax != nil {
		old, err := r.Tax(ctx, p.id)
		if err != nil && !IsNotFound(err) {
			return err
		}
		equal := err == nil && same(old, *p.tax)
		res.Details.count(err == nil, equal)
		if !equal {
			if err := r.SaveTax(ctx, *p.tax); err != nil {
				return err
			}
		}
	}
	return im.summarize(ctx, p.id, stored, contents, at, res)
}

func sortShifts(ss []Shift) {
	slices.SortStableFunc(ss, func(a, b Shift) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		return strings.Compare(a.Start, b.Start)
	})
}

func insert[T interface{ ~string | ~int }](xs []T, x T) []T {
	i, found := slices.BinarySearch(xs, x)
	if found {
		return xs
	}
	return slices.Insert(xs, i, x)
}

func keyOrder(a, b BalanceKey) int {
	if c := slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind); c != 0 {
		return c
	}
	return a.Year - b.Year
}

func insertKey(xs []BalanceKey, k BalanceKey) []BalanceKey {
	i, found := slices.BinarySearchFunc(xs, k, keyOrder)
	if found {
		return xs
	}
	return slices.Insert(xs, i, k)
}

// summarize rewrites the employment's summary from what is stored: the
// latest payslip, the latest year of each balance (without history), the
// latest year's totals, the salary, the tax details and the schedule from
// two weeks before the import to eight weeks after; written only when it
// differs from the stored one.
func (im *Importer) summarize(ctx context.Context, id string, stored, c Contents, at time.Time, res *Result) error {
	r := im.Records
	sum := Summary{EmploymentID: id}
	if n := len(c.Periods); n > 0 {
		p, err := r.Payslip(ctx, id, c.Periods[n-1])
		if err != nil {
			return err
		}
		sum.Latest = &p
	}
	for i, k := range c.Balances {
		if i+1 < len(c.Balances) && c.Balances[i+1].Kind == k.Kind {
			continue // a later year of the kind follows
		}
		b, err := r.Balance(ctx, id, k.Kind, k.Year)
		if err != nil {
			return err
		}
		b.History = nil
		sum.Balances = append(sum.Balances, b)
	}
	if n := len(c.Totals); n > 0 {
		t, err := r.YearToDate(ctx, id, c.Totals[n-1])
		if err != nil {
			return err
		}
		sum.YearToDate = &t
	}
	if s, err := r.Salary(ctx, id); err == nil {
		sum.Salary = &s
	} else if !IsNotFound(err) {
		return err
	}
	if t, err := r.Tax(ctx, id); err == nil {
		sum.Tax = &t
	} else if !IsNotFound(err) {
		return err
	}
	from, to := Day(at.Add(-scheduleBefore)), Day(at.Add(scheduleAfter))
	for _, m := range c.Months {
		if m < PeriodOf(from) || m > PeriodOf(to) {
			continue
		}
		shifts, err := r.Shifts(ctx, id, m)
		if err != nil {
			return err
		}
		for _, sh := range shifts {
			if !sh.Day.Before(from) && !sh.Day.After(to) {
				sum.Schedule = append(sum.Schedule, sh)
			}
		}
	}
	old, err := r.Summary(ctx, id)
	if err != nil && !IsNotFound(err) {
		return err
	}
	if err == nil {
		old.UpdatedAt = time.Time{}
		if same(old, sum) && same(stored, c) {
			return nil
		}
	}
	sum.UpdatedAt = at
	res.Summaries++
	return r.SaveSummary(ctx, sum, c)
}
