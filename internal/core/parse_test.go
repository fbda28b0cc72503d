package core

import "testing"

func TestParseID(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true},
		{"42", 42, true},
		{"123456789012345678", 123456789012345678, true},   // 18 digits
		{"9223372036854775807", 9223372036854775807, true}, // 19 digits: max int64
		{"9223372036854775808", 0, false},                  // overflows int64
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"0", 0, false},
		{"00", 0, false},
		{"007", 0, false},
		{"+7", 0, false},
		{"-7", 0, false},
		{" 7", 0, false},
		{"7 ", 0, false},
		{"7\n", 0, false},
		{"12abc", 0, false},
		{"1e3", 0, false},
		{"1.0", 0, false},
		{"0x1f", 0, false},
		{"1_000", 0, false},
		{"٣", 0, false}, // an Arabic-Indic digit is not a decimal digit here
	}
	for _, c := range cases {
		got, ok := ParseID(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseID(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
