package factors

import (
	"strings"
	"testing"
)

func TestCheckNumber(t *testing.T) {
	for number, want := range map[string]string{
		"0701234567":       "",
		"004799999999":     "",
		"":                 "factor.phone.required",
		"070-1234567":      "factor.phone.digits",
		"070 123 45 67":    "factor.phone.digits",
		"+46701234567":     "factor.phone.digits",
		"０７０１２３４５６７":       "factor.phone.digits", // full-width digits are not digits here
		"701234567":        "factor.phone.format",
		"0701":             "factor.phone.format",
		"0701234567890123": "factor.phone.format",
	} {
		got := ""
		if p := CheckNumber(number); len(p) > 0 {
			got = p[0].Key
		}
		if got != want {
			t.Errorf("%q: %q, want %q", number, got, want)
		}
	}
}

func TestE164(t *testing.T) {
	for in, want := range map[string]string{"0701234567": "+46701234567", "004799999999": "+4799999999", "0046701234567": "+46701234567"} {
		if got := E164(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// Codes use only signs that cannot be mistaken for others, and typed in
// lower case or with spaces they are the same code.
func TestCodes(t *testing.T) {
	seen := map[byte]bool{}
	for range 2000 {
		c, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != codeLen {
			t.Fatalf("code %q", c)
		}
		for i := range len(c) {
			if !strings.ContainsRune(alphabet, rune(c[i])) {
				t.Fatalf("code %q has %q", c, c[i])
			}
			seen[c[i]] = true
		}
	}
	if len(seen) != len(alphabet) {
		t.Errorf("only %d of %d signs drawn", len(seen), len(alphabet))
	}
	if strings.ContainsAny(alphabet, "0OQIL1B8S5Z2G6") {
		t.Error("look-alikes in the alphabet")
	}
	if got := Normalize(" acd-e 3479\t"); got != "ACDE3479" {
		t.Errorf("normalized %q", got)
	}
}
