package demo

import (
	"bytes"
	_ "embed" // the demo organisation ships inside the binary

	"portal/employees"
)

// OrganisationJSON is the demo organisation "Exempelkommunen" as an HR
// export in the portal's JSON format: ten units under Kommunstyrelsen,
// thirty staff, managers at every level and some with two employments.
//
//go:embed organisation.json
var OrganisationJSON []byte

// DemoUsers names some people of the demo organisation and what they show.
var DemoUsers = []struct{ User, What string }{
	{"erisan01", "Systemförvaltare, meant as the demo's administrator; registrar for the whole organisation"},
	{"evaryl01", "Enhetschef, Hemtjänsten Centrum, with six reports"},
	{"fatali01", "Undersköterska, managed by evaryl01"},
	{"sofand01", "Sjuksköterska with two employments"},
	{"sarnys01", "HR-specialist, recruiter for the whole organisation"},
}

// Grants are the roles the demo data gives from the start, so that the
// recruiters' and the registrar's pages have someone to open them.
var Grants = []struct{ User, Role, Unit string }{
	{"sarnys01", "recruiter", "EXK-KS"},
	{"erisan01", "registrar", "EXK-KS"},
	// The registrar: records appeals and holds (records and retention).
	{"annkar02", "registrar", "EXK-KS"},
}

// Organisation is the demo organisation, read and checked.
func Organisation() (employees.Batch, error) {
	return employees.ReadJSON(bytes.NewReader(OrganisationJSON))
}
