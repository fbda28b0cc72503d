package admin

import (
	"database/sql"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/settings"
)

// saveSuspension handles POST /admin/tools/suspend with suspended=1|0 and message:
// subscribers then see the message and maintenance_logo.png on their next request;
// the console and the API keep working.
func (m *Module) saveSuspension(c *fiber.Ctx) error {
	ctx := c.UserContext()
	on := c.FormValue("suspended") == "1"
	msg := formText(c.FormValue("message"))
	if err := settings.SuspendedMessage.Validate(msg); err != nil {
		return m.renderTools(c, map[string]string{"message": "admin.tools.message_invalid"},
			map[string]string{"message": msg})
	}
	val, action := "0", "portal.resume"
	if on {
		val, action = "1", "portal.suspend"
	}
	actor := m.actor(c)
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := m.d.Settings.SetTx(ctx, tx, settings.SuspendedMessage.Key, 0, msg, actor); err != nil {
			return err
		}
		if err := m.d.Settings.SetTx(ctx, tx, settings.PortalSuspended.Key, 0, val, actor); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, action, 0, oneLine(msg, 200))
	})
	if err != nil {
		return err
	}
	// Refresh this process's snapshot now; other processes sync on their next request.
	if err := m.d.Settings.Sync(ctx); err != nil {
		return err
	}
	if on {
		m.d.Web.AddFlash(c, "ok", "admin.tools.suspended")
	} else {
		m.d.Web.AddFlash(c, "ok", "admin.tools.resumed")
	}
	return m.d.Web.Redirect(c, prefix+pathTools)
}
