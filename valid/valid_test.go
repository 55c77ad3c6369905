package valid

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"anna.berg@example.se":                     true,
		"Anna.Berg@Example.SE":                     true,
		"a+alerts@sub.example.se":                  true,
		strings.Repeat("a", 64) + "@example.se":    true,
		"":                                         false,
		"anna":                                     false,
		"anna@":                                    false,
		"@example.se":                              false,
		"anna@localhost":                           false, // no dot in the domain
		"anna@example.se.":                         false,
		"Anna <anna@example.se>":                   false, // a display name
		"<anna@example.se>":                        false,
		"anna@example.se (Anna)":                   false, // a comment
		" anna@example.se":                         false,
		"anna@example.se\r\nBcc: x@example.se":     false,
		"anna,berg@example.se":                     false,
		"anna@example.se, berg@example.se":         false,
		"a@" + strings.Repeat("b", 250) + ".se":    false, // longer than 254
		"a@" + strings.Repeat("b", 248) + ".se":    true,
		"\"anna berg\"@example.se":                 false, // ParseAddress unquotes it
		"anna@[192.0.2.1]":                         true,
		"anna@exa mple.se":                         false,
		"anna.@example.se":                         false,
		"anna..berg@example.se":                    false,
		"anna@example..se":                         false,
		"åsa@exempel.se":                           true,
		"anna@example.se" + strings.Repeat(" ", 3): false,
		"anna@exampleSE":                           false,
		"anna@ex\x00ample.se":                      false,
		fmt.Sprintf("%s@example.se", "anna\tberg"): false,
	} {
		if got := Email(s); got != want {
			t.Errorf("Email(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestProblems(t *testing.T) {
	var p Problems
	if p.Err() != nil {
		t.Fatal("no problems is an error")
	}
	p.Add("email", "account.error.email")
	p.Add("password", "password.error.short", 12)
	p.Add("email", "account.error.same_email")
	err := fmt.Errorf("register: %w", p.Err())
	var got Problems
	if !errors.As(err, &got) || len(got) != 3 {
		t.Fatalf("errors.As: %v %v", got, err)
	}
	if !errors.As(err, &Problems{}) {
		t.Fatal("errors.As with a literal target")
	}
	for _, c := range []struct {
		field, key string
		args       []any
		ok         bool
	}{
		{"email", "account.error.email", nil, true},
		{"password", "password.error.short", []any{12}, true},
		{"consent", "", nil, false},
	} {
		q, ok := got.Field(c.field)
		if ok != c.ok || q.Key != c.key || fmt.Sprint(q.Args) != fmt.Sprint(c.args) {
			t.Errorf("Field(%q) = %+v %v", c.field, q, ok)
		}
	}
	if want := "invalid input: email: account.error.email; password: password.error.short; email: account.error.same_email"; p.Error() != want {
		t.Errorf("Error() = %q", p.Error())
	}
}

func TestPlain(t *testing.T) {
	for s, want := range map[string]bool{"Åsa Öberg": true, "": true, "a\x00b": false, "\x07": false, "rad\nrad": false, "a\u200bb": true} {
		if Plain(s) != want {
			t.Errorf("Plain(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"rad 1\r\nrad 2\tslut": true, "a\x00b": false, "\x1b[31m": false} {
		if PlainText(s) != want {
			t.Errorf("PlainText(%q) = %v", s, !want)
		}
	}
}
