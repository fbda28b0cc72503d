package app

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Money is the hook through which modules that take money (online payments,
// vouchers) record it without importing the module that owns payments and invoices.
type Money struct {
	// Record stores a payment in the caller's transaction and returns its id. With an
	// ExternalID it is idempotent: the same ExternalID is one payment however often it
	// is recorded. A payment tied to an invoice that it pays in full marks the invoice
	// paid. An InvoiceID of another client is refused.
	Record func(ctx context.Context, tx *sql.Tx, p MoneyIn) (int64, error)
	// OpenInvoices lists a client's unpaid invoices with what is still to pay, oldest
	// due date first.
	OpenInvoices func(ctx context.Context, q core.Querier, clientID int64) ([]OpenInvoice, error)
	// OpenInvoice is one unpaid invoice of the client; core.ErrNotFound when it is not
	// the client's, or is paid.
	OpenInvoice func(ctx context.Context, q core.Querier, clientID, invoiceID int64) (OpenInvoice, error)
	// InvoiceClient is the client of an invoice, found by its id or, when id is 0, by
	// the billing system's external id; core.ErrNotFound when there is none.
	InvoiceClient func(ctx context.Context, q core.Querier, id int64, externalID string) (clientID, invoiceID int64, err error)
	// Since lists payments with an id above after, by id, at most limit: the cursor
	// the billing system follows to learn of payments taken in the portal.
	Since func(ctx context.Context, q core.Querier, after int64, limit int) ([]MoneyOut, error)
	// Currencies are the currencies of the client's invoices and payments, for the
	// balance refill form (empty when the client has none).
	Currencies func(ctx context.Context, q core.Querier, clientID int64) ([]string, error)
}

// MoneyIn is a payment to record. Method is one the owner accepts ("card", "voucher",
// "online", ...). Amounts are in minor units.
type MoneyIn struct {
	ClientID   int64
	ExternalID string
	PaidOn     time.Time
	Amount     int64
	Currency   string
	Method     string
	InvoiceID  int64 // 0: a credit to the balance
	Note       string
	CreatedAt  time.Time
}

// OpenInvoice is what a client still owes on one invoice.
type OpenInvoice struct {
	ID       int64
	Number   string
	Due      time.Time
	Open     int64 // minor units still to pay (the amount with VAT less payments tied to it)
	Currency string
}

// MoneyOut is a stored payment as the billing system reads it: the payment as it was
// recorded, with its id.
type MoneyOut struct {
	ID int64
	MoneyIn
}
