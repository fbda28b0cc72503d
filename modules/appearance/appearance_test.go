package appearance_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/appearance"
	"github.com/ispportal/portal/modules/info"
)

func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{0, 90, 200, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// copyTheme copies blue to name through the console and returns the theme's path.
func copyTheme(t *testing.T, b *testkit.Browser, name string) string {
	t.Helper()
	r := b.Post("/admin/appearance/copy", url.Values{"source": {"blue"}, "name": {name}}).Expect(t, 303)
	return r.Header.Get("Location")
}

func TestCopyUploadPreviewSelect(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := testkit.NewIn(t, dir, appearance.New, info.New, admin.New)
	cid := env.AddClient("7001", 0)
	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	b.Get("/admin").Expect(t, 200, `href="/admin/appearance"`, "Appearance")
	b.Get("/admin/appearance").Expect(t, 200, "default", "built in (read-only)", "Copy a theme")

	// Names: a theme's name becomes a path segment and a setting value.
	b.Post("/admin/appearance/copy", url.Values{"source": {"blue"}, "name": {"../evil"}}).Expect(t, 422, "lower-case letters")
	b.Post("/admin/appearance/copy", url.Values{"source": {"blue"}, "name": {"orange"}}).Expect(t, 422, "exists already")
	b.Post("/admin/appearance/copy", url.Values{"source": {"nope"}, "name": {"ours"}}).Expect(t, 422, "Choose a theme")
	if n := env.Count(`SELECT COUNT(*) FROM staff_themes`); n != 0 {
		t.Fatalf("%d themes stored from refused copies", n)
	}
	page := copyTheme(t, b, "ours")
	b.Get("/admin/appearance").Expect(t, 200, "The theme ours was created.")
	b.Post("/admin/appearance/copy", url.Values{"source": {"blue"}, "name": {"ours"}}).Expect(t, 422, "exists already")
	b.Get(page).Expect(t, 200, "ours", "Files not uploaded here come from the theme blue.", `id="f-logo"`)
	upload := page + "/upload"

	// Bad files, each refused with its message and nothing stored.
	hostile := `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "logo.svg", []byte(hostile)).Expect(t, 422, "contains scripts")
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "logo.svg", pngOf(20, 20)).Expect(t, 422, "a PNG named .svg")
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "logo.png", pngOf(1500, 60)).Expect(t, 422, "too large in pixels")
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "logo.png", make([]byte, 600<<10)).Expect(t, 422, "larger than 512 KB")
	b.Upload(upload, url.Values{"kind": {"maintenance_logo"}}, "file", "m.gif", pngOf(20, 20)).Expect(t, 422, "not allowed here")
	b.Upload(upload, url.Values{"kind": {"style"}}, "file", "style.css", []byte("a{}</style><script>alert(1)</script>")).
		Expect(t, 422, "contains something not allowed")
	b.Upload(upload, url.Values{"kind": {"nope"}}, "file", "x.png", pngOf(2, 2)).Expect(t, 400)
	if r := b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "big.png", make([]byte, 10<<20)); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("10 MB upload: %d", r.StatusCode)
	}
	b.Post(page+"/css", url.Values{"css": {"@import url(https://evil.example/x.css);"}}).
		Expect(t, 422, "contains something not allowed", "evil.example")
	if n := env.Count(`SELECT COUNT(*) FROM staff_theme_files`); n != 0 {
		t.Fatalf("%d refused files stored", n)
	}

	// Good files.
	logo := pngOf(260, 60)
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "../../logo.png", logo).Expect(t, 303)
	b.Upload(upload, url.Values{"kind": {"maintenance_logo"}}, "file", "maintenance_logo.png", pngOf(400, 300)).Expect(t, 303)
	b.Post(page+"/css", url.Values{"css": {"@import url(\"../default/style.css\");\n:root { --accent: #004d40; }"}}).Expect(t, 303)
	b.Get(page).Expect(t, 200, "The style sheet was saved.", "--accent: #004d40", "image/png")
	if env.AuditCount("theme.", "staff:boss") != 4 {
		t.Fatal("theme actions not audited")
	}
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'theme.%' AND ip = ''`); n != 0 {
		t.Fatalf("%d theme audit entries without an address", n)
	}

	// Preview: the sample page in the subscribers' layout with the theme, for staff.
	prev := b.Get(page+"/preview").Expect(t, 200, "Preview of the theme ours", `/assets/theme/ours/style.css?v=s`,
		`/assets/theme/ours/images/logo.png?v=s`, "Select this theme")
	if prev.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("preview may be cached")
	}
	client := env.Browser().LoginAs(cid)
	client.Get("/info").Expect(t, 200, "/assets/theme/default/").Lacks(t, "/assets/theme/ours/")
	if r := client.Get(page + "/preview"); r.StatusCode == 200 || strings.Contains(r.Body, "Preview of the theme") {
		t.Fatalf("a subscriber reached the preview: %d", r.StatusCode)
	}
	client.Get("/info?preview=ours&theme=ours").Lacks(t, "/assets/theme/ours/")

	// Served with the checked type, nosniff, and a long cache for the versioned address.
	m := regexp.MustCompile(`/assets/theme/ours/images/logo\.png\?v=[^"]+`).FindString(prev.Body)
	asset := env.Browser().Get(strings.ReplaceAll(m, "&amp;", "&")).Expect(t, 200)
	if asset.Header.Get("Content-Type") != "image/png" || asset.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(asset.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("logo headers: %v", asset.Header)
	}

	// Select; subscribers now see the new logo and style sheet.
	b.Post(page+"/select", nil).Expect(t, 303)
	b.Get("/admin/appearance").Expect(t, 200, "The portal now uses the theme ours.")
	client.Get("/info").Expect(t, 200, "/assets/theme/ours/images/logo.png?v=s", "/assets/theme/ours/style.css?v=s")
	env.Browser().Get("/assets/maintenance_logo.png").Expect(t, 200)
	b.Post(page+"/delete", nil).Expect(t, 303)
	b.Get(page).Expect(t, 200, "cannot be deleted")

	// An SVG logo is served as SVG with its own CSP.
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "logo.svg",
		[]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="260" height="60"><rect width="260" height="60" fill="#004d40"/></svg>`)).Expect(t, 303)
	svg := env.Browser().Get("/assets/theme/ours/images/logo.png").Expect(t, 200, "<rect")
	if svg.Header.Get("Content-Type") != "image/svg+xml" || svg.Header.Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Fatalf("svg headers: %v", svg.Header)
	}

	// Czech.
	b.Header = http.Header{"Accept-Language": {"cs"}}
	b.Upload(upload, url.Values{"kind": {"logo"}}, "file", "logo.svg", []byte(hostile)).Expect(t, 422, "SVG obsahuje skripty")
	b.Get("/admin/appearance").Expect(t, 200, "Kopírovat motiv", "vybraný")

	// A restart keeps the theme (it lives in the database) and its selection.
	env.Close()
	again := testkit.NewIn(t, dir, appearance.New, info.New, admin.New)
	again.Browser().LoginAs(cid).Get("/info").Expect(t, 200, "/assets/theme/ours/images/logo.png?v=s")
	again.Browser().Get("/assets/theme/ours/images/logo.png").Expect(t, 200, "<rect")
}

func TestAppearanceIsForAdministrators(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, appearance.New, info.New, admin.New)
	page := copyTheme(t, env.StaffBrowserAs("boss", core.RoleAdmin), "ours")
	for _, role := range []string{core.RoleSupport, core.RoleReadOnly} {
		b := env.StaffBrowser(role)
		b.Get("/admin").Expect(t, 200).Lacks(t, `href="/admin/appearance"`)
		b.Get("/admin/appearance").Expect(t, 403)
		b.Get(page+"/preview").Expect(t, 403)
		b.Post("/admin/appearance/copy", url.Values{"source": {"blue"}, "name": {"mine"}}).Expect(t, 403)
		b.Upload(page+"/upload", url.Values{"kind": {"logo"}}, "file", "logo.png", pngOf(10, 10)).Expect(t, 403)
		b.Post(page+"/select", nil).Expect(t, 403)
	}
	if n := env.Count(`SELECT COUNT(*) FROM staff_theme_files`); n != 0 || env.Deps.Web.Theme() != "default" {
		t.Fatal("a refused role changed a theme")
	}
	// Without a CSRF token nothing happens either.
	req := httptest.NewRequest(http.MethodPost, page+"/select", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := env.StaffBrowserAs("boss2", core.RoleAdmin).Do(req); r.StatusCode != 403 {
		t.Fatalf("select without a token: %d", r.StatusCode)
	}
}

// Two instances on one database: a theme made and changed through A is served by B
// from its next request, though B keeps the stored themes in memory.
func TestThemeChangeReachesOtherInstance(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := testkit.NewIn(t, dir, appearance.New, info.New, admin.New)
	b := testkit.NewIn(t, dir, appearance.New, info.New, admin.New)
	b.Browser().Get("/assets/theme/ours/style.css").Lacks(t, "#004d40")

	staff := a.StaffBrowserAs("boss", core.RoleAdmin)
	page := copyTheme(t, staff, "ours")
	staff.Post(page+"/css", url.Values{"css": {":root { --accent: #004d40; }"}}).Expect(t, 303)
	b.Browser().Get("/info")
	b.Browser().Get("/assets/theme/ours/style.css").Expect(t, 200, "--accent: #004d40")

	staff.Post(page+"/css", url.Values{"css": {":root { --accent: #bf360c; }"}}).Expect(t, 303)
	b.Browser().Get("/info")
	b.Browser().Get("/assets/theme/ours/style.css").Expect(t, 200, "--accent: #bf360c").Lacks(t, "#004d40")
}
