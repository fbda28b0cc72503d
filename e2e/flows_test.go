//go:build e2e

package e2e

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/chromedp/chromedp"
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
		// With ci_forward_url_after_logout set, logout leaves for that address: the
		// ISP's own website, another origin. Chromium checks the redirect after the
		// logout form against the page's CSP form-action, so this fails unless the
		// portal admits exactly that address there.
		isp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<!doctype html><html lang="en"><title>ISP</title><main><h1>Goodbye from the ISP</h1></main></html>`)
		}))
		defer isp.Close()
		goodbye := strings.Replace(isp.URL, "127.0.0.1", "localhost", 1) + "/goodbye?from=portal"
		s.cli("settings", "set", "ci_forward_url_after_logout", goodbye)
		s.login("demo", "demo1234")
		s.submit("header form button[type=submit]")
		if p := s.path(); p != goodbye {
			t.Fatalf("logout went to %s, want the configured %s", p, goodbye)
		}
		s.expectText("Goodbye from the ISP")
		// The session is over: the portal's pages are closed to this browser.
		s.run(chromedp.Navigate(s.base+"/info"), chromedp.WaitReady(chromedp.CSS("body")))
		if p := s.path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("after logout /info answered at %s", p)
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
		link := s.smtp.WaitMatch(t, linkRE, 30*time.Second)
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

	t.Run("login form on the ISP's own website", func(t *testing.T) {
		s.t = t
		s.clearCookies()
		// The ISP's website is another site (localhost, not 127.0.0.1) serving the
		// seed's HTML form, which posts to the portal's /sign/.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		site := "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		page := `<!DOCTYPE html><html lang="cs"><head><meta charset="utf-8"><title>ISP</title></head><body>
<form action="` + s.base + `/sign/" method="post">
    <input type="text" name="username" autocomplete="username" aria-label="Jméno">
    <input type="password" name="password" autocomplete="current-password" aria-label="Heslo">
    <input type="submit" name="send" id="frm-send" value="Přihlásit">
    <input type="hidden" name="_do" value="signInForm-submit">
</form></body></html>`
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		})}
		go srv.Serve(ln)
		defer srv.Close()
		s.cli("settings", "set", "ci_login_form_origins", site)
		s.cli("settings", "set", "ci_login_form_allow_cross_origin", "1")
		defer s.cli("settings", "reset", "ci_login_form_allow_cross_origin")
		post := func() {
			s.run(chromedp.Navigate(site + "/"))
			s.fill("input[name=username]", "1004", "input[name=password]", "my-own-secret-phrase")
			s.submit("#frm-send")
		}
		post()
		if p := s.path(); !strings.HasPrefix(p, "/info") {
			t.Fatalf("login from the ISP's site landed at %s", p)
		}
		s.expectText("1004")
		s.clearCookies()
		// Switched off, the same form is refused and nobody is logged in.
		s.cli("settings", "set", "ci_login_form_allow_cross_origin", "0")
		post()
		s.expectText("Not allowed")
		s.run(chromedp.Navigate(s.base + "/info"))
		if p := s.path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("after a refused cross-site login, /info is at %s", p)
		}
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
