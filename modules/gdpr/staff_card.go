package gdpr

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffStatus names a consent status on the staff card.
var staffStatus = map[string]string{StatusNone: "gdpr.staff.card_none", StatusGiven: "gdpr.staff.card_given",
	StatusWithdrawn: "gdpr.staff.card_withdrawn"}

// staffCardRow is one document's state on the card.
type staffCardRow struct {
	State
	StatusKey string
}

// staffCard is the consents section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "consents", 50, perm.ConsentsRead, "", tplStaffCard, func(c *fiber.Ctx, cl core.Client) ([]staffCardRow, error) {
		list, err := ConsentState(c.UserContext(), m.d.DB.R, cl.ID)
		rows := make([]staffCardRow, 0, len(list))
		for _, s := range list {
			rows = append(rows, staffCardRow{State: s, StatusKey: staffStatus[s.Status]})
		}
		return rows, err
	})
}
