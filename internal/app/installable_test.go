package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
)

// The portal installs as an app: every page links the favicon, the manifest and the
// worker; the manifest carries the ISP's name and the theme's icons; the worker caches
// only the offline page and its style, never a page with a client's data.
func TestInstallableApp(t *testing.T) {
	env := testkit.New(t, newGated)
	b := env.Browser()
	b.Get("/nothing").Expect(t, 404, `rel="icon" href="/favicon.ico"`, `rel="manifest" href="/manifest.webmanifest"`,
		`src="/assets/installable.js" data-worker="/sw.js"`, "<title>", "– Client portal</title>")

	ico := b.Get("/favicon.ico").Expect(t, 200)
	if !strings.HasPrefix(ico.Body, "\x00\x00\x01\x00") {
		t.Fatalf("favicon.ico is not an icon: % x", ico.Body[:min(8, len(ico.Body))])
	}
	env.Set("ci_portal_name", "NetWave <Fibre>")
	env.Set("ci_skin_theme", "blue")
	b.Get("/nothing").Expect(t, 404, "<span>NetWave &lt;Fibre&gt;</span>", "– NetWave &lt;Fibre&gt;</title>")
	var m struct {
		Name     string
		StartURL string `json:"start_url"`
		Display  string
		Icons    []struct{ Src, Sizes, Purpose string }
	}
	r := b.Get("/manifest.webmanifest").Expect(t, 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/manifest+json") {
		t.Errorf("manifest content type %q", ct)
	}
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("manifest: %v: %s", err, r.Body)
	}
	if m.Name != "NetWave <Fibre>" || m.StartURL != "/" || m.Display != "standalone" || len(m.Icons) != 3 {
		t.Fatalf("manifest: %+v", m)
	}
	for _, ic := range m.Icons {
		if !strings.HasPrefix(ic.Src, "/assets/theme/blue/images/") {
			t.Errorf("icon not from the selected theme: %s", ic.Src)
		}
		if png := b.Get(ic.Src).Expect(t, 200); !strings.HasPrefix(png.Body, "\x89PNG") {
			t.Errorf("icon %s is not a PNG", ic.Src)
		}
	}
	sw := b.Get("/sw.js").Expect(t, 200, `const OFFLINE = "/offline"`, `"/assets/theme/blue/style.css"`, `"/assets/theme/default/style.css"`)
	if ct := sw.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("worker content type %q", ct)
	}
	b.Get("/assets/installable.js").Expect(t, 200, "serviceWorker.register")
	b.Get("/offline").Expect(t, 200, "You are offline")
	b.SetCookie(&http.Cookie{Name: "lang", Value: "cs"})
	b.Get("/offline").Expect(t, 200, "Jste offline")
}
