package brands_test

import (
	"bytes"
	"context"
	"database/sql"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/brands"
	"github.com/ispportal/portal/modules/contact"
	"github.com/ispportal/portal/modules/info"
)

const pw = "Brand-Password-2026"

// on sends a request to the app as if addressed to host; a form gets the browser's
// CSRF token.
func on(b *testkit.Browser, host, method, path string, form url.Values, hdr ...string) *testkit.Response {
	var body io.Reader
	if form != nil {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if f.Get("csrf") == "" {
			f.Set("csrf", b.CSRF())
		}
		body = strings.NewReader(f.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.Host = host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.Do(req)
}

// setup boots the portal with brands, a second brand "FiberNet" on b.example and one
// client of each brand with a password.
func setup(t *testing.T) (env *testkit.Env, brandB, clientA, clientB int64) {
	t.Helper()
	env = testkit.New(t, info.New, contact.New, brands.New, auth.New, admin.New)
	env.Set("ci_portal_name", "NetWave")
	ctx := context.Background()
	env.Tx(func(tx *sql.Tx) error {
		var err error
		brandB, err = brands.Save(ctx, tx, env.Deps, []string{"info", "contact"}, brands.Input{Name: "FiberNet",
			Domains: []string{"B.example", "www.b.example."}, Hidden: []string{"contact"},
			Settings: map[string]string{"ci_footer_text": "© FiberNet s.r.o.", "ci_skin_theme": "green"}}, brands.Who{Actor: "test"})
		return err
	})
	clientA, clientB = env.AddClient("1001", 0), env.AddClient("2001", 0)
	h, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	env.Tx(func(tx *sql.Tx) error {
		for _, id := range []int64{clientA, clientB} {
			if err := auth.SavePassword(ctx, tx, id, h, false, time.Time{}, env.Clock.Now()); err != nil {
				return err
			}
		}
		return brands.Assign(ctx, tx, env.Deps, clientB, brandB, brands.Who{Actor: "test"})
	})
	return env, brandB, clientA, clientB
}

var csrfRE = regexp.MustCompile(`name="csrf" value="[^"]+"`)

// norm drops the CSRF token, the one thing two answers of the same form differ in.
func norm(s string) string { return csrfRE.ReplaceAllString(s, "") }

func login(b *testkit.Browser, host, name string) *testkit.Response {
	on(b, host, http.MethodGet, "/login", nil)
	return on(b, host, http.MethodPost, "/login", url.Values{"login": {name}, "password": {pw}})
}

// TestHostPicksBrand: the Host header picks the brand (port and case aside), unknown
// hosts get the default; X-Forwarded-Host counts only from a trusted proxy.
func TestHostPicksBrand(t *testing.T) {
	t.Parallel()
	env, _, _, _ := setup(t)
	b := env.Browser()
	on(b, "b.example", http.MethodGet, "/login", nil).Expect(t, 200, "– FiberNet</title>", "© FiberNet s.r.o.", "/assets/theme/green/style.css")
	on(b, "WWW.B.example:8443", http.MethodGet, "/login", nil).Expect(t, 200, "– FiberNet</title>")
	on(b, "portal.netwave.example", http.MethodGet, "/login", nil).Expect(t, 200, "– NetWave</title>").Lacks(t, "FiberNet")
	// A client that is not the proxy cannot choose the brand with X-Forwarded-Host.
	on(b, "portal.netwave.example", http.MethodGet, "/login", nil, "X-Forwarded-Host", "b.example").
		Expect(t, 200, "– NetWave</title>").Lacks(t, "FiberNet")
	// The trusted proxy's forwarded host counts (its right-most value).
	p := env.Browser()
	p.RemoteAddr = "10.99.0.1:5000"
	on(p, "127.0.0.1:9080", http.MethodGet, "/login", nil, "X-Forwarded-Host", "evil.example, b.example").Expect(t, 200, "– FiberNet</title>")
	on(p, "b.example", http.MethodGet, "/login", nil, "X-Forwarded-Host", "portal.netwave.example").
		Expect(t, 200, "– NetWave</title>").Lacks(t, "FiberNet")
}

// TestBrandLogin: a client logs in on their brand's hosts only; on another brand's
// host the answer is the wrong-password one. A session does not carry to another
// brand's host, and the hidden section is 404 and out of the menu.
func TestBrandLogin(t *testing.T) {
	t.Parallel()
	env, _, _, _ := setup(t)
	wrong := "The login name or password is wrong."
	bad := env.Browser()
	on(bad, "b.example", http.MethodGet, "/login", nil)
	refused := on(bad, "b.example", http.MethodPost, "/login", url.Values{"login": {"2001"}, "password": {"not the password"}}).
		Expect(t, 422, wrong)
	a := env.Browser()
	crossed := login(a, "b.example", "1001").Expect(t, 422, wrong)
	if norm(crossed.Body) != norm(strings.ReplaceAll(refused.Body, "2001", "1001")) {
		t.Fatal("a client of another brand gets another answer than a wrong password")
	}
	login(env.Browser(), "portal.netwave.example", "2001").Expect(t, 422, wrong)
	if env.AuditCount("login.fail", "client:1001") != 1 || env.AuditCount("login.fail", "client:2001") != 2 {
		t.Fatal("refused logins not counted as failures")
	}

	b := env.Browser()
	if r := login(b, "b.example", "2001"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("own brand login: %d", r.StatusCode)
	}
	on(b, "b.example", http.MethodGet, "/info", nil).Expect(t, 200, "2001").Lacks(t, `href="/contact"`)
	on(b, "b.example", http.MethodGet, "/contact", nil).Expect(t, 404)
	// The same cookie sent to the default brand's host is no session there.
	if r := on(b, "portal.netwave.example", http.MethodGet, "/info", nil); r.StatusCode != http.StatusSeeOther ||
		r.Header.Get("Location") != "/login" {
		t.Fatalf("session of brand B on brand A's host: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	a = env.Browser()
	if r := login(a, "portal.netwave.example", "1001"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("default brand login: %d", r.StatusCode)
	}
	on(a, "portal.netwave.example", http.MethodGet, "/info", nil).Expect(t, 200, `href="/contact"`)
	on(a, "portal.netwave.example", http.MethodGet, "/contact", nil).Expect(t, 200)
}

func imageOf(w, h int, format string) []byte {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.RGBA{0, 120, 60, 255}})
	img.SetColorIndex(1, 1, 1)
	var b bytes.Buffer
	if format == "gif" {
		gif.Encode(&b, img, nil)
	} else {
		png.Encode(&b, img)
	}
	return b.Bytes()
}

// TestStaffBrands: the console's brand pages refuse bad input with the field's
// message and store nothing; logos, style sheet and script are served as files; the
// CSP admits exactly the configured script address.
func TestStaffBrands(t *testing.T) {
	t.Parallel()
	env, brandB, _, clientB := setup(t)
	s := env.StaffBrowserAs("boss", core.RoleAdmin)
	s.Get("/admin/brands").Expect(t, 200, "FiberNet", "b.example", "Default", "New brand")
	s.Get("/admin/brands/new").Expect(t, 200, "Host names")
	before := env.Count(`SELECT COUNT(*) FROM brands`)
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"name": {""}, "domains": {"c.example"}}, "Enter a name"},
		{url.Values{"name": {"C"}, "domains": {""}}, "at least one host name"},
		{url.Values{"name": {"C"}, "domains": {"https://c.example/"}}, "Enter host names only"},
		{url.Values{"name": {"C"}, "domains": {"c.example\nb.example"}}, "belongs to another brand"},
		{url.Values{"name": {"C"}, "domains": {"c.example"}, "css": {"a{}</style><script>alert(1)</script>"}}, "contains something not allowed"},
		{url.Values{"name": {"C"}, "domains": {"c.example"}, "js_url": {"http://cdn.example/x.js"}}, "must start with https://"},
		{url.Values{"name": {"C"}, "domains": {"c.example"}, "js_url": {"https://cdn.example/x.js' 'unsafe-inline"}}, "must start with https://"},
		{url.Values{"name": {"C"}, "domains": {"c.example"}, "js_url": {"https://cdn.example/x.js"}, "js": {"alert(1)"}}, "not both"},
		{url.Values{"name": {"C"}, "domains": {"c.example"}, "setting_ci_url": {"javascript:alert(1)"}}, "Not a valid value"},
	} {
		s.Post("/admin/brands", c.form).Expect(t, 422, c.want)
	}
	if env.Count(`SELECT COUNT(*) FROM brands`) != before || env.Count(`SELECT COUNT(*) FROM brand_domains WHERE host = 'c.example'`) != 0 {
		t.Fatal("refused brand stored")
	}
	page := "/admin/brands/" + strconv.FormatInt(brandB, 10)
	js := "document.documentElement.dataset.brand = '</script><script>alert(1)</script>';"
	s.Post(page, url.Values{"name": {"FiberNet"}, "domains": {"b.example"}, "css": {".top { color: #063; }"}, "js": {js},
		"setting_ci_footer_text": {"© FiberNet"}}).Expect(t, 303)
	s.Get(page).Expect(t, 200, "© FiberNet", "b.example")

	// Logos: an image by its content, at most 350 px wide and 512 KB.
	up := page + "/logo"
	s.Upload(up, url.Values{"kind": {"logo"}}, "file", "logo.png", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")).Expect(t, 422, "not a JPEG, PNG or GIF")
	s.Upload(up, url.Values{"kind": {"logo"}}, "file", "logo.png", []byte("GIF89a\x10\x00\x10\x00 a header and nothing else")).Expect(t, 422, "not a JPEG, PNG or GIF")
	s.Upload(up, url.Values{"kind": {"logo"}}, "file", "logo.png", imageOf(351, 40, "png")).Expect(t, 422, "at most 350 pixels wide")
	s.Upload(up, url.Values{"kind": {"logo"}}, "file", "logo.png", append(imageOf(20, 20, "png"), make([]byte, 600<<10)...)).Expect(t, 422, "at most 512 KB")
	s.Upload(up, url.Values{"kind": {"nope"}}, "file", "logo.png", imageOf(20, 20, "png")).Expect(t, 400)
	if env.Count(`SELECT COUNT(*) FROM brands WHERE logo IS NOT NULL OR login_logo IS NOT NULL`) != 0 {
		t.Fatal("a refused logo was stored")
	}
	s.Upload(up, url.Values{"kind": {"logo"}}, "file", "logo.txt", imageOf(350, 60, "gif")).Expect(t, 303) // named .txt, a GIF inside
	s.Upload(up, url.Values{"kind": {"login_logo"}}, "file", "l.png", imageOf(300, 80, "png")).Expect(t, 303)

	// The brand's pages: its files, never inline.
	cl := env.Browser()
	p := on(cl, "b.example", http.MethodGet, "/login", nil).Expect(t, 200, "/brand/"+strconv.FormatInt(brandB, 10)+"/custom.css?v=",
		"/brand/"+strconv.FormatInt(brandB, 10)+"/custom.js?v=", "/brand/"+strconv.FormatInt(brandB, 10)+"/login-logo?v=").
		Lacks(t, "alert(1)", "dataset.brand")
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Fatalf("CSP admits more than the portal's own script: %s", csp)
	}
	id := strconv.FormatInt(brandB, 10)
	for _, f := range []struct{ path, typ, body string }{
		{"/brand/" + id + "/custom.js", "text/javascript; charset=utf-8", js},
		{"/brand/" + id + "/custom.css", "text/css; charset=utf-8", ".top { color: #063; }"},
		{"/brand/" + id + "/logo", "image/gif", ""},
		{"/brand/" + id + "/login-logo", "image/png", ""},
	} {
		r := on(cl, "b.example", http.MethodGet, f.path, nil).Expect(t, 200, f.body)
		if r.Header.Get("Content-Type") != f.typ || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: %s, nosniff %q", f.path, r.Header.Get("Content-Type"), r.Header.Get("X-Content-Type-Options"))
		}
	}
	on(cl, "b.example", http.MethodGet, "/brand/1/custom.js", nil).Expect(t, 404)
	on(cl, "b.example", http.MethodGet, "/brand/"+id+"/../../etc/passwd", nil).Expect(t, 404)

	// An external script: exactly its address in script-src.
	s.Post(page, url.Values{"name": {"FiberNet"}, "domains": {"b.example"}, "js_url": {"https://cdn.fibernet.example/portal.js?x=1"}}).Expect(t, 303)
	p = on(cl, "b.example", http.MethodGet, "/login", nil).Expect(t, 200, `src="https://cdn.fibernet.example/portal.js?x=1"`)
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' https://cdn.fibernet.example/portal.js;") {
		t.Fatalf("CSP: %s", csp)
	}
	if csp := on(cl, "portal.netwave.example", http.MethodGet, "/login", nil).Header.Get("Content-Security-Policy"); strings.Contains(csp, "fibernet") {
		t.Fatalf("another brand's script admitted: %s", csp)
	}

	// The client card: the brand, and moving the client.
	s.Get("/admin/clients/"+strconv.FormatInt(clientB, 10)).Expect(t, 200, "Brand", `value="`+id+`" selected`)
	s.Post("/admin/clients/"+strconv.FormatInt(clientB, 10)+"/brand", url.Values{"brand": {"999"}}).Expect(t, 422, "Choose one of the brands")
	s.Post("/admin/clients/"+strconv.FormatInt(clientB, 10)+"/brand", url.Values{"brand": {"1"}}).Expect(t, 303)
	if env.Count(`SELECT brand_id FROM clients WHERE id = ?`, clientB) != 0 {
		t.Fatal("client not moved to the default brand")
	}
	// Deleting: never the default brand.
	s.Post("/admin/brands/1/delete", nil).Expect(t, 400)
	s.Post(page+"/delete", nil).Expect(t, 303)
	on(cl, "b.example", http.MethodGet, "/login", nil).Expect(t, 200, "– NetWave</title>")
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'brand.%' AND actor = 'staff:boss' AND ip != ''`); n != 6 {
		t.Fatalf("%d brand changes audited with the address", n)
	}

	// Read-only staff see the brands, change nothing.
	ro := env.StaffBrowserAs("viewer", core.RoleReadOnly)
	ro.Get("/admin/brands").Expect(t, 200, "Default").Lacks(t, "New brand")
	ro.Post("/admin/brands", url.Values{"name": {"X"}, "domains": {"x.example"}}).Expect(t, 403)
}

// TestBrandMail: a password link asked for on the brand's host goes to the client's
// brand's address, from the brand's sender name.
func TestBrandMail(t *testing.T) {
	t.Parallel()
	env, brandB, clientA, clientB := setup(t)
	env.Set("system_mail", "portal@netwave.example")
	env.Set("system_mail_name", "NetWave")
	env.Set("ci_url", "https://portal.netwave.example/")
	env.Set("ci_forgotten_password", "username")
	env.Tx(func(tx *sql.Tx) error {
		if err := env.Deps.Settings.SetBrandTx(context.Background(), tx, "system_mail_name", brandB, "FiberNet", "test"); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE clients SET email = 'client' || number || '@example.net' WHERE id IN (?, ?)`, clientA, clientB)
		return err
	})
	if err := env.Deps.Settings.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ host, number string }{{"b.example", "2001"}, {"portal.netwave.example", "1001"}} {
		b := env.Browser()
		on(b, c.host, http.MethodGet, "/password/forgot", nil).Expect(t, 200)
		on(b, c.host, http.MethodPost, "/password/forgot", url.Values{"login": {c.number}}).Expect(t, 200)
	}
	srv := mailtest.Start(t)
	w := mail.NewWorker(env.Deps.DB, func() mail.SMTPConfig {
		c := srv.Config()
		c.FromNameOf = app.BrandSender(env.Deps.DB, env.Deps.Settings)
		return c
	}, env.Deps.Log, env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]mailtest.Message{}
	for _, m := range srv.Messages() {
		got[m.To[0]] = m
	}
	b, a := got["client2001@example.net"], got["client1001@example.net"]
	if !strings.Contains(b.Header.Get("From"), "FiberNet") || !strings.Contains(b.Text, "https://b.example/password/reset?token=") {
		t.Fatalf("brand B mail: From %q\n%s", b.Header.Get("From"), b.Text)
	}
	if !strings.Contains(a.Header.Get("From"), srv.Config().FromName) || !strings.Contains(a.Text, "https://portal.netwave.example/password/reset?token=") {
		t.Fatalf("default brand mail: From %q\n%s", a.Header.Get("From"), a.Text)
	}
}
