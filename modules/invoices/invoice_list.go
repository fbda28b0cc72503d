package invoices

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// invoiceRow is an invoice with its state on the day the page is shown, and its
// dates, amounts and state already in the page's language: a list of 20 rows would
// otherwise make a few hundred reflective calls from the template.
type invoiceRow struct {
	Invoice
	// The invoice's fields the list prints, again at the top: text/template looks a
	// field up by name on every use, and a name only the embedded struct has costs a
	// search through it with allocations (a quarter of the list's rendering).
	ID                                             int64
	Number, Currency                               string
	State                                          State
	IssuedText, DueText, AmountText, AmountVATText string
	BadgeClass, StateText                          string
}

func newInvoiceRow(inv Invoice, state State, lang string, t func(key string) string) invoiceRow {
	r := invoiceRow{Invoice: inv, ID: inv.ID, Number: inv.Number, Currency: inv.Currency, State: state,
		IssuedText: web.FormatDate(lang, inv.Issued), DueText: web.FormatDate(lang, inv.Due),
		AmountText: web.FormatMoney(lang, inv.Amount, inv.Currency), AmountVATText: web.FormatMoney(lang, inv.AmountVAT, inv.Currency),
		StateText: t("invoices.state_" + string(state))}
	switch state {
	case StatePaid:
		r.BadgeClass = "ok"
	case StateOverdue:
		r.BadgeClass = "err"
	default:
		r.BadgeClass = "warn"
	}
	return r
}

// balanceView is one currency of the balance with its sign spelled out.
type balanceView struct {
	BalanceLine
	Abs    int64
	Owes   bool
	Credit bool
}

type listData struct {
	Rows []invoiceRow
	// RowsHTML is Rows as table rows (see rowsHTML); the default template prints it,
	// a theme's own invoices/list may range over Rows instead.
	RowsHTML template.HTML
	Years    []int
	Year     int
	State    string
	States   []State
	Pager    web.Pager
	Balance  []balanceView
	// ShowBalance is ci_display_balance; Balance may still be empty (no invoices yet).
	ShowBalance bool
}

// filterFromQuery reads ?year= and ?state=; values that are not a plausible year or a
// known state are ignored rather than answered with an error, since they come from
// bookmarks and hand-edited URLs.
func filterFromQuery(c *fiber.Ctx) (year int, state State) {
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 1900 && y <= 9999 && len(c.Query("year")) == 4 {
		year = y
	}
	switch s := State(c.Query("state")); s {
	case StatePaid, StateUnpaid, StateOverdue:
		state = s
	}
	return year, state
}

func (m *Module) showInvoiceList(c *fiber.Ctx) error {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	year, state := filterFromQuery(c)
	f := Filter{Year: year, State: state, Today: m.today()}
	total, err := CountInvoices(ctx, q, clientID, f)
	if err != nil {
		return err
	}
	data := listData{Year: year, State: string(state), States: []State{StatePaid, StateUnpaid, StateOverdue},
		Pager: web.NewPager(c, total, perPage)}
	f.Limit, f.Offset = perPage, data.Pager.Offset()
	invs, err := ListInvoices(ctx, q, clientID, f)
	if err != nil {
		return err
	}
	lang := m.d.Web.Lang(c)
	tr := func(key string) string { return m.d.Web.Catalog.T(lang, key) }
	for _, inv := range invs {
		data.Rows = append(data.Rows, newInvoiceRow(inv, inv.StateOn(f.Today), lang, tr))
	}
	data.RowsHTML = rowsHTML(data.Rows, m.d.Web.BasePath, tr)
	if data.Years, err = InvoiceYears(ctx, q, clientID); err != nil {
		return err
	}
	if data.ShowBalance, data.Balance, err = m.balance(c); err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "invoices.title", data)
}

// balance loads the client's balance when ci_display_balance is on.
func (m *Module) balance(c *fiber.Ctx) (bool, []balanceView, error) {
	if !settings.DisplayBalance.Get(m.d.Settings) {
		return false, nil, nil
	}
	lines, err := Balance(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if err != nil {
		return true, nil, err
	}
	out := make([]balanceView, 0, len(lines))
	for _, b := range lines {
		v := balanceView{BalanceLine: b, Abs: b.Balance, Owes: b.Balance < 0, Credit: b.Balance > 0}
		if v.Abs < 0 {
			v.Abs = -v.Abs
		}
		out = append(out, v)
	}
	return true, out, nil
}

// rowsHTML writes the list's table rows. In the template, twenty rows of eleven
// printed values were more than half of the page's CPU under load (every value a field
// lookup by name, one or two reflective escaper calls and an fmt.Fprint: about 250 µs
// a page); written here they cost a few microseconds. Every value is escaped as
// html/template would: text and quoted attributes with HTMLEscapeString, the link's
// path percent-encoded first. Cells a phone shows as a labelled card carry their
// column's name (data-label). No whitespace between cells: with the labels the page
// came to 13 KB, over the 12 KiB at which answers are compressed.
func rowsHTML(rows []invoiceRow, base string, tr func(string) string) template.HTML {
	esc := template.HTMLEscapeString
	href := esc((&url.URL{Path: base + "/invoices/"}).EscapedPath())
	pdfLabel := esc(tr("invoices.pdf_link"))
	// Only cells a phone shows and a reader could not tell apart get a label: the number
	// leads its card in bold, the state badge and the download link speak for
	// themselves, and the amount without VAT and the currency (the amount shows it) are
	// hidden there (the style sheet's table.invoice-list rule, by column).
	td := func(key, class string) string {
		if class != "" {
			class = ` class="` + class + `"`
		}
		if key == "" {
			return "<td" + class + ">"
		}
		return `<td data-label="` + esc(tr(key)) + `"` + class + ">"
	}
	tdNumber, tdIssued, tdDue := td("", ""), td("invoices.issued", ""), td("invoices.due", "")
	tdBase, tdTotal, tdCur := td("", "num"), td("invoices.with_vat", "num"), td("", "")
	tdState, tdPDF := td("", ""), td("", "")
	var b strings.Builder
	b.Grow(len(rows) * 600)
	for i := range rows {
		r := &rows[i]
		id, number := strconv.FormatInt(r.ID, 10), esc(r.Number)
		b.WriteString("<tr>" + tdNumber + "<a href=\"" + href + id + "\">" + number + "</a></td>")
		b.WriteString(tdIssued + esc(r.IssuedText) + "</td>")
		b.WriteString(tdDue + esc(r.DueText) + "</td>")
		b.WriteString(tdBase + esc(r.AmountText) + "</td>")
		b.WriteString(tdTotal + esc(r.AmountVATText) + "</td>")
		b.WriteString(tdCur + esc(r.Currency) + "</td>")
		b.WriteString(tdState + "<span class=\"badge " + esc(r.BadgeClass) + "\">" + esc(r.StateText) + "</span></td>")
		b.WriteString(tdPDF + "<a href=\"" + href + id + "/pdf\" download>" + pdfLabel + "<span class=\"muted\"> " + number + "</span></a></td></tr>\n")
	}
	return template.HTML(b.String())
}
