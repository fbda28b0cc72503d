package services

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCard is the services section of the staff client card: every service of the
// client, terminated ones too.
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "services", 20, perm.ServicesRead, perm.ServicesWrite, "services/staff_card", func(c *fiber.Ctx, cl core.Client) ([]Service, error) {
		return ListServices(c.UserContext(), m.d.DB.R, cl.ID, ListFilter{WithTerminated: true})
	})
}
