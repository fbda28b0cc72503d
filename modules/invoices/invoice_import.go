package invoices

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

// invoiceLine is one invoice of a JSON-lines import file (see docs/modules/invoices.md).
type invoiceLine struct {
	lineKeys
	Number         string     `json:"number"`
	Issued         string     `json:"issued"`
	Due            string     `json:"due"`
	Taxable        string     `json:"taxable"`
	Currency       string     `json:"currency"`
	VariableSymbol string     `json:"variable_symbol"`
	PaidOn         string     `json:"paid_on"`
	Amount         amount     `json:"amount"`
	AmountVAT      amount     `json:"amount_vat"`
	Items          []itemLine `json:"items"`
}

type itemLine struct {
	Description string   `json:"description"`
	Quantity    quantity `json:"quantity"`
	UnitPrice   amount   `json:"unit_price"`
	VATRate     *int64   `json:"vat_rate"`
}

// ImportResult counts what an import stored.
type ImportResult struct {
	New, Updated, PDFs int
}

// ImportInvoices reads invoices as JSON lines or CSV and stores them in one transaction,
// keyed by external_id so that importing the same file again changes nothing. Every
// line is checked first; if any is malformed, nothing is stored and the line errors
// are returned. With pdfDir, a file named <number>.pdf there is copied to
// dataDir/invoices/<client number>/ and attached as the invoice's supplied PDF.
func ImportInvoices(ctx context.Context, d *db.DB, h *app.Hooks, dataDir string, r io.Reader, pdfDir string, now time.Time) (ImportResult, []LineError, error) {
	var res ImportResult
	type parsed struct {
		line   int
		inv    Invoice
		client core.Client
		pdf    string
	}
	var rows []parsed
	errs, err := eachRecord(ctx, d.R, r, func(n int, l *invoiceLine, cl core.Client) error {
		inv := Invoice{ClientID: cl.ID, ExternalID: l.ExternalID, Number: strings.TrimSpace(l.Number),
			Currency: strings.ToUpper(strings.TrimSpace(l.Currency)), VariableSymbol: strings.TrimSpace(l.VariableSymbol),
			CreatedAt: now}
		var err error
		if inv.Issued, err = parseDay("issued", l.Issued, true); err == nil {
			if inv.Due, err = parseDay("due", l.Due, true); err == nil {
				if inv.Taxable, err = parseDay("taxable", l.Taxable, false); err == nil {
					inv.PaidOn, err = parseDay("paid_on", l.PaidOn, false)
				}
			}
		}
		if err != nil {
			return err
		}
		inv.Paid = !inv.PaidOn.IsZero()
		if inv.Currency == "" {
			inv.Currency = "CZK"
			if g, err := core.GroupByID(ctx, d.R, cl.InvoiceGroupID); err == nil && g.Currency != "" {
				inv.Currency = g.Currency
			}
		}
		for i, it := range l.Items {
			switch {
			case strings.TrimSpace(it.Description) == "":
				return fmt.Errorf("item %d: description is required", i+1)
			case !it.UnitPrice.set:
				return fmt.Errorf("item %d: unit_price is required", i+1)
			case it.VATRate == nil || *it.VATRate < 0 || *it.VATRate > 100:
				return fmt.Errorf("item %d: vat_rate (percent, 0-100) is required", i+1)
			}
			q := it.Quantity.v
			if !it.Quantity.set {
				q = 1000
			}
			inv.Items = append(inv.Items, Item{Description: strings.TrimSpace(it.Description), Quantity: q,
				UnitPrice: it.UnitPrice.v, VATRate: *it.VATRate})
		}
		// Lines first: the totals below are only meaningful for lines in range.
		if err := checkItems(inv.Items); err != nil {
			return err
		}
		base, total := Totals(inv.Items)
		switch {
		case l.Amount.set != l.AmountVAT.set:
			return errors.New("give both amount and amount_vat, or neither (they are then summed from the items)")
		case l.Amount.set && len(inv.Items) > 0 && (l.Amount.v != base || l.AmountVAT.v != total):
			return fmt.Errorf("amount %s / amount_vat %s do not match the items (%s / %s)", money(l.Amount.v), money(l.AmountVAT.v), money(base), money(total))
		case l.Amount.set:
			inv.Amount, inv.AmountVAT = l.Amount.v, l.AmountVAT.v
		case len(inv.Items) == 0:
			return errors.New("an invoice needs items or amount and amount_vat")
		default:
			inv.Amount, inv.AmountVAT = base, total
		}
		if err := inv.Validate(); err != nil {
			return err
		}
		p := parsed{line: n, inv: inv, client: cl}
		if pdfDir != "" {
			if p.pdf, err = findPDF(pdfDir, inv.Number); err != nil {
				return err
			}
		}
		rows = append(rows, p)
		return nil
	})
	if err != nil {
		return res, errs, err
	}
	if len(errs) > 0 {
		return res, errs, nil
	}
	// Copy PDFs before the transaction: a failed transaction leaves at most files that
	// the next import overwrites, never an invoice pointing at no file.
	for i := range rows {
		if rows[i].pdf == "" {
			continue
		}
		rel := fileSafe(rows[i].client.Number) + "/" + fileSafe(rows[i].inv.Number) + ".pdf"
		if err := copyPDF(rows[i].pdf, filepath.Join(dataDir, "invoices", filepath.FromSlash(rel))); err != nil {
			return res, nil, fmt.Errorf("line %d: %w", rows[i].line, err)
		}
		rows[i].inv.PDFPath = rel
		res.PDFs++
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range rows {
			if err := countNew(ctx, tx, "invoices", p.inv.ExternalID, &res); err != nil {
				return err
			}
			id, err := SaveInvoice(ctx, tx, p.inv)
			if err != nil {
				return fmt.Errorf("line %d: %w", p.line, err)
			}
			if err := announceInvoice(ctx, tx, h, id); err != nil {
				return err
			}
		}
		return nil
	})
	return res, nil, err
}

func money(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// findPDF looks for the supplied PDF of an invoice number in dir; none is fine (the
// portal generates one), a file that is too big or not a PDF is an error.
func findPDF(dir, number string) (string, error) {
	for _, name := range []string{number + ".pdf", fileSafe(number) + ".pdf"} {
		if strings.ContainsAny(name, `/\`) {
			continue
		}
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if !st.Mode().IsRegular() {
			return "", fmt.Errorf("%s: not a regular file", p)
		}
		if st.Size() > MaxPDFSize {
			return "", fmt.Errorf("%s is %.1f MB, over the %d MB limit for an invoice PDF", p, float64(st.Size())/(1<<20), MaxPDFSize>>20)
		}
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		head := make([]byte, 5)
		_, err = io.ReadFull(f, head)
		f.Close()
		if err != nil || string(head) != "%PDF-" {
			return "", fmt.Errorf("%s: not a PDF file", p)
		}
		return p, nil
	}
	return "", nil
}

// copyPDF copies through a temporary file and a rename, so that a reader never sees
// half a file.
func copyPDF(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeFileAtomic(dst, func(w io.Writer) error {
		_, err := io.Copy(w, io.LimitReader(in, MaxPDFSize+1))
		return err
	})
}

func writeFileAtomic(dst string, fill func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "invoice import", Usage: "FILE [--pdf-dir DIR]",
			Help: "Import invoices from a JSON-lines or CSV file (one invoice per line, keyed by external_id; see docs/modules/invoices.md).",
			Run:  runInvoiceImport},
		{Name: "payment import", Usage: "FILE",
			Help: "Import payments from a JSON-lines or CSV file (one payment per line, keyed by external_id).",
			Run:  runPaymentImport},
		{Name: "invoice list", Usage: "CLIENT",
			Help: "List a client's invoices and balance (CLIENT is the client number).",
			Run:  runInvoiceList},
	}
}

func runInvoiceImport(ctx context.Context, d app.Deps, cio app.IO, args []string) error {
	fs := app.Flags("invoice import", cio)
	pdfDir := fs.String("pdf-dir", "", "folder with supplied PDFs named <invoice number>.pdf")
	file, err := importFile(fs, args, "FILE [--pdf-dir DIR]")
	if err != nil {
		return err
	}
	if *pdfDir != "" {
		if st, err := os.Stat(*pdfDir); err != nil || !st.IsDir() {
			return fmt.Errorf("--pdf-dir %s: not a folder", *pdfDir)
		}
	}
	res, err := runImport(cio, file, func(r io.Reader) (ImportResult, []LineError, error) {
		return ImportInvoices(ctx, d.DB, d.Hooks, d.DataDir, r, *pdfDir, d.Now())
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cio.Out, "%s: %d new, %d updated invoice(s), %d PDF(s) attached\n", file, res.New, res.Updated, res.PDFs)
	return nil
}
