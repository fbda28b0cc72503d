package settings

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ValidationError says which setting refused which value and why.
type ValidationError struct {
	Key  string
	Rule string
	// Err is the cause when a Check refused the value (e.g. ErrLiteralCredential).
	Err error
}

func (e *ValidationError) Error() string { return e.Key + ": " + e.Rule }

// Unwrap returns the Check's error, for errors.Is.
func (e *ValidationError) Unwrap() error { return e.Err }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// SplitList splits a list of addresses separated by commas, semicolons or white space.
func SplitList(v string) []string {
	f := strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	return f
}

// Normalize converts what a person typed into the stored form: booleans become "1" or
// "0", numbers lose spaces, lists are joined with ", ". It does not validate.
func (d *Def) Normalize(v string) string {
	switch d.Type {
	case Bool:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "yes", "on", "y":
			return "1"
		case "0", "false", "no", "off", "n", "":
			return "0"
		}
		return v
	case Int:
		v = strings.TrimSpace(v)
		if v == "" && d.Min <= 0 {
			return "0" // the seed: "0 or empty = unlimited"
		}
		return v
	case EmailList, List:
		return strings.Join(SplitList(v), ", ")
	case HTML:
		return v
	default:
		return strings.TrimSpace(v)
	}
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Validate checks a normalised value against the declaration.
func (d *Def) Validate(v string) error {
	bad := func(format string, a ...any) error {
		return &ValidationError{Key: d.Key, Rule: fmt.Sprintf(format, a...)}
	}
	if !utf8.ValidString(v) {
		return bad("must be valid UTF-8 text")
	}
	if strings.ContainsRune(v, 0) {
		return bad("must not contain NUL characters")
	}
	max := d.Max
	if d.Type != Int && max == 0 {
		max = 2000
		if d.Type == HTML {
			max = 100000
		}
	}
	if d.Type != Int && utf8.RuneCountInString(v) > max {
		return bad("must be at most %d characters", max)
	}
	if d.Type != HTML && strings.ContainsAny(v, "\r\n") && d.Type != EmailList {
		return bad("must be a single line")
	}
	switch d.Type {
	case Bool:
		if v != "0" && v != "1" {
			return bad("must be true or false (1/0, yes/no, on/off)")
		}
	case Int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return bad("must be a whole number")
		}
		if n < d.Min || (d.Max > 0 && n > d.Max) {
			return bad("must be a whole number from %d to %d", d.Min, d.Max)
		}
	case Enum:
		if !slices.Contains(d.Options, v) {
			return bad("must be one of: %s", strings.Join(d.Options, ", "))
		}
	case URL:
		if v == "" {
			break
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("must be an absolute http:// or https:// address")
		}
	case Email:
		if v == "" {
			break
		}
		if err := checkAddress(v); err != nil {
			return bad("must be an e-mail address (%q is not)", v)
		}
	case List:
		items := SplitList(v)
		for i, it := range items {
			if !slices.Contains(d.Options, it) {
				return bad("must be a list of: %s (%q is none of them)", strings.Join(d.Options, ", "), it)
			}
			if slices.Contains(items[:i], it) {
				return bad("must name %q once", it)
			}
		}
	case EmailList:
		for _, a := range SplitList(v) {
			if err := checkAddress(a); err != nil {
				return bad("must be e-mail addresses separated by commas or semicolons (%q is not an address)", a)
			}
		}
	}
	if d.Check != nil {
		if err := d.Check(v); err != nil {
			return &ValidationError{Key: d.Key, Rule: err.Error(), Err: err}
		}
	}
	return nil
}

func checkAddress(a string) error {
	p, err := mail.ParseAddress(a)
	if err != nil {
		return err
	}
	if p.Address != a || !strings.Contains(a[strings.LastIndex(a, "@"):], ".") {
		return fmt.Errorf("not a plain address")
	}
	return nil
}

func themeName(v string) error {
	if !nameRE.MatchString(v) {
		return fmt.Errorf("must be a theme folder name: lower-case letters, digits, - and _")
	}
	return nil
}
