package password

import (
	_ "embed"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// The password policy follows NIST SP 800-63B and OWASP ASVS 4.0.3 2.1: a minimum
// length (a setting), long passphrases accepted whole, no composition rules (they make
// passwords harder to remember, not to guess), and a strength estimate instead of a
// short block list: zxcvbn (Dropbox's estimator, Go port github.com/trustelem/zxcvbn)
// counts the guesses an attacker who knows 30,000 common passwords, English words,
// names, dates, keyboard walks, repeats, sequences and l33t spellings would need. Nothing
// is truncated or case-folded before hashing.

// MaxBytes is the longest password accepted when one is set. It is far above the 64
// characters ASVS asks us to allow (64 emoji are 256 bytes) and only bounds the work
// of hashing a pasted novel.
const MaxBytes = 1024

// MinGuesses is the fewest guesses, by zxcvbn's estimate, a password must take: the
// lower bound of zxcvbn's score 3 ("safely unguessable: moderate protection from an
// offline slow-hash attack"; our hash is argon2id). A random password of 8 characters,
// the lowest minimum-length setting, is estimated at exactly 10^8 and passes.
const MinGuesses = 1e8

// estimateBytes bounds what zxcvbn looks at: its pattern matching grows steeply with
// length (a kilobyte of one repeated pair takes seconds), and a prefix that is hard
// enough to guess makes the whole password so. A longer password is estimated by its
// first 64 bytes (whole characters), so it can only be judged weaker, never stronger.
const estimateBytes = 64

// Policy errors; each has a translation key in the auth module.
var (
	ErrTooShort    = errors.New("password: too short")
	ErrTooLong     = errors.New("password: too long")
	ErrCommon      = errors.New("password: too easy to guess")
	ErrInvalidText = errors.New("password: not valid text")
	ErrPersonal    = errors.New("password: contains the login name")
)

//go:embed common.txt
var commonFile string

// common holds the local word list (common.txt), lower case: a block list. localWords
// are the same words plus the years zxcvbn does not know, as zxcvbn's extra dictionary.
var common, localWords = func() (map[string]bool, []string) {
	m := map[string]bool{}
	var words []string
	for _, line := range strings.Split(commonFile, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = true
		words = append(words, strings.ToLower(line))
	}
	// zxcvbn 4.4.2 knows years up to 2019 only; people append the current one.
	for y := 2020; y < 2050; y++ {
		words = append(words, strconv.Itoa(y))
	}
	return m, words
}()

// Check applies the policy to a new password: at least minLen characters (runes, so
// "žluťoučký" counts 9), at most MaxBytes bytes, valid UTF-8 without control
// characters, not the same as any of personal (login name, client number, e-mail
// address, compared without regard to case), and not easy to guess (IsCommon, with
// personal as extra words an attacker would try).
func Check(pw string, minLen int, personal ...string) error {
	if !utf8.ValidString(pw) {
		return ErrInvalidText
	}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return ErrInvalidText
		}
	}
	if len(pw) > MaxBytes {
		return ErrTooLong
	}
	if utf8.RuneCountInString(pw) < minLen {
		return ErrTooShort
	}
	lower := strings.ToLower(pw)
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if len(p) >= 3 && (lower == p || trimSuffix(lower) == p) {
			return ErrPersonal
		}
	}
	if guessable(pw, personal) {
		return ErrCommon
	}
	return nil
}

// IsCommon reports whether a password is easy to guess: on the local list (also with a
// trailing run of digits or symbols removed, so "Heslo2026!" counts), a run of
// consecutive characters ("123456789012", "abcdefghijkl"), or estimated by zxcvbn at
// fewer than MinGuesses guesses.
func IsCommon(pw string) bool { return guessable(pw, nil) }

func guessable(pw string, personal []string) bool {
	lower := strings.ToLower(pw)
	if common[lower] || common[trimSuffix(lower)] {
		return true
	}
	rs := []rune(lower)
	if len(rs) < 2 {
		return true
	}
	// zxcvbn finds runs of ASCII; these are any alphabet's ("абвгдежзийкл").
	up, down := true, true
	for i := 1; i < len(rs); i++ {
		up = up && rs[i] == rs[i-1]+1
		down = down && rs[i] == rs[i-1]-1
	}
	if up || down {
		return true
	}
	return guesses(pw, userWords(personal)) < MinGuesses
}

// guesses estimates how many guesses pw takes. A password that is one unit repeated
// costs the unit's guesses times the count, as in zxcvbn, but found here by characters:
// the Go port looks at bytes and misses repeated emoji or accented letters.
func guesses(pw string, words []string) float64 {
	rs := []rune(pw)
	if p := period(rs); p < len(rs) {
		return guesses(string(rs[:p]), words) * float64(len(rs)/p)
	}
	if len(pw) > estimateBytes {
		cut := estimateBytes
		for !utf8.RuneStart(pw[cut]) {
			cut--
		}
		pw = pw[:cut]
	}
	return zxcvbn.PasswordStrength(pw, words).Guesses
}

// period returns the length of the shortest unit that, repeated, makes rs (len(rs)
// when there is none).
func period(rs []rune) int {
next:
	for p := 1; p <= len(rs)/2; p++ {
		if len(rs)%p != 0 {
			continue
		}
		for i := p; i < len(rs); i++ {
			if rs[i] != rs[i-p] {
				continue next
			}
		}
		return p
	}
	return len(rs)
}

// userWords are the words zxcvbn should try besides its own: the local list and the
// user's personal data with its parts ("jana.novakova@example.net" gives "jana",
// "novakova", "example"...).
func userWords(personal []string) []string {
	if len(personal) == 0 {
		return localWords
	}
	words := append([]string(nil), localWords...)
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		words = append(words, p)
		for _, f := range strings.FieldsFunc(p, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if utf8.RuneCountInString(f) >= 3 && f != p {
				words = append(words, f)
			}
		}
	}
	return words
}

// trimSuffix removes the digits and symbols people append to a word to pass
// composition rules ("password123!" -> "password").
func trimSuffix(s string) string {
	out := strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || r == ' '
	})
	if out == "" {
		return s
	}
	return out
}
