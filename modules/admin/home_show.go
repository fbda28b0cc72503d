package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/settings"
)

// homeData is the console's start page: what needs attention.
type homeData struct {
	Suspended   bool
	Queued      int
	Failed      int
	AdminAreas  bool
	ClientAreas bool
}

// showHome renders GET /admin.
func (m *Module) showHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s := m.d.Web.Staff(c)
	d := homeData{Suspended: settings.PortalSuspended.Get(m.d.Settings), AdminAreas: perm.Allows(s.Role, perm.ToolsRead),
		ClientAreas: perm.Allows(s.Role, perm.ClientsRead)}
	var err error
	if d.Queued, err = mail.Count(ctx, m.d.DB.R, mail.StatusQueued); err != nil {
		return err
	}
	if d.Failed, err = mail.Count(ctx, m.d.DB.R, mail.StatusFailed); err != nil {
		return err
	}
	return m.d.Web.Show(c, tplHome, "admin.home.title", d)
}
