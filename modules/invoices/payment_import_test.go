package invoices_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestPaymentImport(t *testing.T) {
	f := newFixture(t)
	inv := f.invoice(t, f.alice, "2026101", "2026-10-01", "2026-10-15", 100000, "CZK", "")
	f.invoice(t, f.bob, "2026201", "2026-10-01", "2026-10-15", 100000, "CZK", "")
	dir := t.TempDir()
	good := writeFile(t, dir, "pay.jsonl", `{"external_id":"P-1","client":"2001","date":"2026-10-05","amount":"1210.00","currency":"CZK","method":"bank","invoice_external_id":"ext-2026101"}
{"external_id":"P-2","client":"2001","date":"2026-10-06","amount":50,"currency":"CZK","method":"cash","note":"pobočka"}
{"external_id":"P-3","client":"2001","date":"2026-10-07","amount":"-20.5","currency":"CZK","method":"other","invoice_number":"2026101"}
`)
	out, _, err := f.run(t, "payment import", good)
	if err != nil || !strings.Contains(out, "3 new, 0 updated payment(s)") {
		t.Fatalf("%v %q", err, out)
	}
	if out, _, err = f.run(t, "payment import", good); err != nil || !strings.Contains(out, "0 new, 3 updated") {
		t.Fatalf("re-import: %v %q", err, out)
	}
	b := f.env.Browser().LoginAs(f.alice)
	b.Get("/invoices/payments").Expect(t, 200, fmt.Sprintf(`<a href="/invoices/%d">2026101</a>`, inv), "pobočka", "CZK\u00a0−20.50")
	bad := writeFile(t, dir, "bad.jsonl", `{"external_id":"Q-1","client":"2001","date":"2026-10-05","amount":"1","currency":"CZK","method":"barter"}
{"external_id":"Q-2","client":"2001","date":"2026-10-05","amount":"1","currency":"CZK","invoice_external_id":"ext-2026201"}
{"external_id":"Q-3","client":"2001","date":"2026-10-05","currency":"CZK"}
{"external_id":"Q-4","client":"2001","date":"2026-10-05","amount":"1"}
`)
	_, errOut, err := f.run(t, "payment import", bad)
	if err == nil || !strings.Contains(err.Error(), "4 malformed row(s)") {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{`line 1: method "barter"`, "line 2: invoice ext-2026201 is not an invoice of client 2001",
		"line 3: amount is required", "line 4: currency is required"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q:\n%s", want, errOut)
		}
	}
}
