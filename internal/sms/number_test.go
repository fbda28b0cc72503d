package sms

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeNumber(t *testing.T) {
	const cz = "+420777123456"
	tests := []struct {
		name, in, country, want string
		err                     error
	}{
		{"international with spaces", "+420 777 123 456", "420", cz, nil},
		{"00 prefix", "00420777123456", "", cz, nil},
		{"national with default", "777123456", "420", cz, nil},
		{"default with plus", "777123456", "+420", cz, nil},
		{"dashes", "777-123-456", "420", cz, nil},
		{"parentheses", "(777) 123 456", "420", cz, nil},
		{"mixed punctuation", " +420 (777) 123-456.\t", "420", cz, nil},
		{"foreign number ignores default", "+44 7700 900123", "420", "+447700900123", nil},
		{"trunk zero dropped", "07700 900123", "44", "+447700900123", nil},
		{"letters", "777abc456", "420", "", ErrNumberInvalid},
		{"vanity letters", "+1 800 FLOWERS", "", "", ErrNumberInvalid},
		{"plus in the middle", "420+777123456", "420", "", ErrNumberInvalid},
		{"double plus", "++420777123456", "", "", ErrNumberInvalid},
		{"extension text", "+420 777 123 456 ext 5", "", "", ErrNumberInvalid},
		{"NUL byte", "+420777123456\x00", "", "", ErrNumberInvalid},
		{"non-UTF-8", "+420\xff\xfe777123456", "", "", ErrNumberInvalid},
		{"fullwidth digits", "７７７１２３４５６", "420", "", ErrNumberInvalid},
		{"arabic-indic digits", "+٤٢٠٧٧٧١٢٣٤٥٦", "", "", ErrNumberInvalid},
		{"zero country code", "+0420777123456", "", "", ErrNumberInvalid},
		{"empty", "", "420", "", ErrNumberShort},
		{"only plus", "+", "", "", ErrNumberShort},
		{"too short overall", "+12345", "", "", ErrNumberShort},
		{"czech too short", "77712345", "420", "", ErrNumberShort},
		{"czech too long", "+420 7771234567", "", "", ErrNumberLong},
		{"over 15 digits", "+1234567890123456", "", "", ErrNumberLong},
		{"10 kB of digits", strings.Repeat("1", 10<<10), "420", "", ErrNumberLong},
		{"10 kB of spaces", strings.Repeat(" ", 10<<10), "420", "", ErrNumberLong},
		{"no default country", "777123456", "", "", ErrNumberCountry},
		{"bad default country", "777123456", "42a", "", ErrCountryInvalid},
		{"long default country", "777123456", "4200", "", ErrCountryInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeNumber(tt.in, tt.country)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("NormalizeNumber(%.40q, %q) = %q, %v; want %q, %v", tt.in, tt.country, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestIsPremium(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"+420777123456", false},
		{"+420800123456", false}, // toll-free
		{"+420900123456", true},
		{"+420906123456", true},
		{"+420909123456", true},
		{"+447700900123", false},
		{"+8816123456789", true},
		{"+882123456789", true},
		{"+979123456789", true},
		{"90211", true}, // Czech premium SMS short code
		{"", true},
		{"+42090", true},           // malformed
		{"+420 777 123 456", true}, // not normalised
	}
	for _, tt := range tests {
		if got := IsPremium(tt.in); got != tt.want {
			t.Errorf("IsPremium(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
