package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/perm"
)

// mountContent registers the content pages still written here: the e-mail templates.
func (m *Module) mountContent(r fiber.Router) {
	r.Get(pathTemplates, m.allow(perm.TemplatesRead), m.showTemplates)
	r.Post(pathTemplates, m.allow(perm.TemplatesWrite), m.saveTemplate)
	r.Post(pathTemplateDel, m.allow(perm.TemplatesWrite), m.deleteTemplate)
}
