//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+/password/reset\?token=[A-Za-z0-9_\-]+`)

// TestPortal walks the subscriber's main flows in one browser, in order.
func TestPortal(t *testing.T) {
	s := start(t)

	t.Run("login, information page, language, logout", func(t *testing.T) {
		s.t = t
		s.open("login", "/login")
		s.login("demo", "demo1234")
		if p := s.path(); !strings.HasPrefix(p, "/info") {
			t.Fatalf("after login at %s", p)
		}
		s.check("information")
		s.expectText("Jana Nováková", "1001")
		s.submit(`footer button[value="cs"]`)
		s.expectText("Odhlásit")
		s.check("information in Czech")
		s.submit(`footer button[value="en"]`)
		s.submit("header form button[type=submit]")
		if p := s.path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("after logout at %s", p)
		}
		// With ci_forward_url_after_logout set, logout leaves for that address.
		s.cli("settings", "set", "ci_forward_url_after_logout", s.base+"/goodbye")
		s.login("demo", "demo1234")
		s.submit("header form button[type=submit]")
		if p := s.path(); p != "/goodbye" {
			t.Fatalf("logout went to %s, want the configured /goodbye", p)
		}
		s.cli("settings", "reset", "ci_forward_url_after_logout")
	})

	t.Run("lockout after wrong passwords", func(t *testing.T) {
		s.t = t
		for i := 0; i < 5; i++ {
			s.login("1003", "wrong-password")
		}
		s.login("1003", "wrong-password")
		s.expectText("blocked")
		s.check("locked out")
	})

	t.Run("forgotten password by e-mail", func(t *testing.T) {
		s.t = t
		s.smtp.Clear()
		s.open("login with forgot link", "/login")
		s.submit(`a[href$="/password/forgot"]`)
		s.check("forgotten password")
		s.fill("#login", "demo@example.net")
		s.submit("main form button[type=submit]")
		s.check("forgotten password sent")
		msgs := s.smtp.WaitFor(t, 1, 30*time.Second)
		link := linkRE.FindString(msgs[0].Text)
		if link == "" {
			t.Fatalf("no password link in the mail:\n%s", msgs[0].Text)
		}
		s.open("new password form", strings.TrimPrefix(link, strings.TrimSuffix(s.base, "/")))
		if strings.Contains(s.path(), "token=") {
			t.Fatalf("token still in the address bar: %s", s.path())
		}
		s.fill("#password", "a-much-better-passphrase", "#password2", "a-much-better-passphrase")
		s.submit("main form button[type=submit]")
		s.check("password set")
		s.login("demo", "a-much-better-passphrase")
		if p := s.path(); !strings.HasPrefix(p, "/info") {
			t.Fatalf("login with the new password: at %s", p)
		}
		s.submit("header form button[type=submit]")
	})

	t.Run("one-time password from staff forces a new password", func(t *testing.T) {
		s.t = t
		s.cliIn("Temporary-Pass-2026\n", "client", "password", "1004", "--set")
		s.login("1004", "Temporary-Pass-2026")
		if p := s.path(); !strings.HasPrefix(p, "/password/new") {
			t.Fatalf("one-time password login landed at %s", p)
		}
		s.check("forced password change")
		s.fill("#password", "my-own-secret-phrase", "#password2", "my-own-secret-phrase")
		s.submit("main form button[type=submit]")
		if p := s.path(); strings.HasPrefix(p, "/password/new") || strings.HasPrefix(p, "/login") {
			t.Fatalf("after choosing a password at %s", p)
		}
		s.submit("header form button[type=submit]")
	})

	t.Run("modules", func(t *testing.T) { moduleFlows(t, s) })

	t.Run("another theme", func(t *testing.T) {
		s.t = t
		s.cli("settings", "set", "ci_skin_theme", "blue")
		s.login("1004", "my-own-secret-phrase")
		s.check("information in the blue theme")
		// Module pages with tables, badges and a graph, in the second theme too.
		s.open("invoices in the blue theme", "/invoices")
		s.open("services in the blue theme", "/services")
		s.open("login in the blue theme", "/no-such-page")
		s.cli("settings", "set", "ci_skin_theme", "default")
	})
}
