package sms

import "github.com/gofiber/fiber/v2"

// showContactList lists the client's telephone directory.
func (m *Module) showContactList(c *fiber.Ctx) error {
	list, err := ListContacts(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplContacts, titleContacts, list)
}
