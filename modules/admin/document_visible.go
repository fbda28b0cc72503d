package admin

import (
	"database/sql"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/modules/documents"
)

// setDocumentVisible handles POST /admin/clients/:id/documents/:doc/visible with
// visible=1|0: the "display in portal" flag. The document must be the client's.
func (m *Module) setDocumentVisible(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	docID, err := idParam(c, "doc")
	if err != nil {
		return err
	}
	doc, err := documents.DocumentByID(ctx, m.d.DB.R, docID)
	if err != nil {
		return err
	}
	if doc.ClientID != cl.ID {
		return fiber.ErrNotFound // another client's document
	}
	visible := c.FormValue("visible") == "1"
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := documents.SetDocumentVisible(ctx, tx, doc.ID, visible); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "document.display", cl.ID, "document "+strconv.FormatInt(doc.ID, 10)+" visible="+strconv.FormatBool(visible))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, prefix+pathClients+"/"+strconv.FormatInt(cl.ID, 10))
}
