package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/documents"
)

// cardDocuments is the documents section of the staff client card.
func (m *Module) cardDocuments() app.CardSection {
	return app.CardSection{Name: "documents", Order: 40, Action: perm.DocumentsRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := documents.ListDocuments(ctx, q, cl.ID, false)
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_documents", cardData{Client: cl, List: list, Can: console.Can(m.d.Web, c, perm.DocumentsWrite)}, errs)
		}}
}
