package web

import "strings"

// Device is a short readable form of a User-Agent: "Firefox on Windows", "Safari on
// iPhone". It is what the session lists show and what the login notification calls a
// device; the raw header stays in the sessions table. An unknown browser reads
// "Browser" and an unknown system is left out, so two different unknown agents may
// share a name, which only makes the new-device mail quieter.
func Device(ua string) string {
	if strings.TrimSpace(ua) == "" {
		return ""
	}
	if sys := systemOf(ua); sys != "" {
		return browserOf(ua) + " / " + sys
	}
	return browserOf(ua)
}

// browserOf names the browser. Order matters: Edge and Opera say "Chrome" too, and
// Chrome says "Safari".
func browserOf(ua string) string {
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
		{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			return b.name
		}
	}
	return "Browser"
}

// systemOf names the operating system or device family.
func systemOf(ua string) string {
	for _, s := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"},
		{"CrOS", "ChromeOS"}, {"Windows", "Windows"}, {"Macintosh", "macOS"},
		{"Mac OS X", "macOS"}, {"Linux", "Linux"}, {"X11", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			return s.name
		}
	}
	return ""
}
