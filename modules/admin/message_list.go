package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/info"
)

// messageRow is a message as listed for staff, its body sanitised like the client sees it.
type messageRow struct {
	info.Message
	Safe   template.HTML
	Client *core.Client
	Group  string
}

// messagesData is the messages page.
type messagesData struct {
	Messages []messageRow
	Groups   []core.InvoiceGroup
	CanWrite bool
}

// showMessages renders GET /admin/messages: every message and the form for a new one.
func (m *Module) showMessages(c *fiber.Ctx) error { return m.renderMessages(c, nil, nil) }

func (m *Module) renderMessages(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	list, err := info.ListMessages(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	d := messagesData{Groups: groups, CanWrite: m.can(c, perm.MessagesWrite)}
	for _, msg := range list {
		row := messageRow{Message: msg, Safe: htmlsafe.Sanitize(msg.Body), Group: names[msg.GroupID]}
		if msg.ClientID != 0 {
			// ListMessages joined the client; a private message goes with its client.
			row.Client = &core.Client{ID: msg.ClientID, Number: msg.ClientNumber, Name: msg.ClientName}
		}
		d.Messages = append(d.Messages, row)
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplMessages, "admin.messages.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplMessages, "admin.messages.title", d)
}
