package documents

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// downloadDocument streams one of the client's documents from disk. Another client's
// id, a hidden document and a malformed id all answer 404 alike. A row whose file is
// gone from disk shows the client a clear page and logs an error for staff.
func (m *Module) downloadDocument(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	clientID := m.d.Web.ClientID(c)
	doc, err := DocumentForClient(c.UserContext(), m.d.DB.R, clientID, id)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return blob.Serve(c, m.d.DB, m.d.DataDir, StoreDir, doc.StoredPath, doc.ContentType, doc.DownloadName(), func(err error) error {
		m.d.Log.Error("documents.downloadDocument: stored file unavailable, re-upload it",
			"document", doc.ID, "client", clientID, "path", doc.StoredPath, "err", err)
		p := m.d.Web.NewPage(c, "documents.missing_title", doc)
		p.Status = fiber.StatusNotFound
		return m.d.Web.Render(c, tplMissing, p)
	})
}
