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
	now := m.d.Now()
	list, err := List(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), Filter{From: now.AddDate(0, -1, 0), To: now.Add(24 * 3600e9)}, Cursor{}, dashboardRecent)
	if err != nil {
		return "", err
	}
	lang := m.d.Web.Lang(c)
	// The card names no service (a line is its time, destination and cost), so the
	// client's services are not looked up.
	rows := detailRows(lang, func(k string) string { return m.d.Web.Catalog.T(lang, k) }, nil, list)
	return m.d.Web.Partial(c, tplCard, rows, nil)
}
