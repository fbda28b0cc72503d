package admin

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/helpdesk"
)

// replyTicket handles POST /admin/tickets/:id/reply: the reply is stored as an
// outbound item and mailed to the client (helpdesk.ReplyAsStaff) in one transaction.
// The flash says which happened: a ticket without a client, or a client without an
// e-mail address, gets the reply saved but no mail.
func (m *Module) replyTicket(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	body := strings.TrimSpace(formText(c.FormValue("body")))
	if _, bad := web.FormText(body); bad != "" {
		return m.renderTicket(c, map[string]string{"body": bad}, map[string]string{"body": body})
	}
	if body == "" || len(body) > 50000 {
		key := "form.required"
		if body != "" {
			key = "form.too_long"
		}
		return m.renderTicket(c, map[string]string{"body": key}, map[string]string{"body": body})
	}
	s := m.d.Web.Staff(c)
	author := s.Name
	if author == "" {
		author = s.Login
	}
	var res helpdesk.ReplyResult
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = helpdesk.ReplyAsStaff(ctx, tx, m.d, id, author, body); err != nil {
			return err
		}
		t, err := helpdesk.TicketByID(ctx, tx, id)
		if err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "ticket.reply", t.ClientID, "ticket "+strconv.FormatInt(id, 10))
	})
	if errors.Is(err, helpdesk.ErrClosed) {
		return m.renderTicket(c, map[string]string{"body": "admin.tickets.closed"}, map[string]string{"body": body})
	}
	if err != nil {
		return err
	}
	if res.MailID != 0 && m.d.KickMail != nil {
		m.d.KickMail()
	}
	m.d.Web.AddFlash(c, "ok", repliedKey(res.NoMail))
	return m.d.Web.Redirect(c, prefix+pathTickets+"/"+strconv.FormatInt(id, 10))
}

// repliedKey is the flash of a stored reply: mailed, or why not.
func repliedKey(noMail string) string {
	switch noMail {
	case helpdesk.NoMailNoClient:
		return "admin.tickets.replied_no_client"
	case helpdesk.NoMailNoEmail:
		return "admin.tickets.replied_no_email"
	}
	return "admin.tickets.replied"
}

// saveDepartment handles POST /admin/departments: a new department (id empty) or a
// changed one, with its "use for portal requests" flag.
func (m *Module) saveDepartment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	name, bad := web.FormLine(c.FormValue("name"))
	if bad != "" {
		return m.renderTickets(c, map[string]string{"name": bad}, map[string]string{"name": name})
	}
	dep := helpdesk.Department{Name: name, PortalRequests: c.FormValue("portal") == "1"}
	if raw := c.FormValue("id"); raw != "" && raw != "0" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		dep.ID = id
	}
	if dep.Name == "" || len([]rune(dep.Name)) > 100 {
		key := "form.required"
		if dep.Name != "" {
			key = "form.too_long"
		}
		return m.renderTickets(c, map[string]string{"name": key}, map[string]string{"name": dep.Name})
	}
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := helpdesk.SaveDepartment(ctx, tx, dep, m.d.Now())
		if err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "department.save", 0, "department "+strconv.FormatInt(id, 10)+": "+dep.Name+
			" portal="+strconv.FormatBool(dep.PortalRequests))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, prefix+pathTickets)
}
