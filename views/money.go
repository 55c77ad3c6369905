package views

import "portal/payroll"

// Money writes an amount in the reader's language: "32 450,00 kr",
// "SEK 32,450.00".
func (l *Localizer) Money(a payroll.Amount) string { return a.Format(l.Lang) }

// Quantity writes a quantity in hundredths in the reader's language:
// "8,5", "8.5".
func (l *Localizer) Quantity(q payroll.Quantity) string { return q.Format(l.Lang) }

// Counted writes a quantity with its unit of payroll's ("dag", "tim") in
// words, singular for exactly one and plural otherwise: "1 dag",
// "2 dagar", "1 timme", "3,5 timmar"; a unit the portal has no words for
// as payroll wrote it, and no unit at all as the number alone.
func (l *Localizer) Counted(q payroll.Quantity, unit string) string {
	s := q.Format(l.Lang)
	if unit == "" {
		return s
	}
	form := "other"
	if q == 100 || q == -100 {
		form = "one"
	}
	key := "unit." + unit + "." + form
	if name := l.T(key); name != key {
		return s + " " + name
	}
	return s + " " + unit
}

// UnitName is a unit of payroll's in the plural, as a heading or a
// chart's axis names it: "dagar", "timmar"; unknown units as written.
func (l *Localizer) UnitName(unit string) string {
	key := "unit." + unit + ".other"
	if name := l.T(key); name != key {
		return name
	}
	return unit
}
