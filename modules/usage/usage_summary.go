package usage

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// summaryRow is one group of the summary, already in the page's language.
type summaryRow struct {
	Period, Service, Type, Count, Quantity, Cost string
}

type summaryData struct {
	view
	columns
	Rows []summaryRow
}

// showSummary is the Summary: records grouped by period (day or month), service,
// type (and unit and currency, which are never added across) in the date range.
func (m *Module) showSummary(c *fiber.Ctx) error {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	services := m.services(ctx, q, clientID)
	f := readForm(c, m.d.Now(), services)
	rows, err := Summary(ctx, q, clientID, f.Filter, f.Period)
	if err != nil {
		return err
	}
	lang, n := m.d.Web.Lang(c), names(services)
	data := summaryData{view: m.newView(services, f)}
	if data.columns, err = m.columnsFor(c, summaryColumns); err != nil {
		return err
	}
	for _, r := range rows {
		data.Rows = append(data.Rows, summaryRow{Period: r.Period, Service: serviceName(n, r.ServiceID),
			Type: m.d.Web.Catalog.T(lang, "usage.type_"+r.Type), Count: formatQuantity(lang, r.Count, "×"),
			Quantity: formatQuantity(lang, r.Quantity, r.Unit), Cost: web.FormatMoney(lang, r.Cost, r.Currency)})
	}
	return m.render(c, tplSummary, "usage.title", f, data)
}
