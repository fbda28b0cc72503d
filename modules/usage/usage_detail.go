package usage

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// detailRow is one record, already in the page's language: the template prints
// top-level string fields only (cheap lookups), as the invoices list does.
type detailRow struct {
	Time, Service, Type, Destination, Quantity, Rate, Cost, ExternalID string
}

type detailData struct {
	view
	columns
	Rows []detailRow
	// Next is the cursor of the next page ("" on the last); Paged says this is not
	// the first page (a link back to it is shown).
	Next  string
	Paged bool
}

// showDetail is the Detailed list: the records of the filter, newest first, with the
// rate each was billed at, paged by keyset (?after=) so that the millionth record
// costs what the first does.
func (m *Module) showDetail(c *fiber.Ctx) error {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	services := m.services(ctx, q, clientID)
	f := readForm(c, m.d.Now(), services)
	after := ParseCursor(c.Query("after"))
	list, err := List(ctx, q, clientID, f.Filter, after, perPage+1)
	if err != nil {
		return err
	}
	data := detailData{view: m.newView(services, f), Paged: after.ID > 0}
	if data.columns, err = m.columnsFor(c, detailColumns); err != nil {
		return err
	}
	if len(list) > perPage {
		list = list[:perPage]
		last := list[perPage-1]
		data.Next = Cursor{At: last.At.Unix(), ID: last.ID}.String()
	}
	data.Rows = detailRows(m.d.Web.Lang(c), func(k string) string { return m.d.Web.Catalog.T(m.d.Web.Lang(c), k) }, names(services), list)
	return m.render(c, tplDetail, "usage.detail_title", f, data)
}

// detailRows formats records for a page (the Detailed list and the dashboard card).
func detailRows(lang string, t func(string) string, n map[int64]string, list []Record) []detailRow {
	out := make([]detailRow, 0, len(list))
	for _, r := range list {
		out = append(out, detailRow{Time: formatTime(lang, r.At), Service: serviceName(n, r.ServiceID), Type: t("usage.type_" + r.Type),
			Destination: r.Destination, Quantity: formatQuantity(lang, r.Quantity, r.Unit), Rate: formatRate(lang, r.Rate, r.Currency, r.Unit),
			Cost: web.FormatMoney(lang, r.Cost, r.Currency), ExternalID: r.ExternalID})
	}
	return out
}
