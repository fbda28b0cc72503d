package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/settings"
)

// themeCard is one theme in the selection.
type themeCard struct {
	Name     string
	Custom   bool
	Selected bool
}

// toolsData is the tools page.
type toolsData struct {
	Suspended bool
	Message   string
	Themes    []themeCard
	Queued    int
	Failed    int
	CanWrite  bool
}

// showTools renders GET /admin/tools: suspension, themes, outbox summary, backup.
func (m *Module) showTools(c *fiber.Ctx) error { return m.renderTools(c, nil, nil) }

// renderTools shows the tools page, with form errors (422) after a refused save.
func (m *Module) renderTools(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	d := toolsData{Suspended: settings.PortalSuspended.Get(m.d.Settings), Message: settings.SuspendedMessage.Get(m.d.Settings),
		CanWrite: m.can(c, perm.ToolsWrite)}
	current := m.d.Web.Theme()
	for _, n := range m.d.Web.Themes.BuiltinNames() {
		d.Themes = append(d.Themes, themeCard{Name: n, Selected: n == current})
	}
	for _, n := range m.d.Web.Themes.CustomNames() {
		if m.d.Web.Themes.Exists(n) && nameOK(n) {
			d.Themes = append(d.Themes, themeCard{Name: n, Custom: true, Selected: n == current})
		}
	}
	var err error
	if d.Queued, err = mail.Count(ctx, m.d.DB.R, mail.StatusQueued); err != nil {
		return err
	}
	if d.Failed, err = mail.Count(ctx, m.d.DB.R, mail.StatusFailed); err != nil {
		return err
	}
	if errs != nil {
		d.Message = form["message"]
		return m.d.Web.FormError(c, tplTools, "admin.tools.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplTools, "admin.tools.title", d)
}

// nameOK reports whether a theme folder name is one ci_skin_theme accepts.
func nameOK(n string) bool { return settings.SkinTheme.Validate(n) == nil }
