package credentials

import (
	"strings"
	"testing"
	"time"
)

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]string{
		"kort":                             "password.error.short",
		"elva tecken":                      "password.error.short",
		"password1234":                     "password.error.weak",
		"qwertyuiop123":                    "password.error.weak",
		"anna.berg@example.se":             "password.error.weak", // the user's own address
		"korrekt häst batteri häftklammer": "",
		"åäöåäöåäöåäö-Vinter!7":            "",
		strings.Repeat("x", 257):           "password.error.long",
	} {
		if got := CheckPassword(pw, "anna.berg@example.se"); got != want {
			t.Errorf("CheckPassword(%q) = %q, want %q", pw, got, want)
		}
	}
}

func TestHasher(t *testing.T) {
	h := Hasher{Params: DefaultHasher.Params}
	h.Params.Memory, h.Params.Iterations = 8*1024, 1
	hash, err := h.Hash("korrekt häst batteri")
	if err != nil || !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("%q %v", hash, err)
	}
	if !h.Verify("korrekt häst batteri", hash) || h.Verify("korrekt häst batterj", hash) || h.Verify("x", "") {
		t.Fatal("verify")
	}
	if c := NewTempCode(); len(c) != 8 || strings.Trim(c, "0123456789") != "" {
		t.Fatalf("temp code %q", c)
	}
}

// BenchmarkLogin measures one password verification with the production
// argon2id parameters: the cost of a login. Target: 30-100 ms.
func BenchmarkLogin(b *testing.B) {
	hash, _ := DefaultHasher.Hash("korrekt häst batteri häftklammer")
	start := time.Now()
	for b.Loop() {
		if !DefaultHasher.Verify("korrekt häst batteri häftklammer", hash) {
			b.Fatal("no match")
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/login")
}
