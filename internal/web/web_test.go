package web_test

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/internal/web"
)

// probe is a module that echoes what the toolkit sees.
type probe struct{ d app.Deps }

func newProbe(d app.Deps) app.Module { return &probe{d: d} }
func (m *probe) Info() app.Info {
	return app.Info{Name: "probe", Prefix: "/probe", Area: app.Public}
}
func (m *probe) Mount(r fiber.Router) {
	r.Get("/ip", func(c *fiber.Ctx) error { return c.SendString(m.d.Web.ClientIP(c)) })
	r.Get("/https", func(c *fiber.Ctx) error {
		if m.d.Web.IsHTTPS(c) {
			return c.SendString("https")
		}
		return c.SendString("http")
	})
	r.Get("/who", func(c *fiber.Ctx) error {
		if cl := m.d.Web.Client(c); cl != nil {
			return c.SendString("client " + cl.Number)
		}
		return c.SendString("nobody")
	})
	r.Post("/limited", m.d.Web.RateLimit("probe", 3, time.Minute), func(c *fiber.Ctx) error { return c.SendString("ok") })
	r.Post("/form", func(c *fiber.Ctx) error { return c.SendString("accepted") })
}

func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	env := testkit.New(t, newProbe) // trusted proxy: 10.99.0.1
	cases := []struct{ peer, xff, want string }{
		{"192.0.2.7:1234", "", "192.0.2.7"},
		{"192.0.2.7:1234", "203.0.113.9", "192.0.2.7"},            // untrusted peer: header ignored
		{"10.99.0.1:1234", "203.0.113.9", "203.0.113.9"},          // trusted proxy
		{"10.99.0.1:1234", "6.6.6.6, 203.0.113.9", "203.0.113.9"}, // client-forged left part ignored
		{"10.99.0.1:1234", "garbage", "10.99.0.1"},
		{"10.99.0.1:1234", "", "10.99.0.1"},
	}
	for _, c := range cases {
		b := env.Browser()
		b.RemoteAddr = c.peer
		if c.xff != "" {
			b.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := b.Get("/probe/ip").Body; got != c.want {
			t.Errorf("peer %s xff %q: got %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	b := env.Browser()
	b.Header.Set("X-Forwarded-Proto", "https")
	if b.Get("/probe/https").Body != "http" {
		t.Error("X-Forwarded-Proto believed from an untrusted peer")
	}
	b.RemoteAddr = "10.99.0.1:1"
	if b.Get("/probe/https").Body != "https" {
		t.Error("X-Forwarded-Proto from the trusted proxy ignored")
	}
}

func TestRateLimitPerAddressIgnoresForgedHeader(t *testing.T) {
	env := testkit.New(t, newProbe)
	b := env.Browser()
	for i := 0; i < 3; i++ {
		b.Header.Set("X-Forwarded-For", "198.51.100."+string(rune('1'+i)))
		b.Post("/probe/limited", nil).Expect(t, 200)
	}
	r := b.Post("/probe/limited", nil).Expect(t, 429, "Too many")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	other := env.Browser()
	other.RemoteAddr = "192.0.2.99:1"
	other.Post("/probe/limited", nil).Expect(t, 200)
}

func TestRateKeyGroupsIPv6Per64(t *testing.T) {
	if web.RateKey("2001:db8:1:2:aaaa::1") != web.RateKey("2001:db8:1:2:bbbb::9") {
		t.Error("two addresses of one /64 got different buckets")
	}
	if web.RateKey("2001:db8:1:3::1") == web.RateKey("2001:db8:1:2::1") {
		t.Error("different /64s share a bucket")
	}
	if web.RateKey("192.0.2.1") != "192.0.2.1" {
		t.Error("IPv4 should be per address")
	}
}

func TestCSRF(t *testing.T) {
	env := testkit.New(t, newProbe)
	id := env.AddClient("7001", 0)
	b := env.Browser().LoginAs(id)
	b.PostRaw("/probe/form", url.Values{}).Expect(t, 403)
	b.PostRaw("/probe/form", url.Values{"csrf": {"forged"}}).Expect(t, 403)
	b.Post("/probe/form", nil).Expect(t, 200, "accepted")
	// The token of one session is useless in another.
	stolen := b.CSRF()
	b2 := env.Browser().LoginAs(id)
	b2.PostRaw("/probe/form", url.Values{"csrf": {stolen}}).Expect(t, 403)
	// A valid token from a foreign origin is still refused.
	b.Header.Set("Origin", "https://evil.example")
	b.Post("/probe/form", nil).Expect(t, 403)
}

func TestSessionTimeoutsAndLogoutReplay(t *testing.T) {
	env := testkit.New(t, newProbe)
	id := env.AddClient("7002", 0)
	b := env.Browser().LoginAs(id)
	if got := b.Get("/probe/who").Body; got != "client 7002" {
		t.Fatalf("who = %q", got)
	}
	// Idle: 29 minutes of silence is fine, 31 is not (default 30).
	env.Clock.Advance(29 * time.Minute)
	if b.Get("/probe/who").Body != "client 7002" {
		t.Fatal("session ended before the idle timeout")
	}
	env.Clock.Advance(31 * time.Minute)
	if b.Get("/probe/who").Body != "nobody" {
		t.Fatal("session outlived the idle timeout")
	}
	// Absolute: an active session still ends after 12 hours.
	b = env.Browser().LoginAs(id)
	for i := 0; i < 25; i++ {
		env.Clock.Advance(29 * time.Minute)
		b.Get("/probe/who")
	}
	if b.Get("/probe/who").Body != "nobody" {
		t.Fatal("session outlived the absolute timeout")
	}
	// Session ids in the URL are ignored.
	b = env.Browser().LoginAs(id)
	tok := b.Cookie("sid").Value
	if env.Browser().Get("/probe/who?sid="+tok).Body != "nobody" {
		t.Fatal("a session id in the URL was accepted")
	}
}

func TestLocalPath(t *testing.T) {
	good := []string{"/", "/invoices", "/invoices?page=2", "/a/b#c"}
	bad := []string{"", "//evil.example", "/\\evil.example", "https://evil.example", "https:evil", "\\\\evil", "javascript:alert(1)",
		"/ok\r\nLocation: x", "evil.example", "/\tx"}
	for _, p := range good {
		if _, ok := web.LocalPath(p); !ok {
			t.Errorf("%q refused", p)
		}
	}
	for _, p := range bad {
		if _, ok := web.LocalPath(p); ok {
			t.Errorf("%q accepted", p)
		}
	}
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "https://x", "/a?b=//c", "%2F%2Fx", "/%0d%0a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, ok := web.LocalPath(p)
		if !ok {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("accepted %q which leaves the site", p)
		}
		// What a browser does with it: resolve against our origin; it must stay there.
		base, _ := url.Parse("https://portal.example/")
		if r := base.ResolveReference(u); r.Host != "portal.example" {
			t.Fatalf("%q resolves to host %q", p, r.Host)
		}
	})
}

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		lang  string
		minor int64
		cur   string
		want  string
	}{
		{"cs", 123450, "CZK", "1\u00a0234,50\u00a0Kč"},
		{"en", 123450, "CZK", "CZK\u00a01,234.50"},
		{"en", -5, "EUR", "EUR\u00a0−0.05"},
		{"cs", 100000000, "EUR", "1\u00a0000\u00a0000,00\u00a0EUR"},
		// The lowest int64 has no positive twin; it still prints (rows stored before
		// amounts were bounded can hold anything).
		{"en", math.MinInt64, "EUR", "EUR\u00a0−92,233,720,368,547,758.08"},
	}
	for _, c := range cases {
		if got := web.FormatMoney(c.lang, c.minor, c.cur); got != c.want {
			t.Errorf("%s %d %s = %q, want %q", c.lang, c.minor, c.cur, got, c.want)
		}
	}
}

func TestLanguageChoiceOrder(t *testing.T) {
	env := testkit.New(t, newProbe)
	b := env.Browser()
	// Default setting.
	if !strings.Contains(b.Get("/x").Body, `lang="en"`) {
		t.Fatal("default language not English")
	}
	env.Set("ci_default_language", "cs")
	if !strings.Contains(b.Get("/x").Body, `lang="cs"`) {
		t.Fatal("default-language setting ignored")
	}
	// Accept-Language beats the setting; the cookie beats Accept-Language.
	b.Header.Set("Accept-Language", "en-GB,en;q=0.8")
	if !strings.Contains(b.Get("/x").Body, `lang="en"`) {
		t.Fatal("Accept-Language ignored")
	}
	b.SetCookie(&http.Cookie{Name: "lang", Value: "cs"})
	if !strings.Contains(b.Get("/x").Body, `lang="cs"`) {
		t.Fatal("language cookie ignored")
	}
	// The logged-in client's saved preference beats the cookie.
	id := env.AddClient("7003", 0)
	env.Deps.DB.W.Exec(`UPDATE clients SET language = 'en' WHERE id = ?`, id)
	b.LoginAs(id)
	if !strings.Contains(b.Get("/x").Body, `lang="en"`) {
		t.Fatal("client preference ignored")
	}
}
