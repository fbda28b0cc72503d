package invoices

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"path/filepath"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// dateLayout is how calendar dates (issue, due, taxable, paid) are stored.
const dateLayout = "2006-01-02"

// State is what the client sees of an invoice: paid, unpaid or overdue.
type State string

// The invoice states. Overdue is never stored: it is unpaid past the due date.
const (
	StatePaid    State = "paid"
	StateUnpaid  State = "unpaid"
	StateOverdue State = "overdue"
)

// Payment methods.
const (
	MethodBank  = "bank"
	MethodCash  = "cash"
	MethodCard  = "card"
	MethodOther = "other"
	// MethodOnline is a payment taken through an online gateway (Stripe, PayPal);
	// MethodVoucher a prepaid voucher code the client redeemed.
	MethodOnline  = "online"
	MethodVoucher = "voucher"
)

// Methods lists the accepted payment methods.
var Methods = []string{MethodBank, MethodCash, MethodCard, MethodOther, MethodOnline, MethodVoucher}

// Invoice is one invoice of a client. Amounts are in minor units.
type Invoice struct {
	ID             int64
	ClientID       int64
	ExternalID     string
	Number         string
	Issued         time.Time
	Due            time.Time
	Taxable        time.Time
	Amount         int64 // without VAT
	AmountVAT      int64 // with VAT: what the client pays
	Currency       string
	VariableSymbol string
	Paid           bool
	PaidOn         time.Time
	PDFPath        string // supplied PDF, relative to data/invoices; "" = generate
	CreatedAt      time.Time
	Items          []Item
}

// Item is one line of an invoice.
type Item struct {
	Description string
	Quantity    int64 // thousandths: 1.5 pieces = 1500
	UnitPrice   int64 // minor units, without VAT
	VATRate     int64 // percent
}

// Base is the line's amount without VAT, rounded half away from zero to minor units.
func (it Item) Base() int64 { return roundDiv(it.Quantity*it.UnitPrice, 1000) }

// VAT is the line's VAT.
func (it Item) VAT() int64 { return roundDiv(it.Base()*it.VATRate, 100) }

func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// MaxQuantity bounds an invoice line's quantity, in thousandths: a million pieces
// either way (core holds it so the API's validation can name it too).
const MaxQuantity = core.MaxQuantity

// check reports the first problem of one line: a quantity, unit price or VAT rate out
// of range, or a line amount beyond core.MaxAmount.
func (it Item) check() error {
	switch {
	case it.Quantity < -MaxQuantity || it.Quantity > MaxQuantity:
		return errors.New("quantity must be between -1,000,000 and 1,000,000")
	case core.CheckAmount(it.UnitPrice) != nil:
		return fmt.Errorf("unit_price %w", core.ErrAmountRange)
	case it.VATRate < 0 || it.VATRate > 100:
		return errors.New("vat_rate must be between 0 and 100 (percent)")
	}
	// Both factors are in range, but their product may still not fit in an int64
	// (a million pieces at the highest price): multiply in 128 bits first.
	hi, lo := bits.Mul64(uint64(abs(it.Quantity)), uint64(abs(it.UnitPrice)))
	if hi != 0 || lo > math.MaxInt64 || core.CheckAmount(it.Base()) != nil {
		return fmt.Errorf("the line's amount (quantity × unit_price) %w", core.ErrAmountRange)
	}
	return nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// checkItems checks every line and the lines' totals without and with VAT.
func checkItems(items []Item) error {
	var base, total int64
	ok := true
	for i, it := range items {
		if err := it.check(); err != nil {
			return fmt.Errorf("item %d: %w", i+1, err)
		}
		var ok1, ok2 bool
		base, ok1 = core.AddAmounts(base, it.Base())
		total, ok2 = core.AddAmounts(total, it.Base()+it.VAT())
		ok = ok && ok1 && ok2
		if !ok {
			break
		}
	}
	if !ok || core.CheckAmount(base) != nil || core.CheckAmount(total) != nil {
		return fmt.Errorf("the items' total with VAT %w", core.ErrAmountRange)
	}
	return nil
}

// Totals sums items into the amounts without and with VAT.
func Totals(items []Item) (amount, amountVAT int64) {
	for _, it := range items {
		amount += it.Base()
		amountVAT += it.Base() + it.VAT()
	}
	return amount, amountVAT
}

// VATLine is one rate of an invoice's VAT summary.
type VATLine struct {
	Rate, Base, VAT int64
}

// Total is the amount with VAT at this rate.
func (v VATLine) Total() int64 { return v.Base + v.VAT }

// VATSummary groups an invoice's items by VAT rate, in the order rates first appear.
func VATSummary(items []Item) []VATLine {
	var out []VATLine
	idx := map[int64]int{}
	for _, it := range items {
		i, ok := idx[it.VATRate]
		if !ok {
			i = len(out)
			idx[it.VATRate] = i
			out = append(out, VATLine{Rate: it.VATRate})
		}
		out[i].Base += it.Base()
		out[i].VAT += it.VAT()
	}
	return out
}

// StateOn says whether the invoice is paid, unpaid or overdue on a given day.
func (inv Invoice) StateOn(today time.Time) State {
	switch {
	case inv.Paid:
		return StatePaid
	case inv.Due.Format(dateLayout) < today.Format(dateLayout):
		return StateOverdue
	default:
		return StateUnpaid
	}
}

// Payment is money received from a client.
type Payment struct {
	ID            int64
	ClientID      int64
	ExternalID    string
	PaidOn        time.Time
	Amount        int64
	Currency      string
	Method        string
	InvoiceID     int64 // 0 = not tied to an invoice
	InvoiceNumber string
	Note          string
	CreatedAt     time.Time // when the portal received it; zero = now
}

// Filter narrows ListInvoices and CountInvoices.
type Filter struct {
	Year   int   // 0 = every year
	State  State // "" = every state; StateUnpaid includes overdue ones
	Today  time.Time
	Limit  int // 0 = no limit
	Offset int
}

func (f Filter) where() (string, []any) {
	var sb strings.Builder
	var args []any
	if f.Year != 0 {
		sb.WriteString(` AND issued >= ? AND issued < ?`)
		args = append(args, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-01-01", f.Year+1))
	}
	today := f.Today.Format(dateLayout)
	switch f.State {
	case StatePaid:
		sb.WriteString(` AND paid = 1`)
	case StateUnpaid:
		sb.WriteString(` AND paid = 0`)
	case StateOverdue:
		sb.WriteString(` AND paid = 0 AND due < ?`)
		args = append(args, today)
	}
	return sb.String(), args
}

const invoiceCols = `id, client_id, COALESCE(external_id, ''), number, issued, due, taxable, amount, amount_vat, currency,
	variable_symbol, paid, paid_on, pdf_path, created_at`

func scanInvoice(row interface{ Scan(...any) error }) (Invoice, error) {
	var inv Invoice
	var issued, due, taxable, paidOn, created string
	err := row.Scan(&inv.ID, &inv.ClientID, &inv.ExternalID, &inv.Number, &issued, &due, &taxable, &inv.Amount,
		&inv.AmountVAT, &inv.Currency, &inv.VariableSymbol, &inv.Paid, &paidOn, &inv.PDFPath, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return inv, core.ErrNotFound
	}
	inv.Issued, inv.Due, inv.Taxable, inv.PaidOn = parseDate(issued), parseDate(due), parseDate(taxable), parseDate(paidOn)
	inv.CreatedAt = core.ParseTime(created)
	return inv, err
}

func parseDate(s string) time.Time {
	t, _ := time.Parse(dateLayout, s)
	return t
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// ListInvoices lists a client's invoices, newest first.
func ListInvoices(ctx context.Context, q core.Querier, clientID int64, f Filter) ([]Invoice, error) {
	query, args := listInvoicesQuery(clientID, f)
	return core.List(ctx, q, scanInvoice, query, args...)
}

// listInvoicesQuery pages by the index on (client_id, issued, id) (migration 0002), so
// neither database sorts a client's invoices to find a page.
func listInvoicesQuery(clientID int64, f Filter) (string, []any) {
	where, args := f.where()
	return `SELECT ` + invoiceCols + ` FROM invoices WHERE client_id = ?` + where +
		` ORDER BY issued DESC, id DESC` + core.PageLimit(f.Limit, f.Offset), append([]any{clientID}, args...)
}

// CountInvoices counts a client's invoices matching a filter (Limit is ignored).
func CountInvoices(ctx context.Context, q core.Querier, clientID int64, f Filter) (int, error) {
	where, args := f.where()
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices WHERE client_id = ?`+where,
		append([]any{clientID}, args...)...).Scan(&n)
	return n, err
}

// InvoiceYears lists the years in which a client has invoices, newest first.
func InvoiceYears(ctx context.Context, q core.Querier, clientID int64) ([]int, error) {
	years, err := core.List(ctx, q, core.ScanValue[string],
		`SELECT DISTINCT SUBSTR(issued, 1, 4) FROM invoices WHERE client_id = ? ORDER BY 1 DESC`, clientID)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, y := range years {
		var n int
		if _, err := fmt.Sscanf(y, "%d", &n); err == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// InvoiceForClient loads one invoice with its items, only if it belongs to the client;
// anything else is core.ErrNotFound, so another client's id looks like no invoice.
func InvoiceForClient(ctx context.Context, q core.Querier, clientID, id int64) (Invoice, error) {
	inv, err := scanInvoice(q.QueryRowContext(ctx, `SELECT `+invoiceCols+` FROM invoices WHERE id = ? AND client_id = ?`, id, clientID))
	if err != nil {
		return inv, err
	}
	inv.Items, err = invoiceItems(ctx, q, inv.ID)
	return inv, err
}

// InvoiceByExternalID loads an invoice (without items) by the billing system's id.
func InvoiceByExternalID(ctx context.Context, q core.Querier, externalID string) (Invoice, error) {
	return scanInvoice(q.QueryRowContext(ctx, `SELECT `+invoiceCols+` FROM invoices WHERE external_id = ?`, strings.TrimSpace(externalID)))
}

func invoiceItems(ctx context.Context, q core.Querier, invoiceID int64) ([]Item, error) {
	return core.List(ctx, q, scanItem, `SELECT description, quantity, unit_price, vat_rate FROM invoice_items
		WHERE invoice_id = ? ORDER BY position, id`, invoiceID)
}

func scanItem(row core.Row) (Item, error) {
	var it Item
	err := row.Scan(&it.Description, &it.Quantity, &it.UnitPrice, &it.VATRate)
	return it, err
}

// Validate reports the first problem of an invoice about to be saved.
func (inv Invoice) Validate() error {
	switch {
	case inv.ClientID == 0:
		return errors.New("client is required")
	case strings.TrimSpace(inv.Number) == "":
		return errors.New("number is required")
	case inv.Issued.IsZero() || inv.Due.IsZero():
		return errors.New("issue and due dates are required")
	case inv.Due.Before(inv.Issued):
		return errors.New("due date is before the issue date")
	case !validCurrency(inv.Currency):
		return fmt.Errorf("currency %q: must be three capital letters such as CZK or EUR", inv.Currency)
	case inv.Paid && inv.PaidOn.IsZero():
		return errors.New("a paid invoice needs its paid date")
	}
	for _, r := range inv.VariableSymbol {
		if r < '0' || r > '9' {
			return fmt.Errorf("variable symbol %q: digits only", inv.VariableSymbol)
		}
	}
	if len(inv.VariableSymbol) > 10 {
		return fmt.Errorf("variable symbol %q: at most 10 digits", inv.VariableSymbol)
	}
	if inv.PDFPath != "" && !safeRel(inv.PDFPath) {
		return fmt.Errorf("pdf path %q: must be a plain path inside data/invoices", inv.PDFPath)
	}
	// Texts as SaveInvoice stores them (core.Line): no control characters.
	if _, err := core.Line(inv.Number); err != nil {
		return fmt.Errorf("number %w", err)
	}
	for i, it := range inv.Items {
		if d, err := core.Line(it.Description); err != nil || d == "" {
			return fmt.Errorf("item %d: description %w", i+1, cmp.Or(err, core.ErrNotBlank))
		}
	}
	if err := checkItems(inv.Items); err != nil {
		return err
	}
	if core.CheckAmount(inv.Amount) != nil {
		return fmt.Errorf("amount %w", core.ErrAmountRange)
	}
	if core.CheckAmount(inv.AmountVAT) != nil {
		return fmt.Errorf("amount_vat %w", core.ErrAmountRange)
	}
	return nil
}

func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// SaveInvoice stores an invoice with its items and returns its id. With an ExternalID
// it is idempotent: the same external id updates the stored invoice and replaces its
// items (a supplied PDF already attached is kept unless PDFPath is given). Taxable
// defaults to Issued.
func SaveInvoice(ctx context.Context, tx *sql.Tx, inv Invoice) (int64, error) {
	if inv.Taxable.IsZero() {
		inv.Taxable = inv.Issued
	}
	if err := inv.Validate(); err != nil {
		return 0, err
	}
	inv.Number, _ = core.Line(inv.Number) // Validate accepted the texts
	items := make([]Item, len(inv.Items))
	for i, it := range inv.Items {
		it.Description, _ = core.Line(it.Description)
		items[i] = it
	}
	inv.Items = items
	paidOn := ""
	if inv.Paid {
		paidOn = formatDate(inv.PaidOn)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO invoices (client_id, external_id, number, issued, due, taxable, amount,
		amount_vat, currency, variable_symbol, paid, paid_on, pdf_path, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (external_id) DO UPDATE SET client_id = excluded.client_id, number = excluded.number,
			issued = excluded.issued, due = excluded.due, taxable = excluded.taxable, amount = excluded.amount,
			amount_vat = excluded.amount_vat, currency = excluded.currency, variable_symbol = excluded.variable_symbol,
			paid = excluded.paid, paid_on = excluded.paid_on,
			pdf_path = CASE WHEN excluded.pdf_path <> '' THEN excluded.pdf_path ELSE invoices.pdf_path END
		RETURNING id`,
		inv.ClientID, core.NullText(inv.ExternalID), strings.TrimSpace(inv.Number), formatDate(inv.Issued), formatDate(inv.Due),
		formatDate(inv.Taxable), inv.Amount, inv.AmountVAT, inv.Currency, inv.VariableSymbol, inv.Paid, paidOn,
		inv.PDFPath, core.Now(createdAt(inv.CreatedAt))).Scan(&id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM invoice_items WHERE invoice_id = ?`, id); err != nil {
		return 0, err
	}
	for i, it := range inv.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO invoice_items (invoice_id, position, description, quantity, unit_price, vat_rate)
			VALUES (?, ?, ?, ?, ?, ?)`, id, i, it.Description, it.Quantity, it.UnitPrice, it.VATRate); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// AttachPDF records the supplied PDF of an invoice: rel is the file's path relative to
// data/invoices. Paths that could leave that folder are refused.
func AttachPDF(ctx context.Context, tx *sql.Tx, invoiceID int64, rel string) error {
	if !safeRel(rel) {
		return fmt.Errorf("pdf path %q: must be a plain path inside data/invoices", rel)
	}
	res, err := tx.ExecContext(ctx, `UPDATE invoices SET pdf_path = ? WHERE id = ?`, filepath.ToSlash(rel), invoiceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// SavePayment stores a payment and returns its id; with an ExternalID it is idempotent.
// A payment's InvoiceID must be an invoice of the same client.
func SavePayment(ctx context.Context, tx *sql.Tx, p Payment) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	p.Note, _ = core.Line(p.Note) // Validate accepted it
	var invoice any
	if p.InvoiceID != 0 {
		if _, err := InvoiceForClient(ctx, tx, p.ClientID, p.InvoiceID); err != nil {
			return 0, fmt.Errorf("invoice %d is not an invoice of this client", p.InvoiceID)
		}
		invoice = p.InvoiceID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO payments (client_id, external_id, paid_on, amount, currency, method, invoice_id, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (external_id) DO UPDATE SET client_id = excluded.client_id, paid_on = excluded.paid_on,
			amount = excluded.amount, currency = excluded.currency, method = excluded.method,
			invoice_id = excluded.invoice_id, note = excluded.note
		RETURNING id`,
		p.ClientID, core.NullText(p.ExternalID), formatDate(p.PaidOn), p.Amount, p.Currency, p.Method, invoice, p.Note,
		core.Now(createdAt(p.CreatedAt))).Scan(&id)
	return id, err
}

// Validate reports the first problem of a payment about to be saved.
func (p Payment) Validate() error {
	switch {
	case p.ClientID == 0:
		return errors.New("client is required")
	case p.PaidOn.IsZero():
		return errors.New("date is required")
	case !validCurrency(p.Currency):
		return fmt.Errorf("currency %q: must be three capital letters such as CZK or EUR", p.Currency)
	case !validMethod(p.Method):
		return fmt.Errorf("method %q: must be one of %s", p.Method, strings.Join(Methods, ", "))
	case core.CheckAmount(p.Amount) != nil:
		return fmt.Errorf("amount %w", core.ErrAmountRange)
	}
	if _, err := core.Line(p.Note); err != nil {
		return fmt.Errorf("note %w", err)
	}
	return nil
}

func validMethod(m string) bool {
	for _, x := range Methods {
		if m == x {
			return true
		}
	}
	return false
}

// PaymentFilter narrows ListPayments and CountPayments.
type PaymentFilter struct {
	HideCash bool // ci_display_cash_payments off
	Limit    int
	Offset   int
}

func (f PaymentFilter) where() string {
	if f.HideCash {
		return ` AND p.method <> 'cash'`
	}
	return ""
}

// ListPayments lists a client's payments, newest first, with the number of the invoice
// each paid (only when that invoice is the same client's).
func ListPayments(ctx context.Context, q core.Querier, clientID int64, f PaymentFilter) ([]Payment, error) {
	return core.List(ctx, q, scanPayment, listPaymentsQuery(f), clientID)
}

// listPaymentsQuery (one argument: the client) pages by the index on (client_id,
// paid_on, id) (migration 0002), so neither database sorts a client's payments.
func listPaymentsQuery(f PaymentFilter) string {
	return `SELECT p.id, p.client_id, COALESCE(p.external_id, ''), p.paid_on, p.amount, p.currency,
		p.method, COALESCE(i.id, 0), COALESCE(i.number, ''), p.note
		FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id AND i.client_id = p.client_id
		WHERE p.client_id = ?` + f.where() + ` ORDER BY p.paid_on DESC, p.id DESC` + core.PageLimit(f.Limit, f.Offset)
}

func scanPayment(row core.Row) (Payment, error) {
	var p Payment
	var on string
	err := row.Scan(&p.ID, &p.ClientID, &p.ExternalID, &on, &p.Amount, &p.Currency, &p.Method,
		&p.InvoiceID, &p.InvoiceNumber, &p.Note)
	p.PaidOn = parseDate(on)
	return p, err
}

// CountPayments counts a client's payments.
func CountPayments(ctx context.Context, q core.Querier, clientID int64, f PaymentFilter) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments p WHERE p.client_id = ?`+f.where(), clientID).Scan(&n)
	return n, err
}

// BalanceLine is a client's balance in one currency: payments minus invoices. Positive
// is a credit, negative is what the client owes.
type BalanceLine struct {
	Currency string
	Invoiced int64
	Paid     int64
	Balance  int64
	// OutOfRange: the amounts do not sum within int64, which only rows stored before
	// amounts were bounded (core.MaxAmount) can cause; the other fields are then 0.
	OutOfRange bool
}

// Balance computes a client's balance per currency. Every payment counts, cash ones
// too: hiding cash payments from the list does not change what the client owes.
// SQL sums the amounts (one row per currency instead of one per invoice and payment:
// the dashboard and the invoice list ask on every view). SUM fails the whole query
// with "integer overflow" when a sum exceeds int64, which only rows stored before
// amounts were bounded (core.MaxAmount) can cause; the sums are then taken row by row
// here, so that one currency is OutOfRange and the page still answers.
func Balance(ctx context.Context, q core.Querier, clientID int64) ([]BalanceLine, error) {
	out, err := core.List(ctx, q, func(r core.Row) (BalanceLine, error) {
		var b BalanceLine
		err := r.Scan(&b.Currency, &b.Invoiced, &b.Paid)
		return b, err
	}, `SELECT currency, SUM(invoiced), SUM(paid) FROM (
			SELECT currency, amount_vat AS invoiced, 0 AS paid FROM invoices WHERE client_id = ?
			UNION ALL
			SELECT currency, 0, amount FROM payments WHERE client_id = ?)
		GROUP BY currency ORDER BY currency`, clientID, clientID)
	if err != nil {
		if out, err = balanceByRow(ctx, q, clientID); err != nil {
			return nil, err
		}
	}
	for i := range out {
		b := &out[i]
		if !b.OutOfRange {
			var ok bool
			b.Balance, ok = core.AddAmounts(b.Paid, -b.Invoiced)
			// The page shows the balance's absolute value, and -MinInt64 does not exist.
			b.OutOfRange = !ok || b.Invoiced == math.MinInt64 || b.Balance == math.MinInt64
		}
		if b.OutOfRange {
			b.Invoiced, b.Paid, b.Balance = 0, 0, 0
		}
	}
	return out, nil
}

// balanceByRow sums a client's invoices and payments per currency in Go, marking a
// currency whose sums do not fit in an int64 OutOfRange.
func balanceByRow(ctx context.Context, q core.Querier, clientID int64) ([]BalanceLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT currency, amount_vat, 0 FROM invoices WHERE client_id = ?
			UNION ALL
			SELECT currency, 0, amount FROM payments WHERE client_id = ?
		ORDER BY 1`, clientID, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BalanceLine
	for rows.Next() {
		var cur string
		var invoiced, paid int64
		if err := rows.Scan(&cur, &invoiced, &paid); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Currency != cur {
			out = append(out, BalanceLine{Currency: cur})
		}
		b := &out[len(out)-1]
		if b.OutOfRange {
			continue
		}
		var ok1, ok2 bool
		b.Invoiced, ok1 = core.AddAmounts(b.Invoiced, invoiced)
		b.Paid, ok2 = core.AddAmounts(b.Paid, paid)
		b.OutOfRange = !ok1 || !ok2
	}
	return out, rows.Err()
}

// NextUnpaid is the client's unpaid invoice due first: an overdue one when there is
// any, since it fell due earlier. core.ErrNotFound: nothing is unpaid.
func NextUnpaid(ctx context.Context, q core.Querier, clientID int64) (Invoice, error) {
	return scanInvoice(q.QueryRowContext(ctx, `SELECT `+invoiceCols+` FROM invoices WHERE client_id = ? AND paid = 0
		ORDER BY due, id LIMIT 1`, clientID))
}

// PDFFile resolves a stored PDF path to a file under dataDir/invoices, refusing any
// path that could point elsewhere (absolute, "..", backslashes, symlinks on the way).
func PDFFile(dataDir, rel string) (string, error) {
	if !safeRel(rel) {
		return "", fmt.Errorf("unsafe pdf path %q", rel)
	}
	root := filepath.Join(dataDir, "invoices")
	p := filepath.Join(root, filepath.FromSlash(rel))
	// A symlink inside data/invoices could still lead out; resolve both and compare.
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return p, err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p, err
	}
	if r, err := filepath.Rel(realRoot, real); err != nil || !filepath.IsLocal(r) {
		return "", fmt.Errorf("pdf path %q leaves data/invoices", rel)
	}
	return real, nil
}

// safeRel accepts a relative slash path with no "..", no backslash, no control bytes.
func safeRel(rel string) bool {
	if rel == "" || strings.ContainsAny(rel, "\\\x00\r\n:") || strings.HasPrefix(rel, "/") {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return filepath.IsLocal(filepath.FromSlash(rel))
}

// createdAt defaults a row's creation time to the wall clock; callers with a clock
// (the server, the seed) pass their own.
func createdAt(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
