package traffic

import (
	"strconv"
	"strings"
	"time"
)

// svgText holds the words of a graph in one language.
type svgText struct {
	title, down, up string
	// totals, peakDown and peakUp are fmt formats for the <desc> text.
	totals, peakDown, peakUp, none string
	periods                        map[Period]string
	months, weekdays               []string
}

var svgTexts = map[string]svgText{
	"en": {
		title: "Traffic", down: "Download", up: "Upload",
		totals: "%s: %s downloaded, %s uploaded.", none: "No traffic recorded.",
		peakDown: "Peak download %s (%s).", peakUp: "Peak upload %s (%s).",
		periods:  map[Period]string{Day: "Last 24 hours", Week: "Last 7 days", Month: "Last 30 days", Year: "Last 365 days"},
		months:   []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		weekdays: []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	},
	"cs": {
		title: "Přenesená data", down: "Stahování", up: "Odesílání",
		totals: "%s: staženo %s, odesláno %s.", none: "Žádný provoz nebyl zaznamenán.",
		peakDown: "Nejvíce staženo %s (%s).", peakUp: "Nejvíce odesláno %s (%s).",
		periods:  map[Period]string{Day: "Posledních 24 hodin", Week: "Posledních 7 dní", Month: "Posledních 30 dní", Year: "Posledních 365 dní"},
		months:   []string{"led", "úno", "bře", "dub", "kvě", "čvn", "čvc", "srp", "zář", "říj", "lis", "pro"},
		weekdays: []string{"ne", "po", "út", "st", "čt", "pá", "so"},
	},
}

func textFor(lang string) (svgText, bool) {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	t, ok := svgTexts[base]
	if !ok {
		return svgTexts["en"], false
	}
	return t, true
}

// czechStyle reports whether dates are written day-first ("15. 1.").
func czechStyle(lang string) bool {
	_, ok := textFor(lang)
	return ok && !strings.HasPrefix(strings.ToLower(lang), "en")
}

// tickLabel returns the x-axis label for a point starting at t, or "" if
// the point gets none.
func tickLabel(p Period, t time.Time, lang string) string {
	tx, _ := textFor(lang)
	cz := czechStyle(lang)
	switch p {
	case Day:
		if t.Minute() == 0 && t.Hour()%3 == 0 {
			return t.Format("15:04")
		}
	case Week:
		if t.Hour() == 0 {
			if cz {
				return tx.weekdays[t.Weekday()] + " " + strconv.Itoa(t.Day()) + "."
			}
			return tx.weekdays[t.Weekday()] + " " + strconv.Itoa(t.Day())
		}
	case Month:
		if t.Hour() == 0 && t.YearDay()%5 == 0 {
			return shortDate(t, tx, cz)
		}
	case Year:
		if t.Day() == 1 {
			if t.Month() == time.January {
				return strconv.Itoa(t.Year())
			}
			return tx.months[t.Month()-1]
		}
	}
	return ""
}

func shortDate(t time.Time, tx svgText, cz bool) string {
	if cz {
		return strconv.Itoa(t.Day()) + ". " + strconv.Itoa(int(t.Month())) + "."
	}
	return tx.months[t.Month()-1] + " " + strconv.Itoa(t.Day())
}

// pointTime describes when a point happened, for the text alternative.
func pointTime(p Period, t time.Time, lang string) string {
	tx, _ := textFor(lang)
	cz := czechStyle(lang)
	d := shortDate(t, tx, cz)
	if cz {
		d = strconv.Itoa(t.Day()) + ". " + strconv.Itoa(int(t.Month())) + ". " + strconv.Itoa(t.Year())
	} else {
		d += ", " + strconv.Itoa(t.Year())
	}
	if p == Year {
		return d
	}
	return d + " " + t.Format("15:04")
}
