// Package password hashes and checks passwords with argon2id.
//
// Parameters follow the OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1,
// a 16-byte salt and a 32-byte key, stored in the PHC string format
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) so that the parameters can change later:
// NeedsRehash tells a login to store a new hash. argon2id has no 72-byte limit (unlike
// bcrypt), so long passphrases are hashed whole.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// The parameters of new hashes.
const (
	Memory  = 19 * 1024 // KiB
	Time    = 2
	Threads = 1
	SaltLen = 16
	KeyLen  = 32
)

// cost is what new hashes use and what NeedsRehash compares with: the constants above,
// except in test processes that call LowerCostForTests.
var cost = func() *atomic.Pointer[params] {
	var p atomic.Pointer[params]
	p.Store(&params{Memory, Time, Threads})
	return &p
}()

// LowerCostForTests makes new hashes (and Dummy) use argon2id's cheapest parameters
// until restore is called. The portal never calls it; the test kit does, because
// hashing every test password at 19 MiB under the race detector took half of some
// packages' test time while proving nothing about the feature under test. Hashes keep
// their parameters in the PHC string, so Verify and NeedsRehash work the same. Tests
// that measure what a login costs (RealCostForTests), this package's own tests and
// every test of the portal binary hash at the real cost.
func LowerCostForTests() (restore func()) { return useCost(params{m: 64, t: 1, p: 1}) }

// RealCostForTests undoes LowerCostForTests until restore is called, for a test that
// times logins. Neither may run while other goroutines hash: Dummy changes too.
func RealCostForTests() (restore func()) { return useCost(params{Memory, Time, Threads}) }

func useCost(p params) (restore func()) {
	old, oldDummy := cost.Load(), Dummy
	cost.Store(&p)
	Dummy = newDummy()
	return func() { cost.Store(old); Dummy = oldDummy }
}

// sem bounds how many hashes run at once: each takes 19 MiB and a core, so a burst of
// logins queues instead of exhausting memory.
var sem = make(chan struct{}, max(2, runtime.NumCPU()))

// ErrMalformed means a stored hash cannot be read.
var ErrMalformed = errors.New("password: malformed hash")

type params struct {
	m, t uint32
	p    uint8
}

// Hash returns the PHC string of a password.
func Hash(pw string) (string, error) {
	salt := make([]byte, SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	c := *cost.Load()
	key := derive(pw, salt, c, KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.m, c.t, c.p,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// idKey is argon2.IDKey; a test wraps it to count the hashes in flight.
var idKey = argon2.IDKey

func derive(pw string, salt []byte, p params, n uint32) []byte {
	sem <- struct{}{}
	defer func() { <-sem }()
	return idKey([]byte(pw), salt, p.t, p.m, p.p, n)
}

func parse(encoded string) (params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return params{}, nil, nil, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return params{}, nil, nil, ErrMalformed
	}
	var p params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.m, &p.t, &p.p); err != nil || p.m == 0 || p.t == 0 || p.p == 0 || p.m > 1<<20 || p.t > 20 {
		return params{}, nil, nil, ErrMalformed
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return params{}, nil, nil, ErrMalformed
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return params{}, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}

// Verify reports whether pw matches the stored hash, in constant time.
func Verify(pw, encoded string) bool {
	p, salt, key, err := parse(encoded)
	if err != nil {
		// Still spend the time of a real check, so a broken or empty hash does not
		// answer faster than a wrong password.
		derive(pw, dummySalt, *cost.Load(), KeyLen)
		return false
	}
	got := derive(pw, salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// NeedsRehash reports whether a stored hash uses other parameters than new hashes.
func NeedsRehash(encoded string) bool {
	p, _, key, err := parse(encoded)
	return err != nil || p != *cost.Load() || len(key) != KeyLen
}

var dummySalt = []byte("portal-dummy-salt")

// Dummy is a valid hash of a random password. Checking a password against it costs
// exactly as much as a real check, so logins for unknown or locked accounts take the
// same time as wrong passwords and do not reveal which accounts exist.
var Dummy = newDummy()

func newDummy() string {
	b := make([]byte, 24)
	rand.Read(b)
	h, _ := Hash(base64.RawStdEncoding.EncodeToString(b))
	return h
}

// Generate returns a random password of n characters from an alphabet without
// look-alike characters (no 0/O, 1/l/I), for one-time passwords staff read out.
func Generate(n int) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, n)
	buf := make([]byte, 1)
	for i := 0; i < n; {
		rand.Read(buf)
		// Reject bytes above the largest multiple of len(alphabet) to avoid bias.
		if int(buf[0]) >= 256-256%len(alphabet) {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}
