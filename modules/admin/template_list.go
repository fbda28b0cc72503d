package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// templatesData is the e-mail templates page.
type templatesData struct {
	Purposes  []mail.Purpose
	Stored    []mail.Template
	Groups    []core.InvoiceGroup
	Names     map[int64]string
	Languages []string
	Preview   *templatePreview
	CanWrite  bool
}

// templatePreview is a template rendered for a sample client.
type templatePreview struct {
	Client  string
	Subject string
	Body    string
}

// showTemplates renders GET /admin/templates[?edit=ID]: the stored templates, the
// purposes with their variables, and the editor (filled from ?edit= or a purpose's
// current text with ?purpose=&group=&lang=).
func (m *Module) showTemplates(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{"purpose": c.Query("purpose"), "group": c.Query("group"), "language": c.Query("lang")}
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil && id > 0 {
		t, err := m.d.Mail.Get(ctx, id)
		if err != nil {
			return fiber.ErrNotFound
		}
		form = templateForm(t)
	} else if form["purpose"] != "" {
		g, _ := strconv.ParseInt(form["group"], 10, 64)
		if t, err := m.d.Mail.Resolve(ctx, form["purpose"], g, form["language"]); err == nil {
			form["subject"], form["body"] = t.Subject, t.Body
		}
	}
	return m.renderTemplates(c, nil, form, nil)
}

func templateForm(t mail.Template) map[string]string {
	return map[string]string{"purpose": t.Purpose, "group": strconv.FormatInt(t.GroupID, 10), "language": t.Language,
		"subject": t.Subject, "body": t.Body}
}

func (m *Module) renderTemplates(c *fiber.Ctx, errs, form map[string]string, preview *templatePreview) error {
	ctx := c.UserContext()
	stored, err := m.d.Mail.List(ctx, "")
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	d := templatesData{Purposes: m.d.Mail.Purposes(), Stored: stored, Groups: groups, Names: map[int64]string{},
		Languages: web.Languages, Preview: preview, CanWrite: m.can(c, perm.TemplatesWrite)}
	for _, g := range groups {
		d.Names[g.ID] = g.Name
	}
	p := m.d.Web.NewPage(c, "admin.templates.title", d)
	p.Form = form
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplTemplates, p)
}

// sampleVars fills a template's variables for a preview: the sample client's own
// values where the portal knows them, and a visible placeholder for the rest.
func sampleVars(t mail.Template, cl core.Client) map[string]string {
	vars := map[string]string{}
	for _, v := range mail.Vars(t.Subject + "\n" + t.Body) {
		vars[v] = "[" + v + "]"
	}
	vars["CLIENT_NAME"], vars["CLIENT_NUMBER"], vars["CLIENT_EMAIL"] = cl.Name, cl.Number, cl.Email
	for k := range vars {
		if strings.HasSuffix(k, "_LINK") || strings.HasSuffix(k, "_URL") {
			vars[k] = "https://portal.example/…"
		}
	}
	return vars
}
