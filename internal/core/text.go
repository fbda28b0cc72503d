package core

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every text the portal takes in (API params, console and subscriber forms, CLI
// flags and import files) goes through Line or Text, according to whether line
// breaks belong in it. The stores call them too, so a value reaches the database in
// one shape whichever way it came: a ticket subject with a line break once made every
// mailed reply fail (a mail header cannot hold one).

// Errors of Line and Text; they complete a field name ("name must not ...").
var (
	ErrNotUTF8  = errors.New("must be UTF-8 text")
	ErrControl  = errors.New("must not contain control or invisible formatting characters")
	ErrNotBlank = errors.New("is required")
)

// lineBreak reports the characters that end a line or move the cursor: in a
// single-line field they become spaces.
func lineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\t', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// forbidden reports the characters no text may hold: control characters (NUL, escape,
// DEL, the C1 range) and invisible format characters such as right-to-left overrides,
// which make a name read differently from what it is. Zero-width joiner and non-joiner
// stay: emoji sequences and several scripts need them.
func forbidden(r rune) bool {
	if r == 0x200c || r == 0x200d {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// Line normalises a single-line value (a name, subject, title, number, label): line
// breaks and tabs become spaces, runs of spaces one space, and spaces at either end
// go. It refuses text that is not UTF-8 or holds other control or invisible
// formatting characters (ErrNotUTF8, ErrControl). A value of spaces only becomes "".
func Line(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrNotUTF8
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case lineBreak(r) || r == ' ':
			space = true
			continue
		case forbidden(r):
			return "", ErrControl
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), unicode.IsSpace), nil
}

// Text normalises a multi-line value (a message body, a note, a consent text): line
// ends become "\n", tabs stay, trailing white space goes. Otherwise it refuses what
// Line refuses.
func Text(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrNotUTF8
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case lineBreak(r):
			r = '\n'
		case forbidden(r):
			return "", ErrControl
		}
		b.WriteRune(r)
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace), nil
}

// LineOK reports whether s is acceptable to Line as it stands (form validators, which
// check before anything is normalised).
func LineOK(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if forbidden(r) && !lineBreak(r) {
			return false
		}
	}
	return true
}

// TextOK reports whether Text accepts s.
func TextOK(s string) bool { return LineOK(s) }

// Required normalises a single-line value that must not be empty: a value of spaces
// only is refused with ErrNotBlank.
func Required(s string) (string, error) {
	v, err := Line(s)
	if err == nil && v == "" {
		err = ErrNotBlank
	}
	return v, err
}

// OneLine makes stored text fit a single line for output (a mail subject, a QR
// payment reference), dropping what Line would refuse. Rows stored before texts were
// normalised may hold line breaks; input goes through Line instead.
func OneLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if forbidden(r) && !lineBreak(r) {
			return -1
		}
		return r
	}, s)
	out, _ := Line(s)
	return out
}

// FieldError is a text field that Line or Text refused, by name.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + " " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// LineField names a single-line field for Lines.
type LineField struct {
	Name  string
	Value *string
}

// Lines normalises every field with Line, in place, and returns the first refusal
// as a *FieldError.
func Lines(fields ...LineField) error {
	for _, f := range fields {
		v, err := Line(*f.Value)
		if err != nil {
			return &FieldError{Field: f.Name, Err: err}
		}
		*f.Value = v
	}
	return nil
}

// Storable reports whether typed text can be stored as it is: valid UTF-8 without a NUL.
// No stored name is anything else, so a lookup of other text finds nothing without
// asking the database, which on PostgreSQL would refuse the parameter itself (SQLite
// would search for it and find nothing).
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
