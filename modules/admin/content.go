package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/perm"
)

// mountContent registers the content pages still written here: the e-mail templates.
func (m *Module) mountContent(r fiber.Router) {
	r.Get(pathTemplates, m.allow(perm.TemplatesRead), m.showTemplates)
	r.Post(pathTemplates, m.allow(perm.TemplatesWrite), m.saveTemplate)
	r.Post(pathTemplateDel, m.allow(perm.TemplatesWrite), m.deleteTemplate)
}

// idParam parses a numeric route parameter strictly; anything else is 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
