package admin

import (
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// clientData is the client card.
type clientData struct {
	Client   core.Client
	Group    *core.InvoiceGroup
	CanWrite bool // support and administrators: view as client
	Mails    []mail.Entry
	Audit    []core.AuditEntry
	Notes    []Note
	Logins   []core.AuditEntry // the client's recent logins and refused attempts
	// Links are the card's jump list: each section of the client's data, and the
	// console pages filtered to the client, that the role may open.
	Links []cardLink
	// Beside and Sections are the modules' card sections the role may read (see
	// app.CardSection), rendered.
	Beside, Sections []template.HTML
}

// clientParam parses :id strictly and loads the client; anything else is 404.
func (m *Module) clientParam(c *fiber.Ctx) (core.Client, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return core.Client{}, err
	}
	return core.ClientByID(c.UserContext(), m.d.DB.R, id)
}

// showClient renders GET /admin/clients/:id.
func (m *Module) showClient(c *fiber.Ctx) error {
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	return m.showClientCard(c, cl, nil)
}

// showClientCard renders the card, with form errors (422) after a refused action.
func (m *Module) showClientCard(c *fiber.Ctx, cl core.Client, errs map[string]string) error {
	ctx := c.UserContext()
	var err error
	d := clientData{Client: cl, CanWrite: m.can(c, perm.ClientsWrite)}
	if cl.InvoiceGroupID != 0 {
		if g, err := core.GroupByID(ctx, m.d.DB.R, cl.InvoiceGroupID); err == nil {
			d.Group = &g
		}
	}
	if d.Mails, err = mail.List(ctx, m.d.DB.R, mail.ListFilter{ClientID: cl.ID, Limit: 10}); err != nil {
		return err
	}
	if d.Audit, err = core.AuditList(ctx, m.d.DB.R, core.AuditFilter{ClientID: cl.ID, Limit: 15}); err != nil {
		return err
	}
	if d.Logins, err = core.AuditList(ctx, m.d.DB.R, core.AuditFilter{ClientID: cl.ID, Action: "login", Limit: 10}); err != nil {
		return err
	}
	if d.Notes, err = clientNotes(ctx, m.d.DB.R, cl.ID); err != nil {
		return err
	}
	d.Links = m.cardLinks(c, cl)
	if d.Beside, d.Sections, err = m.sections(c, cl, errs); err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "admin.client.title", d)
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplClient, p)
}

// cardLink is one entry of the card's jump list.
type cardLink struct {
	Key, Href string
}

// cardLinks are the anchors of the card's sections the role sees (each module's
// section carries the id c-<name>), the console's own sections (notes, e-mails, logins)
// and (for roles that read the audit log) its whole history there.
func (m *Module) cardLinks(c *fiber.Ctx, cl core.Client) []cardLink {
	s := m.d.Web.Staff(c)
	var out []cardLink
	for _, sec := range m.d.Declared.Card() {
		if s != nil && perm.Allows(s.Role, sec.Action) && sec.Name != "login" {
			key := sec.Link
			if key == "" {
				key = "admin.client.link." + sec.Name
			}
			out = append(out, cardLink{Key: key, Href: "#c-" + sec.Name})
		}
	}
	out = append(out, cardLink{Key: "admin.client.link.notes", Href: "#c-notes"}, cardLink{Key: "admin.client.link.mails", Href: "#c-mails"},
		cardLink{Key: "admin.client.link.logins", Href: "#c-logins"})
	if m.can(c, perm.AuditRead) {
		out = append(out, cardLink{Key: "admin.client.link.history", Href: m.d.Web.BasePath + "/admin/audit?client=" + url.QueryEscape(cl.Number)})
	}
	return out
}
