package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/gdpr"
)

// consentsData is the GDPR consent documents page.
type consentsData struct {
	Documents []gdpr.Document
	CanWrite  bool
}

// showConsents renders GET /admin/consents: the documents in their current version
// (text sanitised as clients see it), a form for a new one and, per document, a form
// for a new version and the active switch.
func (m *Module) showConsents(c *fiber.Ctx) error { return m.renderConsents(c, nil, nil) }

func (m *Module) renderConsents(c *fiber.Ctx, errs, form map[string]string) error {
	list, err := gdpr.ListDocuments(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := consentsData{Documents: list, CanWrite: m.can(c, perm.ConsentsWrite)}
	if errs != nil {
		return m.d.Web.FormError(c, tplConsents, "admin.consents.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplConsents, "admin.consents.title", d)
}
