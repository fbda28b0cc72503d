package info

import (
	"database/sql"
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/internal/web"
)

// messagePage is the view model of one message.
type messagePage struct {
	Message Message
	Body    template.HTML
}

// showMessage shows one message meant for the logged-in client and marks it read for
// them. Another client's message, or one outside its validity, answers 404.
func (m *Module) showMessage(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	now := m.d.Now()
	msg, err := MessageForClient(ctx, m.d.DB.R, cl.ID, cl.InvoiceGroupID, id, now)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	// Staff viewing the portal as the client must not make messages look read.
	if s := m.d.Web.Session(c); !msg.Read && s != nil && s.ViewAs == 0 {
		if err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error { return MarkRead(ctx, tx, cl.ID, msg.ID, now) }); err != nil {
			return err
		}
	}
	return m.d.Web.Show(c, tplMessage, "info.message_title", messagePage{Message: msg, Body: htmlsafe.Sanitize(msg.Body)})
}
