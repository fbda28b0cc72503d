package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
)

// TestAnonCSRFCookieHostPrefixOverTLS: the pre-login CSRF cookie is __Host- prefixed
// (Secure, Path=/, no Domain) over TLS, so a sibling subdomain or a plain-HTTP answer
// cannot plant one; over plain HTTP it keeps its plain name and still works.
func TestAnonCSRFCookieHostPrefixOverTLS(t *testing.T) {
	env := testkit.New(t, newProbe) // trusted proxy: 10.99.0.1

	plain := env.Browser()
	plain.Get("/__token")
	c := plain.Cookie("csrf_a")
	if c == nil || c.Secure || plain.Cookie("__Host-csrf_a") != nil {
		t.Fatalf("plain HTTP: csrf cookie %+v, want csrf_a without Secure", c)
	}
	plain.Post("/probe/form", nil).Expect(t, 200, "accepted")

	tls := env.Browser()
	tls.RemoteAddr = "10.99.0.1:4000"
	tls.Header.Set("X-Forwarded-Proto", "https")
	tls.Get("/__token")
	h := tls.Cookie("__Host-csrf_a")
	if h == nil || !h.Secure || h.Path != "/" || h.Domain != "" || tls.Cookie("csrf_a") != nil {
		t.Fatalf("TLS: csrf cookie %+v (plain %+v), want __Host-csrf_a, Secure, Path=/, no Domain", h, tls.Cookie("csrf_a"))
	}
	tls.Post("/probe/form", nil).Expect(t, 200, "accepted")

	// An attacker's own plain cookie and its token, planted in a victim's browser,
	// are not the victim's cookie over TLS.
	victim := env.Browser()
	victim.RemoteAddr = "10.99.0.1:4001"
	victim.Header.Set("X-Forwarded-Proto", "https")
	victim.SetCookie(&http.Cookie{Name: "csrf_a", Value: c.Value})
	victim.PostRaw("/probe/form", url.Values{"csrf": {plain.CSRF()}}).Expect(t, 403)
}

// TestCSRFOriginIgnoresForgedForwardedHost: the Origin check compares with the host
// the client used; X-Forwarded-Host counts only from a trusted proxy.
func TestCSRFOriginIgnoresForgedForwardedHost(t *testing.T) {
	env := testkit.New(t, newProbe) // trusted proxy: 10.99.0.1
	id := env.AddClient("7001", 0)

	direct := env.Browser().LoginAs(id)
	direct.Get("/__token")
	direct.Header.Set("Origin", "https://evil.example")
	direct.Header.Set("X-Forwarded-Host", "evil.example")
	direct.Post("/probe/form", nil).Expect(t, 403)

	proxied := env.Browser().LoginAs(id)
	proxied.RemoteAddr = "10.99.0.1:4000"
	proxied.Get("/__token")
	proxied.Header.Set("X-Forwarded-Host", "portal.isp.example")
	proxied.Header.Set("Origin", "https://portal.isp.example")
	proxied.Post("/probe/form", nil).Expect(t, 200, "accepted")
	proxied.Header.Set("Origin", "https://evil.example")
	proxied.Post("/probe/form", nil).Expect(t, 403)
	// A proxy that appends: only its own (right-most) value counts, not what the
	// client sent before it.
	proxied.Header.Set("X-Forwarded-Host", "evil.example, portal.isp.example")
	proxied.Post("/probe/form", nil).Expect(t, 403)
	proxied.Header.Set("Origin", "https://portal.isp.example")
	proxied.Post("/probe/form", nil).Expect(t, 200, "accepted")
}
