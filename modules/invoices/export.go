package invoices

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: the invoices
// (without their PDFs, which the Invoices page serves) and the payments.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "invoices", clientID,
		[2]string{"invoices", `SELECT number, issued, due, ` + core.MoneyText("amount") + ` AS amount,
			` + core.MoneyText("amount_vat") + ` AS amount_vat, currency, variable_symbol, paid_on
			FROM invoices WHERE client_id = ? ORDER BY issued, id`},
		[2]string{"payments", `SELECT p.paid_on AS paid_on, ` + core.MoneyText("p.amount") + ` AS amount, p.currency AS currency,
			p.method AS method, COALESCE(i.number, '') AS invoice, p.note AS note
			FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id WHERE p.client_id = ? ORDER BY p.paid_on, p.id`})
}
