// Package credentials is what every login with a password shares, staff
// and applicants alike: hashing with argon2id under a bound on how many
// hashes run at once, the rule for a strong password, temporary passwords,
// and the throttled check of a login whose tries are counted before they
// are judged. It is a leaf of the domain: it knows no account type.
package credentials

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"portal/internal/tokens"

	"github.com/alexedwards/argon2id"
	"github.com/ccojocar/zxcvbn-go"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 12

// MaxPasswordLength keeps hashing cheap for absurd input, in bytes.
const MaxPasswordLength = 256

// CheckPassword returns the translation key of what is wrong with a new
// password, or "". Length counts characters; no composition rules; common,
// guessable and breached-looking passwords are refused by zxcvbn's lists and
// patterns, with the user's own details counted as guessable.
func CheckPassword(pw string, userInputs ...string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return "password.error.short"
	case len(pw) > MaxPasswordLength:
		return "password.error.long"
	}
	var inputs []string
	for _, in := range userInputs {
		inputs = append(inputs, strings.ToLower(in))
		if at := strings.IndexByte(in, '@'); at > 0 {
			inputs = append(inputs, strings.ToLower(in[:at]))
		}
	}
	if zxcvbn.PasswordStrength(pw, inputs).Score < 3 {
		return "password.error.weak"
	}
	return ""
}

// Hasher hashes passwords with argon2id.
type Hasher struct {
	Params argon2id.Params
	// Work, when set, counts the hashes done: tests compare the work of
	// answers that must take the same time. Nil in production.
	Work *atomic.Int64
}

func (h Hasher) count() {
	if h.Work != nil {
		h.Work.Add(1)
	}
}

// DefaultHasher uses parameters that take 30-100 ms on two cores
// (measured by `make bench`): 64 MiB, 2 passes, 2 lanes.
var DefaultHasher = Hasher{Params: argon2id.Params{Memory: 64 * 1024, Iterations: 2, Parallelism: 2, SaltLength: 16, KeyLength: 32}}

// hashing bounds how many hashes run at once in the process, one a core:
// each takes Params.Memory, so many requests at once queue here instead of
// taking the machine's memory, whatever route asks.
var hashing = make(chan struct{}, max(1, runtime.NumCPU()))

// Hash returns an encoded argon2id hash of pw with a fresh salt.
func (h Hasher) Hash(pw string) (string, error) {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	h.count()
	s, err := argon2id.CreateHash(pw, &h.Params)
	if err != nil {
		return "", fmt.Errorf("credentials: hash: %w", err)
	}
	return s, nil
}

// Verify reports whether pw matches the encoded hash. An empty or broken
// hash matches nothing.
func (h Hasher) Verify(pw, hash string) bool {
	if hash == "" || len(pw) > MaxPasswordLength {
		return false
	}
	hashing <- struct{}{}
	defer func() { <-hashing }()
	h.count()
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// DummyWork hashes something nobody typed: the same work as a real hash,
// for answers that must take the same time whether an account exists.
func (h Hasher) DummyWork() { _, _ = h.Hash(tokens.New(32)) }

// tempCodeLen is how many digits a temporary password has.
const tempCodeLen = 8

// IsTempCode reports whether s has the shape of a temporary password:
// tempCodeLen digits. No password can (they are longer), so a login
// checks a temporary password only for input of this shape.
func IsTempCode(s string) bool {
	if len(s) != tempCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NewTempCode returns tempCodeLen random digits.
func NewTempCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%08d", n.Int64())
}
