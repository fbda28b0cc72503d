package core

import (
	"errors"
	"testing"
)

func TestLine(t *testing.T) {
	cases := []struct {
		in, want string
		err      error
	}{
		{"  Jana  Nováková ", "Jana Nováková", nil},
		{"No\r\nconnection\tsince\u2028Monday", "No connection since Monday", nil},
		{" \r\n\t ", "", nil},
		{"\u00a0Praha\u00a0", "Praha", nil},
		{"1\u00a0000", "1\u00a0000", nil}, // a no-break space inside stays
		{"👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family", nil},
		{"Bo\x00b", "", ErrControl},
		{"\x1b[31mred", "", ErrControl},
		{"DEL\x7f", "", ErrControl},
		{"C1\u0090", "", ErrControl},
		{"evil\u202etxt.exe", "", ErrControl},
		{"zero\u200bwidth", "", ErrControl},
		{"bad \xff utf8", "", ErrNotUTF8},
	}
	for _, c := range cases {
		got, err := Line(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("Line(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
		if ok := LineOK(c.in); ok != (c.err == nil) {
			t.Errorf("LineOK(%q) = %t", c.in, ok)
		}
	}
	if _, err := Required("  \n "); !errors.Is(err, ErrNotBlank) {
		t.Errorf("Required of spaces: %v", err)
	}
}

func TestText(t *testing.T) {
	cases := []struct {
		in, want string
		err      error
	}{
		{"one\r\ntwo\rthree\u2029four\n\tindented  \n\n", "one\ntwo\nthree\nfour\n\tindented", nil},
		{"a\x00b", "", ErrControl},
		{"rtl\u202e", "", ErrControl},
	}
	for _, c := range cases {
		got, err := Text(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("Text(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestOneLineAndLines(t *testing.T) {
	if got := OneLine("Two\r\nlines\x00 and\u202e more\xff"); got != "Two lines and more" {
		t.Errorf("OneLine = %q", got)
	}
	a, b := " x\ny ", "ok\x07"
	err := Lines(LineField{"first", &a}, LineField{"second", &b})
	var fe *FieldError
	if a != "x y" || !errors.As(err, &fe) || fe.Field != "second" || !errors.Is(err, ErrControl) || err.Error() != "second "+ErrControl.Error() {
		t.Errorf("Lines: %q, %v", a, err)
	}
}
