package api

import (
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/invoices"
)

const dateLayout = "2006-01-02"

// InvoiceFields are an invoice as the billing system sends it. Its PDF is uploaded
// separately through /jsonrpc/file; without one the portal generates it.
type InvoiceFields struct {
	ExternalID       string        `json:"external_id" validate:"required,max=64"`
	ClientID         int64         `json:"client_id" validate:"gte=0" doc:"the client, by portal id..."`
	ClientExternalID string        `json:"client_external_id" validate:"max=64" doc:"...or by external id (one of the two is required)"`
	Number           string        `json:"number" validate:"required,max=32"`
	Issued           string        `json:"issued" validate:"required,datetime=2006-01-02"`
	Due              string        `json:"due" validate:"required,datetime=2006-01-02"`
	Taxable          string        `json:"taxable" validate:"omitempty,datetime=2006-01-02" doc:"default: issued"`
	Amount           int64         `json:"amount" validate:"money" doc:"without VAT, minor units"`
	AmountVAT        int64         `json:"amount_vat" validate:"money" doc:"with VAT (what the client pays), minor units"`
	Currency         string        `json:"currency" validate:"required,len=3"`
	VariableSymbol   string        `json:"variable_symbol" validate:"omitempty,numeric,max=10"`
	Paid             bool          `json:"paid"`
	PaidOn           string        `json:"paid_on" validate:"required_if=Paid true,omitempty,datetime=2006-01-02"`
	Items            []InvoiceItem `json:"items" validate:"max=500,dive"`
}

// InvoiceItem is one line of an invoice.
type InvoiceItem struct {
	Description string `json:"description" validate:"required,max=500"`
	Quantity    int64  `json:"quantity" validate:"quantity" doc:"thousandths: 1.5 pieces = 1500"`
	UnitPrice   int64  `json:"unit_price" validate:"money" doc:"minor units, without VAT"`
	VATRate     int64  `json:"vat_rate" validate:"gte=0,lte=100" doc:"percent"`
}

// InvoiceOut is an invoice as the API returns it.
type InvoiceOut struct {
	ID     int64 `json:"id"`
	HasPDF bool  `json:"has_pdf" doc:"a PDF was uploaded; otherwise the portal generates one"`
	InvoiceFields
}

func invoiceOut(inv invoices.Invoice) InvoiceOut {
	out := InvoiceOut{ID: inv.ID, HasPDF: inv.PDFPath != "", InvoiceFields: InvoiceFields{ExternalID: inv.ExternalID, ClientID: inv.ClientID,
		Number: inv.Number, Issued: day(inv.Issued), Due: day(inv.Due), Taxable: day(inv.Taxable), Amount: inv.Amount,
		AmountVAT: inv.AmountVAT, Currency: inv.Currency, VariableSymbol: inv.VariableSymbol, Paid: inv.Paid, PaidOn: day(inv.PaidOn),
		Items: []InvoiceItem{}}}
	for _, it := range inv.Items {
		out.Items = append(out.Items, InvoiceItem{Description: it.Description, Quantity: it.Quantity, UnitPrice: it.UnitPrice, VATRate: it.VATRate})
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

func parseDay(s string) time.Time {
	t, _ := time.Parse(dateLayout, s)
	return t
}

// InvoiceRef names an invoice by id or external id.
type InvoiceRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0"`
	ExternalID string `json:"external_id" validate:"max=64"`
}

// InvoiceListParams choose a client's invoices.
type InvoiceListParams struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
	Year             int    `json:"year" validate:"omitempty,gte=2000,lte=2100"`
	State            string `json:"state" validate:"omitempty,oneof=paid unpaid overdue"`
	Limit            int    `json:"limit" validate:"gte=0,lte=1000" doc:"0: all"`
	Offset           int    `json:"offset" validate:"gte=0"`
}

// PaymentFields are a payment as the billing system sends it.
type PaymentFields struct {
	ExternalID        string `json:"external_id" validate:"required,max=64"`
	ClientID          int64  `json:"client_id" validate:"gte=0" doc:"the client, by portal id..."`
	ClientExternalID  string `json:"client_external_id" validate:"max=64" doc:"...or by external id (one of the two is required)"`
	PaidOn            string `json:"paid_on" validate:"required,datetime=2006-01-02"`
	Amount            int64  `json:"amount" validate:"money" doc:"minor units"`
	Currency          string `json:"currency" validate:"required,len=3"`
	Method            string `json:"method" validate:"required,oneof=bank cash card other"`
	InvoiceExternalID string `json:"invoice_external_id" validate:"max=64" doc:"the invoice it pays, if any"`
	Note              string `json:"note" validate:"max=500"`
}

// PaymentOut is a payment as the API returns it.
type PaymentOut struct {
	ID            int64  `json:"id"`
	ExternalID    string `json:"external_id"`
	ClientID      int64  `json:"client_id"`
	PaidOn        string `json:"paid_on"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	Method        string `json:"method"`
	InvoiceID     int64  `json:"invoice_id"`
	InvoiceNumber string `json:"invoice_number"`
	Note          string `json:"note"`
}

// PaymentListParams choose a client's payments.
type PaymentListParams struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
	Limit            int    `json:"limit" validate:"gte=0,lte=1000"`
	Offset           int    `json:"offset" validate:"gte=0"`
}

// InvoiceList and PaymentList are the returns of the list methods.
type (
	InvoiceList struct {
		Invoices []InvoiceOut `json:"invoices"`
	}
	PaymentList struct {
		Payments []PaymentOut `json:"payments"`
	}
)

var exInvoice = InvoiceFields{ExternalID: "INV-2026-0042", ClientExternalID: "CRM-000123", Number: "2026000042", Issued: "2026-11-01",
	Due: "2026-11-15", Amount: 41240, AmountVAT: 49900, Currency: "CZK", VariableSymbol: "2026000042",
	Items: []InvoiceItem{{Description: "Internet Fiber 250, November 2026", Quantity: 1000, UnitPrice: 41240, VATRate: 21}}}

var exInvoiceOut = func() InvoiceOut {
	f := exInvoice
	f.ClientExternalID, f.ClientID, f.Taxable = "", 42, "2026-11-01"
	return InvoiceOut{ID: 17, InvoiceFields: f}
}()

var exPayment = PaymentFields{ExternalID: "PAY-88121", ClientExternalID: "CRM-000123", PaidOn: "2026-11-10", Amount: 49900,
	Currency: "CZK", Method: "bank", InvoiceExternalID: "INV-2026-0042"}

var exPaymentOut = PaymentOut{ID: 5, ExternalID: "PAY-88121", ClientID: 42, PaidOn: "2026-11-10", Amount: 49900, Currency: "CZK",
	Method: "bank", InvoiceID: 17, InvoiceNumber: "2026000042"}

func (m *Module) invoiceMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("invoices.list", perm.InvoicesRead, "Lists a client's invoices, newest first.", InvoiceListParams{ClientExternalID: "CRM-000123", Year: 2026},
			InvoiceList{[]InvoiceOut{exInvoiceOut}},
			func(c *rpc.Call, p *InvoiceListParams) (InvoiceList, error) {
				cl, err := client(c, ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return InvoiceList{}, err
				}
				list, err := invoices.ListInvoices(c.Ctx, c.Q, cl.ID, invoices.Filter{Year: p.Year, State: invoices.State(p.State),
					Today: c.Now, Limit: p.Limit, Offset: p.Offset})
				out := InvoiceList{Invoices: make([]InvoiceOut, 0, len(list))}
				for _, inv := range list {
					out.Invoices = append(out.Invoices, invoiceOut(inv))
				}
				return out, err
			}),
		rpc.Def("invoices.get", perm.InvoicesRead, "Returns one invoice with its items.", InvoiceRef{ExternalID: "INV-2026-0042"}, exInvoiceOut,
			func(c *rpc.Call, p *InvoiceRef) (InvoiceOut, error) {
				inv, err := invoice(c, *p)
				return invoiceOut(inv), err
			}),
		rpc.Def("invoices.add", perm.InvoicesWrite, "Creates an invoice, or updates the invoice with this external_id and replaces its items (idempotent). "+
			"An uploaded PDF stays attached.", exInvoice, Saved{ID: 17, Created: true},
			func(c *rpc.Call, p *InvoiceFields) (Saved, error) {
				clientID, err := clientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return Saved{}, err
				}
				_, err = invoices.InvoiceByExternalID(c.Ctx, c.Q, p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return Saved{}, err
				}
				inv := invoices.Invoice{ClientID: clientID, ExternalID: p.ExternalID, Number: p.Number, Issued: parseDay(p.Issued),
					Due: parseDay(p.Due), Taxable: parseDay(p.Taxable), Amount: p.Amount, AmountVAT: p.AmountVAT, Currency: p.Currency,
					VariableSymbol: p.VariableSymbol, Paid: p.Paid, PaidOn: parseDay(p.PaidOn), CreatedAt: c.Now}
				for _, it := range p.Items {
					inv.Items = append(inv.Items, invoices.Item{Description: it.Description, Quantity: it.Quantity, UnitPrice: it.UnitPrice, VATRate: it.VATRate})
				}
				if err := inv.Validate(); err != nil {
					return Saved{}, rpc.Invalid("", err.Error())
				}
				id, err := invoices.SaveInvoice(c.Ctx, c.Tx, inv)
				if err != nil {
					return Saved{}, err
				}
				c.Audit(clientID, "invoice external_id=%s number=%s created=%t", p.ExternalID, p.Number, created)
				return Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("payments.list", perm.InvoicesRead, "Lists a client's payments, newest first.", PaymentListParams{ClientExternalID: "CRM-000123"},
			PaymentList{[]PaymentOut{exPaymentOut}},
			func(c *rpc.Call, p *PaymentListParams) (PaymentList, error) {
				cl, err := client(c, ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return PaymentList{}, err
				}
				list, err := invoices.ListPayments(c.Ctx, c.Q, cl.ID, invoices.PaymentFilter{Limit: p.Limit, Offset: p.Offset})
				out := PaymentList{Payments: make([]PaymentOut, 0, len(list))}
				for _, x := range list {
					out.Payments = append(out.Payments, PaymentOut{ID: x.ID, ExternalID: x.ExternalID, ClientID: x.ClientID, PaidOn: day(x.PaidOn),
						Amount: x.Amount, Currency: x.Currency, Method: x.Method, InvoiceID: x.InvoiceID, InvoiceNumber: x.InvoiceNumber, Note: x.Note})
				}
				return out, err
			}),
		rpc.Def("payments.add", perm.InvoicesWrite, "Records a payment, or updates the payment with this external_id (idempotent).", exPayment, Saved{ID: 5, Created: true},
			func(c *rpc.Call, p *PaymentFields) (Saved, error) {
				clientID, err := clientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return Saved{}, err
				}
				var invoiceID int64
				if p.InvoiceExternalID != "" {
					inv, err := invoices.InvoiceByExternalID(c.Ctx, c.Q, p.InvoiceExternalID)
					if err != nil || inv.ClientID != clientID {
						return Saved{}, rpc.Invalid("invoice_external_id", "no invoice "+p.InvoiceExternalID+" of this client")
					}
					invoiceID = inv.ID
				}
				var existing int64
				err = c.Q.QueryRowContext(c.Ctx, `SELECT id FROM payments WHERE external_id = ?`, p.ExternalID).Scan(&existing)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return Saved{}, err
				}
				id, err := invoices.SavePayment(c.Ctx, c.Tx, invoices.Payment{ClientID: clientID, ExternalID: p.ExternalID, PaidOn: parseDay(p.PaidOn),
					Amount: p.Amount, Currency: p.Currency, Method: p.Method, InvoiceID: invoiceID, Note: p.Note, CreatedAt: c.Now})
				if err != nil {
					return Saved{}, rpc.Invalid("", err.Error())
				}
				c.Audit(clientID, "payment external_id=%s amount=%d %s", p.ExternalID, p.Amount, p.Currency)
				return Saved{ID: id, Created: existing == 0}, nil
			}),
	}
}

// clientID resolves a client given by id or external id in a write's params.
func clientID(c *rpc.Call, id int64, ext string) (int64, error) {
	if ext != "" {
		v, err := idByExternal(c.Ctx, c.Q, "clients", ext)
		if err != nil {
			return 0, rpc.Invalid("client_external_id", "no client with external_id "+ext)
		}
		return v, nil
	}
	if id == 0 {
		return 0, rpc.ErrInvalidParams("client_id", "client_id or client_external_id is required")
	}
	if _, err := core.ClientByID(c.Ctx, c.Q, id); err != nil {
		return 0, rpc.Invalid("client_id", "no client "+itoa64(id))
	}
	return id, nil
}

func invoice(c *rpc.Call, ref InvoiceRef) (invoices.Invoice, error) {
	if ref.ID == 0 {
		inv, err := invoices.InvoiceByExternalID(c.Ctx, c.Q, ref.ExternalID)
		if err != nil {
			return inv, rpc.AsApp(err, "invoice with external_id", ref.ExternalID)
		}
		ref.ID = inv.ID
	}
	var clientID int64
	if err := c.Q.QueryRowContext(c.Ctx, `SELECT client_id FROM invoices WHERE id = ?`, ref.ID).Scan(&clientID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return invoices.Invoice{}, rpc.NotFound("invoice", ref.ID)
		}
		return invoices.Invoice{}, err
	}
	inv, err := invoices.InvoiceForClient(c.Ctx, c.Q, clientID, ref.ID)
	return inv, rpc.AsApp(err, "invoice", ref.ID)
}
