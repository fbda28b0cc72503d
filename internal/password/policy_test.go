package password

import (
	"errors"
	"strings"
	"testing"
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
		{"1024 bytes accepted", strings.Repeat("q7", 512), 12, nil, nil},
		{"over max bytes", strings.Repeat("q7", 513), 12, nil, ErrTooLong},
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

func TestCommonListSize(t *testing.T) {
	if len(common) < 250 {
		t.Fatalf("common list has %d entries", len(common))
	}
	for _, pw := range []string{"123456", "password", "qwerty123", "letmein", "heslo"} {
		if !IsCommon(pw) {
			t.Errorf("%q not common", pw)
		}
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
	mixed := strings.Repeat("🔐🐧🚀🍀", 16)
	if err := Check(mixed, 12); err != nil {
		t.Fatalf("mixed emoji password refused: %v", err)
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
