package gdpr

import (
	"github.com/gofiber/fiber/v2"
)

// showConsentList lists the consent documents with the client's state of each.
func (m *Module) showConsentList(c *fiber.Ctx) error {
	states, err := ConsentState(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "gdpr.title", states)
}
