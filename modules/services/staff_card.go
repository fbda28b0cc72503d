package services

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCard is the services section of the staff client card: every service of the
// client, terminated ones too.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "services", Order: 20, Action: perm.ServicesRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := ListServices(c.UserContext(), m.d.DB.R, cl.ID, ListFilter{WithTerminated: true})
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "services/staff_card", staffCardData{Client: cl, List: list}, errs)
		}}
}

// staffCardData is what the card section template sees.
type staffCardData struct {
	Client core.Client
	List   []Service
}
