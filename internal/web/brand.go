package web

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// Brand is the brand a request's host picked (the brands module resolves it; see
// Web.ResolveBrand). A portal without the brands module has none: every request is
// the installation's own, as before.
type Brand struct {
	ID      int64
	Default bool // the brand of unknown hosts and of clients with brand 0
	Name    string
	// Hidden names the modules (app.Info.Name) whose sections this brand does not
	// show: their menu entries go and their pages answer 404.
	Hidden map[string]bool
	// LogoURL and LoginLogoURL are the brand's own logo files (path below the base
	// path), "" when it uses the theme's.
	LogoURL, LoginLogoURL string
	// CSSURL and ScriptURL are the brand's custom style sheet and script (a path the
	// portal serves, or for the script an https address), "" for none.
	CSSURL, ScriptURL string
	// ScriptSource is the Content-Security-Policy source admitting exactly an
	// external ScriptURL ("" when the script is served by the portal, or none).
	ScriptSource string
	// Settings is the brand's view of the settings (settings.Store.Brand).
	Settings *settings.Store
}

// HostName is the host the client addressed (Host, or X-Forwarded-Host from a trusted
// proxy, as Host says), lower case, without port or trailing dot: what a brand's
// domains are matched against.
func (w *Web) HostName(c *fiber.Ctx) string {
	return NormalizeHost(w.Host(c))
}

// NormalizeHost lower-cases a host, drops its port, brackets and trailing dot.
func NormalizeHost(h string) string {
	h = strings.TrimSpace(h)
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(h, "]"), "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// BrandOf is the brand of the request, nil without the brands module (or in the
// console, the API and static assets, which belong to no brand).
func (w *Web) BrandOf(c *fiber.Ctx) *Brand { return w.state(c).brand }

// SettingsOf is the settings as the request's brand sees them: its own values of the
// PerBrand settings over the global ones. Use it for what a subscriber page shows.
func (w *Web) SettingsOf(c *fiber.Ctx) *settings.Store {
	if b := w.state(c).brand; b != nil && b.Settings != nil {
		return b.Settings
	}
	return w.Settings
}

// BrandAdmits reports whether a client may log in (or keep a session) on the request's
// host: the request's brand is the client's. Without brands everyone is admitted.
func (w *Web) BrandAdmits(c *fiber.Ctx, cl core.Client) bool {
	b := w.state(c).brand
	if b == nil {
		return true
	}
	if cl.BrandID == 0 {
		return b.Default
	}
	return cl.BrandID == b.ID || (b.Default && !w.brandExists(c, cl.BrandID))
}

// brandExists asks the resolver whether a brand id is known; a client whose brand was
// removed belongs to the default brand.
func (w *Web) brandExists(c *fiber.Ctx, id int64) bool {
	return w.BrandExists == nil || w.BrandExists(c, id)
}

// ShownIn reports whether the request's brand shows a module's section (app.Info.Name).
func (w *Web) ShownIn(c *fiber.Ctx, module string) bool {
	b := w.state(c).brand
	return b == nil || !b.Hidden[module]
}

// resolveBrand picks the request's brand, for subscriber pages only, and forgets a
// client session of another brand (a cookie is bound to its host anyway; this holds
// should two brands ever share a host).
func (w *Web) resolveBrand(c *fiber.Ctx, st *reqState) {
	if w.ResolveBrand == nil || st.area == Staff || st.area == API || st.area == Asset {
		return
	}
	st.brand = w.ResolveBrand(c, w.HostName(c))
	if s := st.session; s != nil && s.ViewAs == 0 && s.client != nil && !w.BrandAdmits(c, *s.client) {
		st.session, st.client = nil, nil
	}
}
