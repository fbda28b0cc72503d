package helpdesk

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/web"
)

// replyStaffTicket handles POST /admin/tickets/:id/reply: the reply is stored as an
// outbound item and mailed to the client (StaffReply) in one transaction. The flash
// says which happened: a ticket without a client, or a client without an e-mail
// address, gets the reply saved but no mail.
func (m *Module) replyStaffTicket(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	body := strings.TrimSpace(strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n"))
	if _, bad := web.FormText(body); bad != "" {
		return m.renderStaffTicket(c, map[string]string{"body": bad}, map[string]string{"body": body})
	}
	s := m.d.Web.Staff(c)
	author := s.Name
	if author == "" {
		author = s.Login
	}
	var res ReplyResult
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = StaffReply(ctx, tx, m.d, id, author, body, ""); err != nil {
			return err
		}
		t, err := TicketByID(ctx, tx, id)
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "ticket.reply", t.ClientID, "ticket "+strconv.FormatInt(id, 10))
	})
	if key := fieldKey(err); key != "" {
		return m.renderStaffTicket(c, map[string]string{"body": key}, map[string]string{"body": body})
	}
	if errors.Is(err, ErrClosed) {
		return m.renderStaffTicket(c, map[string]string{"body": "helpdesk.staff.closed"}, map[string]string{"body": body})
	}
	if err != nil {
		return err
	}
	if res.MailID != 0 && m.d.KickMail != nil {
		m.d.KickMail()
	}
	m.d.Web.AddFlash(c, "ok", repliedKey(res.NoMail))
	return m.d.Web.Redirect(c, console.Path(pathStaffTickets+"/"+strconv.FormatInt(id, 10)))
}

// fieldKey is the form error of a refused text (ErrEmpty, ErrTooLong), "" for
// anything else.
func fieldKey(err error) string {
	switch {
	case errors.Is(err, ErrEmpty):
		return "form.required"
	case errors.Is(err, ErrTooLong):
		return "form.too_long"
	}
	return ""
}

// repliedKey is the flash of a stored reply: mailed, or why not.
func repliedKey(noMail string) string {
	switch noMail {
	case NoMailNoClient:
		return "helpdesk.staff.replied_no_client"
	case NoMailNoEmail:
		return "helpdesk.staff.replied_no_email"
	case NoMailPreference:
		return "helpdesk.staff.replied_no_preference"
	}
	return "helpdesk.staff.replied"
}
