package applicants

import (
	"errors"
	"testing"

	"portal/valid"
)

func TestProfile(t *testing.T) {
	p := Profile{FirstName: " Kim ", LastName: "Öberg", Street: "Storgatan 1", PostalCode: "35230", Town: "Växjö", Phone: "+46 70-123 45 67"}.Clean()
	if p.PostalCode != "352 30" || p.Country != "Sverige" || p.FirstName != "Kim" {
		t.Fatalf("%+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.PostalCode, p.Phone, p.Town = "352", "ring mig", ""
	var verr valid.Problems
	if !errors.As(p.Validate(), &verr) || len(verr) != 3 {
		t.Fatalf("%v", p.Validate())
	}
	// Abroad, the postal code is the applicant's own business.
	q := Profile{FirstName: "Ann", LastName: "Lee", Street: "1 High St", PostalCode: "SW1A 1AA", Town: "London", Country: "United Kingdom", Phone: "+44 20 7946 0000"}.Clean()
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
}
