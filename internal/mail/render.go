package mail

import "strings"

// Render fills the $NAME$ variables of a template (names of A–Z, 0–9 and _). Keys of
// vars may be given with or without the dollars. Unknown variables stay as written, so
// a typo shows in the mail instead of vanishing. Substitution is a single pass: a value
// that itself contains "$X$" (a client named "$CI_PASSWORD_LINK$") is not expanded.
// Values placed in the subject have line breaks replaced by spaces.
func Render(t Template, vars map[string]string) (subject, body string) {
	clean := make(map[string]string, len(vars))
	for k, v := range vars {
		clean[strings.Trim(k, "$")] = v
	}
	subject = expand(t.Subject, clean, func(v string) string {
		return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\x00", "").Replace(v)
	})
	body = expand(t.Body, clean, nil)
	return subject, body
}

// Vars returns the distinct variable names used in s, in order of appearance.
func Vars(s string) []string {
	var out []string
	seen := map[string]bool{}
	scanVars(s, func(name string) (string, bool) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		return "", false
	})
	return out
}

func expand(s string, vars map[string]string, filter func(string) string) string {
	return scanVars(s, func(name string) (string, bool) {
		v, ok := vars[name]
		if ok && filter != nil {
			v = filter(v)
		}
		return v, ok
	})
}

// scanVars walks s and replaces each $NAME$ for which repl reports ok.
func scanVars(s string, repl func(name string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:] // starts with '$'
		j := 1
		for j < len(s) && isVarByte(s[j]) {
			j++
		}
		if j > 1 && j < len(s) && s[j] == '$' {
			if v, ok := repl(s[1:j]); ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[:j+1])
			}
			s = s[j+1:]
			continue
		}
		// A lone '$' ("costs 5 $"); the next '$' may open a variable.
		b.WriteByte('$')
		s = s[1:]
	}
}

func isVarByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
