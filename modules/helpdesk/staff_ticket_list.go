package helpdesk

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// staffTicketsData is the console's helpdesk page: tickets and departments.
type staffTicketsData struct {
	State       string
	States      []string
	Tickets     []Ticket
	Departments []Department
	CanAdmin    bool
}

// showStaffTickets renders GET /admin/tickets?state=: tickets of every department,
// newest change first, and (for administrators) the departments form.
func (m *Module) showStaffTickets(c *fiber.Ctx) error { return m.renderStaffTickets(c, nil, nil) }

func (m *Module) renderStaffTickets(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	d := staffTicketsData{State: c.Query("state"), States: []string{StateOpen, StateWaiting, StateClosed},
		CanAdmin: console.Can(m.d.Web, c, perm.DepartmentsWrite)}
	if !slices.Contains(d.States, d.State) {
		d.State = ""
	}
	var err error
	if d.Tickets, err = ListTickets(ctx, m.d.DB.R, TicketFilter{State: d.State}); err != nil {
		return err
	}
	if d.Departments, err = ListDepartments(ctx, m.d.DB.R); err != nil {
		return err
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffTickets, "helpdesk.staff.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffTickets, "helpdesk.staff.title", d)
}
