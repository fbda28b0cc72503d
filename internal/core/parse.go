package core

import "strconv"

// ParseID reads a row id from a URL, a form or a command line. Only the canonical
// spelling of a positive int64 is an id: no sign, no leading zero, no spaces, no
// overflow. One id then has exactly one URL, and "007", "+7" or a 20-digit number is
// simply no such row (the callers answer 404 or "not an id").
func ParseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	return id, true
}
