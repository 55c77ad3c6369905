package factors

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckNumber(t *testing.T) {
	for number, want := range map[string]string{
		"0701234567":         "",
		"004799999999":       "",
		"":                   "factor.phone.required",
		"070-1234567":        "factor.phone.digits",
		"070 123 45 67":      "factor.phone.digits",
		"+46701234567":       "factor.phone.digits",
		"０７０１２３４５６７":         "factor.phone.digits", // full-width digits are not digits here
		"701234567":          "factor.phone.format",
		"0701":               "factor.phone.format",
		"0701234567890123":   "factor.phone.format",
		"0123456789":         "factor.phone.format", // a landline's shape
		"08123456":           "factor.phone.format",
		"070123456":          "factor.phone.format",
		"07012345678":        "factor.phone.format",
		"0046701234567":      "",
		"0046812345678":      "factor.phone.format",
		"000123456789":       "factor.phone.format",
		"004712345678901234": "factor.phone.format",
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

func TestAppCode(t *testing.T) {
	for in, want := range map[string]bool{"123456": true, " 123 456 ": true, "123-456": true,
		"12ab56": false, "1234567890123": false, "12345": false, "": false, "１２３４５６": false} {
		if got := AppCode(in); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func TestTriesLeft(t *testing.T) {
	if n, ok := TriesLeft(wrong(ErrWrongCode, 1, MaxTries)); !ok || n != 4 {
		t.Errorf("after the first try: %d %v", n, ok)
	}
	if !errors.Is(wrong(ErrWrongCode, 2, MaxTries), ErrWrongCode) {
		t.Error("a WrongCode is not ErrWrongCode")
	}
	if _, ok := TriesLeft(wrong(ErrExpired, 1, MaxTries)); ok {
		t.Error("tries left on an expired code")
	}
}

func TestSentCode(t *testing.T) {
	for in, want := range map[string]bool{"ACDE3479": true, "acde-3479": true, " ac de 34 79 ": true, "AcDe3479": true,
		"12": false, "": false, "WRONG123": false, "ACDE34790": false, "ACDE347": false, strings.Repeat("A", 200): false, "ACDÉ3479": false} {
		if got := SentCode(in); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	for in, want := range map[string]string{"0046701234567": "0701234567", "0701234567": "0701234567", "004799999999": "004799999999"} {
		if got := Number(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
		if E164(in) != E164(Number(in)) {
			t.Errorf("%s: E164 differs after Number", in)
		}
	}
}

func TestWaitMinutes(t *testing.T) {
	for wait, want := range map[time.Duration]int{time.Second: 1, time.Minute: 1, time.Minute + time.Second: 2, 10 * time.Minute: 10} {
		err := error(&TooManySends{Wait: wait})
		if n, ok := WaitMinutes(err); !ok || n != want || !errors.Is(err, ErrTooManySends) {
			t.Errorf("%v: %d %v, want %d", wait, n, ok, want)
		}
	}
	if _, ok := WaitMinutes(ErrTooManySends); ok {
		t.Error("minutes of a plain error")
	}
}
