package sms

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCard is the SMS section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "sms", 70, perm.SMSRead, "", tplStaffCard, func(c *fiber.Ctx, cl core.Client) ([]Message, error) {
		return ListMessages(c.UserContext(), m.d.DB.R, cl.ID, 20)
	})
}
