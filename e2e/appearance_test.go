//go:build e2e

package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAppearance copies a theme in the console, uploads its logo through the file
// input, is refused a hostile SVG, previews the theme and selects it; the subscriber
// then sees the new logo. Every page is checked with axe at 390 and 1440 px, in
// English and in Czech.
func TestAppearance(t *testing.T) {
	s := start(t)
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 260, 60))
	for x := 0; x < 260; x++ {
		for y := 0; y < 60; y++ {
			img.Set(x, y, color.RGBA{0, 77, 64, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	logo := filepath.Join(dir, "company-logo.png")
	hostile := filepath.Join(dir, "logo.svg")
	os.WriteFile(logo, buf.Bytes(), 0o600)
	os.WriteFile(hostile, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`), 0o600)

	click := func(name, sel string) {
		t.Helper()
		s.expectCount(sel, 1)
		s.submit(sel)
		s.check(name)
	}
	staffLogin := func() {
		s.run(chromedp.Navigate(s.base+"/admin"), chromedp.WaitReady(chromedp.CSS("body")))
		if strings.HasPrefix(s.path(), "/admin/login") {
			s.fill("#f-login", "admin", "#f-password", "admin1234")
			s.submit("main form button[type=submit]")
		}
		if p := s.path(); strings.HasPrefix(p, "/admin/login") {
			t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
		}
	}
	uploadSel := `main form:has(input[name=kind][value=logo]) button[type=submit]`

	t.Run("English: copy, upload, preview, select", func(t *testing.T) {
		s.t = t
		staffLogin()
		s.check("console home")
		click("appearance", `nav.menu a[href="/admin/appearance"]`)
		s.expectText("built in (read-only)", "netwave")
		s.choose("#f-source", "default")
		s.fill("#f-name", "company")
		click("appearance copied", `main form[action="/admin/appearance/copy"] button[type=submit]`)
		s.expectText("The theme company was created.", "Files not uploaded here come from the theme default.")

		s.run(chromedp.SetUploadFiles(chromedp.CSS("#f-logo"), []string{hostile}))
		click("appearance hostile svg refused", uploadSel)
		s.expectText("The SVG contains scripts")
		s.run(chromedp.SetUploadFiles(chromedp.CSS("#f-logo"), []string{logo}))
		click("appearance logo uploaded", uploadSel)
		s.expectText("The file was stored.", "image/png")

		click("appearance preview", `main a[href$="/preview"]`)
		s.expectText("Preview of the theme company", "A sample page")
		if src := s.attr("header .logo img", "src"); !strings.Contains(src, "/assets/theme/company/images/logo.png?v=") {
			t.Fatalf("preview logo: %s", src)
		}
		s.imageLoaded("header .logo img")
		click("appearance selected", `main form[action$="/select"] button[type=submit]`)
		s.expectText("The portal now uses the theme company.")

		s.asDemo()
		s.open("client with the new theme", "/info")
		if src := s.attr("header .logo img", "src"); !strings.Contains(src, "/assets/theme/company/images/logo.png?v=") {
			t.Fatalf("subscriber logo: %s", src)
		}
		s.imageLoaded("header .logo img")
		s.logout()
	})

	t.Run("Czech: the same pages", func(t *testing.T) {
		s.t = t
		staffLogin()
		s.submit(`footer button[name=lang][value=cs]`)
		s.check("console home cs")
		click("appearance cs", `nav.menu a[href="/admin/appearance"]`)
		s.expectText("Kopírovat motiv", "vybraný")
		click("appearance theme cs", `main a[href^="/admin/appearance/"]:not([href$="/preview"])`)
		s.expectText("Logo při údržbě", "Upravit styly")
		s.run(chromedp.SetUploadFiles(chromedp.CSS("#f-logo"), []string{hostile}))
		click("appearance hostile svg cs", uploadSel)
		s.expectText("SVG obsahuje skripty")
		click("appearance preview cs", `main a[href$="/preview"]`)
		s.expectText("Náhled motivu", "Ukázková stránka")
		for _, w := range []string{"Preview", "Appearance", "Copy a theme", "sample page"} {
			if strings.Contains(s.text(), w) {
				t.Fatalf("Czech preview shows %q", w)
			}
		}
	})
}

// TestOutboxRevealLink: a password-link mail that cannot be delivered (the mail server
// is down) waits in the outbox; an administrator opens it from the console, reveals
// the link (audited), and the link sets the client's password.
func TestOutboxRevealLink(t *testing.T) {
	s := start(t)
	// Nothing listens on this port: every delivery attempt fails and the mail waits.
	s.cli("settings", "set", "smtp_port", strconv.Itoa(freePort(t)))
	click := func(name, sel string) {
		t.Helper()
		s.expectCount(sel, 1)
		s.submit(sel)
		s.check(name)
	}
	s.run(chromedp.Navigate(s.base+"/admin"), chromedp.WaitReady(chromedp.CSS("body")))
	s.fill("#f-login", "admin", "#f-password", "admin1234")
	s.submit("main form button[type=submit]")
	s.check("console home")
	click("clients", `nav.menu a[href="/admin/clients"]`)
	s.fill("#f-q", "1001")
	click("clients found", "main form[role=search] button[type=submit]")
	click("client card", `main table tbody tr:first-child a[href^="/admin/clients/"]`)
	click("password link sent", `main form[action$="/password"] button[value=link]`)

	click("tools", `nav.menu a[href="/admin/tools"]`)
	click("outbox", `main a[href="/admin/tools/outbox"]`)
	click("waiting mail", `main table tbody tr:first-child a[href^="/admin/tools/outbox/"]`)
	s.expectText("[removed]")
	click("link revealed", `main form[action$="/reveal"] button[type=submit]`)
	s.expectText("The password link is shown")
	link := regexp.MustCompile(regexp.QuoteMeta(s.base) + `/password/[^\s"<]+`).FindString(s.text())
	if link == "" {
		t.Fatalf("no link on the revealed mail:\n%s", tail(s.text(), 1500))
	}

	s.clearCookies()
	s.run(chromedp.Navigate(link), chromedp.WaitReady(chromedp.CSS("body")))
	s.check("password from the revealed link")
	s.fill("#password", "Revealed-Link-2026", "#password2", "Revealed-Link-2026")
	s.submit("main form button[type=submit]")
	s.check("password set")
	s.login("demo", "Revealed-Link-2026") // the demo client logs in with its username
	if p := s.path(); strings.HasPrefix(p, "/login") {
		t.Fatalf("login with the new password failed at %s:\n%s", p, tail(s.text(), 800))
	}
}
