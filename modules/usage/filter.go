package usage

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
)

const dayLayout = "2006-01-02"

// form is the filter of the three pages as the subscriber typed it, with what it
// selects and the field errors (translation keys) of values that could not be used.
type form struct {
	From, To, Service, Type, Group string
	Filter                         Filter
	Period                         Period
	Errors                         map[string]string
}

// readForm reads ?from=&to=&service=&type=&group=. Missing dates default to the
// current month; a malformed date or a range ending before it starts is a field
// error and the default is used, so the page still shows something sensible.
// service must be one of the client's own services (another id selects nothing).
func readForm(c *fiber.Ctx, now time.Time, services []app.ServiceBrief) form {
	f := form{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")),
		Service: c.Query("service"), Type: c.Query("type"), Group: c.Query("group"), Errors: map[string]string{}}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local)
	from, to := first, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	if f.From != "" {
		if t, err := time.ParseInLocation(dayLayout, f.From, time.Local); err == nil {
			from = t
		} else {
			f.Errors["from"] = "usage.err_date"
		}
	}
	if f.To != "" {
		if t, err := time.ParseInLocation(dayLayout, f.To, time.Local); err == nil {
			to = t
		} else {
			f.Errors["to"] = "usage.err_date"
		}
	}
	if to.Before(from) {
		f.Errors["to"] = "usage.err_range"
		from, to = first, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	}
	if f.From == "" || f.Errors["from"] != "" || f.Errors["to"] != "" {
		f.From = from.Format(dayLayout)
	}
	if f.To == "" || f.Errors["to"] != "" || f.Errors["from"] != "" {
		f.To = to.Format(dayLayout)
	}
	f.Filter = Filter{From: from, To: to.AddDate(0, 0, 1)}
	if id, err := strconv.ParseInt(f.Service, 10, 64); err == nil {
		for _, s := range services {
			if s.ID == id {
				f.Filter.ServiceID = id
			}
		}
		if f.Filter.ServiceID == 0 {
			f.Filter.ServiceID = -1 // not the client's: nothing matches
		}
	}
	for _, t := range Types {
		if t == f.Type {
			f.Filter.Type = t
		}
	}
	f.Period = ByMonth
	if f.Group == string(ByDay) {
		f.Period = ByDay
	}
	f.Group = string(f.Period)
	return f
}

// query is the filter as URL parameters (links between the pages, the CSV link).
func (f form) query() string {
	q := url.Values{}
	q.Set("from", f.From)
	q.Set("to", f.To)
	if f.Service != "" {
		q.Set("service", f.Service)
	}
	if f.Filter.Type != "" {
		q.Set("type", f.Filter.Type)
	}
	return q.Encode()
}

// values are the typed values for the form's fields, as Page.Val reads them.
func (f form) values() map[string]string {
	return map[string]string{"from": f.From, "to": f.To, "service": f.Service, "type": f.Filter.Type, "group": f.Group}
}

// view is what a usage page shows of the filter.
type view struct {
	Services []app.ServiceBrief
	Types    []string
	Form     form
	// The pages' links with the filter: html/template would escape a query string
	// printed after "?", so whole URLs are built here.
	SummaryHref, DetailHref, CSVHref string
}

// newView is the filter part of a page.
func (m *Module) newView(services []app.ServiceBrief, f form) view {
	q := "?" + f.query()
	base := m.d.Web.BasePath + Prefix
	return view{Services: services, Types: Types, Form: f, SummaryHref: base + q, DetailHref: base + pathDetail + q, CSVHref: base + pathCSV + q}
}

// render shows a page with the filter's values and its field errors (422 when
// there are any, so a bad date is never mistaken for a result).
func (m *Module) render(c *fiber.Ctx, tpl, title string, f form, data any) error {
	if len(f.Errors) > 0 {
		return m.d.Web.FormError(c, tpl, title, data, f.Errors, f.values())
	}
	p := m.d.Web.NewPage(c, title, data)
	p.Form = f.values()
	return m.d.Web.Render(c, tpl, p)
}

// names maps service ids to names.
func names(services []app.ServiceBrief) map[int64]string {
	out := make(map[int64]string, len(services))
	for _, s := range services {
		out[s.ID] = s.Name
	}
	return out
}

// serviceName is the name of a record's service, or its number when the services
// module does not know it (left out, or the service was deleted).
func serviceName(n map[int64]string, id int64) string {
	if s, ok := n[id]; ok {
		return s
	}
	return "#" + strconv.FormatInt(id, 10)
}

// formatQuantity writes an integer with the language's digit grouping and the unit.
func formatQuantity(lang string, n int64, unit string) string {
	s := strconv.FormatInt(n, 10)
	sep := ","
	if lang == "cs" {
		sep = "\u00a0"
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String() + "\u00a0" + unit
}

// formatRate writes the rate per unit ("0,49 CZK/min" in Czech); "" stays empty.
func formatRate(lang, rate, currency, unit string) string {
	if rate == "" {
		return ""
	}
	if lang == "cs" {
		rate = strings.Replace(rate, ".", ",", 1)
	}
	return rate + "\u00a0" + currency + "/" + unit
}

// formatTime writes a record's local time.
func formatTime(lang string, t time.Time) string {
	t = t.Local()
	return web.FormatDate(lang, t) + " " + t.Format("15:04:05")
}
