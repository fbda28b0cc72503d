package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// viewAsClient handles POST /admin/clients/:id/viewas: it starts a client session in
// this browser marked ViewAs (web.RequireClient makes it read-only: only GET and
// logout pass) and opens the client's information page. Audited as client.viewas.
func (m *Module) viewAsClient(c *fiber.Ctx) error {
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	s := m.d.Web.Staff(c)
	if err := m.auditNow(c, "client.viewas", cl.ID, "number "+cl.Number); err != nil {
		return err
	}
	if err := m.d.Web.StartSession(c, web.Session{Kind: web.KindClient, ClientID: cl.ID, ViewAs: s.ID}); err != nil {
		return err
	}
	return m.d.Web.Redirect(c, "/info")
}
