package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// MenuItem is one entry of the subscriber (or staff) menu.
type MenuItem struct {
	Key    string // translation key of the label, or the label itself when Label is set
	Label  string // a literal label (custom buttons), used instead of Key
	Path   string
	Order  int
	NewTab bool
	Active bool
	// When, if set, shows the entry only while it passes (one entry of a module whose
	// other pages stay in the menu, e.g. the GDPR tab beside the always-present own data).
	When func(c *fiber.Ctx) bool
	// Href and Text are what the layout prints: Path under the base path (a local
	// path) or as it is (a custom button's full URL), and the label in the page's
	// language. NewPage fills them, so a menu of ten entries costs the template ten
	// field reads rather than forty calls.
	Href string
	Text string
}

// Flash is a one-shot message shown on the next page.
type Flash struct {
	Kind string // ok | error | info
	Key  string // translation key
	Arg  string // value for {{.Arg}} in the message
}

// Page is the base view model of every page: who is looking, in which language and
// theme, the menu, the CSRF token and flashes. A module puts its own data in Data.
type Page struct {
	Title   string // translation key (or literal) of the page title
	Lang    string
	Theme   string
	CSRF    string
	Path    string
	Flashes []Flash
	Client  *core.Client
	Staff   *core.Staff
	Menu    []MenuItem
	Footer  *core.InvoiceGroup // supplier footer, when ci_display_supplier_contact is on
	Layout  string             // "layouts/main" unless set
	Errors  map[string]string  // field -> translation key of the error
	Form    map[string]string  // submitted values to show again
	Data    any
	Status  int
	Content template.HTML // the rendered page, inside the layout
	// MenuHTML is partials/menu rendered for Menu (empty without a menu); Render
	// fills it from a cache shared by every page with the same entries.
	MenuHTML template.HTML
	Base     string // base path the portal is mounted under ("" at the root)
	ViewAs   bool   // staff viewing as this client (read-only)
	// Brand is the brand of the request (nil without brands or in the console): its
	// logo, style sheet and script; FooterText is ci_footer_text as it sees it.
	Brand      *Brand
	FooterText string

	web *Web
	st  *settings.Store // the settings as the request's brand sees them
}

// MenuView is what partials/menu sees: the entries and the language, nothing of the
// client, so that one rendering can serve every client with the same menu.
type MenuView struct {
	Items []MenuItem
	Lang  string
	web   *Web
}

// T translates a key into the menu's language.
func (v MenuView) T(key string, args ...any) string { return v.web.Catalog.T(v.Lang, key, args...) }

// T translates a key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.web.Catalog.T(p.Lang, key, args...) }

// PortalName is the name beside the logo and in the page title (see Web.PortalName).
func (p *Page) PortalName() string {
	st := p.st
	if st == nil {
		st = p.web.Settings
	}
	return p.web.portalName(st, p.Lang)
}

// Err returns the translated error of a form field, or "".
func (p *Page) Err(field string) string {
	if k, ok := p.Errors[field]; ok {
		return p.T(k)
	}
	return ""
}

// Val returns the submitted value of a form field.
func (p *Page) Val(field string) string { return p.Form[field] }

// Langs lists the languages for the switcher (shared, never to be modified).
func (p *Page) Langs() []MenuItem { return switchers[p.Lang] }

// switchers holds the language switcher as seen from each language, built once.
var switchers = func() map[string][]MenuItem {
	m := map[string][]MenuItem{}
	for _, cur := range append([]string{""}, Languages...) {
		for _, l := range Languages {
			m[cur] = append(m[cur], MenuItem{Key: l, Label: LanguageNames[l], Active: l == cur})
		}
	}
	return m
}()

// Date formats a date the local way: 2.1.2026 in Czech, 2026-01-02 in English.
func (p *Page) Date(t time.Time) string { return FormatDate(p.Lang, t) }

// FormatDate formats a date for a language, as Page.Date does in templates.
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	if lang == "cs" {
		return strconv.Itoa(t.Day()) + ". " + strconv.Itoa(int(t.Month())) + ". " + strconv.Itoa(t.Year())
	}
	return t.Format("2006-01-02")
}

// DateTime formats a moment in the server's local time.
func (p *Page) DateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	t = t.Local()
	return p.Date(t) + " " + t.Format("15:04")
}

// Money formats an amount held in minor units (hundredths): 1 234,50 Kč or CZK 1,234.50.
func (p *Page) Money(minor int64, currency string) string {
	return FormatMoney(p.Lang, minor, currency)
}

// FormatMoney formats an amount in minor units for a language.
func FormatMoney(lang string, minor int64, currency string) string {
	neg := minor < 0
	// In uint64, so that the lowest int64 (which has no positive twin) prints too.
	abs := uint64(minor)
	if neg {
		abs = -abs
	}
	whole := strconv.FormatUint(abs/100, 10)
	frac := fmt.Sprintf("%02d", abs%100)
	sep, dec := ",", "."
	if lang == "cs" {
		sep, dec = "\u00a0", ","
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	num := b.String() + dec + frac
	if neg {
		num = "−" + num
	}
	if lang == "cs" {
		sym := currency
		if currency == "CZK" {
			sym = "Kč"
		}
		return num + "\u00a0" + sym
	}
	return currency + "\u00a0" + num
}

// URL prefixes a local path with the base path.
func (p *Page) URL(path string) string { return p.Base + path }

// ThemeURL is the address of a theme file. A file that can change while the portal
// runs (a custom or stored theme's own) carries its version, so that browsers may keep
// it for a long time and still see a new upload at once.
func (p *Page) ThemeURL(theme, file string) string {
	u := p.Base + "/assets/theme/" + theme + "/" + file
	if v := p.web.Themes.pageVersion(theme, file); v != "" {
		u += "?v=" + url.QueryEscape(v)
	}
	return u
}

// LogoURL is the logo in the header: the brand's login-page logo on pages for a
// visitor who is not logged in (the login form), else the brand's logo, else the
// theme's.
func (p *Page) LogoURL() string {
	if b := p.Brand; b != nil {
		if p.Client == nil && b.LoginLogoURL != "" {
			return b.LoginLogoURL
		}
		if b.LogoURL != "" {
			return b.LogoURL
		}
	}
	return p.ThemeURL(p.Theme, "images/logo.png")
}
