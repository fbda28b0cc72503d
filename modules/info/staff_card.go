package info

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCardData is what the card section sees: the client, its current messages, and
// whether the staff member may send it one.
type staffCardData struct {
	Client core.Client
	List   []MessageLine
	Can    bool
}

// staffCard is the messages section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "messages", Order: 10, Action: perm.MessagesRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := ListMessagesForClient(c.UserContext(), m.d.DB.R, cl.ID, cl.InvoiceGroupID, m.d.Now())
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, tplStaffCard, staffCardData{Client: cl, List: list, Can: console.Can(m.d.Web, c, perm.MessagesWrite)}, errs)
		}}
}
