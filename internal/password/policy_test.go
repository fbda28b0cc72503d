package password

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name, pw string
		min      int
		personal []string
		want     error
	}{
		{"ok passphrase", "correct horse battery staple", 12, nil, nil},
		{"exactly min", "kX9#mP2$vL4q", 12, nil, nil},
		{"one short", "kX9#mP2$vL4", 12, nil, ErrTooShort},
		{"runes not bytes", "žluťoučkýkůň", 12, nil, nil},
		{"empty", "", 8, nil, ErrTooShort},
		{"no composition rules", "onlylowercaselettershere", 12, nil, nil},
		{"64 chars accepted", strings.Repeat("ab3dE", 12) + "xyzw", 12, nil, nil},
		{"1024 bytes accepted", "kX9#mP2$vL4q" + strings.Repeat("q7", 506), 12, nil, nil},
		{"over max bytes", strings.Repeat("q7", 513), 12, nil, ErrTooLong},
		{"long but one pair repeated", strings.Repeat("q7", 512), 12, nil, ErrCommon},
		{"long with a guessable start", strings.Repeat("password", 8) + "kX9#mP2$vL4q", 12, nil, ErrCommon},
		{"8 random characters at the lowest minimum", "kX9#mP2$", 8, nil, nil},
		{"czech passphrase", "Příliš žluťoučký kůň", 12, nil, nil},
		{"word and year", "sunflower1985", 8, nil, ErrCommon},
		{"name and year", "johnsmith2020", 8, nil, ErrCommon},
		{"keyboard walk", "1qazxsw23edc", 8, nil, ErrCommon},
		{"l33t word", "Dr4g0nfly1990", 8, nil, ErrCommon},
		{"date", "15.03.1987", 8, nil, ErrCommon},
		{"czech local word and year", "kocicka2026", 8, nil, ErrCommon},
		{"czech local word doubled", "pivopivo2030", 8, nil, ErrCommon},
		{"cyrillic run", "абвгдежзийкл", 12, nil, ErrCommon},
		{"part of the e-mail", "Novakova2026", 8, []string{"1234", "jana.novakova@example.net"}, ErrCommon},
		{"same without the e-mail", "Novakova2026", 8, []string{"1234"}, nil},
		{"emoji pair repeated", strings.Repeat("🔐🐧", 32), 12, nil, ErrCommon},
		{"64 different emoji", distinctEmoji(64), 12, nil, nil},
		{"common", "password1234", 8, nil, ErrCommon},
		{"common with suffix", "Qwertyuiop2026!", 8, nil, ErrCommon},
		{"common czech", "Heslo12345678", 8, nil, ErrCommon},
		{"digit run", "123456789012", 12, nil, ErrCommon},
		{"letter run", "abcdefghijkl", 12, nil, ErrCommon},
		{"repeated", "zzzzzzzzzzzz", 12, nil, ErrCommon},
		{"invalid utf8", "abc\xffdefghijkl", 8, nil, ErrInvalidText},
		{"control char", "abcdefgh\x00ijkl", 8, nil, ErrInvalidText},
		{"login name", "Novak.Family2026", 8, []string{"novak.family"}, ErrPersonal},
		{"login name inside longer is fine", "novak.family likes tea", 8, []string{"novak.family"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Check(c.pw, c.min, c.personal...); !errors.Is(err, c.want) {
				t.Fatalf("Check(%q) = %v, want %v", c.pw, err, c.want)
			}
		})
	}
}

// distinctEmoji returns n different emoji in no obvious order.
func distinctEmoji(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(rune(0x1F300 + (i*37)%256))
	}
	return b.String()
}

func TestCommonPasswordsRefused(t *testing.T) {
	if len(common) < 250 {
		t.Fatalf("local list has %d entries", len(common))
	}
	// The local list, and passwords ranked around 9000 in zxcvbn's 30,000, which no
	// short block list holds.
	for _, pw := range []string{"123456", "password", "qwerty123", "letmein", "heslo", "rosewood", "deerhunt", "nosferatu",
		"greenman", "z1x2c3v4b5"} {
		if !IsCommon(pw) {
			t.Errorf("%q not common", pw)
		}
	}
}

// TestCheckIsQuickOnLongInput: zxcvbn's matching grows steeply with length (the port
// took 25 s for a kilobyte of one repeated pair); Check bounds it at MaxBytes.
func TestCheckIsQuickOnLongInput(t *testing.T) {
	start := time.Now()
	for _, pw := range []string{strings.Repeat("q7", 512), strings.Repeat("1989", 255) + "x123", strings.Repeat("p4$$w0rd", 127) + "qwertyui",
		strings.Repeat("🔐", 255) + "abcd", strings.Repeat("a", 1023) + "b"} {
		Check(pw, 12)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("five kilobyte-long passwords took %v to check", d)
	}
}

func TestDummyParses(t *testing.T) {
	p, salt, key, err := parse(Dummy)
	if err != nil {
		t.Fatalf("Dummy does not parse: %v", err)
	}
	if p != (params{Memory, Time, Threads}) || len(salt) != SaltLen || len(key) != KeyLen {
		t.Fatalf("Dummy has other parameters: %+v salt %d key %d", p, len(salt), len(key))
	}
	if NeedsRehash(Dummy) {
		t.Fatal("Dummy needs rehash")
	}
}

func TestLongUnicodeRoundTrip(t *testing.T) {
	pw := strings.Repeat("🔐", 64) // 256 bytes
	if len(pw) != 256 {
		t.Fatalf("len %d", len(pw))
	}
	h, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify(pw, h) {
		t.Fatal("emoji password does not verify")
	}
	// No truncation: a different last character must fail.
	if Verify(strings.Repeat("🔐", 63)+"🔑", h) {
		t.Fatal("password truncated")
	}
	if Check(pw, 12) != ErrCommon {
		t.Fatal("one emoji repeated 64 times is a repeated character")
	}
	mixed := distinctEmoji(64)
	if err := Check(mixed, 12); err != nil {
		t.Fatalf("mixed emoji password refused: %v", err)
	}
	if Check(strings.Repeat("🔐🐧🚀🍀", 16), 12) != ErrCommon {
		t.Fatal("four emoji repeated 16 times are a repeat")
	}
}

func TestRehashOldParameters(t *testing.T) {
	old := "$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0$" + strings.Repeat("A", 43)
	if !NeedsRehash(old) {
		t.Fatal("old parameters not flagged")
	}
	if Verify("x", "garbage") {
		t.Fatal("garbage hash verified")
	}
}
