package disclosure

import (
	"strings"
	"testing"

	"portal/applications"
)

func TestIsIDNumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"811218-9876", true},
		{"8112189876", true},
		{"19811218-9876", true},
		{"198112189876", true},
		{"811218+9876", true},    // a hundred years old
		{"811218 9876", true},    // a space for the dash
		{"701063-2383", true},    // a coordination number: day 3 + 60
		{"811218-9875", false},   // the Luhn check fails
		{"811318-9874", false},   // month 13
		{"811200-9870", false},   // day 0
		{"811232-9878", false},   // day 32
		{"21811218-9876", false}, // no such century
		{"0701234567", false},    // a phone number: month 12, day 34
		{"12345", false},
	} {
		if got := IsIDNumber(c.in); got != c.want {
			t.Errorf("IsIDNumber(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestMaskIDNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Mitt personnummer är 811218-9876.", "Mitt personnummer är [Sekretess]."},
		{"pnr:198112189876, samordning 701063-2383", "pnr:[Sekretess], samordning [Sekretess]"},
		{"Fel kontrollsiffra 811218-9875 stannar", "Fel kontrollsiffra 811218-9875 stannar"},
		{"Ett längre tal 98112189876 är inget nummer", "Ett längre tal 98112189876 är inget nummer"},
		{"Ring 070-123 45 67", "Ring 070-123 45 67"},
		{"Två: 8112189876 och 900101-1239", "Två: [Sekretess] och [Sekretess]"},
	} {
		if got := MaskIDNumbers(c.in); got != c.want {
			t.Errorf("MaskIDNumbers(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

var anna = applications.Snapshot{FirstName: "Anna", LastName: "Ödmark", Email: "anna@example.se", Phone: "070-111 22 33",
	Street: "Storgatan 1", PostalCode: "123 45", Town: "Växjö", Country: "Sverige"}

func TestMaskerDefault(t *testing.T) {
	t.Parallel()
	mk := NewMasker(Masking{}, anna)
	for f, v := range map[string]string{FieldName: "Anna Ödmark", FieldEmail: anna.Email, FieldPhone: anna.Phone, FieldAddress: anna.Street} {
		if got := mk.Field(f, v); got != v {
			t.Errorf("by default %s = %q, want it as it is", f, got)
		}
	}
	if got := mk.Text("Född 811218-9876 i Växjö"); got != "Född [Sekretess] i Växjö" {
		t.Errorf("the identity number stays in %q", got)
	}
	if got := NewMasker(Masking{ShowIDNumbers: true}, anna).Text("811218-9876"); got != "811218-9876" {
		t.Errorf("shown when chosen: %q", got)
	}
}

func TestMaskerChosen(t *testing.T) {
	t.Parallel()
	mk := NewMasker(Masking{Fields: []string{FieldName, FieldPhone}, Answers: []string{"ref"}}, anna)
	if got := mk.Field(FieldName, anna.Name()); got != Masked {
		t.Errorf("name = %q", got)
	}
	// An address that spells the masked name loses it.
	if got := mk.Field(FieldEmail, anna.Email); got != Masked+"@example.se" {
		t.Errorf("email, not chosen, = %q", got)
	}
	if got := NewMasker(Masking{Fields: []string{FieldPhone}}, anna).Field(FieldEmail, anna.Email); got != anna.Email {
		t.Errorf("email, not chosen, = %q", got)
	}
	if got := mk.Text("Annalena Ödmarksson"); got != "Annalena Ödmarksson" {
		t.Errorf("a longer word is no name: %q", got)
	}
	// The masked details go wherever the text repeats them.
	got := mk.Text("Jag heter ANNA ödmark, ring 0701112233 eller 070-111 22 33")
	if strings.Contains(strings.ToLower(got), "ödmark") || strings.Contains(got, "0701112233") || strings.Contains(got, "111 22") {
		t.Errorf("text still has a masked detail: %q", got)
	}
	if !mk.HidesAnswer("ref") || mk.HidesAnswer("other") {
		t.Error("answers masked as chosen")
	}
}

func TestMaskerProtected(t *testing.T) {
	t.Parallel()
	p := anna
	p.Protected = true
	// Whatever is chosen, even nothing, and even identity numbers shown.
	for _, m := range []Masking{{}, {ShowIDNumbers: true}, {Fields: []string{FieldName}}} {
		mk := NewMasker(m, p)
		for f, v := range map[string]string{FieldEmail: p.Email, FieldPhone: p.Phone, FieldAddress: p.Street} {
			if got := mk.Field(f, v); got != Masked {
				t.Errorf("%+v: protected %s = %q", m, f, got)
			}
		}
		if got := mk.Text("Bor på Storgatan 1, 123 45 Växjö"); strings.Contains(got, "Storgatan") || strings.Contains(got, "Växjö") {
			t.Errorf("%+v: the protected address is in %q", m, got)
		}
	}
}

func TestMaskingClean(t *testing.T) {
	t.Parallel()
	m := Masking{Fields: []string{"phone", "bogus", "name", "phone"}, Answers: []string{"b", "a", "b", ""}}.clean()
	if strings.Join(m.Fields, ",") != "name,phone" || strings.Join(m.Answers, ",") != "a,b" {
		t.Errorf("clean = %+v", m)
	}
	if (Masking{}).Notes || (Masking{}).Ratings {
		t.Error("notes and ratings are left out by default")
	}
}
