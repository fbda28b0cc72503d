package invoices_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ispportal/portal/modules/invoices"
)

// The largest amount the portal stores: 10,000,000,000.00 in minor units.
const maxAmount = 1_000_000_000_000

// Amounts are bounded where they are stored, whoever stores them, so that no sum of a
// client's amounts can overflow.
func TestAmountBounds(t *testing.T) {
	f := newFixture(t)
	save := func(p invoices.Payment) error {
		return f.env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error {
			_, err := invoices.SavePayment(context.Background(), tx, p)
			return err
		})
	}
	pay := func(ext string, amount int64) invoices.Payment {
		return invoices.Payment{ClientID: f.alice, ExternalID: ext, PaidOn: day("2026-10-01"), Amount: amount, Currency: "CZK", Method: "bank"}
	}
	for _, a := range []int64{maxAmount + 1, -maxAmount - 1, 1 << 62, -1 << 63} {
		if err := save(pay("big", a)); err == nil || !strings.Contains(err.Error(), "10,000,000,000.00") {
			t.Fatalf("payment of %d: %v", a, err)
		}
	}
	for _, a := range []int64{maxAmount, -maxAmount} {
		if err := save(pay("edge", a)); err != nil {
			t.Fatalf("payment of %d: %v", a, err)
		}
	}

	inv := func(items ...invoices.Item) invoices.Invoice {
		i := invoices.Invoice{ClientID: f.alice, ExternalID: "i", Number: "1", Issued: day("2026-10-01"), Due: day("2026-10-15"),
			Currency: "CZK", Items: items}
		i.Amount, i.AmountVAT = 100, 121
		return i
	}
	item := func(q, p, vat int64) invoices.Item {
		return invoices.Item{Description: "x", Quantity: q, UnitPrice: p, VATRate: vat}
	}
	cases := []struct {
		name string
		inv  invoices.Invoice
		want string
	}{
		{"amount", func() invoices.Invoice { i := inv(); i.Amount = maxAmount + 1; return i }(), "amount"},
		{"amount_vat", func() invoices.Invoice { i := inv(); i.AmountVAT = -1 << 63; return i }(), "amount_vat"},
		{"unit price", inv(item(1000, maxAmount+1, 21)), "item 1: unit_price"},
		{"quantity", inv(item(1000, 1, 21), item(1<<62, 1, 21)), "item 2: quantity"},
		// Each factor in range, the product (1e21) beyond int64.
		{"line overflow", inv(item(1_000_000_000, maxAmount, 0)), "item 1: "},
		{"vat rate", inv(item(1000, 100, 250)), "item 1: vat_rate"},
		{"total", inv(item(1000, maxAmount, 21)), "total"},
		{"many lines", inv(item(1000, maxAmount/2, 0), item(1000, maxAmount/2, 0), item(1000, 1, 0)), "total"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := f.env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error {
				_, err := invoices.SaveInvoice(context.Background(), tx, tc.inv)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error naming %q, got %v", tc.want, err)
			}
		})
	}
	if n := count(t, f, `SELECT COUNT(*) FROM invoices`); n != 0 {
		t.Fatalf("%d invoices stored", n)
	}
}

// Rows stored before amounts were bounded may still sum beyond int64: the Invoicing
// pages must still answer, saying the balance cannot be shown.
func TestBalanceOfOutOfRangeRows(t *testing.T) {
	f := newFixture(t)
	f.invoice(t, f.alice, "2026101", "2026-10-01", "2026-10-15", 100000, "CZK", "")
	f.env.Tx(func(tx *sql.Tx) error {
		for _, ext := range []string{"huge-1", "huge-2"} {
			if _, err := tx.Exec(`INSERT INTO payments (client_id, external_id, paid_on, amount, currency, method, created_at)
				VALUES (?, ?, '2026-10-02', ?, 'CZK', 'bank', '2026-10-02T00:00:00Z')`, f.alice, ext, int64(1<<62)+5); err != nil {
				return err
			}
		}
		return nil
	})
	lines, err := invoices.Balance(context.Background(), f.env.Deps.DB.R, f.alice)
	if err != nil || len(lines) != 1 {
		t.Fatalf("balance %+v, %v", lines, err)
	}
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	b.Get("/invoices").Expect(t, 200, "2026101", "cannot be shown")
	b.Get("/invoices/payments").Expect(t, 200, "cannot be shown")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/invoices").Expect(t, 200, "nelze zobrazit")
	// Bob's balance is unaffected.
	f.env.Browser().LoginAs(f.bob).Get("/invoices").Expect(t, 200).Lacks(t, "cannot be shown")
}

// The CLI imports refuse out-of-range amounts line by line and store nothing.
func TestImportAmountBounds(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	pay := writeFile(t, dir, "pay.jsonl", `{"external_id":"P-1","client":"2001","date":"2026-10-05","amount":"10000000000.00","currency":"CZK"}
{"external_id":"P-2","client":"2001","date":"2026-10-05","amount":"10000000000.01","currency":"CZK"}
{"external_id":"P-3","client":"2001","date":"2026-10-05","amount":"-9999999999999","currency":"CZK"}
`)
	_, errOut, err := f.run(t, "payment import", pay)
	if err == nil || !strings.Contains(errOut, "line 2: amount") || !strings.Contains(errOut, "line 3: amount") || strings.Contains(errOut, "line 1") {
		t.Fatalf("%v\n%s", err, errOut)
	}
	invs := writeFile(t, dir, "inv.jsonl", `{"external_id":"I-1","client":"2001","number":"1","issued":"2026-10-01","due":"2026-10-15","items":[{"description":"x","unit_price":"10000000000.01","vat_rate":21}]}
{"external_id":"I-2","client":"2001","number":"2","issued":"2026-10-01","due":"2026-10-15","items":[{"description":"x","quantity":"1000000","unit_price":"9999999999.99","vat_rate":21}]}
{"external_id":"I-3","client":"2001","number":"3","issued":"2026-10-01","due":"2026-10-15","amount":"1","amount_vat":"9999999999999"}
`)
	_, errOut, err = f.run(t, "invoice import", invs)
	for _, want := range []string{"line 1: item 1: unit_price", "line 2: item 1", "line 3: amount_vat"} {
		if err == nil || !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q: %v\n%s", want, err, errOut)
		}
	}
	if n := count(t, f, `SELECT COUNT(*) FROM invoices`) + count(t, f, `SELECT COUNT(*) FROM payments`); n != 0 {
		t.Fatalf("%d rows stored", n)
	}
}

func count(t *testing.T, f *fixture, query string) int {
	t.Helper()
	var n int
	if err := f.env.Deps.DB.R.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
