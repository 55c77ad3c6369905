package demo

import (
	"time"

	"portal/cases"
	"portal/payroll"
)

// DemoCase is one case of the demo: whose, of which kind, the form as
// the employee filled it in, and how far it has come.
type DemoCase struct {
	PersonID, EmploymentID, UnitID string
	Kind                           cases.Kind
	Form                           map[string]string
	Submit                         bool
	// Decide: the manager's decision ("approve", "reject"); "" none.
	Decide, Reason string
	Manager        string
}

// Cases are the demo's cases around Eva Rylander's home-care unit
// (EXK-VOF-HEM): some waiting for her, some decided, one draft, dated
// from now so that `make run` always shows a to-do.
func Cases(now time.Time) []DemoCase {
	d := func(days int) string { return payroll.Day(now).AddDate(0, 0, days).Format(time.DateOnly) }
	const unit, eva = "EXK-VOF-HEM", "evaryl01"
	return []DemoCase{
		{PersonID: "mikjoh01", EmploymentID: "100011", UnitID: unit, Kind: cases.KindAbsence, Submit: true,
			Form: map[string]string{"cause": cases.CauseSick, "from": d(-2), "to": d(-1), "extent": cases.ExtentWhole}},
		{PersonID: "annkar01", EmploymentID: "100012", UnitID: unit, Kind: cases.KindWork, Submit: true,
			Form: map[string]string{"type": cases.WorkOvertime, "day": d(-3), "start": "16:00", "end": "18:30", "comment": "Kvällsbesök som blev sena"}},
		{PersonID: "larnil01", EmploymentID: "100013", UnitID: unit, Kind: cases.KindTravel, Submit: true,
			Form: map[string]string{"from": d(-6), "to": d(-6), "destination": "Jönköping", "purpose": "Utbildning i läkemedelshantering", "km": "84"}},
		{PersonID: "fatali01", EmploymentID: "100010", UnitID: unit, Kind: cases.KindAddition, Submit: true, Decide: "approve", Manager: eva,
			Form: map[string]string{"code": "3220", "amount": "1500"}},
		{PersonID: "fatali01", EmploymentID: "100010", UnitID: unit, Kind: cases.KindWork, Submit: true, Decide: "reject", Manager: eva,
			Reason: "Passet var redan bemannat den kvällen.", Form: map[string]string{"type": cases.WorkExtra, "day": d(-8), "start": "17:00", "end": "21:00"}},
		{PersonID: "fatali01", EmploymentID: "100010", UnitID: unit, Kind: cases.KindTravel,
			Form: map[string]string{"from": d(-4), "to": d(-4), "destination": "Gislaved", "purpose": "Samverkansmöte"}},
	}
}
