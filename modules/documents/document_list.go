package documents

import (
	"github.com/gofiber/fiber/v2"
)

// showDocumentList lists the logged-in client's documents marked for the portal.
func (m *Module) showDocumentList(c *fiber.Ctx) error {
	docs, err := ListDocuments(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), true)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "documents.title", docs)
}
