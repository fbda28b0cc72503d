package helpdesk

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// staffTicketData is one ticket with its conversation, internal notes included.
type staffTicketData struct {
	Ticket   Ticket
	Client   *core.Client
	Items    []Item
	CanWrite bool
	// NoMail is why a reply would not be mailed (NoMailReason), "" when it would.
	NoMail string
}

// showStaffTicket renders GET /admin/tickets/:id.
func (m *Module) showStaffTicket(c *fiber.Ctx) error { return m.renderStaffTicket(c, nil, nil) }

func (m *Module) renderStaffTicket(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	t, err := TicketByID(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	d := staffTicketData{Ticket: t, CanWrite: console.Can(m.d.Web, c, perm.TicketsWrite)}
	if t.ClientID != 0 {
		if cl, err := core.ClientByID(ctx, m.d.DB.R, t.ClientID); err == nil {
			d.Client = &cl
		}
	}
	email := ""
	if d.Client != nil {
		email = d.Client.Email
	}
	d.NoMail = NoMailReason(t.ClientID, email)
	if d.Items, err = ListItems(ctx, m.d.DB.R, t.ID, true); err != nil {
		return err
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffTicket, "helpdesk.staff.ticket", d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffTicket, "helpdesk.staff.ticket", d)
}
