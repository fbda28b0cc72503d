package app_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// gated is a minimal client module switched by ci_display_invoices_tab.
type gated struct{ d app.Deps }

func newGated(d app.Deps) app.Module { return &gated{d: d} }

func (m *gated) Info() app.Info {
	return app.Info{Name: "gated", Prefix: "/gated", Area: app.Client,
		Gate:      func(c *fiber.Ctx) bool { return settings.DisplayInvoicesTab.Get(m.d.Settings) },
		Menu:      []web.MenuItem{{Key: "gated.menu", Path: "/gated", Order: 30}},
		Templates: fstest.MapFS{"page.html": {Data: []byte(`<h1>{{.T "gated.menu"}}</h1>`)}},
		Locales: fstest.MapFS{"en.toml": {Data: []byte(`"gated.menu" = "Gated page"`)},
			"cs.toml": {Data: []byte(`"gated.menu" = "Chráněná stránka"`)}},
	}
}

// slowStarted hears from /gated/slow once its handler runs.
var slowStarted = make(chan struct{}, 1)

func (m *gated) Mount(r fiber.Router) {
	r.Get("/", func(c *fiber.Ctx) error { return m.d.Web.Show(c, "gated/page", "gated.menu", nil) })
	r.Get("/slow", func(c *fiber.Ctx) error {
		select {
		case slowStarted <- struct{}{}:
		default:
		}
		time.Sleep(300 * time.Millisecond)
		return c.SendString("done")
	})
	r.Get("/panic", func(c *fiber.Ctx) error { panic("secret internal detail") })
}

// other is always on; its page shows the menu, so the gated entry can be looked for.
type other struct{ d app.Deps }

func newOther(d app.Deps) app.Module { return &other{d: d} }
func (m *other) Info() app.Info {
	return app.Info{Name: "other", Prefix: "/other", Area: app.Client,
		Templates: fstest.MapFS{"page.html": {Data: []byte(`<p>other</p>`)}}}
}
func (m *other) Mount(r fiber.Router) {
	r.Get("/", func(c *fiber.Ctx) error { return m.d.Web.Show(c, "other/page", "app.name", nil) })
}

func TestGateFlipsMenuAndURLWithoutRestart(t *testing.T) {
	env := testkit.New(t, newGated, newOther)
	id := env.AddClient("5001", 0)
	b := env.Browser().LoginAs(id)
	b.Get("/other").Expect(t, 200, `href="/gated"`, "Gated page")
	b.Get("/gated").Expect(t, 200, "<h1>Gated page</h1>")

	env.Set("ci_display_invoices_tab", "0")
	b.Get("/other").Expect(t, 200).Lacks(t, `href="/gated"`)
	b.Get("/gated").Expect(t, 404)
	b.Get("/gated/slow").Expect(t, 404)
	// Off means off for everybody, logged in or not.
	env.Browser().Get("/gated").Expect(t, 404)

	// A change made by another process (as `portal settings set` does) applies on
	// the next request too.
	other, err := db.Open(env.Config.DatabaseTarget())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	st, err := settings.NewStore(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Set(context.Background(), "ci_display_invoices_tab", 0, "1", "cli"); err != nil {
		t.Fatal(err)
	}
	b.Get("/other").Expect(t, 200, `href="/gated"`)
	b.Get("/gated").Expect(t, 200)
}

func TestClientAreaNeedsLogin(t *testing.T) {
	env := testkit.New(t, newGated)
	r := env.Browser().Get("/gated")
	if r.StatusCode != 303 || r.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous GET: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	env.Browser().Post("/gated", nil).Expect(t, 401)
}

func TestThemeOverlayAndFallback(t *testing.T) {
	env := testkit.New(t, newGated)
	id := env.AddClient("5002", 0)
	b := env.Browser().LoginAs(id)
	dir := filepath.Join(env.Config.DataDir, "themes", "company")
	os.MkdirAll(filepath.Join(dir, "templates", "gated"), 0o755)
	os.WriteFile(filepath.Join(dir, "style.css"), []byte("body{color:#123456}"), 0o644)
	os.WriteFile(filepath.Join(dir, "templates", "gated", "page.html"), []byte(`<h1>Company {{.T "gated.menu"}}</h1>`), 0o644)

	// Built-in colour themes.
	env.Set("ci_skin_theme", "blue")
	b.Get("/gated").Expect(t, 200, `/assets/theme/blue/style.css`)
	b.Get("/assets/theme/blue/style.css").Expect(t, 200, "--accent: #0d5aa7")
	// blue has no background of its own: it falls back to default's.
	b.Get("/assets/theme/blue/images/background-page.png").Expect(t, 200)

	env.Set("ci_skin_theme", "company")
	b.Get("/gated").Expect(t, 200, "<h1>Company Gated page</h1>", `/assets/theme/company/style.css`)
	css := b.Get("/assets/theme/company/style.css").Expect(t, 200, "#123456")
	// Assets are held in memory: an ETag lets browsers revalidate, and a custom file
	// replaced on disk is served at once.
	etag := css.Header.Get("ETag")
	if etag == "" {
		t.Fatal("theme file without an ETag")
	}
	req, _ := http.NewRequest("GET", "/assets/theme/company/style.css", nil)
	req.Header.Set("If-None-Match", etag)
	b.Do(req).Expect(t, 304)
	os.WriteFile(filepath.Join(dir, "style.css"), []byte("body{color:#654321;margin:0}"), 0o644)
	if r := b.Get("/assets/theme/company/style.css").Expect(t, 200, "#654321"); r.Header.Get("ETag") == etag {
		t.Fatal("the replaced file kept its ETag")
	}
	// Missing in the custom theme: served from default.
	logo := b.Get("/assets/theme/company/images/logo.png").Expect(t, 200)
	if !strings.HasPrefix(logo.Body, "\x89PNG") {
		t.Fatal("logo fallback is not the default PNG")
	}
	// A custom theme may not reach outside its folder or serve templates.
	b.Get("/assets/theme/company/../../portal.db").Expect(t, 404)
	b.Get("/assets/theme/company/templates/gated/page.html").Expect(t, 404)

	// Unknown theme: default, with a warning in the log, never a blank page.
	env.Set("ci_skin_theme", "nosuchtheme")
	b.Get("/gated").Expect(t, 200, "<h1>Gated page</h1>", `/assets/theme/default/style.css`)
	if !strings.Contains(env.Logs.String(), "unknown theme") {
		t.Fatal("no warning logged for the unknown theme")
	}

	// A broken custom template falls back to the default theme with an error logged.
	os.MkdirAll(filepath.Join(env.Config.DataDir, "themes", "broken", "templates", "gated"), 0o755)
	os.WriteFile(filepath.Join(env.Config.DataDir, "themes", "broken", "templates", "gated", "page.html"), []byte(`{{if}`), 0o644)
	env.Set("ci_skin_theme", "broken")
	b.Get("/gated").Expect(t, 200, "<h1>Gated page</h1>")
	if !strings.Contains(env.Logs.String(), "theme broken") {
		t.Fatal("no error logged for the broken theme")
	}
}

func TestSuspensionAndMaintenanceLogo(t *testing.T) {
	env := testkit.New(t, newGated)
	id := env.AddClient("5003", 0)
	b := env.Browser().LoginAs(id)
	env.Set("ci_portal_suspended_message", `<p>Back at 18:00</p><script>alert(1)</script>`)
	env.Set("ci_portal_suspended", "1")
	r := b.Get("/gated").Expect(t, 503, "Back at 18:00", "/assets/maintenance_logo.png").Lacks(t, "<script>alert")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After while suspended")
	}
	b.Get("/assets/maintenance_logo.png").Expect(t, 200)
	os.WriteFile(filepath.Join(env.Config.DataDir, "maintenance_logo.png"), []byte("\x89PNGcustom"), 0o644)
	b.Get("/assets/maintenance_logo.png").Expect(t, 200, "custom")
	env.Set("ci_portal_suspended", "0")
	b.Get("/gated").Expect(t, 200)
}

func TestErrorsAndHeaders(t *testing.T) {
	env := testkit.New(t, newGated)
	id := env.AddClient("5004", 0)
	b := env.Browser().LoginAs(id)
	r := b.Get("/gated/panic").Expect(t, 500, "Something went wrong").Lacks(t, "secret internal detail", "goroutine")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, r.Header.Get(h), want)
		}
	}
	if strings.Contains(r.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline script or style")
	}
	b.Get("/no/such/page").Expect(t, 404, `<main id="main">`, "Page not found")
	b.Header.Set("Accept-Language", "cs-CZ,cs;q=0.9")
	env2 := testkit.New(t, newGated)
	env2.Browser().Get("/healthz").Expect(t, 200, "ok")
}

func TestGracefulShutdownFinishesRequests(t *testing.T) {
	env := testkit.New(t, newGated)
	id := env.AddClient("5005", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.App.Fiber.Listener(ln)
	tok := loginCookie(t, env, id)
	done := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/gated/slow", nil)
		req.AddCookie(&http.Cookie{Name: "sid", Value: tok})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		buf := make([]byte, 16)
		n, _ := resp.Body.Read(buf)
		done <- string(buf[:n])
	}()
	select {
	case <-slowStarted: // the request is now in flight
	case got := <-done:
		t.Fatalf("request ended before shutdown: %q", got)
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request never reached its handler")
	}
	if err := env.App.Fiber.ShutdownWithTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != "done" {
		t.Fatalf("in-flight request got %q", got)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), 200*time.Millisecond); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}

func loginCookie(t *testing.T, env *testkit.Env, clientID int64) string {
	t.Helper()
	b := env.Browser().LoginAs(clientID)
	return b.Cookie("sid").Value
}
