package admin

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/helpdesk"
)

// ticketsData is the helpdesk page: tickets and departments.
type ticketsData struct {
	State       string
	States      []string
	Tickets     []helpdesk.Ticket
	Departments []helpdesk.Department
	CanAdmin    bool
}

// showTickets renders GET /admin/tickets?state=: tickets of every department, newest
// change first, and (for administrators) the departments form.
func (m *Module) showTickets(c *fiber.Ctx) error { return m.renderTickets(c, nil, nil) }

func (m *Module) renderTickets(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	d := ticketsData{State: c.Query("state"), States: []string{helpdesk.StateOpen, helpdesk.StateWaiting, helpdesk.StateClosed},
		CanAdmin: m.can(c, perm.DepartmentsWrite)}
	if !slices.Contains(d.States, d.State) {
		d.State = ""
	}
	var err error
	if d.Tickets, err = helpdesk.ListTickets(ctx, m.d.DB.R, helpdesk.TicketFilter{State: d.State}); err != nil {
		return err
	}
	if d.Departments, err = helpdesk.ListDepartments(ctx, m.d.DB.R); err != nil {
		return err
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplTickets, "admin.tickets.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplTickets, "admin.tickets.title", d)
}
