package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/sms"
)

// cardSMS is the sms section of the staff client card.
func (m *Module) cardSMS() app.CardSection {
	return app.CardSection{Name: "sms", Order: 70, Action: perm.SMSRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := sms.ListMessages(ctx, q, cl.ID, 20)
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_sms", cardData{Client: cl, List: list, Can: false}, errs)
		}}
}
