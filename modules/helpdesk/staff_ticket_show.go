package helpdesk

import (
	"strconv"

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
	// The choices of the change form (staff who may write).
	States      []string
	Departments []Department
	Staff       []core.Staff
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
	if d.CanWrite {
		d.States = []string{StateOpen, StateWaiting, StateClosed}
		if d.Departments, err = ListDepartments(ctx, m.d.DB.R); err != nil {
			return err
		}
		if d.Staff, err = console.AssignableStaff(ctx, m.d.DB.R); err != nil {
			return err
		}
		// The change form starts from the ticket; what was posted wins.
		vals := map[string]string{"state": t.State, "department": strconv.FormatInt(t.DepartmentID, 10),
			"client": t.ClientNumber, "staff": strconv.FormatInt(t.StaffID, 10), "log_direction": DirIn}
		for k, v := range form {
			vals[k] = v
		}
		form = vals
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffTicket, "helpdesk.staff.ticket", d, errs, form)
	}
	p := m.d.Web.NewPage(c, "helpdesk.staff.ticket", d)
	p.Form = form
	return m.d.Web.Render(c, tplStaffTicket, p)
}
