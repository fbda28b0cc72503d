package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// switchLanguage handles POST /admin/lang (lang, back): the console's own language
// switch. The shared /lang route checks the token of a client or anonymous visitor, not
// the staff session's, so the console's forms need a route under /admin (see the
// report: layouts/admin.html should post here).
func (m *Module) switchLanguage(c *fiber.Ctx) error {
	lang := c.FormValue("lang")
	if !web.Supported(lang) {
		return fiber.NewError(fiber.StatusBadRequest, "unknown language")
	}
	m.d.Web.SetLang(c, lang)
	back, ok := web.LocalPath(c.FormValue("back"))
	if !ok || !strings.HasPrefix(back, prefix) {
		back = prefix
	}
	return m.d.Web.Redirect(c, back)
}
