package helpdesk

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// replyToTicket adds the client's reply to one of their open tickets. A closed ticket
// refuses it with a message pointing to a new ticket.
func (m *Module) replyToTicket(c *fiber.Ctx) error {
	data, err := m.ticketData(c)
	if err != nil {
		return err
	}
	body := strings.ReplaceAll(c.FormValue("text"), "\r\n", "\n")
	form := map[string]string{"text": body}
	if data.Ticket.State == StateClosed {
		return m.d.Web.FormError(c, tplTicket, titleTicket, data, map[string]string{"text": "helpdesk.err_closed"}, form)
	}
	if k := checkBody(body); k != "" {
		return m.d.Web.FormError(c, tplTicket, titleTicket, data, map[string]string{"text": k}, form)
	}
	client := m.d.Web.Client(c)
	if client == nil {
		return fiber.ErrUnauthorized
	}
	err = m.d.DB.Tx(c.UserContext(), func(tx *sql.Tx) error {
		return ReplyAsClient(c.UserContext(), tx, *client, data.Ticket.ID, body, m.d.Now())
	})
	if errors.Is(err, ErrClosed) {
		// Staff closed it between the page load and this write.
		return m.d.Web.FormError(c, tplTicket, titleTicket, data, map[string]string{"text": "helpdesk.err_closed"}, form)
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "helpdesk.replied")
	return m.d.Web.Redirect(c, pathList+"/"+strconv.FormatInt(data.Ticket.ID, 10))
}
