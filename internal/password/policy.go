package password

import (
	_ "embed"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The password policy follows NIST SP 800-63B and OWASP ASVS 4.0.3 2.1: a minimum
// length (a setting), long passphrases accepted whole, no composition rules (they make
// passwords harder to remember, not to guess), and a block list of the most common
// passwords. Nothing is truncated or case-folded before hashing.

// MaxBytes is the longest password accepted when one is set. It is far above the 64
// characters ASVS asks us to allow (64 emoji are 256 bytes) and only bounds the work
// of hashing a pasted novel.
const MaxBytes = 1024

// Policy errors; each has a translation key in the auth module.
var (
	ErrTooShort    = errors.New("password: too short")
	ErrTooLong     = errors.New("password: too long")
	ErrCommon      = errors.New("password: too common")
	ErrInvalidText = errors.New("password: not valid text")
	ErrPersonal    = errors.New("password: contains the login name")
)

//go:embed common.txt
var commonFile string

// common holds the block list, lower case.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonFile, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = true
	}
	return m
}()

// Check applies the policy to a new password: at least minLen characters (runes, so
// "žluťoučký" counts 9), at most MaxBytes bytes, valid UTF-8 without control
// characters, not on the common list, and not the same as any of personal (login
// name, client number, e-mail address), compared without regard to case.
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
	if IsCommon(pw) {
		return ErrCommon
	}
	lower := strings.ToLower(pw)
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if len(p) >= 3 && (lower == p || trimSuffix(lower) == p) {
			return ErrPersonal
		}
	}
	return nil
}

// IsCommon reports whether a password is on the block list (also with a trailing run
// of digits or symbols removed, so "Qwerty2026!" counts), or is one repeated character
// or a run of consecutive characters ("123456789012", "abcdefghijkl").
func IsCommon(pw string) bool {
	lower := strings.ToLower(pw)
	if common[lower] || common[trimSuffix(lower)] {
		return true
	}
	rs := []rune(lower)
	if len(rs) < 2 {
		return true
	}
	same, up, down := true, true, true
	for i := 1; i < len(rs); i++ {
		same = same && rs[i] == rs[0]
		up = up && rs[i] == rs[i-1]+1
		down = down && rs[i] == rs[i-1]-1
	}
	return same || up || down
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
