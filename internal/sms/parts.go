package sms

import (
	"fmt"
	"unicode/utf8"
)

// Encoding names returned by Parts.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// Capacity of one part in septets (GSM-7) or UTF-16 code units (UCS-2).
// A concatenated part loses 6 octets to the UDH: 7 septets or 3 code units.
const (
	gsmSingle  = 160
	gsmMulti   = 153
	ucs2Single = 70
	ucs2Multi  = 67
)

// Parts reports how text will be sent: the encoding (EncodingGSM7 when every
// character is in the GSM 03.38 default alphabet or its extension table,
// otherwise EncodingUCS2), the number of parts, and how many units are left
// in the last part before another is needed. Units are septets for GSM-7,
// where extension characters such as € or { cost 2, and UTF-16 code units
// for UCS-2, where an emoji costs 2. Empty text is one part.
//
// Parts never splits an escape pair or a surrogate pair across parts, so the
// count can exceed a plain division by 153 or 67; it is exactly the number
// of submit_sm PDUs the SMPP transport sends. Counts above MaxParts are
// still reported, for a UI counter; sending such a text fails with ErrTooLong.
func Parts(text string) (encoding string, parts int, left int) {
	enc, segs, left := split(text)
	return enc, len(segs), left
}

// checkLength returns a permanent ErrTooLong for texts beyond MaxParts.
func checkLength(op, text string) error {
	if _, n, _ := Parts(text); n > MaxParts {
		return permanent(op, 0, fmt.Errorf("%w (%d parts)", ErrTooLong, n))
	}
	return nil
}

// split divides text into the substrings sent as individual parts and
// returns the units left in the last one.
func split(text string) (enc string, segs []string, left int) {
	enc = EncodingGSM7
	single, multi := gsmSingle, gsmMulti
	if !isGSM(text) {
		enc = EncodingUCS2
		single, multi = ucs2Single, ucs2Multi
	}
	total := 0
	for _, r := range text {
		total += unitCost(enc, r)
	}
	if total <= single {
		return enc, []string{text}, single - total
	}
	start, used := 0, 0
	for i, r := range text {
		c := unitCost(enc, r)
		if used+c > multi {
			segs = append(segs, text[start:i])
			start, used = i, 0
		}
		used += c
	}
	segs = append(segs, text[start:])
	return enc, segs, multi - used
}

// isGSM reports whether every rune of s has a GSM-7 mapping. Invalid UTF-8
// decodes as U+FFFD, which has none, so such text goes out as UCS-2.
func isGSM(s string) bool {
	for _, r := range s {
		if gsmSeptets(r) == nil {
			return false
		}
	}
	return true
}

// unitCost is the size of r in the units of enc.
func unitCost(enc string, r rune) int {
	if enc == EncodingGSM7 {
		return len(gsmSeptets(r))
	}
	if r > 0xFFFF && r <= utf8.MaxRune {
		return 2 // surrogate pair
	}
	return 1
}
