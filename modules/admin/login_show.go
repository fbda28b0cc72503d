package admin

import "github.com/gofiber/fiber/v2"

// loginData is the login form's view model.
type loginData struct {
	Error   string // translation key of the form-level error
	Minutes int
	Passkey string // where "log in with a passkey" posts; "" when passkeys are off
}

// showLogin renders GET /admin/login; a logged-in staff member goes to the console.
func (m *Module) showLogin(c *fiber.Ctx) error {
	if s := m.d.Web.Staff(c); s != nil {
		return m.d.Web.Redirect(c, prefix)
	}
	return m.d.Web.Show(c, tplLogin, "admin.login.title", m.loginData())
}

// loginData is the data of a fresh login form.
func (m *Module) loginData() loginData {
	d := loginData{}
	if m.flow.PasskeyLogin() {
		d.Passkey = m.flow.PasskeyStart()
	}
	return d
}
