package invoices

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// demoPlan says what each demo client gets.
type demoPlan struct {
	number  string
	months  int
	items   []Item
	cashAt  int  // months back of the one invoice paid in cash (0 = none)
	overdue int  // months back of an unpaid invoice now past due (0 = none)
	pdfAt   int  // months back of the invoice with a supplied PDF (0 = none)
	eur     bool // also an unpaid EUR invoice (business client)
	credit  int64
}

var demoPlans = []demoPlan{
	{number: "1001", months: 18, cashAt: 7, overdue: 2, pdfAt: 3, items: []Item{
		{Description: "Internet 250 Mbit/s – měsíční paušál", Quantity: 1000, UnitPrice: 49587, VATRate: 21},
		{Description: "Veřejná IP adresa", Quantity: 1000, UnitPrice: 10000, VATRate: 21},
	}},
	{number: "1002", months: 12, eur: true, items: []Item{
		{Description: "Business Internet 1 Gbit/s, SLA 99,9 %", Quantity: 1000, UnitPrice: 247934, VATRate: 21},
		{Description: "Záložní LTE linka", Quantity: 1000, UnitPrice: 41322, VATRate: 21},
	}},
	{number: "1003", months: 14, credit: 50000, items: []Item{
		{Description: "Internet 100 Mbit/s", Quantity: 1000, UnitPrice: 33058, VATRate: 21},
	}},
	{number: "1004", months: 12, overdue: 1, items: []Item{
		{Description: "Internet 500 Mbit/s", Quantity: 1000, UnitPrice: 57851, VATRate: 21},
		{Description: "IPTV – základní balíček", Quantity: 1000, UnitPrice: 16529, VATRate: 21},
		{Description: "Instalace – hodinová sazba", Quantity: 1500, UnitPrice: 40000, VATRate: 21},
	}},
}

// seed adds 12-18 months of invoices and payments for a few demo clients: an overdue
// one, a cash payment, an EUR invoice for a business client and an invoice with a
// supplied PDF. A client that already has demo invoices is left alone, so a second
// run (even months later) changes nothing.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	today := time.Date(env.Now.Year(), env.Now.Month(), env.Now.Day(), 0, 0, 0, 0, time.UTC)
	for _, plan := range demoPlans {
		clientID, ok := env.ClientIDs[plan.number]
		if !ok {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices WHERE client_id = ? AND external_id LIKE 'demo-%'`,
			clientID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if err := m.seedClient(ctx, tx, env, plan, clientID, today); err != nil {
			return fmt.Errorf("client %s: %w", plan.number, err)
		}
	}
	return nil
}

func (m *Module) seedClient(ctx context.Context, tx *sql.Tx, env app.SeedEnv, plan demoPlan, clientID int64, today time.Time) error {
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for back := plan.months - 1; back >= 0; back-- {
		issued := first.AddDate(0, -back, 0)
		number := fmt.Sprintf("%02d%02d%s", issued.Year()%100, int(issued.Month()), plan.number)
		inv := Invoice{ClientID: clientID, ExternalID: "demo-inv-" + number, Number: number, Issued: issued,
			Due: issued.AddDate(0, 0, 14), Currency: "CZK", VariableSymbol: number, Items: plan.items, CreatedAt: env.Now}
		inv.Amount, inv.AmountVAT = Totals(inv.Items)
		unpaid := back == plan.overdue && plan.overdue > 0 || !inv.Due.Before(today)
		if !unpaid {
			inv.Paid, inv.PaidOn = true, issued.AddDate(0, 0, 5+back%7)
		}
		id, err := SaveInvoice(ctx, tx, inv)
		if err != nil {
			return err
		}
		if inv.Paid {
			method, note := MethodBank, ""
			if back == plan.cashAt {
				method, note = MethodCash, "Zaplaceno na pobočce"
			}
			if _, err := SavePayment(ctx, tx, Payment{ClientID: clientID, ExternalID: "demo-pay-" + number, PaidOn: inv.PaidOn,
				Amount: inv.AmountVAT, Currency: "CZK", Method: method, InvoiceID: id, Note: note, CreatedAt: env.Now}); err != nil {
				return err
			}
		}
		if back == plan.pdfAt && plan.pdfAt > 0 {
			if err := m.seedPDF(ctx, tx, env, clientID, id, plan.number, number); err != nil {
				return err
			}
		}
	}
	if plan.credit > 0 {
		if _, err := SavePayment(ctx, tx, Payment{ClientID: clientID, ExternalID: "demo-pay-credit-" + plan.number,
			PaidOn: today.AddDate(0, 0, -3), Amount: plan.credit, Currency: "CZK", Method: MethodCard,
			Note: "Platba předem", CreatedAt: env.Now}); err != nil {
			return err
		}
	}
	if plan.eur {
		issued := today.AddDate(0, 0, -10)
		number := fmt.Sprintf("E%02d%02d%s", issued.Year()%100, int(issued.Month()), plan.number)
		inv := Invoice{ClientID: clientID, ExternalID: "demo-inv-" + number, Number: number, Issued: issued,
			Due: issued.AddDate(0, 0, 30), Currency: "EUR", VariableSymbol: number[1:], CreatedAt: env.Now,
			Items: []Item{{Description: "Transit 1 Gbit/s Praha – Wien", Quantity: 1000, UnitPrice: 45000, VATRate: 21},
				{Description: "Cross-connect", Quantity: 2000, UnitPrice: 3500, VATRate: 21}}}
		inv.Amount, inv.AmountVAT = Totals(inv.Items)
		if _, err := SaveInvoice(ctx, tx, inv); err != nil {
			return err
		}
	}
	return nil
}

// seedPDF renders an invoice with the PDF code into data/invoices, as if the billing
// system had supplied it, and attaches it.
func (m *Module) seedPDF(ctx context.Context, tx *sql.Tx, env app.SeedEnv, clientID, invoiceID int64, clientNumber, number string) error {
	inv, err := InvoiceForClient(ctx, tx, clientID, invoiceID)
	if err != nil {
		return err
	}
	cl, err := core.ClientByID(ctx, tx, clientID)
	if err != nil {
		return err
	}
	g, _ := core.GroupByID(ctx, tx, cl.InvoiceGroupID)
	rel := fileSafe(clientNumber) + "/" + fileSafe(number) + ".pdf"
	err = writeFileAtomic(filepath.Join(env.DataDir, "invoices", filepath.FromSlash(rel)), func(w io.Writer) error {
		return RenderPDF(w, PDFInput{Invoice: inv, Client: cl, Supplier: g, Lang: "cs", Today: env.Now,
			T: func(key string, args ...any) string { return m.d.Web.Catalog.T("cs", key, args...) }})
	})
	if err != nil {
		return err
	}
	return AttachPDF(ctx, tx, invoiceID, rel)
}
