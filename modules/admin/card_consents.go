package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/gdpr"
)

// cardConsents is the consents section of the staff client card.
func (m *Module) cardConsents() app.CardSection {
	return app.CardSection{Name: "consents", Order: 50, Action: perm.ConsentsRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := gdpr.ConsentState(ctx, q, cl.ID)
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_consents", cardData{Client: cl, List: list, Can: false}, errs)
		}}
}
