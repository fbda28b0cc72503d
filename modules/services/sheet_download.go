package services

import (
	"bytes"
	"mime"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// downloadSheet sends the logged-in client's configuration sheet as a PDF.
func (m *Module) downloadSheet(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := m.d.Web.ClientID(c)
	cl, err := core.ClientByID(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	list, err := ListServices(ctx, m.d.DB.R, id, ListFilter{WithParams: true})
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
