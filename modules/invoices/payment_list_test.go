package invoices_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/modules/invoices"
)

func TestPaymentList(t *testing.T) {
	f := newFixture(t)
	inv := f.invoice(t, f.alice, "2026101", "2026-10-01", "2026-10-15", 100000, "CZK", "2026-10-05")
	f.payment(t, f.alice, "bank-1", "2026-10-05", 121000, "bank", inv)
	f.payment(t, f.alice, "cash-1", "2026-09-03", 33300, "cash", 0)
	f.payment(t, f.bob, "bob-1", "2026-10-07", 77700, "card", 0)
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	for _, on := range []string{"1", "0", "1"} {
		f.env.Set("ci_display_cash_payments", on)
		r := b.Get("/invoices/payments").Expect(t, 200, "2026-10-05", "CZK\u00a01,210.00", "Bank transfer",
			fmt.Sprintf(`<a href="/invoices/%d">2026101</a>`, inv)).Lacks(t, "777.00")
		if has := strings.Contains(r.Body, "CZK\u00a0333.00") && strings.Contains(r.Body, ">Cash</td>"); has != (on == "1") {
			t.Fatalf("cash payments %s: cash row shown = %v", on, has)
		}
	}
	b.Header.Set("Accept-Language", "cs")
	b.Get("/invoices/payments").Expect(t, 200, "Hotově", "Převodem", "333,00\u00a0Kč", "3. 9. 2026")
	f.env.Browser().LoginAs(f.bob).Get("/invoices/payments").Expect(t, 200, "777.00").Lacks(t, "2026101", "333.00")

	// A payment cannot point at another client's invoice.
	err := f.env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := invoices.SavePayment(context.Background(), tx, invoices.Payment{ClientID: f.bob, ExternalID: "x",
			PaidOn: day("2026-10-01"), Amount: 1, Currency: "CZK", Method: "bank", InvoiceID: inv})
		return err
	})
	if err == nil {
		t.Fatal("SavePayment tied Bob's payment to Alice's invoice")
	}
}

func TestPaymentPagination(t *testing.T) {
	f := newFixture(t)
	for i := 1; i <= 25; i++ {
		f.payment(t, f.alice, fmt.Sprintf("p%d", i), fmt.Sprintf("2026-01-%02d", i), int64(i*100), "bank", 0)
	}
	b := f.env.Browser().LoginAs(f.alice)
	r := b.Get("/invoices/payments").Expect(t, 200, "Page 1 of 2")
	if n := strings.Count(r.Body, ">Bank transfer</td>"); n != 20 {
		t.Fatalf("page 1 shows %d payments", n)
	}
	r = b.Get("/invoices/payments?page=2").Expect(t, 200, "Page 2 of 2", "2026-01-01")
	if n := strings.Count(r.Body, ">Bank transfer</td>"); n != 5 {
		t.Fatalf("page 2 shows %d payments", n)
	}
}
