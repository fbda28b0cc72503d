package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/info"
)

// cardMessages is the messages section of the staff client card.
func (m *Module) cardMessages() app.CardSection {
	return app.CardSection{Name: "messages", Order: 10, Action: perm.MessagesRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := info.ListMessagesForClient(ctx, q, cl.ID, cl.InvoiceGroupID, m.d.Now())
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_messages", cardData{Client: cl, List: list, Can: console.Can(m.d.Web, c, perm.MessagesWrite)}, errs)
		}}
}
