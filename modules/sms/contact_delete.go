package sms

import (
	"database/sql"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// deleteContact removes one of the client's contacts (another client's id: 404).
func (m *Module) deleteContact(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(c.UserContext(), func(tx *sql.Tx) error {
		return DeleteContact(c.UserContext(), tx, m.d.Web.ClientID(c), id)
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "sms.contact_deleted")
	return m.d.Web.Redirect(c, pathContacts)
}
