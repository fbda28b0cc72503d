package info

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCard is the messages section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "messages", 10, perm.MessagesRead, perm.MessagesWrite, tplStaffCard, func(c *fiber.Ctx, cl core.Client) ([]MessageLine, error) {
		return ListMessagesForClient(c.UserContext(), m.d.DB.R, cl.ID, cl.InvoiceGroupID, m.d.Now())
	})
}
