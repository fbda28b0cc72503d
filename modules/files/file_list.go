package files

import (
	"github.com/gofiber/fiber/v2"
)

// showFileList lists the files the logged-in client may see.
func (m *Module) showFileList(c *fiber.Ctx) error {
	files, err := FilesForClient(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "files.title", files)
}
