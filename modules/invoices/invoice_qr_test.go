package invoices_test

import (
	"fmt"
	"testing"
)

// TestQRCodeDecodes reads the served PNG back with an independent decoder.
func TestQRCodeDecodes(t *testing.T) {
	f := newFixture(t)
	czk := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 102025, "CZK", "")
	eur := f.invoice(t, f.alice, "E2026102", "2026-10-25", "2026-11-24", 1000, "EUR", "")
	paid := f.invoice(t, f.alice, "2026090", "2026-09-01", "2026-09-15", 100000, "CZK", "2026-09-10")
	usd := f.invoice(t, f.alice, "U2026103", "2026-10-25", "2026-11-24", 1000, "USD", "")
	b := f.env.Browser().LoginAs(f.alice)
	cases := []struct {
		id   int64
		want string
	}{
		{czk, "SPD*1.0*ACC:CZ6508000000192000145399*AM:1234.50*CC:CZK*X-VS:2026101*DT:20261108*MSG:Faktura 2026101"},
		{eur, "BCD\n002\n1\nSCT\nGIBACZPX\nAcme Net s.r.o.\nCZ6508000000192000145399\nEUR12.10\n\n\nInvoice E2026102 VS 2026102"},
	}
	for _, c := range cases {
		r := b.Get(fmt.Sprintf("/invoices/%d/qr.png", c.id)).Expect(t, 200)
		if ct := r.Header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("content type %q", ct)
		}
		if got := decodeQR(t, []byte(r.Body)); got != c.want {
			t.Fatalf("QR decodes to %q, want %q", got, c.want)
		}
	}
	// A paid invoice has nothing to pay; a currency without a QR standard has no code.
	b.Get(fmt.Sprintf("/invoices/%d/qr.png", paid)).Expect(t, 404)
	b.Get(fmt.Sprintf("/invoices/%d/qr.png", usd)).Expect(t, 404)
	b.Get(fmt.Sprintf("/invoices/%d", usd)).Expect(t, 200, "How to pay", "CZ6508000000192000145399").Lacks(t, "qr.png")
}
