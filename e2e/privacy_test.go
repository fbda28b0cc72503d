//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// otherDevice logs demo client 1001 in from a second, non-browser client (a phone
// app, say) through the real login form, and returns it.
func otherDevice(t *testing.T, s *suite) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	resp, err = c.PostForm(s.base+"/login", url.Values{"csrf": {string(m[1])}, "login": {"demo"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second device login: %d", resp.StatusCode)
	}
	return c
}

// status is the status of a GET with a client, redirects not followed.
func status(t *testing.T, c *http.Client, u string) int {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// postExport posts the own-data page's form with a format from the page (as the
// buttons do) and returns "status content-type".
func postExport(s *suite, format string) string {
	s.t.Helper()
	return js[string](s, fmt.Sprintf(`(f => { const d = new URLSearchParams(new FormData(f)); d.set("format", %q);
		return fetch(f.action, {method: "POST", body: d, credentials: "same-origin"}).then(r =>
		r.status + " " + (r.headers.get("content-type") || "").split(";")[0]) })(document.querySelector('main form[action$="/gdpr/export"]'))`, format))
}

// TestPrivacy: the sessions page (a second device listed and ended), the password
// form's "log out everywhere else", the own-data page with its downloads and the
// erasure request, and the staff member's sessions and privacy requests, each page
// checked at 390 and 1440 px with axe.
func TestPrivacy(t *testing.T) {
	s := start(t)
	s.asDemo()
	phone := otherDevice(t, s)

	t.Run("sessions page, end another session", func(t *testing.T) {
		s.t = t
		s.open("sessions", "/account/sessions")
		s.expectText("Where you are logged in", "This device", "Browser", "Chrome / Linux")
		if n := s.count(`main form input[name=session]`); n != 1 {
			t.Fatalf("%d end buttons, want 1 (the other device)", n)
		}
		if got := status(t, phone, s.base+"/account/sessions"); got != 200 {
			t.Fatalf("the other device before: %d", got)
		}
		s.submit(`main form input[name=session] ~ button`)
		s.check("sessions, one ended")
		s.expectText("That session has been ended.")
		if got := status(t, phone, s.base+"/account/sessions"); got != http.StatusSeeOther {
			t.Fatalf("the ended device still gets %d", got)
		}
		s.open("password with log out everywhere else", "/password")
		if !js[bool](s, `document.querySelector("#logout_others").checked`) {
			t.Fatal("log out everywhere else is not ticked by default")
		}
	})

	t.Run("own data: export and an erasure request", func(t *testing.T) {
		s.t = t
		s.open("gdpr", "/gdpr/")
		s.run(chromedp.Click(chromedp.CSS(`main a[href="/gdpr/export"]`)), chromedp.WaitReady(chromedp.CSS("#h-export")))
		s.check("own data")
		s.expectText("Download a copy of your data", "Expired", "Restrict the processing of my data")
		if got := postExport(s, "json"); got != "200 application/json" {
			t.Fatalf("JSON export: %s", got)
		}
		if got := postExport(s, "pdf"); got != "200 application/pdf" {
			t.Fatalf("PDF export: %s", got)
		}
		// Bad input first: no kind chosen.
		s.submit(`main form[action$="/gdpr/requests"] button[type=submit]`)
		s.check("erasure request without a kind")
		s.expectText("Choose what you ask for.")
		s.run(clickLabel("Erase my personal data"))
		s.fill("#f-note", "Stěhuji se, prosím o výmaz.")
		s.submit(`main form[action$="/gdpr/requests"] button[type=submit]`)
		s.check("erasure request filed")
		s.expectText("Your request has been filed", "Received")
	})

	t.Run("staff: sessions and privacy requests", func(t *testing.T) {
		s.t = t
		s.open("staff login", "/admin/login")
		s.fill("#f-login", "admin", "#f-password", "admin1234")
		s.submit("main form button[type=submit]")
		if p := s.path(); strings.HasPrefix(p, "/admin/login") {
			t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
		}
		s.open("staff sessions", "/admin/account/sessions")
		s.expectText("This device")
		s.open("privacy requests", "/admin/gdpr/requests")
		s.expectText("Stěhuji se, prosím o výmaz.", "1001")
		s.open("client card with export", "/admin/clients/1")
		s.expectCount(`form[action$="/gdpr-export"] button`, 2)
	})
}
