package auth

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// disabledData is the "access disabled" page: whom the client should contact.
type disabledData struct {
	Supplier string // the invoice group's supplier, else the system sender's name
	Phone    string
	Email    string
	Web      string
}

// isInactive reports whether a client is deactivated (clients.deactivate, or active
// false from the billing system).
func isInactive(ctx context.Context, q core.Querier, clientID int64) (bool, error) {
	var active bool
	if err := q.QueryRowContext(ctx, `SELECT active FROM clients WHERE id = ?`, clientID).Scan(&active); err != nil {
		return false, err
	}
	return !active, nil
}

// showDisabled tells a deactivated client who proved who they are (the right
// password, a one-time password or a password link) that their portal access is
// disabled and whom to contact: the supplier of their invoice group, else the
// portal's system sender. Nobody else ever sees it, so it reveals nothing.
func (m *Module) showDisabled(c *fiber.Ctx, cl core.Client) error {
	var d disabledData
	if cl.InvoiceGroupID != 0 {
		g, err := core.GroupByID(c.UserContext(), m.d.DB.R, cl.InvoiceGroupID)
		if err != nil && err != core.ErrNotFound {
			return err
		}
		d = disabledData{Supplier: g.SupplierName, Phone: g.Phone, Email: g.Email, Web: g.Web}
		if d.Supplier == "" {
			d.Supplier = g.Name
		}
	}
	if d.Supplier == "" && d.Email == "" {
		d.Supplier, d.Email = settings.SystemMailName.Get(m.d.Settings), settings.SystemMail.Get(m.d.Settings)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	p := m.d.Web.NewPage(c, "auth.disabled.title", d)
	p.Status = fiber.StatusForbidden
	return m.d.Web.Render(c, tplDisabled, p)
}
