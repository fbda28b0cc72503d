//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/chromedp/chromedp"
)

// TestConsoleAEnglish walks the staff console from its home page to every action of the
// client card, services and tariffs, invoice groups and staff accounts by clicking
// links and buttons; every page is checked with axe and at 390 and 1440 px.
func TestConsoleAEnglish(t *testing.T) { consoleAWalk(t, "en") }

// TestConsoleACzech is the same walk in Czech, on its own portal so that the two
// languages run in parallel; no Czech page may show an English text of these pages.
func TestConsoleACzech(t *testing.T) { consoleAWalk(t, "cs") }

func consoleAWalk(t *testing.T, lang string) {
	s := start(t)
	english := englishOnly(t)
	s.open("console login", "/admin")
	s.fill("#f-login", "admin", "#f-password", "admin1234")
	s.submit("main form button[type=submit]")
	if strings.HasPrefix(s.path(), "/admin/login") {
		t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
	}
	doc := filepath.Join(t.TempDir(), "smlouva.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.4\n% e2e contract\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := consoleA{suite: s, lang: lang, english: english, doc: doc}
	s.submit(`footer button[name=lang][value=` + lang + `]`)
	c.check("console home")
	c.clientCard()
	c.servicesAndTariffs()
	c.invoiceGroups()
	c.staffAccounts()
}

// consoleA is one language's walk.
type consoleA struct {
	*suite
	lang    string
	english []string // English UI texts that must not appear on a Czech page
	doc     string   // a file to upload
}

// tr picks the text of the walk's language.
func (c consoleA) tr(en, cs string) string {
	if c.lang == "cs" {
		return cs
	}
	return en
}

// check is suite.check plus, in Czech, the scan for English UI text.
func (c consoleA) check(name string) {
	c.t.Helper()
	c.suite.check(name + " " + c.lang)
	if c.lang != "cs" {
		return
	}
	txt := c.text()
	for _, e := range c.english {
		if strings.Contains(txt, e) {
			c.t.Errorf("Czech page %s shows the English text %q", c.path(), e)
		}
	}
}

// click follows a link or presses a button and waits for the next page.
func (c consoleA) click(sel, name string) {
	c.t.Helper()
	c.submit(sel)
	c.check(name)
}

// menu follows a console menu entry.
func (c consoleA) menu(path, name string) {
	c.t.Helper()
	c.click(`nav.menu a[href="`+path+`"]`, name)
}

func (c consoleA) clientCard() {
	c.t.Helper()
	number := "E2E-" + c.lang
	c.menu("/admin/clients", "clients")
	c.click(`main a[href="/admin/clients/new"]`, "new client")
	c.fill("#f-number", number, "#f-name", "Jana Nováková "+c.lang, "#f-email", "jana."+c.lang+"@example.net",
		"#f-phone", "+420 222 333 444", "#f-street", "Korunní 5", "#f-city", "Praha", "#f-postcode", "120 00", "#f-country", "CZ",
		"#f-inv_street", "Vinohradská 1", "#f-inv_city", "Praha 2", "#f-inv_postcode", "120 00", "#f-inv_country", "CZ")
	c.click("main form button[type=submit]", "client created")
	card := c.path()
	if !regexp.MustCompile(`^/admin/clients/\d+$`).MatchString(card) {
		c.t.Fatalf("after creating the client at %s:\n%s", card, tail(c.text(), 800))
	}
	c.expectText(number, "Vinohradská 1")
	c.expectCount(`main nav a[href="#c-documents"]`, 1)
	c.expectCount(`main nav a[href="#c-logins"]`, 1)
	c.expectCount(`main nav a[href="#c-tickets"]`, 1)

	// Edit contact data and the invoice group.
	c.click(`main a[href="`+card+`/edit"]`, "client edit form")
	c.fill("#f-mobile", "+420 777 000 111")
	group := c.attr("#f-invoice_group_id option:nth-child(2)", "value")
	c.choose("#f-invoice_group_id", group)
	c.click("main form button[type=submit]", "client edited")
	c.expectText("+420 777 000 111")

	// A form opened before another save is refused, not saved over it.
	c.click(`main a[href="`+card+`/edit"]`, "client edit form again")
	js[any](c.suite, `document.querySelector("input[name=version]").value = "1"`)
	c.fill("#f-phone", "+420 999 999 999")
	c.click("main form button[type=submit]", "stale save refused")
	c.expectText(c.tr("someone else changed this client", "změnil někdo jiný"))

	// Deactivation needs a reason.
	c.click(`main a[href="`+card+`"]`, "card from the refused form")
	c.click(`main a[href="`+card+`/edit"]`, "client edit to deactivate")
	c.run(clickCSS("#f-active"))
	c.click("main form button[type=submit]", "deactivation without a reason")
	c.expectCount(`#e-inactive_reason.field-error`, 1)
	c.fill("#f-inactive_reason", c.tr("Moved away", "Odstěhoval se"))
	c.click("main form button[type=submit]", "client deactivated")
	c.expectText(c.tr("Moved away", "Odstěhoval se"))

	// A staff note.
	c.fill("#f-note", c.tr("Called about the router", "Volal kvůli routeru"))
	c.click(`main form[action$="/notes"] button[type=submit]`, "note added")
	c.expectText(c.tr("Called about the router", "Volal kvůli routeru"))

	// A document for the client, displayed in the portal.
	c.fill("#f-doc_title", c.tr("Contract", "Smlouva"))
	c.run(chromedp.SetUploadFiles(chromedp.CSS("#f-doc_file"), []string{c.doc}))
	c.click(`main form[action$="/documents"] button[type=submit]`, "document uploaded")
	link := c.attr(`#c-documents ~ div a[href*="/documents/"]`, "href")
	if got := c.fetch(link); !strings.HasPrefix(got, "200") {
		c.t.Fatalf("document download %s: %s", link, got)
	}
	if got := c.fetch(c.attr(`main a[href$="/sheet.pdf"]`, "href")); got != "200 application/pdf" {
		c.t.Fatalf("configuration sheet: %s", got)
	}

	// A service on the client's card, then edited.
	c.click(`main a[href="`+card+`/services/new"]`, "new service")
	c.fill("#f-name", "Internet "+c.lang, "#f-address", "Korunní 5, Praha", "#f-ip", "192.0.2.77")
	c.choose("#f-tariff", c.attr("#f-tariff option:nth-child(2)", "value"))
	c.run(clickCSS("#f-dhcp"))
	c.click("main form button[type=submit]", "service added")
	c.expectText("Internet "+c.lang, c.tr("Via DHCP", "Přes DHCP"))
	c.click(`#c-services ~ div a[href$="/edit"]`, "service edit form")
	c.choose("#f-state", "suspended")
	c.click("main form button[type=submit]", "service edited")
	c.expectText(c.tr("Suspended", "Pozastavená"))
}

func (c consoleA) servicesAndTariffs() {
	c.t.Helper()
	c.menu("/admin/services", "services list")
	c.fill("#f-q", "E2E-"+c.lang)
	c.click("main form[role=search] button[type=submit]", "services search")
	c.expectText("Internet " + c.lang)
	c.menu("/admin/tariffs", "tariffs")
	c.fill("#f-name", "Optika "+c.lang, "#f-price", "649.50", "#f-down", "500000", "#f-up", "100000", "#f-fup_limit", "250",
		"#f-fup_down", "5000", "#f-fup_up", "1000")
	c.click("#tariff-form button[type=submit]", "tariff created")
	c.expectText("Optika " + c.lang)
	c.click(`main table a[href*="?edit="]`, "tariff edit form")
	c.run(clickCSS("#f-hide_traffic"))
	c.fill("#f-price", "abc")
	c.click("#tariff-form button[type=submit]", "tariff with a bad price")
	c.expectCount("#e-price.field-error", 1)
	c.fill("#f-price", "499")
	c.click("#tariff-form button[type=submit]", "tariff edited")
}

func (c consoleA) invoiceGroups() {
	c.t.Helper()
	c.menu("/admin/groups", "invoice groups")
	c.click(`main a[href="/admin/groups/new"]`, "new invoice group")
	c.fill("#f-name", "Firmy "+c.lang, "#f-supplier_name", "NetWave s.r.o.", "#f-street", "Vinohradská 12", "#f-city", "Praha 2",
		"#f-registration_no", "12345678", "#f-vat_no", "CZ12345678", "#f-email", "podpora@netwave.example",
		"#f-web", "https://netwave.example", "#f-bank_account", "2400123456/2010", "#f-iban", "CZ6520100000002400123456")
	c.click("main form button[type=submit]", "invoice group created")
	if got := c.attr("#f-supplier_name", "value"); got != "NetWave s.r.o." || !strings.HasPrefix(c.path(), "/admin/groups/") {
		c.t.Fatalf("group not saved (%q at %s):\n%s", got, c.path(), tail(c.text(), 800))
	}
	c.fill("#f-iban", "12345")
	c.click("main form button[type=submit]", "invoice group with a bad IBAN")
	c.expectCount("#e-iban.field-error", 1)
	// The first (demo) group has clients and links its templates.
	c.menu("/admin/groups", "invoice groups again")
	c.click(`main table a[href^="/admin/groups/"]`, "invoice group with clients")
	c.click(`main a[href^="/admin/templates?group="]`, "e-mail templates of the group")
}

func (c consoleA) staffAccounts() {
	c.t.Helper()
	login := "petra-" + c.lang
	c.menu("/admin/staff", "staff accounts")
	c.click(`main a[href="/admin/staff/new"]`, "new staff account")
	c.fill("#f-login", login, "#f-name", "Petra Dvořáková", "#f-email", login+"@isp.example")
	c.choose("#f-role", "support")
	c.run(clickCSS("#f-send_tasks"), clickCSS("#f-send_requests"))
	c.click("main form button[type=submit]", "staff account created")
	c.expectCount("main .flash code", 1)
	// Failed API logins count against the account; its page then offers to unlock it.
	for i := 0; i < 3; i++ {
		js[any](c.suite, fmt.Sprintf(`fetch("/jsonrpc", {method: "POST", headers: {"Content-Type": "application/json"},
			body: JSON.stringify({jsonrpc: "2.0", id: 1, method: "session.info", auth: {login: %q, password: "wrong-%d"}})}).then(r => r.status)`, login, i))
	}
	c.openStaff(login, "staff account")
	c.click(`main form[action$="/unlock"] button`, "staff unlocked")
	c.click(`main form[action$="/password"] button`, "staff password reset")
	c.expectCount("main .flash code", 1)
	c.choose("#f-role", "readonly")
	c.run(clickCSS("#f-active"))
	c.click("main form.stack button[type=submit]", "staff edited")
	c.expectCount("#f-active:not(:checked)", 1)
	// The last administrator cannot deactivate themselves.
	c.openStaff("admin", "own account")
	c.run(clickCSS("#f-active"))
	c.click("main form.stack button[type=submit]", "last admin kept")
	c.expectCount("#e-active.field-error", 1)
}

// openStaff follows the console menu to the staff list and the account's link there.
func (c consoleA) openStaff(login, name string) {
	c.t.Helper()
	c.menu("/admin/staff", "staff list")
	href := js[string](c.suite, fmt.Sprintf(`[...document.querySelectorAll("main table a")].find(a => a.textContent === %q).getAttribute("href")`, login))
	c.click(`main table a[href="`+href+`"]`, name)
}

// englishOnly lists the English texts of the console pages this test walks that
// differ from their Czech texts: a Czech page showing one has an untranslated string.
// Texts with placeholders and very short ones (codes, "SMS", "IBAN") are left out.
func englishOnly(t *testing.T) []string {
	var out []string
	for _, mod := range []string{"admin", "services", "documents"} {
		var en, cs map[string]any
		if _, err := toml.DecodeFile(filepath.Join("..", "modules", mod, "locales", "en.toml"), &en); err != nil {
			t.Fatal(err)
		}
		if _, err := toml.DecodeFile(filepath.Join("..", "modules", mod, "locales", "cs.toml"), &cs); err != nil {
			t.Fatal(err)
		}
		for k, v := range en {
			if !strings.Contains(k, "staff") && !strings.Contains(k, "client") && !strings.Contains(k, "group") {
				continue
			}
			text, ok := v.(string) // plural forms are tables: left out
			if !ok || len(text) < 6 || strings.Contains(text, "{{") || text == cs[k] {
				continue
			}
			out = append(out, text)
		}
	}
	return out
}
