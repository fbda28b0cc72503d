package sms

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Errors returned by NormalizeNumber; wrap-checked with errors.Is.
var (
	ErrNumberInvalid  = errors.New("sms: phone number contains invalid characters")
	ErrNumberShort    = errors.New("sms: phone number is too short")
	ErrNumberLong     = errors.New("sms: phone number is too long")
	ErrNumberCountry  = errors.New("sms: phone number has no country code and no default is set")
	ErrCountryInvalid = errors.New("sms: default country code must be 1-3 digits")
)

// Bounds for E.164 digits (country code included). 15 is the standard's
// maximum; 7 is the shortest real numbers (small island nations) get.
const (
	minE164Digits = 7
	maxE164Digits = 15
	// maxNumberInput stops hostile input before any per-rune work.
	maxNumberInput = 64
)

// nationalLength pins subscriber-number length for countries where it is
// fixed, so a typo like "+420 77712345" is caught before a provider bills it.
var nationalLength = map[string]int{
	"420": 9, // Czechia
	"421": 9, // Slovakia
}

// NormalizeNumber converts a number as people type it into E.164, e.g.
// "+420 777 123 456", "00420777123456", "(777) 123-456" with defaultCountry
// "420" all give "+420777123456". Spaces, tabs, dashes, dots and parentheses
// are ignored; a leading "+" or "00" marks an international number; anything
// else is national and gets defaultCountry ("420" or "+420"), after dropping
// one trunk "0" as used in e.g. the UK and Germany. Only ASCII digits count.
func NormalizeNumber(s string, defaultCountry string) (string, error) {
	if len(s) > maxNumberInput {
		return "", ErrNumberLong
	}
	if !utf8.ValidString(s) {
		return "", ErrNumberInvalid
	}
	var b strings.Builder
	international := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			international = true
		case r == ' ' || r == '\t' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", ErrNumberInvalid
		}
	}
	digits := b.String()
	switch {
	case international:
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	default:
		cc := strings.TrimPrefix(defaultCountry, "+")
		if cc == "" {
			return "", ErrNumberCountry
		}
		if len(cc) > 3 || strings.Trim(cc, "0123456789") != "" || cc[0] == '0' {
			return "", ErrCountryInvalid
		}
		digits = cc + strings.TrimPrefix(digits, "0")
	}
	if strings.HasPrefix(digits, "0") {
		return "", ErrNumberInvalid // no country code starts with 0
	}
	if len(digits) < minE164Digits {
		return "", ErrNumberShort
	}
	if len(digits) > maxE164Digits {
		return "", ErrNumberLong
	}
	for cc, n := range nationalLength {
		if rest, ok := strings.CutPrefix(digits, cc); ok && len(rest) != n {
			if len(rest) < n {
				return "", ErrNumberShort
			}
			return "", ErrNumberLong
		}
	}
	return "+" + digits, nil
}

// premiumPrefixes are E.164 prefixes (without "+") billed above normal rates.
var premiumPrefixes = []string{
	"42090", // Czech 900-909: audiotext / premium-rate services (900, 906, 909 …)
	"881",   // Global Mobile Satellite System (Iridium, Globalstar)
	"882",   // International Networks
	"883",   // International Networks
	"979",   // International Premium Rate Service
}

// IsPremium reports whether sending to e164 may cost more than a normal SMS,
// so the portal can refuse it. The rule: any number starting with
// +42090 (Czech premium range 900-909, which includes audiotext 900, 906
// and 909 and the 90x premium SMS short codes), the satellite and
// international-network codes +881/+882/+883, and International Premium Rate
// +979. Short codes (no "+", e.g. "90211") and anything else that is not
// well-formed E.164 also report true, so a caller using this as a block
// filter fails closed.
func IsPremium(e164 string) bool {
	digits, ok := strings.CutPrefix(e164, "+")
	if !ok {
		return true // short codes and garbage alike
	}
	if len(digits) < minE164Digits || len(digits) > maxE164Digits || strings.Trim(digits, "0123456789") != "" {
		return true
	}
	for _, p := range premiumPrefixes {
		if strings.HasPrefix(digits, p) {
			return true
		}
	}
	return false
}
