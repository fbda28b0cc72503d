package invoices

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/ispportal/portal/internal/app"
)

// announceInvoice tells the client of a new unpaid invoice (Hooks.Notify, in tx):
// the billing system's push and import call it for every invoice they store, and
// notify sends each invoice once however often it is stored again.
func announceInvoice(ctx context.Context, tx *sql.Tx, h *app.Hooks, id int64) error {
	if h == nil || h.Notify == nil {
		return nil
	}
	var clientID int64
	if err := tx.QueryRowContext(ctx, `SELECT client_id FROM invoices WHERE id = ?`, id).Scan(&clientID); err != nil {
		return err
	}
	inv, err := InvoiceForClient(ctx, tx, clientID, id)
	if err != nil || inv.Paid {
		return err
	}
	_, err = h.Notify(ctx, tx, app.Event{ClientID: inv.ClientID, Topic: "invoice_new", Key: "invoice:" + strconv.FormatInt(id, 10),
		InvoiceID: id, Vars: map[string]string{"NUMBER": inv.Number, "AMOUNT": money(inv.AmountVAT) + " " + inv.Currency,
			"DUE": inv.Due.Format(time.DateOnly), "PATH": "invoices/" + strconv.FormatInt(id, 10)}})
	return err
}

// announcePayment tells the client of a payment received (Hooks.Notify, in tx), once
// per payment: every way money is recorded (API, import, card, voucher) calls it.
func announcePayment(ctx context.Context, tx *sql.Tx, h *app.Hooks, id int64, p Payment) error {
	if h == nil || h.Notify == nil {
		return nil
	}
	_, err := h.Notify(ctx, tx, app.Event{ClientID: p.ClientID, Topic: "payment", Key: "payment:" + strconv.FormatInt(id, 10),
		Vars: map[string]string{"AMOUNT": money(p.Amount) + " " + p.Currency, "DATE": p.PaidOn.Format(time.DateOnly),
			"PATH": "invoices/payments"}})
	return err
}
