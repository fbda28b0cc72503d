package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/services"
)

// cardServices is the services section of the staff client card.
func (m *Module) cardServices() app.CardSection {
	return app.CardSection{Name: "services", Order: 20, Action: perm.ServicesRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := services.ListServices(ctx, q, cl.ID, services.ListFilter{WithTerminated: true})
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_services", cardData{Client: cl, List: list, Can: false}, errs)
		}}
}
