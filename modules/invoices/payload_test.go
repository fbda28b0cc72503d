package invoices_test

import (
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/invoices"
)

func TestPaymentPayloadRules(t *testing.T) {
	g := core.InvoiceGroup{SupplierName: "Žluťoučký kůň s.r.o.", IBAN: "cz65 0800 0000 1920 0014 5399", BIC: "gibaczpx"}
	inv := invoices.Invoice{Number: "Ž*7", AmountVAT: 5, Currency: "CZK", Due: day("2026-01-31")}
	p, ok := invoices.PaymentPayload(inv, g)
	if want := "SPD*1.0*ACC:CZ6508000000192000145399*AM:0.05*CC:CZK*DT:20260131*MSG:Faktura Z7"; !ok || p != want {
		t.Fatalf("SPAYD = %q, want %q", p, want)
	}
	inv.Currency = "EUR"
	p, ok = invoices.PaymentPayload(inv, g)
	if want := "BCD\n002\n1\nSCT\nGIBACZPX\nŽluťoučký kůň s.r.o.\nCZ6508000000192000145399\nEUR0.05\n\n\nInvoice Ž*7"; !ok || p != want {
		t.Fatalf("EPC = %q, want %q", p, want)
	}
	inv.Currency = "USD"
	if _, ok := invoices.PaymentPayload(inv, g); ok {
		t.Fatal("a USD invoice got a payment QR payload")
	}
	inv.Currency, g.IBAN = "CZK", ""
	if _, ok := invoices.PaymentPayload(inv, g); ok {
		t.Fatal("a supplier without IBAN got a payment QR payload")
	}
}
