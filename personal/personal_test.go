package personal

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/valid"
)

func TestParseEditable(t *testing.T) {
	for in, want := range map[string]string{
		"address,phone,email": "address phone email", " Phone , EMAIL ": "phone email", "": "", "none": "", "address": "address",
	} {
		e, err := ParseEditable(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		var got []string
		for _, f := range Fields {
			if e.May(string(f)) {
				got = append(got, string(f))
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%q: %v, want %q", in, got, want)
		}
	}
	for _, in := range []string{"name", "address,bank", "address;phone"} {
		if _, err := ParseEditable(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestValidPhone(t *testing.T) {
	for s, want := range map[string]bool{
		"070-123 45 67": true, "0701234567": true, "08-123 456 78": true, "+46 70 123 45 67": true, "+46 (0)70 123 45 67": true,
		"+44 20 7946 0000": true, "0046 70 123 45 67": true, "(08) 123 456": true, "+1 212 555 0100": true,
		"": false, "ring mig": false, "123": false, "+0 123 456 789": false, "070-123\n45": false, "1234567": false,
		"+46 70 123 45 67 89 01 23 45 67": false, strings.Repeat("0", 31): false,
	} {
		if got := ValidPhone(s); got != want {
			t.Errorf("ValidPhone(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestMaskAccount(t *testing.T) {
	b, err := MaskAccount("8327-9", "914 123 456-1234")
	if err != nil || b.Masked() != "8327-9 •••• 1234" {
		t.Fatalf("%+v %v", b, err)
	}
	if b, err := MaskAccount("6000", "123456789"); err != nil || b.Last4 != "6789" {
		t.Fatalf("%+v %v", b, err)
	}
	for _, c := range [][2]string{{"83279", "1234"}, {"8327", "12a4567"}, {"8327", "123"}, {"", "12345"}} {
		if _, err := MaskAccount(c[0], c[1]); err == nil {
			t.Errorf("%v accepted", c)
		}
	}
}

func fields(err error) string {
	var p valid.Problems
	if !errors.As(err, &p) {
		return ""
	}
	var out []string
	for _, q := range p {
		out = append(out, q.Field+"="+q.Key)
	}
	return strings.Join(out, " ")
}

func TestContactValidate(t *testing.T) {
	all, _ := ParseEditable(DefaultEditable)
	good := Contact{Street: "  Storgatan   1 ", PostalCode: "35230", City: "Växjö", Phone: "070-123 45 67", Email: "eva@example.se"}.Clean()
	if good.Street != "Storgatan 1" || good.PostalCode != "352 30" {
		t.Fatalf("cleaned: %+v", good)
	}
	if err := good.Validate(all); err != nil {
		t.Fatal(err)
	}
	if err := (Contact{Street: "Storgatan 1", PostalCode: "352 30", City: "Växjö"}).Validate(all); err != nil {
		t.Errorf("without phone and e-mail: %v", err)
	}
	for _, c := range []struct {
		in   Contact
		want string
	}{
		{Contact{}, "street=personal.error.street_required postal_code=personal.error.postal_code_required city=personal.error.city_required"},
		{Contact{Street: "a", PostalCode: "1234", City: "b"}, "postal_code=personal.error.postal_code"},
		{Contact{Street: "a", PostalCode: "123456", City: "b"}, "postal_code=personal.error.postal_code"},
		{Contact{Street: strings.Repeat("å", 101), PostalCode: "12345", City: strings.Repeat("x", 61)}, "street=personal.error.too_long city=personal.error.too_long"},
		{Contact{Street: "a\x1b[2J", PostalCode: "12345", City: "b\u202e"}, "street=personal.error.control"},
		{Contact{Street: "a", PostalCode: "12345", City: "b", Phone: "070 12", Email: "eva@localhost"}, "phone=personal.error.phone email=personal.error.email"},
	} {
		if got := fields(c.in.Clean().Validate(all)); got != c.want {
			t.Errorf("%+v: %s, want %s", c.in, got, c.want)
		}
	}
	// Only what staff may change is checked.
	phone, _ := ParseEditable("phone")
	if err := (Contact{Email: "bad"}).Validate(phone); err != nil {
		t.Errorf("a part not editable was checked: %v", err)
	}
}

func TestRelativeCheck(t *testing.T) {
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	r, err := RelativeInput{Name: " Per  Rydberg ", Relation: "spouse", Phone2: "+44 20 7946 0000", Emergency: true}.check(KindRelative, today)
	if err != nil || r.Name != "Per Rydberg" || r.Relation != Spouse || !r.Emergency {
		t.Fatalf("%+v %v", r, err)
	}
	c, err := RelativeInput{Name: "Lo", BirthDate: "2019-04-30", LivesWith: true, Phone: "ignored"}.check(KindChild, today)
	if err != nil || !c.LivesWith || c.BirthDate.Format("2006-01-02") != "2019-04-30" || c.Phone != "" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, x := range []struct {
		in   RelativeInput
		kind Kind
		want string
	}{
		{RelativeInput{}, KindRelative, "name=personal.error.name_required relation=personal.error.relation phone=personal.error.relative_phone_required"},
		{RelativeInput{Name: "P", Relation: "brother", Phone: "x", Phone2: "y", Email: "z"}, KindRelative,
			"relation=personal.error.relation phone=personal.error.phone phone2=personal.error.phone email=personal.error.email"},
		{RelativeInput{}, KindChild, "name=personal.error.name_required birth_date=personal.error.birth_date_required"},
		{RelativeInput{Name: "L", BirthDate: "30/4/2019"}, KindChild, "birth_date=personal.error.birth_date"},
		{RelativeInput{Name: "L", BirthDate: "2026-11-24"}, KindChild, "birth_date=personal.error.birth_date_range"},
		{RelativeInput{Name: "L", BirthDate: "1899-01-01"}, KindChild, "birth_date=personal.error.birth_date_range"},
		{RelativeInput{Name: "L\x00", BirthDate: "2019-04-30"}, KindChild, "name=personal.error.control"},
	} {
		_, err := x.in.check(x.kind, today)
		if got := fields(err); got != x.want {
			t.Errorf("%+v: %s, want %s", x.in, got, x.want)
		}
	}
	if _, err := (RelativeInput{Name: "x"}).check("friend", today); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown kind: %v", err)
	}
}
