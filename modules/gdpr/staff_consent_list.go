package gdpr

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// staffConsentsData is the GDPR consent documents page.
type staffConsentsData struct {
	Documents []Document
	CanWrite  bool
	MaxTitle  int
}

// showStaffConsents renders GET /admin/consents: the documents in their current
// version (text sanitised as clients see it), a form for a new one and, per
// document, a form for a new version and the active switch.
func (m *Module) showStaffConsents(c *fiber.Ctx) error { return m.renderStaffConsents(c, nil, nil) }

func (m *Module) renderStaffConsents(c *fiber.Ctx, errs, form map[string]string) error {
	list, err := ListDocuments(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := staffConsentsData{Documents: list, CanWrite: console.Can(m.d.Web, c, perm.ConsentsWrite), MaxTitle: MaxTitle}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffConsents, "gdpr.staff.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffConsents, "gdpr.staff.title", d)
}
