package auth

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// submitLogout ends the session on the server (a replayed cookie is worthless) and
// sends the browser to ci_forward_url_after_logout, or to the login form. Logout is a
// POST with a CSRF token: a link or image on another site cannot log anybody out.
func (m *Module) submitLogout(c *fiber.Ctx) error {
	if s := m.d.Web.Session(c); s != nil {
		cl := m.d.Web.Client(c)
		actor := "client"
		if cl != nil {
			actor = "client:" + cl.Number
		}
		core.Audit(c.UserContext(), m.d.DB.W, core.AuditEntry{At: m.d.Now(), Actor: actor, Action: "logout",
			ClientID: s.ClientID, IP: m.d.Web.ClientIP(c)})
		m.d.Web.EndSession(c, web.KindClient)
	}
	// The registry accepts only absolute http(s) URLs for this setting; it is staff's
	// choice, not the request's, so it is no open redirect.
	if u := settings.ForwardAfterLogout.Get(m.d.Settings); absoluteHTTP(u) {
		return c.Redirect(u, fiber.StatusSeeOther)
	}
	return m.d.Web.Redirect(c, pathLogin)
}

// absoluteHTTP double-checks the stored setting (defence in depth): only an absolute
// http(s) URL with a host and no line breaks or backslashes is followed.
func absoluteHTTP(s string) bool {
	if s == "" || strings.ContainsAny(s, "\\\r\n\t ") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}
