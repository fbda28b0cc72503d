//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// TestNotify walks issue 23's notifications as demo client 1001 in English and Czech,
// each page checked with axe and for width at 390 and 1440 px: the choices, quiet
// hours refused as 25:00 with the field error, a changed choice saved, the recent
// notifications; then the client card's section and the outage notices page in the
// console. Run alone: cd e2e && go test -tags e2e -count=1 -run TestNotify .
func TestNotify(t *testing.T) {
	s := start(t)
	s.asDemo()
	texts := map[string]map[string]string{
		"en": {"title": "Notifications", "topic": "Invoice overdue", "quiet": "Quiet hours", "recent": "Recent notifications",
			"err": "Enter a time from 00:00 to 23:59", "saved": "Your notification choices are saved.", "demo": "Planned maintenance on Saturday"},
		"cs": {"title": "Oznámení", "topic": "Faktura po splatnosti", "quiet": "Doba klidu", "recent": "Poslední oznámení",
			"err": "Zadejte čas od 00:00 do 23:59", "saved": "Vaše nastavení oznámení je uloženo.", "demo": "Planned maintenance on Saturday"},
	}
	for _, lang := range []string{"en", "cs"} {
		w := texts[lang]
		s.open("notifications "+lang, "/notifications")
		if lang == "cs" && !strings.Contains(s.text(), "Doba klidu") {
			s.submit(`footer button[value="cs"]`)
			s.check("notifications cs")
		}
		s.expectText(w["title"], w["topic"], w["quiet"], w["recent"], w["demo"])
		if !js[bool](s, `document.querySelector('input[value="invoice_overdue.sms"]').checked`) {
			t.Fatal("the demo client's overdue SMS is not ticked")
		}
		// Quiet hours 25:00: refused, nothing saved, the field marked.
		s.fill("#quiet-from", "25:00")
		s.run(clickCSS(`input[value="payment.sms"]`))
		s.submit(`main form[action="/notifications"] button[type=submit]`)
		s.check("notifications bad quiet hours " + lang)
		s.expectText(w["err"])
		if s.attr("#quiet-from", "aria-invalid") != "true" {
			t.Fatal("the quiet-hours field is not marked invalid")
		}
		s.open("notifications after refusal "+lang, "/notifications")
		if js[bool](s, `document.querySelector('input[value="payment.sms"]').checked`) == (lang == "en") {
			t.Fatal("a refused form changed the payment SMS choice")
		}
		// A good form: from 21:30, payment SMS toggled.
		s.fill("#quiet-from", "21:30")
		s.run(clickCSS(`input[value="payment.sms"]`))
		s.submit(`main form[action="/notifications"] button[type=submit]`)
		s.check("notifications saved " + lang)
		s.expectText(w["saved"])
		if got := s.attr("#quiet-from", "value"); got != "21:30" {
			t.Fatalf("quiet hours from %q after saving", got)
		}
		if js[bool](s, `document.querySelector('input[value="payment.sms"]').checked`) != (lang == "en") {
			t.Fatal("the payment SMS choice was not saved")
		}
	}
	// The console: the card's section and the notices page, in both languages.
	s.logout()
	s.open("console login", "/admin")
	s.fill("#f-login", "admin", "#f-password", "admin1234")
	s.submit("main form button[type=submit]")
	if strings.HasPrefix(s.path(), "/admin/login") {
		t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
	}
	for _, lang := range []string{"en", "cs"} {
		s.submit(`footer button[name=lang][value=` + lang + `]`)
		s.open("console notices "+lang, "/admin/notices")
		s.expectText(map[string]string{"en": "Outage and maintenance notices", "cs": "Hlášení výpadků a údržby"}[lang], "Planned maintenance on Saturday")
		s.fill("#f-title", "")
		s.submit(`main form[action="/admin/notices"] button[type=submit]`)
		s.check("console notice refused " + lang)
		s.expectText(map[string]string{"en": "Enter a title of 1 to 140 characters", "cs": "Zadejte nadpis o 1 až 140 znacích"}[lang])
	}
	s.fill("#f-title", "Maintenance tonight 01:00–02:00", "#f-text", "A short network upgrade.")
	s.submit(`main form[action="/admin/notices"] button[type=submit]`)
	s.check("console notice sent")
	s.expectText("Maintenance tonight 01:00–02:00")
	s.open("console client search", "/admin/clients?q=1001")
	s.submit(`main a[href^="/admin/clients/"]:not([href$="/new"])`)
	s.check("console client card with notifications")
	s.expectText("Oznámení", "Maintenance tonight 01:00–02:00")
}
