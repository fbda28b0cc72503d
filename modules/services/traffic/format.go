package traffic

import (
	"strconv"
	"strings"
)

// decimalComma lists languages that write 1,5 rather than 1.5.
var decimalComma = map[string]bool{
	"cs": true, "sk": true, "de": true, "pl": true, "fr": true, "es": true, "it": true,
	"pt": true, "ru": true, "uk": true, "hu": true, "nl": true, "sv": true, "da": true,
	"fi": true, "nb": true, "ro": true, "hr": true, "sl": true, "sr": true, "bg": true, "tr": true,
}

// FormatBytes renders n with a decimal unit (1 kB = 1000 B): "999 B",
// "1.5 GB", "25.3 MB", "120 MB"; lang "cs" (or "cs-CZ") gives "1,5 GB".
func FormatBytes(n uint64, lang string) string {
	return formatUnit(float64(n), []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}, lang)
}

// FormatBits renders a rate in bits per second: "12.5 Mbit/s".
func FormatBits(bitsPerSecond float64, lang string) string {
	return formatUnit(bitsPerSecond, []string{"bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s", "Pbit/s", "Ebit/s"}, lang)
}

// formatUnit scales v by 1000 until it is below 1000, then shows one
// decimal below 100 and none above: at most three significant digits.
func formatUnit(v float64, units []string, lang string) string {
	if v < 0 {
		v = 0
	}
	u := 0
	for v >= 999.5 && u < len(units)-1 {
		v /= 1000
		u++
	}
	prec := 0
	if u > 0 && v < 99.95 {
		prec = 1
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	s = strings.TrimSuffix(s, ".0")
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	base, _, _ = strings.Cut(base, "_")
	if decimalComma[base] {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + units[u]
}
