package admin

import (
	"database/sql"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/settings"
)

// selectTheme handles POST /admin/tools/theme with theme=NAME: only a theme that
// exists (built in or in data/themes) can be selected.
func (m *Module) selectTheme(c *fiber.Ctx) error {
	ctx := c.UserContext()
	name := c.FormValue("theme")
	if !m.d.Web.Themes.Exists(name) || !nameOK(name) {
		m.d.Web.AddFlash(c, "error", "admin.tools.theme_unknown")
		return m.d.Web.Redirect(c, prefix+pathTools)
	}
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := m.d.Settings.SetTx(ctx, tx, settings.SkinTheme.Key, 0, name, m.actor(c)); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "theme.select", 0, name)
	})
	if err != nil {
		return err
	}
	// Refresh this process's snapshot now; other processes sync on their next request.
	if err := m.d.Settings.Sync(ctx); err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.tools.theme_selected", name)
	return m.d.Web.Redirect(c, prefix+pathTools)
}
