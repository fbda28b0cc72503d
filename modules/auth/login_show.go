package auth

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/settings"
)

// loginData is the login page's data. It is the same for unknown names, wrong
// passwords and locked accounts, apart from Error and Minutes.
type loginData struct {
	Forgot  bool   // show the forgotten-password link
	Error   string // translation key of the failure, "" on a fresh form
	Minutes int    // minutes a lock still lasts
}

// showLogin renders the login form; a logged-in client goes to the portal.
func (m *Module) showLogin(c *fiber.Ctx) error {
	if s := m.d.Web.Session(c); s != nil {
		if s.Restricted {
			return m.d.Web.Redirect(c, pathNew)
		}
		return m.d.Web.Redirect(c, "/")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.d.Web.Show(c, tplLogin, "auth.login.title", loginData{Forgot: m.mailConfigured()})
}

// mailConfigured reports whether the system sender is set: without it no password
// link can be sent, so the forgotten-password link is hidden (seed).
func (m *Module) mailConfigured() bool {
	return settings.SystemMail.Get(m.d.Settings) != "" && settings.SystemMailName.Get(m.d.Settings) != ""
}
