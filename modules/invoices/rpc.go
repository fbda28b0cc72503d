package invoices

import (
	"database/sql"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/settings"
)

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

func invoiceOut(inv Invoice) InvoiceOut {
	out := InvoiceOut{ID: inv.ID, HasPDF: inv.PDFPath != "", InvoiceFields: InvoiceFields{ExternalID: inv.ExternalID, ClientID: inv.ClientID,
		Number: inv.Number, Issued: rpc.Day(inv.Issued), Due: rpc.Day(inv.Due), Taxable: rpc.Day(inv.Taxable), Amount: inv.Amount,
		AmountVAT: inv.AmountVAT, Currency: inv.Currency, VariableSymbol: inv.VariableSymbol, Paid: inv.Paid, PaidOn: rpc.Day(inv.PaidOn),
		Items: []InvoiceItem{}}}
	for _, it := range inv.Items {
		out.Items = append(out.Items, InvoiceItem(it))
	}
	return out
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

// methods are the API's invoices.* and payments.* methods, at their place in the
// reference.
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(300,
		rpc.Def("invoices.list", perm.InvoicesRead, "Lists a client's invoices, newest first.", InvoiceListParams{ClientExternalID: "CRM-000123", Year: 2026},
			InvoiceList{[]InvoiceOut{exInvoiceOut}},
			func(c *rpc.Call, p *InvoiceListParams) (InvoiceList, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return InvoiceList{}, err
				}
				list, err := ListInvoices(c.Ctx, c.Q, cl.ID, Filter{Year: p.Year, State: State(p.State),
					Today: c.Now, Limit: p.Limit, Offset: p.Offset})
				out := InvoiceList{Invoices: make([]InvoiceOut, 0, len(list))}
				for _, inv := range list {
					out.Invoices = append(out.Invoices, invoiceOut(inv))
				}
				return out, err
			}),
		rpc.Def("invoices.get", perm.InvoicesRead, "Returns one invoice with its items.", InvoiceRef{ExternalID: "INV-2026-0042"}, exInvoiceOut,
			func(c *rpc.Call, p *InvoiceRef) (InvoiceOut, error) {
				inv, err := invoiceOf(c, *p)
				return invoiceOut(inv), err
			}),
		rpc.Def("invoices.add", perm.InvoicesWrite, "Creates an invoice, or updates the invoice with this external_id and replaces its items (idempotent). "+
			"An uploaded PDF stays attached.", exInvoice, rpc.Saved{ID: 17, Created: true},
			func(c *rpc.Call, p *InvoiceFields) (rpc.Saved, error) {
				clientID, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return rpc.Saved{}, err
				}
				_, err = InvoiceByExternalID(c.Ctx, c.Q, p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				inv := Invoice{ClientID: clientID, ExternalID: p.ExternalID, Number: p.Number, Issued: rpc.ParseDay(p.Issued),
					Due: rpc.ParseDay(p.Due), Taxable: rpc.ParseDay(p.Taxable), Amount: p.Amount, AmountVAT: p.AmountVAT, Currency: p.Currency,
					VariableSymbol: p.VariableSymbol, Paid: p.Paid, PaidOn: rpc.ParseDay(p.PaidOn), CreatedAt: c.Now}
				for _, it := range p.Items {
					inv.Items = append(inv.Items, Item(it))
				}
				if err := inv.Validate(); err != nil {
					return rpc.Saved{}, rpc.Invalid("", err.Error())
				}
				id, err := SaveInvoice(c.Ctx, c.Tx, inv)
				if err != nil {
					return rpc.Saved{}, err
				}
				if err := announceInvoice(c.Ctx, c.Tx, m.d.Hooks, id); err != nil {
					return rpc.Saved{}, err
				}
				c.Audit(clientID, "invoice external_id=%s number=%s created=%t", p.ExternalID, p.Number, created)
				return rpc.Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("payments.list", perm.InvoicesRead, "Lists a client's payments, newest first.", PaymentListParams{ClientExternalID: "CRM-000123"},
			PaymentList{[]PaymentOut{exPaymentOut}},
			func(c *rpc.Call, p *PaymentListParams) (PaymentList, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return PaymentList{}, err
				}
				list, err := ListPayments(c.Ctx, c.Q, cl.ID, PaymentFilter{Limit: p.Limit, Offset: p.Offset})
				out := PaymentList{Payments: make([]PaymentOut, 0, len(list))}
				for _, x := range list {
					out.Payments = append(out.Payments, PaymentOut{ID: x.ID, ExternalID: x.ExternalID, ClientID: x.ClientID, PaidOn: rpc.Day(x.PaidOn),
						Amount: x.Amount, Currency: x.Currency, Method: x.Method, InvoiceID: x.InvoiceID, InvoiceNumber: x.InvoiceNumber, Note: x.Note})
				}
				return out, err
			}),
		rpc.Def("payments.add", perm.InvoicesWrite, "Records a payment, or updates the payment with this external_id (idempotent).", exPayment, rpc.Saved{ID: 5, Created: true},
			func(c *rpc.Call, p *PaymentFields) (rpc.Saved, error) {
				clientID, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return rpc.Saved{}, err
				}
				var invoiceID int64
				if p.InvoiceExternalID != "" {
					inv, err := InvoiceByExternalID(c.Ctx, c.Q, p.InvoiceExternalID)
					if err != nil || inv.ClientID != clientID {
						return rpc.Saved{}, rpc.Invalid("invoice_external_id", "no invoice "+p.InvoiceExternalID+" of this client")
					}
					invoiceID = inv.ID
				}
				var existing int64
				err = c.Q.QueryRowContext(c.Ctx, `SELECT id FROM payments WHERE external_id = ?`, p.ExternalID).Scan(&existing)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return rpc.Saved{}, err
				}
				pay := Payment{ClientID: clientID, ExternalID: p.ExternalID, PaidOn: rpc.ParseDay(p.PaidOn),
					Amount: p.Amount, Currency: p.Currency, Method: p.Method, InvoiceID: invoiceID, Note: p.Note, CreatedAt: c.Now}
				id, err := SavePayment(c.Ctx, c.Tx, pay)
				if err != nil {
					return rpc.Saved{}, rpc.Invalid("", err.Error())
				}
				if err := announcePayment(c.Ctx, c.Tx, m.d.Hooks, id, pay); err != nil {
					return rpc.Saved{}, err
				}
				c.Audit(clientID, "payment external_id=%s amount=%d %s", p.ExternalID, p.Amount, p.Currency)
				return rpc.Saved{ID: id, Created: existing == 0}, nil
			}),
	)
}

func invoiceOf(c *rpc.Call, ref InvoiceRef) (Invoice, error) {
	if ref.ID == 0 {
		inv, err := InvoiceByExternalID(c.Ctx, c.Q, ref.ExternalID)
		if err != nil {
			return inv, rpc.AsApp(err, "invoice with external_id", ref.ExternalID)
		}
		ref.ID = inv.ID
	}
	var clientID int64
	if err := c.Q.QueryRowContext(c.Ctx, `SELECT client_id FROM invoices WHERE id = ?`, ref.ID).Scan(&clientID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Invoice{}, rpc.NotFound("invoice", ref.ID)
		}
		return Invoice{}, err
	}
	inv, err := InvoiceForClient(c.Ctx, c.Q, clientID, ref.ID)
	return inv, rpc.AsApp(err, "invoice", ref.ID)
}

// fileKind is type=invoice of the API's file endpoint: an invoice's PDF.
func (m *Module) fileKind() app.FileKind {
	return app.FileKind{Name: "invoice", Read: perm.InvoicesRead, Write: perm.InvoicesWrite, Download: m.downloadAPIInvoice, Upload: m.uploadAPIInvoice}
}

func (m *Module) downloadAPIInvoice(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef) error {
	inv, err := invoiceOf(cl, InvoiceRef{ID: ref.ID, ExternalID: ref.ExternalID})
	if err != nil {
		return err
	}
	name := "invoice-" + blob.SafeName(inv.Number, "invoice") + ".pdf"
	if inv.PDFPath != "" {
		f, err := m.openPDF(cl.Ctx, inv.PDFPath)
		if err != nil {
			return &app.FileError{Status: fiber.StatusNotFound, Message: "the invoice's PDF file is missing"}
		}
		return blob.Send(c, f, "application/pdf", name)
	}
	pdf, err := GeneratePDF(cl.Ctx, m.d.DB.R, m.d.Web.Catalog, inv.ClientID, inv.ID, settings.DefaultLanguage.Get(m.d.Settings), cl.Now)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, blob.ContentDisposition(name))
	return c.Send(pdf)
}

// uploadAPIInvoice stores the body as an invoice's PDF; a replaced upload of ours is
// removed once the new one is attached.
func (m *Module) uploadAPIInvoice(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef, content io.Reader) (int64, error) {
	head := make([]byte, 5)
	n, _ := io.ReadFull(content, head)
	if !strings.HasPrefix(string(head[:n]), "%PDF-") {
		return 0, &app.FileError{Status: fiber.StatusUnsupportedMediaType, Message: "an invoice upload must be a PDF"}
	}
	content = io.MultiReader(strings.NewReader(string(head[:n])), content)
	inv, err := invoiceOf(cl, InvoiceRef{ID: ref.ID, ExternalID: ref.ExternalID})
	if err != nil {
		return 0, err
	}
	var rel string
	err = m.d.DB.Tx(cl.Ctx, func(tx *sql.Tx) error {
		s, err := blob.Save(cl.Ctx, tx, m.d.DataDir, pdfBlobDir+"/api", content)
		if err != nil {
			return err
		}
		rel = strings.TrimPrefix(s.Path, pdfBlobDir+"/")
		if err := AttachPDF(cl.Ctx, tx, inv.ID, rel); err != nil {
			return err
		}
		if strings.HasPrefix(inv.PDFPath, "api/") {
			// The replaced upload of ours is garbage now; PDFs placed by an import stay.
			if err := blob.Forget(cl.Ctx, tx, pdfBlobDir+"/"+inv.PDFPath); err != nil {
				return err
			}
		}
		return core.Audit(cl.Ctx, tx, core.AuditEntry{At: cl.Now, Actor: cl.Actor(), Action: "api.file.invoice", ClientID: inv.ClientID,
			Detail: "pdf attached to invoice " + inv.Number, IP: cl.IP})
	})
	if err != nil {
		return 0, err
	}
	if inv.PDFPath != "" && inv.PDFPath != rel && strings.HasPrefix(inv.PDFPath, "api/") {
		// The replaced upload, if an older version kept it on disk.
		if p, err := PDFFile(m.d.DataDir, inv.PDFPath); err == nil {
			os.Remove(p)
		}
	}
	return inv.ID, nil
}
