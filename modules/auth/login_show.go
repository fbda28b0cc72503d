package auth

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/settings"
)

// loginData is the login page's data. It is the same for unknown names, wrong
// passwords and locked accounts, apart from Error and Minutes.
type loginData struct {
	Forgot    bool   // show the forgotten-password link
	Usernames bool   // ci_enable_login_name_creation: the label asks for number or username
	Error     string // translation key of the failure, "" on a fresh form
	Minutes   int    // minutes a lock still lasts
	Hint      bool   // a number failed while some client has a username: say usernames replace numbers
	Passkey   string // where "log in with a passkey" posts; "" when passkeys are off
	Signup    bool   // the self sign-up module is mounted and on: link to it
}

// loginData is the data of a fresh login form.
func (m *Module) loginData() loginData {
	d := loginData{Forgot: m.mailConfigured(), Usernames: settings.LoginNameCreation.Get(m.d.Settings)}
	if _, ok := m.d.Declared.Prefix("signup"); ok && settings.SignupEnable.Get(m.d.Settings) &&
		settings.SignupTemplateClient.Get(m.d.Settings) != "" {
		d.Signup = true
	}
	if m.flow.PasskeyLogin() {
		d.Passkey = m.flow.PasskeyStart()
	}
	return d
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
	return m.d.Web.Show(c, tplLogin, "auth.login.title", m.loginData())
}

// mailConfigured reports whether the system sender is set: without it no password
// link can be sent, so the forgotten-password link is hidden (seed).
func (m *Module) mailConfigured() bool {
	return settings.SystemMail.Get(m.d.Settings) != "" && settings.SystemMailName.Get(m.d.Settings) != ""
}
