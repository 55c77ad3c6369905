package favourites

import (
	"strings"
	"testing"
)

func TestValidPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/personal": true, "/personal/lon": true, "/personal/rekrytering?sida=2": true, "/personal?x=1": true,
		"": false, "//evil.example/personal": false, "https://evil.example/personal": false, "/personalx": false, "/jobb": false,
		"/personal/../admin": false, "/personal\\x": false, "/personal/a#b": false, "/personal/a b": false, "/personal/\n": false,
		"/personal/" + strings.Repeat("a", MaxPath): false, "javascript:alert(1)": false,
	} {
		if got := ValidPath(p); got != want {
			t.Errorf("ValidPath(%q) = %v, want %v", p, got, want)
		}
	}
}
