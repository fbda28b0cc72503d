//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// TestUsage walks issue 20's subscriber pages as demo client 1001 in English and
// Czech, each checked with axe and for width at 390 and 1440 px: the dashboard (on
// for this test), the usage Summary and Detailed list with the CSV link, and the
// rates. Run alone: cd e2e && go test -tags e2e -count=1 -run TestUsage .
func TestUsage(t *testing.T) {
	s := start(t)
	s.asDemo() // lands on the information page: the dashboard is still off
	s.cli("settings", "set", "ci_display_dashboard", "1")

	for _, lang := range []string{"en", "cs"} {
		s.open("dashboard "+lang, "/dashboard")
		if lang == "cs" && !strings.Contains(s.text(), "Přehled") {
			s.submit(`footer button[value="cs"]`)
			s.check("dashboard cs")
		}
		want := map[string][]string{
			"en": {"Overview", "Balance", "Internet – Korunní 5", "Recent usage", "View details", "Messages"},
			"cs": {"Přehled", "Saldo", "Internet – Korunní 5", "Poslední spotřeba", "Zobrazit podrobnosti", "Zprávy"},
		}[lang]
		s.expectText(want...)
		s.expectCount("main meter", 1) // the cottage service's FUP
		if s.count(`main a[href^="/pay/"]`) != 0 {
			t.Fatal("payment links without the payments module")
		}
		// View details goes to the Detailed list.
		s.submit(`main a[href="/usage/detail"]`)
		if p := s.path(); !strings.HasPrefix(p, "/usage/detail") {
			t.Fatalf("View details went to %s", p)
		}
		s.check("usage detail " + lang)
		s.expectText("Pevná linka", map[string]string{"en": "CZK/s", "cs": "CZK/s"}[lang])
		csv := s.attr(`main a[href^="/usage/export.csv"]`, "href")
		if got := s.fetch(csv); got != "200 text/csv" {
			t.Fatalf("CSV link %s: %s", csv, got)
		}
		s.open("usage summary "+lang, "/usage")
		s.expectText(map[string]string{"en": "Usage summary", "cs": "Přehled spotřeby"}[lang], "Pevná linka")
		s.open("usage summary by day "+lang, "/usage?group=day&type=call")
		s.open("usage bad date "+lang, "/usage?from=2026-13-45")
		s.expectText(map[string]string{"en": "Enter a date", "cs": "Zadejte datum"}[lang])
		s.open("rates "+lang, "/rates")
		s.expectText("Telefon Domov – volání", map[string]string{"en": "Price per minute", "cs": "Cena za minutu"}[lang])
		s.submit(`main th a[href*="sort=price"]`)
		s.check("rates by price " + lang)
		if got := s.attr(`main th[aria-sort="ascending"] a`, "href"); !strings.Contains(got, "sort=price") {
			t.Fatalf("sorted column: %q", got)
		}
		s.open("rates search "+lang, "/rates?q=germany")
		s.expectText("Germany – mobile")
	}
	// Home after login is the dashboard; Information is in the menu.
	s.logout()
	s.login("demo", demoPassword)
	if p := s.path(); !strings.HasPrefix(p, "/dashboard") {
		t.Fatalf("login landed at %s", p)
	}
	s.expectCount(`nav a[href="/info"]`, 1)
}
