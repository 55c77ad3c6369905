package credentials

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"portal/internal/tokens"
)

// ErrBadCredentials is the one answer to every failed login, whatever
// failed: the user, the password, or a limit.
var ErrBadCredentials = errors.New("credentials: wrong user or password")

// Counter counts events per key in fixed windows, shared by all instances.
type Counter interface {
	// Hit records an event and returns the count with it: a limit is
	// judged by what Hit returns, never by a count taken before recording,
	// so that requests at once each see the others.
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error)
	// Undo takes back one event counted by Hit in the same window.
	Undo(ctx context.Context, key string, window time.Duration, now time.Time) error
}

// Temp is a temporary password: sent by e-mail, good once and for a while.
type Temp struct {
	Hash      string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Secret is what a login is checked against.
type Secret struct {
	ID   string // the account
	Hash string // of the password; empty: none set
	Temp *Temp  // a temporary password, if one was issued
}

// Accounts is what the guard asks of the accounts of a realm.
type Accounts interface {
	// Secret returns the secrets of the user, or ok false when there is no
	// such user or the user may not log in: both get the same answer.
	Secret(ctx context.Context, user string) (s Secret, ok bool, err error)
	// ClaimTemp spends the temporary password of the account issued at
	// issued and reports whether this call did; of calls at once, exactly
	// one does. The claim is kept until keepUntil.
	ClaimTemp(ctx context.Context, id string, issued, keepUntil time.Time) (bool, error)
	// SpendTemp stores the temporary password as used (it expires now);
	// what remains is only for refusing it as the new password.
	SpendTemp(ctx context.Context, id string, t Temp) error
}

// Limits of a login.
type Limits struct {
	FailsPerAccount int64 // failed logins an hour before the account is limited
	FailsPerAddress int64 // failed logins an hour from one client address
	FailsPerPair    int64 // failed logins an hour on one account from one address, once the account's limit is passed
	TempTries       int64 // wrong tries that void a temporary password
	TempValidity    time.Duration
}

// Guard checks logins: every try is counted before it is judged, a right
// password gives its try back, failures grow slower, and a temporary
// password logs in once, whichever request claims it first.
type Guard struct {
	// Prefix names the counters of the realm ("login-fail"), so that the
	// realms count apart.
	Prefix  string
	Counter Counter
	Hasher  Hasher
	Limits  Limits
	Now     func() time.Time
	// Sleep waits between failed logins; tests replace it.
	Sleep func(ctx context.Context, d time.Duration)
	// Log records what fails without failing the request; nil is
	// slog.Default().
	Log *slog.Logger
}

// Result is a login that succeeded.
type Result struct {
	ID   string // the account
	Temp bool   // with the temporary password: only a new password may be chosen
}

// Login checks the user's password. Every failure is ErrBadCredentials;
// failed is then the account that was tried, when there is one (for its
// security log), never to be shown.
func (g Guard) Login(ctx context.Context, accts Accounts, user, password, ip string) (r Result, failed string, err error) {
	now := g.Now()
	keys := []string{g.Prefix + ":ip:" + ip, g.Prefix + ":acct:" + user, g.Prefix + ":pair:" + user + "|" + ip}
	var fails [3]int64
	for i, k := range keys {
		if fails[i], _, err = g.Counter.Hit(ctx, k, time.Hour, now); err != nil {
			return Result{}, "", err
		}
	}
	ipFails, acctFails, pairFails := fails[0], fails[1], fails[2]
	fail := func(id string) (Result, string, error) {
		// Growing delays: a few mistakes cost nothing, many cost seconds.
		if n := max(acctFails-1, ipFails/10); n >= 3 && g.Sleep != nil {
			g.Sleep(ctx, min(100*time.Millisecond<<min(n-3, 10), 5*time.Second))
		}
		return Result{}, id, ErrBadCredentials
	}
	// An address that failed too often is refused outright. Failures on
	// the account alone never shut its owner out: past the limit, only the
	// addresses that have failed on it themselves are refused.
	if ipFails > g.Limits.FailsPerAddress || (acctFails > g.Limits.FailsPerAccount && pairFails > g.Limits.FailsPerPair) {
		return fail("")
	}
	sec, ok, err := accts.Secret(ctx, user)
	if err != nil {
		return Result{}, "", err
	}
	// Every failure hashes as much as any other, so that the time tells
	// nothing of the account: one hash for the password (a dummy one for
	// an unknown user or one with no password yet), and one more for what
	// has the shape of a temporary password (a dummy one when there is
	// none waiting, or its tries are used up).
	if !ok {
		sec = Secret{}
	}
	hash := sec.Hash
	if hash == "" {
		hash = DummyHash(g.Hasher)
	}
	if g.Hasher.Verify(password, hash) && sec.Hash != "" {
		return g.succeed(ctx, keys, now, sec.ID, false)
	}
	if !IsTempCode(password) {
		return fail(sec.ID)
	}
	tp := sec.Temp
	if tp == nil || !now.Before(tp.ExpiresAt) {
		g.Hasher.Verify(password, DummyHash(g.Hasher))
		return fail(sec.ID)
	}
	tries, _, err := g.Counter.Hit(ctx, g.tempKey(sec.ID, tp), g.Limits.TempValidity*2, tp.IssuedAt)
	if err != nil {
		return Result{}, "", err
	}
	if tries > g.Limits.TempTries {
		g.Hasher.Verify(password, DummyHash(g.Hasher))
		return fail(sec.ID)
	}
	if !g.Hasher.Verify(password, tp.Hash) {
		return fail(sec.ID)
	}
	// Used once, by whichever request claims it first.
	won, err := accts.ClaimTemp(ctx, sec.ID, tp.IssuedAt, tp.IssuedAt.Add(g.Limits.TempValidity*2))
	if err != nil {
		return Result{}, "", err
	}
	if !won {
		return fail(sec.ID)
	}
	used := *tp
	used.ExpiresAt = now
	if err := accts.SpendTemp(ctx, sec.ID, used); err != nil {
		return Result{}, "", err
	}
	return g.succeed(ctx, keys, now, sec.ID, true)
}

// succeed gives back the tries a login that passed counted.
func (g Guard) succeed(ctx context.Context, keys []string, now time.Time, id string, temp bool) (Result, string, error) {
	for _, k := range keys {
		// A try not given back leaves the limits only stricter, never
		// looser, and the login has succeeded (a temporary password is
		// spent by now): the failure is logged, not returned.
		if err := g.Counter.Undo(ctx, k, time.Hour, now); err != nil {
			g.log().Warn("a successful login stays counted as failed", "err", err)
		}
	}
	return Result{ID: id, Temp: temp}, "", nil
}

// tempKey counts wrong tries of one temporary password; its window starts
// when the password was issued, so it outlasts the password.
func (g Guard) tempKey(id string, tp *Temp) string {
	return fmt.Sprintf("%s:temp:%s:%d", g.Prefix, id, tp.IssuedAt.UnixNano())
}

// CheckCurrent checks the current password before a change it guards and
// returns the translation key of what is wrong, or "". Tries are counted
// under key before they are judged (at most limit an hour), so requests
// sent at once cannot beat the limit; the right password gives its try
// back. Any of hashes may match (the password, a spent temporary one).
func (g Guard) CheckCurrent(ctx context.Context, key, password string, limit int64, hashes ...string) (string, error) {
	now := g.Now()
	n, _, err := g.Counter.Hit(ctx, key, time.Hour, now)
	if err != nil {
		return "", err
	}
	if n > limit {
		return "password.error.too_many", nil
	}
	for _, h := range hashes {
		if h != "" && g.Hasher.Verify(password, h) {
			return "", g.Counter.Undo(ctx, key, time.Hour, now)
		}
	}
	return "password.error.current", nil
}

// NewTemp makes a temporary password good for validity from now: the
// code to send and what to store of it.
func (g Guard) NewTemp(validity time.Duration) (string, Temp, error) {
	code := NewTempCode()
	hash, err := g.Hasher.Hash(code)
	if err != nil {
		return "", Temp{}, err
	}
	now := g.Now()
	return code, Temp{Hash: hash, IssuedAt: now, ExpiresAt: now.Add(validity)}, nil
}

func (g Guard) log() *slog.Logger {
	if g.Log == nil {
		return slog.Default()
	}
	return g.Log
}

var dummy struct {
	once sync.Once
	hash string
}

// DummyHash is a hash of nothing anyone types, made once: verifying
// against it costs what verifying a real password does.
func DummyHash(h Hasher) string {
	dummy.once.Do(func() { dummy.hash, _ = h.Hash(tokens.New(32)) })
	return dummy.hash
}

// SleepContext waits for d or until ctx ends.
func SleepContext(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
