package invoices_test

import (
	"fmt"
	"net/url"
	"testing"
)

func TestInvoiceDetail(t *testing.T) {
	f := newFixture(t)
	unpaid := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 100000, "CZK", "")
	paid := f.invoice(t, f.alice, "2026090", "2026-09-01", "2026-09-15", 100000, "CZK", "2026-09-10")
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	b.Get(fmt.Sprintf("/invoices/%d", unpaid)).Expect(t, 200, "Invoice 2026101", "Internet 100 Mbit/s",
		"VAT summary", "21 %", "CZK\u00a01,000.00", "CZK\u00a0210.00", "CZK\u00a01,210.00",
		"How to pay", "123456789/0100", "CZ6508000000192000145399", "GIBACZPX", "2026-11-08",
		fmt.Sprintf(`src="/invoices/%d/qr.png"`, unpaid), `alt="Payment QR code`,
		"SPD*1.0*ACC:CZ6508000000192000145399*AM:1210.00*CC:CZK*X-VS:2026101*DT:20261108*MSG:Faktura 2026101",
		fmt.Sprintf(`href="/invoices/%d/pdf"`, unpaid))
	b.Get(fmt.Sprintf("/invoices/%d", paid)).Expect(t, 200, "Paid on", "2026-09-10").Lacks(t, "How to pay", "qr.png")
	b.Header.Set("Accept-Language", "cs")
	b.Get(fmt.Sprintf("/invoices/%d", unpaid)).Expect(t, 200, "Faktura 2026101", "Jak zaplatit", "Variabilní symbol",
		"1\u00a0210,00\u00a0Kč", "8. 11. 2026", "Nezaplaceno")
}

// TestOtherClientsAndBadIDs tries every route with another client's invoice id and
// with ids that are not ids.
func TestOtherClientsAndBadIDs(t *testing.T) {
	f := newFixture(t)
	mine := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 100000, "CZK", "")
	theirs := f.invoice(t, f.bob, "2026102", "2026-10-25", "2026-11-08", 100000, "CZK", "")
	alice := f.env.Browser().LoginAs(f.alice)
	bob := f.env.Browser().LoginAs(f.bob)
	for _, suffix := range []string{"", "/pdf", "/qr.png"} {
		alice.Get(fmt.Sprintf("/invoices/%d%s", mine, suffix)).Expect(t, 200)
		bob.Get(fmt.Sprintf("/invoices/%d%s", mine, suffix)).Expect(t, 404).Lacks(t, "2026101")
		alice.Get(fmt.Sprintf("/invoices/%d%s", theirs, suffix)).Expect(t, 404).Lacks(t, "2026102")
		for _, id := range []string{"abc", "0", "-1", "007", "1e3", "0x10", "%20" + fmt.Sprint(mine), fmt.Sprint(mine) + "%20",
			"99999999999999999999", "9223372036854775807", "9223372036854775808", url.PathEscape("1/../" + fmt.Sprint(mine))} {
			alice.Get("/invoices/"+id+suffix).Expect(t, 404)
		}
	}
	// Bob's invoice list and payments show nothing of Alice's.
	bob.Get("/invoices").Expect(t, 200, "2026102").Lacks(t, "2026101")
}
