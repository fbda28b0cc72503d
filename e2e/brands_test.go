//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrands: two host names resolved to loopback by Chromium's host-resolver rules,
// brand-a.test (an unknown host: the default brand NetWave) and brand2.localhost (the
// demo's second brand FiberNet). Both login pages in English and Czech pass axe and
// fit a phone; a client of FiberNet is refused on NetWave's host with the
// wrong-password answer and logs in on its own.
func TestBrands(t *testing.T) {
	s := start(t, chromedp.Flag("host-resolver-rules", "MAP brand-a.test 127.0.0.1, MAP brand2.localhost 127.0.0.1"))
	port := s.base[strings.LastIndex(s.base, ":"):]
	hostA, hostB := "http://brand-a.test"+port, "http://brand2.localhost"+port
	at := func(name, url string, want ...string) {
		t.Helper()
		s.run(chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
		s.check(name)
		s.expectText(want...)
	}
	shot := func(file string) {
		t.Helper()
		png := value(s, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join("screenshots", file), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	at("brand A login", hostA+"/login", "NetWave", "Client number")
	shot("brand-a-login.png")
	at("brand B login", hostB+"/login", "FiberNet", "© FiberNet s.r.o.")
	if title := value(s, chromedp.Title()); !strings.Contains(title, "FiberNet") {
		t.Fatalf("brand B title %q", title)
	}
	if src := s.attr("header .logo img", "src"); !strings.Contains(src, "/brand/") || !strings.Contains(src, "/login-logo") {
		t.Fatalf("brand B login logo %q", src)
	}
	s.imageLoaded("header .logo img")
	shot("brand-b-login.png")

	// Czech on both hosts (the switch is a cookie per host).
	s.submit(`.foot .langs button[value="cs"]`)
	s.check("brand B login cs")
	s.expectText("FiberNet", "Číslo klienta")
	s.run(chromedp.Navigate(hostA + "/login"))
	s.submit(`.foot .langs button[value="cs"]`)
	s.check("brand A login cs")
	s.expectText("NetWave", "Číslo klienta")

	// A FiberNet client on NetWave's host: the wrong-password answer.
	s.cliIn("Brand-Onetime-2026\n", "client", "password", "2001", "--set")
	s.fill("#login", "2001", "#password", "Brand-Onetime-2026")
	s.submit("main form button[type=submit]")
	s.expectText("Přihlašovací jméno nebo heslo není správné.")
	if p := s.path(); !strings.HasSuffix(p, "/login") {
		t.Fatalf("refused login landed at %s", p)
	}
	// On its own host the same password works (a one-time password: choose a new one).
	s.run(chromedp.Navigate(hostB + "/login"))
	s.fill("#login", "2001", "#password", "Brand-Onetime-2026")
	s.submit("main form button[type=submit]")
	if p := s.path(); !strings.HasSuffix(p, "/password/new") {
		t.Fatalf("brand B login landed at %s", p)
	}
	s.check("brand B new password")
	s.expectText("FiberNet")
}
