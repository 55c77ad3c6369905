package views

import "portal/payroll"

// Money writes an amount in the reader's language: "32 450,00 kr",
// "SEK 32,450.00".
func (l *Localizer) Money(a payroll.Amount) string { return a.Format(l.Lang) }

// Quantity writes a quantity in hundredths in the reader's language:
// "8,5", "8.5".
func (l *Localizer) Quantity(q payroll.Quantity) string { return q.Format(l.Lang) }
