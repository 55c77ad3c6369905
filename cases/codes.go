package cases

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"portal/payroll"
)

// Name is a text in Swedish and English.
type Name struct {
	SV string `json:"sv"`
	EN string `json:"en"`
}

// In is the name in lang, Swedish unless English is asked for.
func (n Name) In(lang string) string {
	if lang == "en" && n.EN != "" {
		return n.EN
	}
	return n.SV
}

// Code is one pay code of the employer's list: what payroll calls it,
// its unit and, where it has one, its rate per unit.
type Code struct {
	Code      string         `json:"code"`
	Name      Name           `json:"name"`
	Unit      string         `json:"unit"`      // "kr": an amount is entered; else a quantity of the unit
	Rate      payroll.Amount `json:"rate"`      // öre per unit; 0 with "kr"
	Deduction bool           `json:"deduction"` // taken from the pay
}

// ByAmount reports whether the code takes an amount rather than a quantity.
func (c Code) ByAmount() bool { return c.Unit == "kr" || c.Rate == 0 }

// Codes is the employer's code list for cases: the additions and
// deductions staff may register, the rates of work changes and of travel.
type Codes struct {
	Additions []Code          `json:"additions"`
	Work      map[string]Code `json:"work"`
	Travel    struct {
		Mileage   Code           `json:"mileage"`
		PerDiem   Code           `json:"per_diem"`
		Breakfast payroll.Amount `json:"breakfast"`
		Lunch     payroll.Amount `json:"lunch"`
		Dinner    payroll.Amount `json:"dinner"`
		Outlays   Code           `json:"outlays"`
	} `json:"travel"`
}

//go:embed codes.json
var defaultCodes []byte

// DefaultCodes is the shipped code list (an example employer's).
func DefaultCodes() *Codes {
	c, err := ParseCodes(defaultCodes)
	if err != nil {
		panic(err)
	}
	return c
}

// ParseCodes reads a code list in the shipped list's form.
func ParseCodes(b []byte) (*Codes, error) {
	var c Codes
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("cases: code list: %w", err)
	}
	seen := map[string]bool{}
	for _, a := range c.Additions {
		if a.Code == "" || seen[a.Code] {
			return nil, fmt.Errorf("cases: code list: code %q empty or repeated", a.Code)
		}
		seen[a.Code] = true
	}
	return &c, nil
}

// Addition returns the addition or deduction of a code.
func (c *Codes) Addition(code string) (Code, bool) {
	for _, a := range c.Additions {
		if a.Code == code {
			return a, true
		}
	}
	return Code{}, false
}
