package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/helpdesk"
)

// ticketData is one ticket with its conversation, internal notes included.
type ticketData struct {
	Ticket   helpdesk.Ticket
	Client   *core.Client
	Items    []helpdesk.Item
	CanWrite bool
	// NoMail is why a reply would not be mailed (helpdesk.NoMailReason), "" when it would.
	NoMail string
}

// showTicket renders GET /admin/tickets/:id.
func (m *Module) showTicket(c *fiber.Ctx) error { return m.renderTicket(c, nil, nil) }

func (m *Module) renderTicket(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	t, err := helpdesk.TicketByID(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	d := ticketData{Ticket: t, CanWrite: m.can(c, perm.TicketsWrite)}
	if t.ClientID != 0 {
		if cl, err := core.ClientByID(ctx, m.d.DB.R, t.ClientID); err == nil {
			d.Client = &cl
		}
	}
	email := ""
	if d.Client != nil {
		email = d.Client.Email
	}
	d.NoMail = helpdesk.NoMailReason(t.ClientID, email)
	if d.Items, err = helpdesk.ListItems(ctx, m.d.DB.R, t.ID, true); err != nil {
		return err
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplTicket, "admin.tickets.ticket", d, errs, form)
	}
	return m.d.Web.Show(c, tplTicket, "admin.tickets.ticket", d)
}
