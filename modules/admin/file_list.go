package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/files"
)

// filesData is the provider files page.
type filesData struct {
	Files    []files.File
	Groups   []core.InvoiceGroup
	Names    map[int64]string
	MaxMB    int
	CanWrite bool
}

// showFiles renders GET /admin/files: the published files and the upload form.
func (m *Module) showFiles(c *fiber.Ctx) error { return m.renderFiles(c, nil, nil) }

func (m *Module) renderFiles(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	list, err := files.ListFiles(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	d := filesData{Files: list, Groups: groups, Names: map[int64]string{}, MaxMB: blob.MaxUploadBytes >> 20,
		CanWrite: m.can(c, perm.FilesWrite)}
	for _, g := range groups {
		d.Names[g.ID] = g.Name
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplFiles, "admin.files.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplFiles, "admin.files.title", d)
}
