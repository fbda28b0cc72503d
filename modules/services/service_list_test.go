package services

import (
	"testing"
)

func TestServiceListShowsServices(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.clientA)
	r := b.Get("/services").Expect(t, 200,
		`href="/services" aria-current="page"`, // menu entry, marked current
		"Internet Žižkov", "Optika 300", "CZK\u00a0599.00", "300 Mbit/s / 50 Mbit/s", "Active", "2024-02-29",
		"Seifertova 12, Praha 3", "192.0.2.44",
		"Internet chata Šumava", "Via DHCP", "1 GB a month", "then 1 Mbit/s / 512 kbit/s",
		"Televize obývák", "Television", "Pevná linka", "Telephone (VoIP)",
		`href="/services/sheet.pdf"`)
	// DHCP hides the address the provider entered; terminated services and the other
	// client's services are not listed.
	r.Lacks(t, "198.51.100.77", "Staré připojení", "Internet klienta B", "203.0.113.9")

	b.Header.Set("Accept-Language", "cs")
	b.Get("/services").Expect(t, 200, "Služby", "Přes DHCP", "599,00\u00a0Kč", "29. 2. 2024", "Aktivní", "Televize",
		"1 GB za měsíc").Lacks(t, "Via DHCP", "198.51.100.77")

	// Client B sees only their own service.
	f.env.Browser().LoginAs(f.clientB).Get("/services").Expect(t, 200, "Internet klienta B", "203.0.113.9").
		Lacks(t, "Internet Žižkov", "Via DHCP", "Televize obývák")
}

func TestServiceListEmptyAndLogin(t *testing.T) {
	f := newFixture(t)
	c := f.env.AddClient("5003", 0)
	f.env.Browser().LoginAs(c).Get("/services").Expect(t, 200, "You have no active services.").Lacks(t, "sheet.pdf")
	// Without a session the page sends the browser to the login form.
	r := f.env.Browser().Get("/services")
	if r.StatusCode != 303 || r.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}
