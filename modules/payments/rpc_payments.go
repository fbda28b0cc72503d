package payments

import (
	"errors"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// LinkParams name the invoice of payments.link.
type LinkParams struct {
	InvoiceID         int64  `json:"invoice_id" validate:"required_without=InvoiceExternalID,gte=0" doc:"portal id of the invoice"`
	InvoiceExternalID string `json:"invoice_external_id" validate:"max=64" doc:"the billing system's id of the invoice"`
}

// LinkOut is a pay link.
type LinkOut struct {
	URL     string `json:"url"`
	Expires string `json:"expires" doc:"RFC 3339"`
}

// SinceParams are the cursor of payments.since.
type SinceParams struct {
	After int64 `json:"after" validate:"gte=0" doc:"the last id already read (0: from the start)"`
	Limit int   `json:"limit" validate:"gte=0,lte=1000" doc:"at most this many (default 100)"`
}

// PaymentOut is a payment as payments.since returns it.
type PaymentOut struct {
	ID         int64  `json:"id"`
	ClientID   int64  `json:"client_id"`
	ExternalID string `json:"external_id" doc:"stripe:<session>, voucher:<id>, or the billing system's own"`
	PaidOn     string `json:"paid_on"`
	Amount     int64  `json:"amount" doc:"minor units"`
	Currency   string `json:"currency"`
	Method     string `json:"method" doc:"bank, cash, card, other, online, voucher"`
	InvoiceID  int64  `json:"invoice_id" doc:"0: a credit to the balance"`
	Note       string `json:"note"`
	CreatedAt  string `json:"created_at"`
}

// SinceOut is a page of payments and the cursor to ask with next.
type SinceOut struct {
	Payments []PaymentOut `json:"payments"`
	Next     int64        `json:"next" doc:"pass as after to get the following ones"`
}

// methods are the module's API methods; 320 puts them after the invoices'.
func (m *Module) methods() []*rpc.Method {
	autopay := m.autopayMethods()
	return rpc.Ordered(320,
		rpc.Def("payments.link", perm.InvoicesRead, "Returns a signed link that pays one unpaid invoice without logging in, "+
			"valid for ci_pay_link_days, for the invoice e-mail. Needs ci_url.",
			LinkParams{InvoiceExternalID: "INV-2026-0042"}, LinkOut{URL: "https://portal.example.net/pay/link/7/42/1798761600/Xr2...", Expires: "2027-01-01T10:00:00Z"},
			func(c *rpc.Call, p *LinkParams) (LinkOut, error) {
				if m.d.Hooks.Money.InvoiceClient == nil {
					return LinkOut{}, rpc.NotFound("invoice", p.InvoiceID)
				}
				client, invoice, err := m.d.Hooks.Money.InvoiceClient(c.Ctx, c.Q, p.InvoiceID, p.InvoiceExternalID)
				if errors.Is(err, core.ErrNotFound) {
					return LinkOut{}, rpc.NotFound("invoice", max(p.InvoiceID, 0))
				}
				if err != nil {
					return LinkOut{}, err
				}
				url, exp, err := m.PayLink(c.Ctx, c.Q, client, invoice)
				if errors.Is(err, ErrNotConfigured) {
					return LinkOut{}, rpc.Invalid("invoice_id", "ci_url (the portal's public address) is not set")
				}
				return LinkOut{URL: url, Expires: core.Now(exp)}, err
			}),
		rpc.Def("payments.since", perm.InvoicesRead, "Lists payments recorded after a cursor (online payments, vouchers and the "+
			"billing system's own), oldest first: the way the billing system learns of payments taken in the portal.",
			SinceParams{After: 120, Limit: 100}, SinceOut{Payments: []PaymentOut{{ID: 121, ClientID: 7, ExternalID: "stripe:cs_test_a1",
				PaidOn: "2026-12-03", Amount: 121000, Currency: "CZK", Method: "online", InvoiceID: 42, Note: "Stripe", CreatedAt: "2026-12-03T10:15:00Z"}}, Next: 121},
			func(c *rpc.Call, p *SinceParams) (SinceOut, error) {
				out := SinceOut{Payments: []PaymentOut{}, Next: p.After}
				if m.d.Hooks.Money.Since == nil {
					return out, nil
				}
				limit := p.Limit
				if limit == 0 {
					limit = 100
				}
				list, err := m.d.Hooks.Money.Since(c.Ctx, c.Q, p.After, limit)
				for _, x := range list {
					out.Payments = append(out.Payments, PaymentOut{ID: x.ID, ClientID: x.ClientID, ExternalID: x.ExternalID,
						PaidOn: rpc.Day(x.PaidOn), Amount: x.Amount, Currency: x.Currency, Method: x.Method, InvoiceID: x.InvoiceID,
						Note: x.Note, CreatedAt: core.Now(x.CreatedAt)})
					out.Next = x.ID
				}
				return out, err
			}),
		autopay[0], autopay[1],
	)
}
