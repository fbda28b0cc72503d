package invoices

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// moneyHook is what this module answers through app.Hooks.Money for the modules that take
// money (online payments, vouchers): they record payments here, in their own
// transaction, and read what a client still owes.
func moneyHook(h *app.Hooks) app.Money {
	record := func(ctx context.Context, tx *sql.Tx, in app.MoneyIn) (int64, error) {
		id, err := recordMoney(ctx, tx, in)
		if err != nil {
			return id, err
		}
		return id, announcePayment(ctx, tx, h, id, Payment{ClientID: in.ClientID, Amount: in.Amount, Currency: in.Currency, PaidOn: in.PaidOn})
	}
	return app.Money{Record: record, OpenInvoices: openInvoices, OpenInvoice: openInvoice, Currencies: currencies,
		InvoiceClient: invoiceClient, Since: paymentsSince}
}

// recordMoney saves the payment and marks the invoice it pays paid once nothing is
// left open on it. A replay with the same ExternalID changes nothing.
func recordMoney(ctx context.Context, tx *sql.Tx, in app.MoneyIn) (int64, error) {
	id, err := SavePayment(ctx, tx, Payment{ClientID: in.ClientID, ExternalID: in.ExternalID, PaidOn: in.PaidOn,
		Amount: in.Amount, Currency: in.Currency, Method: in.Method, InvoiceID: in.InvoiceID, Note: in.Note, CreatedAt: in.CreatedAt})
	if err != nil || in.InvoiceID == 0 {
		return id, err
	}
	open, err := scanOpen(tx.QueryRowContext(ctx, openSQL+` AND i.id = ?`, in.ClientID, in.InvoiceID))
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil // already marked paid
	}
	if err != nil || open.Open > 0 {
		return id, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE invoices SET paid = 1, paid_on = ? WHERE id = ? AND client_id = ?`,
		formatDate(in.PaidOn), in.InvoiceID, in.ClientID)
	return id, err
}

// openSQL selects unpaid invoices with what is still open: the amount with VAT less
// the payments tied to the invoice in its currency.
const openSQL = `SELECT i.id, i.number, i.due, i.amount_vat - COALESCE((SELECT SUM(p.amount) FROM payments p
		WHERE p.invoice_id = i.id AND p.client_id = i.client_id AND p.currency = i.currency), 0), i.currency
	FROM invoices i WHERE i.client_id = ? AND i.paid = 0`

func scanOpen(row core.Row) (app.OpenInvoice, error) {
	var o app.OpenInvoice
	var due string
	err := row.Scan(&o.ID, &o.Number, &due, &o.Open, &o.Currency)
	o.Due = parseDate(due)
	return o, err
}

func openInvoices(ctx context.Context, q core.Querier, clientID int64) ([]app.OpenInvoice, error) {
	all, err := core.List(ctx, q, scanOpen, openSQL+` ORDER BY i.due, i.id`, clientID)
	out := all[:0]
	for _, o := range all {
		if o.Open > 0 {
			out = append(out, o)
		}
	}
	return out, err
}

func openInvoice(ctx context.Context, q core.Querier, clientID, invoiceID int64) (app.OpenInvoice, error) {
	o, err := scanOpen(q.QueryRowContext(ctx, openSQL+` AND i.id = ?`, clientID, invoiceID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && o.Open <= 0) {
		return app.OpenInvoice{}, core.ErrNotFound
	}
	return o, err
}

func currencies(ctx context.Context, q core.Querier, clientID int64) ([]string, error) {
	return core.List(ctx, q, func(r core.Row) (string, error) { var s string; return s, r.Scan(&s) },
		`SELECT currency FROM invoices WHERE client_id = ? UNION SELECT currency FROM payments WHERE client_id = ? ORDER BY 1`,
		clientID, clientID)
}

func invoiceClient(ctx context.Context, q core.Querier, id int64, externalID string) (int64, int64, error) {
	var client int64
	// By id or by external id, chosen here: "? > 0 AND id = ?" would make PostgreSQL
	// type the parameter as its literal's int4, and refuse a larger id.
	row := q.QueryRowContext(ctx, `SELECT client_id, id FROM invoices WHERE external_id = ?`, externalID)
	if id > 0 {
		row = q.QueryRowContext(ctx, `SELECT client_id, id FROM invoices WHERE id = ?`, id)
	}
	err := row.Scan(&client, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, core.ErrNotFound
	}
	return client, id, err
}

func paymentsSince(ctx context.Context, q core.Querier, after int64, limit int) ([]app.MoneyOut, error) {
	return core.List(ctx, q, func(r core.Row) (app.MoneyOut, error) {
		var p app.MoneyOut
		var on, created string
		err := r.Scan(&p.ID, &p.ClientID, &p.ExternalID, &on, &p.Amount, &p.Currency, &p.Method, &p.InvoiceID, &p.Note, &created)
		p.PaidOn, p.CreatedAt = parseDate(on), core.ParseTime(created)
		return p, err
	}, `SELECT id, client_id, COALESCE(external_id, ''), paid_on, amount, currency, method, COALESCE(invoice_id, 0), note, created_at
		FROM payments WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
}
