package documents

import (
	"database/sql"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// The console's document action (below /admin) and the card section's template.
const (
	pathStaffVisible  = "/clients/:id/documents/:doc/visible"
	pathStaffUpload   = "/clients/:id/documents"
	pathStaffDocument = "/clients/:id/documents/:doc"

	tplStaffCard = "documents/staff_card"
)

// staffPages are the console's document actions.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Post(pathStaffVisible, perm.DocumentsWrite, m.setStaffVisible),
		// The upload form may carry a file of blob.MaxUploadBytes, streamed to disk.
		{Method: fiber.MethodPost, Path: pathStaffUpload, Action: perm.DocumentsWrite, Handler: m.uploadStaffDocument,
			Upload: blob.MaxUploadBytes + 1<<20},
		console.Get(pathStaffDocument, perm.DocumentsRead, m.downloadStaffDocument),
	}
}

// staffCard is the documents section of the staff client card: every document of the
// client, also those hidden from the portal, with the "display in portal" switch.
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "documents", 40, perm.DocumentsRead, perm.DocumentsWrite, tplStaffCard, func(c *fiber.Ctx, cl core.Client) ([]Document, error) {
		return ListDocuments(c.UserContext(), m.d.DB.R, cl.ID, false)
	})
}

// setStaffVisible handles POST /admin/clients/:id/documents/:doc/visible with
// visible=1|0: the "display in portal" flag. The document must be the client's.
func (m *Module) setStaffVisible(c *fiber.Ctx) error {
	ctx := c.UserContext()
	doc, err := m.staffDocument(c) // another client's document is 404
	if err != nil {
		return err
	}
	visible := c.FormValue("visible") == "1"
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := SetDocumentVisible(ctx, tx, doc.ID, visible); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "document.display", doc.ClientID,
			"document "+strconv.FormatInt(doc.ID, 10)+" visible="+strconv.FormatBool(visible))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, console.Path("/clients/"+strconv.FormatInt(doc.ClientID, 10)))
}
