package invoices

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/web"
)

// paymentLine is one payment of a JSON-lines import file.
type paymentLine struct {
	ExternalID        string `json:"external_id"`
	Client            string `json:"client"`
	ClientExternalID  string `json:"client_external_id"`
	Date              string `json:"date"`
	Amount            amount `json:"amount"`
	Currency          string `json:"currency"`
	Method            string `json:"method"`
	InvoiceExternalID string `json:"invoice_external_id"`
	InvoiceNumber     string `json:"invoice_number"`
	Note              string `json:"note"`
}

// ImportPayments reads payments as JSON lines and stores them in one transaction,
// keyed by external_id; like ImportInvoices, one malformed line stores nothing. A
// payment may name the invoice it paid by invoice_external_id or invoice_number; that
// invoice must be the same client's. Importing a payment does not mark the invoice
// paid: the billing system says so in the invoice import (paid_on).
func ImportPayments(ctx context.Context, d *db.DB, r io.Reader, now time.Time) (ImportResult, []LineError, error) {
	var res ImportResult
	var errs []LineError
	var rows []Payment
	var lines []int
	seen := map[string]int{}
	err := eachLine(r, func(n int, b []byte) {
		var l paymentLine
		fail := func(format string, a ...any) { errs = append(errs, LineError{n, fmt.Sprintf(format, a...)}) }
		if err := decodeStrict(b, &l); err != nil {
			fail("%v", err)
			return
		}
		if strings.TrimSpace(l.ExternalID) == "" {
			fail("external_id is required (it makes a repeated import update instead of duplicate)")
			return
		}
		if prev, dup := seen[l.ExternalID]; dup {
			fail("external_id %q already used on line %d", l.ExternalID, prev)
			return
		}
		seen[l.ExternalID] = n
		cl, err := clientRef(ctx, d.R, strings.TrimSpace(l.Client), strings.TrimSpace(l.ClientExternalID))
		if err != nil {
			fail("%v", err)
			return
		}
		p := Payment{ClientID: cl.ID, ExternalID: l.ExternalID, Amount: l.Amount.v, Note: strings.TrimSpace(l.Note),
			Currency: strings.ToUpper(strings.TrimSpace(l.Currency)), Method: strings.ToLower(strings.TrimSpace(l.Method)),
			CreatedAt: now}
		if p.PaidOn, err = parseDay("date", l.Date, true); err != nil {
			fail("%v", err)
			return
		}
		switch {
		case !l.Amount.set:
			fail("amount is required")
			return
		case core.CheckAmount(p.Amount) != nil:
			fail("amount %v", core.ErrAmountRange)
			return
		case p.Currency == "":
			fail("currency is required")
			return
		case !validCurrency(p.Currency):
			fail("currency %q: must be three capital letters such as CZK or EUR", l.Currency)
			return
		case p.Method == "":
			p.Method = MethodBank
		case !validMethod(p.Method):
			fail("method %q: must be one of %s", l.Method, strings.Join(Methods, ", "))
			return
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
			fail("invoice %s%s is not an invoice of client %s", l.InvoiceExternalID, l.InvoiceNumber, cl.Number)
			return
		}
		p.InvoiceID = inv.ID
		rows, lines = append(rows, p), append(lines, n)
	})
	if err != nil || len(errs) > 0 {
		return res, errs, err
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for i, p := range rows {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM payments WHERE external_id = ?`, p.ExternalID).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				res.New++
			} else if err != nil {
				return err
			} else {
				res.Updated++
			}
			if _, err := SavePayment(ctx, tx, p); err != nil {
				return fmt.Errorf("line %d: %w", lines[i], err)
			}
		}
		return nil
	})
	return res, nil, err
}

func runPaymentImport(ctx context.Context, d app.Deps, cio app.IO, args []string) error {
	fs := flag.NewFlagSet("payment import", flag.ContinueOnError)
	fs.SetOutput(cio.Err)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: portal payment import FILE")
	}
	f, err := openImport(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	res, lerrs, err := ImportPayments(ctx, d.DB, f, d.Now())
	if len(lerrs) > 0 {
		return reportErrors(cio.Err, pos[0], lerrs)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	fmt.Fprintf(cio.Out, "%s: %d new, %d updated payment(s)\n", pos[0], res.New, res.Updated)
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
	tw := tabwriter.NewWriter(cio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNUMBER\tISSUED\tDUE\tWITHOUT VAT\tWITH VAT\tSTATE\tPDF")
	for _, inv := range invs {
		pdf := "generated"
		if inv.PDFPath != "" {
			pdf = inv.PDFPath
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", inv.ID, inv.Number, formatDate(inv.Issued), formatDate(inv.Due),
			web.FormatMoney("en", inv.Amount, inv.Currency), web.FormatMoney("en", inv.AmountVAT, inv.Currency), inv.StateOn(today), pdf)
	}
	if err := tw.Flush(); err != nil {
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
