package db

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// rewritten caches Rewrite's answers: the portal's queries are a fixed set of strings.
var rewritten sync.Map // string → string

// Rewrite turns a query written for SQLite into PostgreSQL's form. It is the one place
// where the dialects' lexical differences are bridged, so store code keeps one text:
//
//   - placeholders: "?" becomes "$n" (the next number after the highest so far) and
//     "?NNN" becomes "$NNN", as SQLite numbers them;
//   - LIKE becomes ILIKE: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's
//     does not, and a search must find "Novák" for "novák" on both.
//
// String literals, quoted identifiers, comments and dollar-quoted bodies are left as
// they are, so a "?" inside a literal stays a question mark.
func Rewrite(query string) string {
	if !strings.ContainsAny(query, "?Ll") {
		return query
	}
	if q, ok := rewritten.Load(query); ok {
		return q.(string)
	}
	highest := 0
	out := mapCode(query, func(code string) string {
		var b strings.Builder
		for i := 0; i < len(code); i++ {
			ch := code[i]
			switch {
			case ch == '?':
				j := i + 1
				for j < len(code) && code[j] >= '0' && code[j] <= '9' {
					j++
				}
				n := highest + 1
				if j > i+1 {
					n, _ = strconv.Atoi(code[i+1 : j])
				}
				highest = max(highest, n)
				b.WriteString("$" + strconv.Itoa(n))
				i = j - 1
			case (ch == 'L' || ch == 'l') && i+4 <= len(code) && strings.EqualFold(code[i:i+4], "like") &&
				(i == 0 || !identChar(code[i-1])) && (i+4 == len(code) || !identChar(code[i+4])):
				b.WriteString("ILIKE")
				i += 3
			default:
				b.WriteByte(ch)
			}
		}
		return b.String()
	})
	rewritten.Store(query, out)
	return out
}

func identChar(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mapCode applies f to the parts of an SQL text outside string literals, quoted
// identifiers, comments and dollar-quoted strings, and keeps those as they are.
func mapCode(s string, f func(code string) string) string {
	var out strings.Builder
	start := 0 // start of the pending code part
	flush := func(end int) {
		if end > start {
			out.WriteString(f(s[start:end]))
		}
	}
	for i := 0; i < len(s); {
		end := -1 // end of a literal beginning at i
		switch c := s[i]; {
		case c == '\'' || c == '"':
			end = closeQuote(s, i, c)
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			if k := strings.IndexByte(s[i:], '\n'); k >= 0 {
				end = i + k + 1
			} else {
				end = len(s)
			}
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			if k := strings.Index(s[i+2:], "*/"); k >= 0 {
				end = i + 2 + k + 2
			} else {
				end = len(s)
			}
		case c == '$' && (i == 0 || !identChar(s[i-1])):
			if tag := dollarTag.FindString(s[i:]); tag != "" {
				if k := strings.Index(s[i+len(tag):], tag); k >= 0 {
					end = i + len(tag) + k + len(tag)
				} else {
					end = len(s)
				}
			}
		}
		if end < 0 {
			i++
			continue
		}
		flush(i)
		out.WriteString(s[i:end])
		i, start = end, end
	}
	flush(len(s))
	return out.String()
}

var dollarTag = regexp.MustCompile(`^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$`)

// closeQuote returns the end of the quoted text starting at i (a doubled quote is
// part of the text), or len(s) when it never closes.
func closeQuote(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}
