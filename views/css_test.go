package views

import (
	"regexp"
	"strings"
	"testing"
)

// Every kind of text field looks alike (one rule), and secondary buttons
// look unlike the main action.
func TestFieldsAndSecondaryButtonsStyled(t *testing.T) {
	css, err := files.ReadFile("static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	rule := regexp.MustCompile(`(?m)^(input\[type="search"\][^{]*)\{`).FindSubmatch(css)
	if rule == nil {
		t.Fatal("no shared input rule")
	}
	for _, typ := range []string{"text", "email", "password", "tel", "number"} {
		if !strings.Contains(string(rule[1]), `input[type="`+typ+`"]`) {
			t.Errorf("the shared input rule leaves out %s fields", typ)
		}
	}
	if !regexp.MustCompile(`(?m)^button\.secondary[^{]*\{[^}]*background`).Match(css) {
		t.Error("button.secondary has no style of its own")
	}
}
