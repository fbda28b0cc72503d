package files

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// downloadFile streams a published file the client may see. A file restricted to
// another invoice group answers 404 like one that does not exist. A row whose file
// is gone from disk shows a clear page and logs an error for staff.
func (m *Module) downloadFile(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	clientID := m.d.Web.ClientID(c)
	f, err := FileForClient(c.UserContext(), m.d.DB.R, clientID, id)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return blob.Serve(c, m.d.DB, m.d.DataDir, StoreDir, f.StoredPath, f.ContentType, f.DownloadName(), func(err error) error {
		m.d.Log.Error("files.downloadFile: stored file unavailable, re-upload it",
			"file", f.ID, "client", clientID, "path", f.StoredPath, "err", err)
		p := m.d.Web.NewPage(c, "files.missing_title", f)
		p.Status = fiber.StatusNotFound
		return m.d.Web.Render(c, tplMissing, p)
	})
}
