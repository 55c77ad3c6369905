// Package tokens makes the random tokens of links and ids, and the hashes
// under which they are stored.
package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// New returns n random bytes as hex.
func New(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not something to go on from
	}
	return hex.EncodeToString(b)
}

// Hash returns the SHA-256 of t as hex: what is stored of a token.
func Hash(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}
