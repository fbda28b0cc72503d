package sms

import (
	"strings"
	"testing"
)

func TestParts(t *testing.T) {
	r := strings.Repeat
	tests := []struct {
		name  string
		text  string
		enc   string
		parts int
		left  int
	}{
		{"empty", "", EncodingGSM7, 1, 160},
		{"short ascii", "Hello", EncodingGSM7, 1, 155},
		{"gsm specials", "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r", EncodingGSM7, 1, 160 - 44},
		{"160 fits one", r("a", 160), EncodingGSM7, 1, 0},
		{"161 needs two", r("a", 161), EncodingGSM7, 2, 145},
		{"306 fills two", r("a", 306), EncodingGSM7, 2, 0},
		{"307 needs three", r("a", 307), EncodingGSM7, 3, 152},
		{"euro counts 2", "€", EncodingGSM7, 1, 158},
		{"all extension chars", "^{}\\[~]|€\f", EncodingGSM7, 1, 140},
		{"80 euros fit", r("€", 80), EncodingGSM7, 1, 0},
		{"81 euros split", r("€", 81), EncodingGSM7, 2, 143},
		{"escape pair not split", r("a", 152) + "€" + r("a", 152), EncodingGSM7, 3, 152},
		{"1530 is 10 parts", r("a", 1530), EncodingGSM7, 10, 0},
		{"1531 is 11 parts", r("a", 1531), EncodingGSM7, 11, 152},
		{"czech diacritics", "Příliš", EncodingUCS2, 1, 64},
		{"lowercase c cedilla is not gsm", "ç", EncodingUCS2, 1, 69},
		{"tab is not gsm", "a\tb", EncodingUCS2, 1, 67},
		{"70 ucs2 fit", r("ř", 70), EncodingUCS2, 1, 0},
		{"71 ucs2 split", r("ř", 71), EncodingUCS2, 2, 63},
		{"emoji counts 2", "😀", EncodingUCS2, 1, 68},
		{"35 emoji fit", r("😀", 35), EncodingUCS2, 1, 0},
		{"36 emoji split", r("😀", 36), EncodingUCS2, 2, 61},
		{"surrogate pair not split", r("a", 66) + "😀" + r("a", 66), EncodingUCS2, 3, 66},
		{"one emoji makes all ucs2", r("a", 100) + "😀", EncodingUCS2, 2, 32},
		{"invalid utf8", "\xff", EncodingUCS2, 1, 69},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, parts, left := Parts(tt.text)
			if enc != tt.enc || parts != tt.parts || left != tt.left {
				t.Errorf("Parts() = %s, %d, %d; want %s, %d, %d", enc, parts, left, tt.enc, tt.parts, tt.left)
			}
		})
	}
}

func TestCheckLength(t *testing.T) {
	if err := checkLength("t", strings.Repeat("a", 1530)); err != nil {
		t.Fatalf("10 parts: %v", err)
	}
	err := checkLength("t", strings.Repeat("ř", 671))
	if err == nil || IsTemporary(err) || !strings.Contains(err.Error(), "11 parts") {
		t.Fatalf("11 parts: got %v, want permanent ErrTooLong", err)
	}
}

// FuzzParts checks that splitting is lossless, respects the part sizes and
// agrees with the count Parts reports. FuzzPartEncoding checks the encoding.
func FuzzParts(f *testing.F) {
	for _, s := range []string{"", "Hello", "€€€", "Příliš 😀", strings.Repeat("a{", 100), "\xff\xfe", "\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		enc, parts, left := Parts(text)
		enc2, segs, _ := split(text)
		if enc != enc2 || parts != len(segs) || parts < 1 {
			t.Fatalf("Parts and split disagree: %s/%d vs %s/%d", enc, parts, enc2, len(segs))
		}
		single, multi := gsmSingle, gsmMulti
		if enc == EncodingUCS2 {
			single, multi = ucs2Single, ucs2Multi
		}
		limit := single
		if parts > 1 {
			limit = multi
		}
		if left < 0 || left > limit {
			t.Fatalf("left %d outside 0..%d", left, limit)
		}
		if strings.Join(segs, "") != text {
			t.Fatal("parts do not join back to the text")
		}
		for _, seg := range segs {
			cost := 0
			for _, r := range seg {
				cost += unitCost(enc, r)
			}
			if cost > limit {
				t.Fatalf("part of %d units exceeds %d", cost, limit)
			}
		}
	})
}
