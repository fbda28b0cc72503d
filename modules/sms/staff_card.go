package sms

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCardData is what the card section sees: the client and its newest SMS.
type staffCardData struct {
	Client core.Client
	List   []Message
}

// staffCard is the SMS section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "sms", Order: 70, Action: perm.SMSRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := ListMessages(c.UserContext(), m.d.DB.R, cl.ID, 20)
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, tplStaffCard, staffCardData{Client: cl, List: list}, errs)
		}}
}
