package payroll

import (
	"fmt"
	"time"
	_ "time/tzdata" // the Stockholm zone must exist on every machine
)

// Stockholm is the zone payroll's days are read in.
var Stockholm = mustZone("Europe/Stockholm")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Day is the midnight, Swedish time, that starts the day of t.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Stockholm).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Stockholm)
}

// PeriodOf is the pay period of the month t falls in, Swedish time.
func PeriodOf(t time.Time) Period {
	t = t.In(Stockholm)
	return Period(fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month())))
}

// ParsePeriod reads "2026-11"; ok is false for anything else.
func ParsePeriod(s string) (Period, bool) {
	if len(s) != 7 {
		return "", false
	}
	t, err := time.ParseInLocation("2006-01", s, Stockholm)
	if err != nil || t.Year() < 1900 {
		return "", false
	}
	return Period(s), true
}

// Start is the first day of the period; zero for a malformed one.
func (p Period) Start() time.Time {
	t, err := time.ParseInLocation("2006-01", string(p), Stockholm)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Year is the period's year; 0 for a malformed one.
func (p Period) Year() int { return p.Start().Year() }

// Next is the period after p.
func (p Period) Next() Period { return PeriodOf(p.Start().AddDate(0, 1, 0)) }

// Previous is the period before p.
func (p Period) Previous() Period { return PeriodOf(p.Start().AddDate(0, -1, 0)) }

// easter is Easter Sunday of the year (the anonymous Gregorian algorithm).
func easter(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, Stockholm)
}

// firstWeekday is the first day from the given one that is wd.
func firstWeekday(year int, month time.Month, from int, wd time.Weekday) time.Time {
	t := time.Date(year, month, from, 0, 0, 0, 0, Stockholm)
	for t.Weekday() != wd {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// Holiday reports whether the day is a Swedish public holiday (allmän
// helgdag, lag 1989:253) or one of the eves banks keep closed
// (midsommarafton, julafton, nyårsafton), and so no banking day.
func Holiday(day time.Time) bool {
	y, m, d := day.In(Stockholm).Date()
	switch {
	case m == time.January && (d == 1 || d == 6),
		m == time.May && d == 1,
		m == time.June && d == 6,
		m == time.December && (d == 24 || d == 25 || d == 26 || d == 31):
		return true
	}
	e := easter(y)
	at := time.Date(y, m, d, 0, 0, 0, 0, Stockholm)
	for _, off := range []int{-2, 0, 1, 39, 49} { // långfredag, påskdagen, annandag påsk, Kristi himmelsfärd, pingstdagen
		if at.Equal(e.AddDate(0, 0, off)) {
			return true
		}
	}
	midsummer := firstWeekday(y, time.June, 20, time.Saturday)
	allSaints := firstWeekday(y, time.October, 31, time.Saturday)
	return at.Equal(midsummer) || at.Equal(midsummer.AddDate(0, 0, -1)) || at.Equal(allSaints)
}

// BankingDay reports whether banks pay out on the day: not a Saturday,
// Sunday or holiday.
func BankingDay(day time.Time) bool {
	wd := day.In(Stockholm).Weekday()
	return wd != time.Saturday && wd != time.Sunday && !Holiday(day)
}

// Payday is the payment day of the period: the day of the month given
// (0: the 25th; past the month's end, its last day), or the banking day
// before it when that is a Saturday, Sunday or holiday.
func Payday(p Period, dayOfMonth int) time.Time {
	if dayOfMonth <= 0 {
		dayOfMonth = DefaultPayday
	}
	start := p.Start()
	last := start.AddDate(0, 1, -1).Day()
	t := time.Date(start.Year(), start.Month(), min(dayOfMonth, last), 0, 0, 0, 0, Stockholm)
	for !BankingDay(t) {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

// DefaultPayday is the day of the month salaries are paid unless
// configured otherwise.
const DefaultPayday = 25
