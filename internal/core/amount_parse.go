package core

import (
	"strconv"
	"strings"
)

// ParseAmount reads a positive amount typed by a person ("500", "500.50", "500,5",
// "1 500") into minor units (hundredths). More than two decimals, signs, exponents
// and anything over 999,999,999 units are refused.
func ParseAmount(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 9 || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f, true
}
