package services

import (
	"bytes"
	"mime"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// downloadSheet sends the logged-in client's configuration sheet as a PDF.
func (m *Module) downloadSheet(c *fiber.Ctx) error {
	cl, err := core.ClientByID(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if err != nil {
		return err
	}
	return m.sendSheet(c, cl)
}

// downloadStaffSheet handles GET /admin/clients/:id/sheet.pdf: the same sheet the
// client downloads, from the client card, in the staff member's language.
func (m *Module) downloadStaffSheet(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	cl, err := core.ClientByID(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return err
	}
	return m.sendSheet(c, cl)
}

// sendSheet renders the client's configuration sheet (services with their
// parameters; "via DHCP" instead of the address where the service says so).
func (m *Module) sendSheet(c *fiber.Ctx, cl core.Client) error {
	list, err := ListServices(c.UserContext(), m.d.DB.R, cl.ID, ListFilter{WithParams: true})
	if err != nil {
		return err
	}
	lang := m.d.Web.Lang(c)
	var buf bytes.Buffer
	err = WriteSheet(&buf, SheetInput{Client: cl, Services: list, Lang: lang, Now: m.d.Now(),
		T: func(key string, args ...any) string { return m.d.Web.Catalog.T(lang, key, args...) }})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": sheetFileName}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}
