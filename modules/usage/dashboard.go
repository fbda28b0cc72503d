package usage

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
)

// dashboardRecent is how many records the dashboard card shows.
const dashboardRecent = 5

// dashboardCard is the dashboard's "Recent usage": the newest records of the last
// month with a link to the Detailed list.
func (m *Module) dashboardCard(c *fiber.Ctx) (template.HTML, error) {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	now := m.d.Now()
	list, err := List(ctx, q, clientID, Filter{From: now.AddDate(0, -1, 0), To: now.Add(24 * 3600e9)}, Cursor{}, dashboardRecent)
	if err != nil {
		return "", err
	}
	var n map[int64]string
	if len(list) > 0 {
		n = names(m.services(ctx, q, clientID))
	}
	lang := m.d.Web.Lang(c)
	rows := detailRows(lang, func(k string) string { return m.d.Web.Catalog.T(lang, k) }, n, list)
	return m.d.Web.Partial(c, tplCard, rows, nil)
}
