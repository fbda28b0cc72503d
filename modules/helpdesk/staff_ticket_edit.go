package helpdesk

import (
	"database/sql"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// staffErrorKeys translate the refusals of EditTicket and LogItem.
var staffErrorKeys = map[error]string{
	ErrBadState: "helpdesk.staff.err_state", ErrNoDepartment: "helpdesk.staff.err_department",
	ErrNoClient: "helpdesk.staff.err_client", ErrNoStaff: "helpdesk.staff.err_staff",
	ErrNoChange: "helpdesk.staff.err_nothing", ErrLogType: "helpdesk.staff.err_type",
	ErrBadItem: "helpdesk.staff.err_direction", ErrEmpty: "form.required", ErrTooLong: "form.too_long",
	core.ErrControl: "helpdesk.staff.err_control", core.ErrNotUTF8: "helpdesk.staff.err_control",
}

// editStaffTicket handles POST /admin/tickets/:id/edit: state, department, client (by
// number) and assignee in one change (EditTicket), audited as ticket.edit.
func (m *Module) editStaffTicket(c *fiber.Ctx) error {
	form := map[string]string{"state": c.FormValue("state"), "department": c.FormValue("department"),
		"client": c.FormValue("client"), "staff": c.FormValue("staff")}
	e := TicketEdit{State: form["state"], ClientNumber: form["client"]}
	var ok bool
	if e.DepartmentID, ok = core.ParseID(form["department"]); !ok {
		return m.renderStaffTicket(c, map[string]string{"department": "helpdesk.staff.err_department"}, form)
	}
	if form["staff"] != "" && form["staff"] != "0" {
		if e.StaffID, ok = core.ParseID(form["staff"]); !ok {
			return m.renderStaffTicket(c, map[string]string{"staff": "helpdesk.staff.err_staff"}, form)
		}
	}
	return m.staffTicketChange(c, form, "", "helpdesk.staff.edited", func(tx *sql.Tx, id int64) (int64, string, error) {
		t, detail, err := EditTicket(c.UserContext(), tx, id, e, m.d.Now())
		return t.ClientID, detail, err
	}, "ticket.edit")
}

// logStaffTicket handles POST /admin/tickets/:id/log: an internal note, a phone call or
// an in-person visit (LogItem), audited as ticket.log.
func (m *Module) logStaffTicket(c *fiber.Ctx) error {
	form := map[string]string{"log_type": c.FormValue("type"), "log_direction": c.FormValue("direction"), "log_body": c.FormValue("body")}
	s := m.d.Web.Staff(c)
	author := s.Name
	if author == "" {
		author = s.Login
	}
	return m.staffTicketChange(c, form, "log_", "helpdesk.staff.logged", func(tx *sql.Tx, id int64) (int64, string, error) {
		if _, err := LogItem(c.UserContext(), tx, id, form["log_type"], form["log_direction"], author, form["log_body"], m.d.Now()); err != nil {
			return 0, "", err
		}
		t, err := TicketByID(c.UserContext(), tx, id)
		return t.ClientID, "ticket " + strconv.FormatInt(id, 10) + ": " + form["log_type"], err
	}, "ticket.log")
}

// staffTicketChange runs one staff change of the ticket in a transaction with its
// audit entry; a refusal re-renders the ticket with the field's error (its name
// prefixed by prefix, so the page's forms keep their own fields).
func (m *Module) staffTicketChange(c *fiber.Ctx, form map[string]string, prefix, flash string,
	change func(tx *sql.Tx, id int64) (clientID int64, detail string, err error), action string) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		clientID, detail, err := change(tx, id)
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), action, clientID, detail)
	})
	var fe *core.FieldError
	switch {
	case errors.As(err, &fe):
		key := staffErrorKeys[fe.Err]
		if key == "" {
			key = "helpdesk.staff.err_control"
		}
		return m.renderStaffTicket(c, map[string]string{prefix + fe.Field: key}, form)
	case errors.Is(err, core.ErrNotFound):
		return fiber.ErrNotFound
	case err != nil:
		return err
	}
	m.d.Web.AddFlash(c, "ok", flash)
	return m.d.Web.Redirect(c, console.Path(pathStaffTickets+"/"+strconv.FormatInt(id, 10)))
}
