package cases

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"portal/payroll"
	"portal/valid"
)

// Fields are the form fields of each kind of case.
var Fields = map[Kind][]string{
	KindAbsence:  {"cause", "from", "to", "extent", "hours", "percent", "comment"},
	KindWork:     {"type", "day", "start", "end", "colleague", "comment"},
	KindTravel:   {"from", "to", "destination", "purpose", "km", "days", "breakfasts", "lunches", "dinners"},
	KindAddition: {"code", "quantity", "amount", "comment"},
}

// Limits of what a case holds.
const (
	MaxText    = 500 // characters of a comment or purpose
	MaxLine    = 100 // characters of a destination or an outlay's text
	MaxDays    = 366 // days one absence or travel claim covers
	MaxOutlays = 20
)

// Parse reads the form of a kind of case; the problems name the fields.
func Parse(kind Kind, f map[string]string, codes *Codes) (Content, error) {
	var p valid.Problems
	var out Content
	if codes == nil {
		codes = DefaultCodes()
	}
	text := func(name string, limit int, required bool) string {
		v := strings.TrimSpace(f[name])
		switch {
		case v == "" && required:
			p.Add(name, "cases.error.required")
		case !valid.PlainText(v) || strings.ContainsAny(v, "<>"):
			p.Add(name, "cases.error.text")
		case utf8.RuneCountInString(v) > limit:
			p.Add(name, "cases.error.too_long", limit)
		}
		return v
	}
	day := func(name string) time.Time {
		v := strings.TrimSpace(f[name])
		if v == "" {
			p.Add(name, "cases.error.required")
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, payroll.Stockholm)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			p.Add(name, "cases.error.date")
			return time.Time{}
		}
		return t
	}
	span := func(from, to time.Time) {
		if from.IsZero() || to.IsZero() {
			return
		}
		if to.Before(from) {
			p.Add("to", "cases.error.to_before")
		} else if to.Sub(from) > MaxDays*24*time.Hour {
			p.Add("to", "cases.error.too_many_days", MaxDays)
		}
	}
	number := func(name string, max int64, required bool) payroll.Quantity {
		v := strings.TrimSpace(f[name])
		if v == "" {
			if required {
				p.Add(name, "cases.error.required")
			}
			return 0
		}
		q, ok := ParseQuantity(v)
		if !ok || q < 0 {
			p.Add(name, "cases.error.number")
			return 0
		}
		if int64(q) > max*100 {
			p.Add(name, "cases.error.too_large", max)
			return 0
		}
		return q
	}
	count := func(name string, max int) int {
		v := strings.TrimSpace(f[name])
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			p.Add(name, "cases.error.count")
			return 0
		}
		if n > max {
			p.Add(name, "cases.error.too_large", max)
			return 0
		}
		return n
	}
	switch kind {
	case KindAbsence:
		a := &Absence{Cause: f["cause"], Extent: f["extent"]}
		if !slices.Contains(Causes, a.Cause) {
			p.Add("cause", "cases.error.choose")
		}
		a.From, a.To = day("from"), day("to")
		span(a.From, a.To)
		switch a.Extent {
		case ExtentWhole, "":
			a.Extent = ExtentWhole
		case ExtentHours:
			if a.Hours = number("hours", 24, true); a.Hours == 0 && p.Err() == nil {
				p.Add("hours", "cases.error.zero")
			}
		case ExtentPercent:
			if a.Percent = number("percent", 100, true); a.Percent == 0 && p.Err() == nil {
				p.Add("percent", "cases.error.zero")
			}
		default:
			p.Add("extent", "cases.error.choose")
		}
		a.Comment = text("comment", MaxText, false)
		out.Absence = a
	case KindWork:
		w := &WorkChange{Type: f["type"]}
		if !slices.Contains(WorkTypes, w.Type) {
			p.Add("type", "cases.error.choose")
		}
		w.Day = day("day")
		w.Start, w.End = clock(f["start"]), clock(f["end"])
		if w.Start == "" {
			p.Add("start", "cases.error.time")
		}
		if w.End == "" {
			p.Add("end", "cases.error.time")
		}
		if w.Start != "" && w.End != "" {
			if w.Hours = hoursBetween(w.Start, w.End); w.Hours == 0 {
				p.Add("end", "cases.error.same_time")
			}
		}
		w.Colleague = strings.ToLower(text("colleague", 40, w.Type == WorkSwap))
		w.Comment = text("comment", MaxText, false)
		out.Work = w
	case KindTravel:
		t := &Travel{}
		t.From, t.To = day("from"), day("to")
		span(t.From, t.To)
		t.Destination = text("destination", MaxLine, true)
		t.Purpose = text("purpose", MaxText, true)
		t.Km = number("km", 10000, false)
		t.Days = count("days", MaxDays)
		if !t.From.IsZero() && !t.To.IsZero() && !t.To.Before(t.From) {
			if span := int(t.To.Sub(t.From).Hours()/24+0.5) + 1; t.Days > span {
				p.Add("days", "cases.error.days_over", span)
			}
		}
		t.Breakfasts, t.Lunches, t.Dinners = count("breakfasts", MaxDays), count("lunches", MaxDays), count("dinners", MaxDays)
		for _, m := range []struct {
			name string
			n    int
		}{{"breakfasts", t.Breakfasts}, {"lunches", t.Lunches}, {"dinners", t.Dinners}} {
			if m.n > t.Days {
				p.Add(m.name, "cases.error.meals_over")
			}
		}
		out.Travel = t
	case KindAddition:
		a := &Addition{Code: f["code"]}
		code, ok := codes.Addition(a.Code)
		if !ok {
			p.Add("code", "cases.error.choose")
		}
		if ok && code.ByAmount() {
			v := strings.TrimSpace(f["amount"])
			amt, good := ParseAmount(v)
			switch {
			case v == "":
				p.Add("amount", "cases.error.required")
			case !good || amt <= 0:
				p.Add("amount", "cases.error.amount")
			case amt > 100000_00:
				p.Add("amount", "cases.error.too_large", 100000)
			}
			a.Amount = amt
		} else if ok {
			if a.Quantity = number("quantity", 1000, true); a.Quantity == 0 && p.Err() == nil {
				p.Add("quantity", "cases.error.zero")
			}
		}
		a.Comment = text("comment", MaxText, false)
		out.Addition = a
	default:
		return out, ErrNotFound
	}
	return out, p.Err()
}

// ParseOutlay reads an outlay's text and amount; the problems name the
// fields "text" and "amount".
func ParseOutlay(text, amount string) (Outlay, error) {
	var p valid.Problems
	o := Outlay{Text: strings.TrimSpace(text)}
	switch {
	case o.Text == "":
		p.Add("text", "cases.error.required")
	case !valid.Plain(o.Text) || strings.ContainsAny(o.Text, "<>"):
		p.Add("text", "cases.error.text")
	case utf8.RuneCountInString(o.Text) > MaxLine:
		p.Add("text", "cases.error.too_long", MaxLine)
	}
	amt, ok := ParseAmount(strings.TrimSpace(amount))
	switch {
	case strings.TrimSpace(amount) == "":
		p.Add("amount", "cases.error.required")
	case !ok || amt <= 0:
		p.Add("amount", "cases.error.amount")
	case amt > 100000_00:
		p.Add("amount", "cases.error.too_large", 100000)
	}
	o.Amount = amt
	return o, p.Err()
}

// ParseQuantity reads a number with at most two decimals, a comma or a
// point before them: "7,5" is 750.
func ParseQuantity(s string) (payroll.Quantity, bool) {
	n, ok := hundredths(s)
	return payroll.Quantity(n), ok
}

// ParseAmount reads kronor with at most two decimals of öre: "123,50"
// is 12350; spaces between thousands are allowed.
func ParseAmount(s string) (payroll.Amount, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "kr"))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	n, ok := hundredths(s)
	return payroll.Amount(n), ok
}

func hundredths(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || len(frac) > 2 {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	fr, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + fr, true
}

// clock reads "18:00" or "1800"; "" when it is no time of day.
func clock(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", ":")
	if len(s) == 4 && !strings.Contains(s, ":") {
		s = s[:2] + ":" + s[2:]
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return ""
	}
	return t.Format("15:04")
}

// hoursBetween is the hours from start to end, past midnight when end is
// earlier, in hundredths.
func hoursBetween(start, end string) payroll.Quantity {
	a, _ := time.Parse("15:04", start)
	b, _ := time.Parse("15:04", end)
	d := b.Sub(a)
	if d < 0 {
		d += 24 * time.Hour
	}
	return payroll.Quantity(d.Minutes() * 100 / 60)
}

// FormOf is the form of a case's content, for changing it.
func FormOf(c Content) map[string]string {
	f := map[string]string{}
	d := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(payroll.Stockholm).Format(time.DateOnly)
	}
	q := func(v payroll.Quantity) string {
		if v == 0 {
			return ""
		}
		return strings.ReplaceAll(v.Format("en"), ",", "")
	}
	n := func(v int) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(v)
	}
	switch {
	case c.Absence != nil:
		a := c.Absence
		f["cause"], f["from"], f["to"], f["extent"], f["hours"], f["percent"], f["comment"] = a.Cause, d(a.From), d(a.To), a.Extent, q(a.Hours), q(a.Percent), a.Comment
	case c.Work != nil:
		w := c.Work
		f["type"], f["day"], f["start"], f["end"], f["colleague"], f["comment"] = w.Type, d(w.Day), w.Start, w.End, w.Colleague, w.Comment
	case c.Travel != nil:
		t := c.Travel
		f["from"], f["to"], f["destination"], f["purpose"], f["km"] = d(t.From), d(t.To), t.Destination, t.Purpose, q(t.Km)
		f["days"], f["breakfasts"], f["lunches"], f["dinners"] = n(t.Days), n(t.Breakfasts), n(t.Lunches), n(t.Dinners)
	case c.Addition != nil:
		a := c.Addition
		f["code"], f["quantity"], f["comment"] = a.Code, q(a.Quantity), a.Comment
		if a.Amount != 0 {
			f["amount"] = strings.ReplaceAll(payroll.Quantity(a.Amount).Format("en"), ",", "")
		}
	}
	return f
}
