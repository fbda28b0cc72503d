package core

import (
	"sort"
	"strings"
)

// ParseSections reads a client's section overrides ("+helpdesk -invoices"): module
// name → shown (true) or hidden (false). Words without a sign are ignored.
func ParseSections(s string) map[string]bool {
	if s == "" {
		return nil
	}
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		if len(w) < 2 {
			continue
		}
		switch w[0] {
		case '+':
			out[w[1:]] = true
		case '-':
			out[w[1:]] = false
		}
	}
	return out
}

// FormatSections writes overrides the way ParseSections reads them, sorted by name.
func FormatSections(m map[string]bool) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if m[n] {
			b.WriteByte('+')
		} else {
			b.WriteByte('-')
		}
		b.WriteString(n)
	}
	return b.String()
}
