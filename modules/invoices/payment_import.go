package invoices

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/web"
)

// paymentLine is one payment of a JSON-lines import file.
type paymentLine struct {
	lineKeys
	Date              string `json:"date"`
	Amount            amount `json:"amount"`
	Currency          string `json:"currency"`
	Method            string `json:"method"`
	InvoiceExternalID string `json:"invoice_external_id"`
	InvoiceNumber     string `json:"invoice_number"`
	Note              string `json:"note"`
}

// ImportPayments reads payments as JSON lines or CSV and stores them in one transaction,
// keyed by external_id; like ImportInvoices, one malformed line stores nothing. A
// payment may name the invoice it paid by invoice_external_id or invoice_number; that
// invoice must be the same client's. Importing a payment does not mark the invoice
// paid: the billing system says so in the invoice import (paid_on).
func ImportPayments(ctx context.Context, d *db.DB, h *app.Hooks, r io.Reader, now time.Time) (ImportResult, []LineError, error) {
	var res ImportResult
	var rows []Payment
	var lines []int
	errs, err := eachRecord(ctx, d.R, r, func(n int, l *paymentLine, cl core.Client) error {
		p := Payment{ClientID: cl.ID, ExternalID: l.ExternalID, Amount: l.Amount.v, Note: strings.TrimSpace(l.Note),
			Currency: strings.ToUpper(strings.TrimSpace(l.Currency)), Method: strings.ToLower(strings.TrimSpace(l.Method)),
			CreatedAt: now}
		var err error
		if p.PaidOn, err = parseDay("date", l.Date, true); err != nil {
			return err
		}
		switch {
		case !l.Amount.set:
			return errors.New("amount is required")
		case core.CheckAmount(p.Amount) != nil:
			return fmt.Errorf("amount %v", core.ErrAmountRange)
		case p.Currency == "":
			return errors.New("currency is required")
		case !validCurrency(p.Currency):
			return fmt.Errorf("currency %q: must be three capital letters such as CZK or EUR", l.Currency)
		case p.Method == "":
			p.Method = MethodBank
		case !validMethod(p.Method):
			return fmt.Errorf("method %q: must be one of %s", l.Method, strings.Join(Methods, ", "))
		}
		var inv Invoice
		switch {
		case l.InvoiceExternalID != "":
			inv, err = InvoiceByExternalID(ctx, d.R, l.InvoiceExternalID)
		case l.InvoiceNumber != "":
			inv, err = scanInvoice(d.R.QueryRowContext(ctx, `SELECT `+invoiceCols+` FROM invoices
				WHERE client_id = ? AND number = ? ORDER BY id DESC LIMIT 1`, cl.ID, strings.TrimSpace(l.InvoiceNumber)))
		}
		if err != nil || (inv.ID != 0 && inv.ClientID != cl.ID) {
			return fmt.Errorf("invoice %s%s is not an invoice of client %s", l.InvoiceExternalID, l.InvoiceNumber, cl.Number)
		}
		p.InvoiceID = inv.ID
		rows, lines = append(rows, p), append(lines, n)
		return nil
	})
	if err != nil || len(errs) > 0 {
		return res, errs, err
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for i, p := range rows {
			if err := countNew(ctx, tx, "payments", p.ExternalID, &res); err != nil {
				return err
			}
			id, err := SavePayment(ctx, tx, p)
			if err != nil {
				return fmt.Errorf("line %d: %w", lines[i], err)
			}
			if err := announcePayment(ctx, tx, h, id, p); err != nil {
				return err
			}
		}
		return nil
	})
	return res, nil, err
}

func runPaymentImport(ctx context.Context, d app.Deps, cio app.IO, args []string) error {
	file, err := importFile(app.Flags("payment import", cio), args, "FILE")
	if err != nil {
		return err
	}
	res, err := runImport(cio, file, func(r io.Reader) (ImportResult, []LineError, error) {
		return ImportPayments(ctx, d.DB, d.Hooks, r, d.Now())
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cio.Out, "%s: %d new, %d updated payment(s)\n", file, res.New, res.Updated)
	return nil
}

func runInvoiceList(ctx context.Context, d app.Deps, cio app.IO, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: portal invoice list CLIENT")
	}
	cl, err := core.ClientByNumber(ctx, d.DB.R, args[0])
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("client %q not found", args[0])
	} else if err != nil {
		return err
	}
	now := d.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	invs, err := ListInvoices(ctx, d.DB.R, cl.ID, Filter{Today: today})
	if err != nil {
		return err
	}
	tb := app.NewTable(cio.Out, "ID", "NUMBER", "ISSUED", "DUE", "WITHOUT VAT", "WITH VAT", "STATE", "PDF")
	for _, inv := range invs {
		pdf := "generated"
		if inv.PDFPath != "" {
			pdf = inv.PDFPath
		}
		tb.Row(inv.ID, inv.Number, formatDate(inv.Issued), formatDate(inv.Due),
			web.FormatMoney("en", inv.Amount, inv.Currency), web.FormatMoney("en", inv.AmountVAT, inv.Currency), inv.StateOn(today), pdf)
	}
	if err := tb.Flush(); err != nil {
		return err
	}
	bal, err := Balance(ctx, d.DB.R, cl.ID)
	if err != nil {
		return err
	}
	for _, b := range bal {
		if b.OutOfRange {
			fmt.Fprintf(cio.Out, "Balance %s: out of range (amounts stored before they were bounded sum beyond int64)\n", b.Currency)
			continue
		}
		fmt.Fprintf(cio.Out, "Balance %s: %s (invoiced %s, paid %s)\n", b.Currency, web.FormatMoney("en", b.Balance, b.Currency),
			web.FormatMoney("en", b.Invoiced, b.Currency), web.FormatMoney("en", b.Paid, b.Currency))
	}
	return nil
}
