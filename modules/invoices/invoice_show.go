package invoices

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

type itemRow struct {
	Item
	Qty   string
	Total int64
}

type showData struct {
	Invoice  Invoice
	State    State
	Items    []itemRow
	VAT      []VATLine
	Supplier core.InvoiceGroup
	// HowToPay is shown for unpaid invoices; QR only when a payload could be made.
	HowToPay bool
	Payload  string
	HasQR    bool
	// PayPath is where an unpaid invoice is paid online ("" when it cannot be).
	PayPath string
}

// loadInvoice finds the invoice of the URL among the logged-in client's own; anything
// else (malformed id, another client's invoice) is a plain 404.
func (m *Module) loadInvoice(c *fiber.Ctx) (Invoice, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Invoice{}, err
	}
	inv, err := InvoiceForClient(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), id)
	if errors.Is(err, core.ErrNotFound) {
		return inv, fiber.ErrNotFound
	}
	return inv, err
}

// supplier is the invoice group of the logged-in client; a client without a group
// gets an empty supplier (no bank details, no QR code).
func (m *Module) supplier(c *fiber.Ctx) (core.InvoiceGroup, error) {
	cl := m.d.Web.Client(c)
	if cl == nil || cl.InvoiceGroupID == 0 {
		return core.InvoiceGroup{}, nil
	}
	g, err := core.GroupByID(c.UserContext(), m.d.DB.R, cl.InvoiceGroupID)
	if errors.Is(err, core.ErrNotFound) {
		return core.InvoiceGroup{}, nil
	}
	return g, err
}

func (m *Module) showInvoice(c *fiber.Ctx) error {
	inv, err := m.loadInvoice(c)
	if err != nil {
		return err
	}
	g, err := m.supplier(c)
	if err != nil {
		return err
	}
	lang := m.d.Web.Lang(c)
	data := showData{Invoice: inv, State: inv.StateOn(m.today()), VAT: VATSummary(inv.Items), Supplier: g}
	for _, it := range inv.Items {
		data.Items = append(data.Items, itemRow{Item: it, Qty: FormatQuantity(lang, it.Quantity), Total: it.Base() + it.VAT()})
	}
	data.HowToPay = data.State != StatePaid
	if data.HowToPay {
		data.Payload, data.HasQR = PaymentPayload(inv, g)
		if m.d.Hooks.PayPath != nil {
			data.PayPath = m.d.Hooks.PayPath(c.UserContext(), inv.ID)
		}
	}
	return m.d.Web.Show(c, tplShow, "invoices.detail_title", data)
}

// FormatQuantity shows a quantity held in thousandths without needless zeros: 1, 1.5
// (1,5 in Czech), 0.125.
func FormatQuantity(lang string, milli int64) string {
	neg := milli < 0
	if neg {
		milli = -milli
	}
	s := strconv.FormatInt(milli/1000, 10)
	if frac := milli % 1000; frac != 0 {
		dec := "."
		if lang == "cs" {
			dec = ","
		}
		s += dec + strings.TrimRight(strconv.FormatInt(1000+frac, 10)[1:], "0")
	}
	if neg {
		s = "−" + s
	}
	return s
}
