package invoices_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/web"
)

func TestInvoicesTabGate(t *testing.T) {
	f := newFixture(t)
	id := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 100000, "CZK", "")
	b := f.env.Browser().LoginAs(f.alice)
	paths := []string{"/invoices", "/invoices/payments", fmt.Sprintf("/invoices/%d", id),
		fmt.Sprintf("/invoices/%d/pdf", id), fmt.Sprintf("/invoices/%d/qr.png", id)}
	for _, on := range []string{"1", "0", "1"} { // and back on, without a restart
		f.env.Set("ci_display_invoices_tab", on)
		for _, p := range paths {
			r := b.Get(p)
			if on == "1" && r.StatusCode != 200 || on == "0" && r.StatusCode != 404 {
				t.Fatalf("tab %s: GET %s = %d", on, p, r.StatusCode)
			}
		}
		// The menu of any page (here the 404 page of an unknown path) lists the tab only when on.
		r := b.Get("/nothing-here").Expect(t, 404)
		if has := strings.Contains(r.Body, `href="/invoices"`); has != (on == "1") {
			t.Fatalf("tab %s: menu entry present = %v", on, has)
		}
	}
	// Off answers 404 to a visitor without a session too, instead of a login redirect.
	f.env.Set("ci_display_invoices_tab", "0")
	f.env.Browser().Get("/invoices").Expect(t, 404)
	f.env.Set("ci_display_invoices_tab", "1")
	if r := f.env.Browser().Get("/invoices"); r.StatusCode != 303 {
		t.Fatalf("anonymous GET /invoices = %d, want a redirect to login", r.StatusCode)
	}
}

func TestInvoiceListFiltersAndStates(t *testing.T) {
	f := newFixture(t)
	f.invoice(t, f.alice, "2025003", "2025-03-01", "2025-03-15", 10000, "CZK", "2025-03-10")
	f.invoice(t, f.alice, "2026009", "2026-09-01", "2026-09-15", 20000, "CZK", "")           // overdue on 2026-11-02
	f.invoice(t, f.alice, "2026010", "2026-10-25", "2026-11-08", 30000, "CZK", "")           // unpaid, not yet due
	f.invoice(t, f.alice, "2026006", "2026-06-01", "2026-06-15", 40000, "CZK", "2026-06-03") // paid
	f.invoice(t, f.bob, "9999001", "2026-10-01", "2026-10-15", 50000, "CZK", "")
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	all := []string{"2025003", "2026009", "2026010", "2026006"}
	cases := []struct {
		query    string
		want     []string
		selected string
	}{
		{"", all, ""},
		{"?year=2025", []string{"2025003"}, `<option value="2025" selected>`},
		{"?year=2026", []string{"2026009", "2026010", "2026006"}, `<option value="2026" selected>`},
		{"?state=paid", []string{"2025003", "2026006"}, `<option value="paid" selected>`},
		{"?state=overdue", []string{"2026009"}, `<option value="overdue" selected>`},
		{"?state=unpaid", []string{"2026009", "2026010"}, `<option value="unpaid" selected>`},
		{"?year=2026&state=paid", []string{"2026006"}, `<option value="paid" selected>`},
		{"?year=2024", nil, ""},
		// Bad values are ignored, not errors.
		{"?year=abc&state=%3Cscript%3E", all, ""},
		{"?year=99999&state=PAID", all, ""},
		{"?year=-2025", all, ""},
		{"?year=0205", all, ""},
	}
	for _, c := range cases {
		r := b.Get("/invoices"+c.query).Expect(t, 200)
		for _, n := range all {
			in := false
			for _, w := range c.want {
				in = in || w == n
			}
			if got := strings.Contains(r.Body, ">"+n+"</a>"); got != in {
				t.Errorf("%s: invoice %s listed = %v, want %v", c.query, n, got, in)
			}
		}
		r.Lacks(t, "9999001", "<script>")
		if c.selected != "" {
			r.Expect(t, 200, c.selected)
		}
		if c.want == nil {
			r.Expect(t, 200, "No invoices match.")
		}
	}
	// State badges and amounts with and without VAT.
	b.Get("/invoices").Expect(t, 200, `<span class="badge err">Overdue</span>`, `<span class="badge warn">Unpaid</span>`,
		`<span class="badge ok">Paid</span>`, "CZK\u00a0200.00", "CZK\u00a0242.00", "4 invoices")
}

func TestInvoiceListPagination(t *testing.T) {
	f := newFixture(t)
	for i := 1; i <= 45; i++ {
		f.invoice(t, f.alice, fmt.Sprintf("P%03d", i), fmt.Sprintf("2026-%02d-%02d", 1+(i-1)/28*6, 1+(i-1)%28), "2026-12-31", 1000, "CZK", "")
	}
	b := f.env.Browser().LoginAs(f.alice)
	count := func(body string) int { return strings.Count(body, `<span class="badge warn">`) }
	r := b.Get("/invoices").Expect(t, 200, "Page 1 of 3", `rel="next"`, "45 invoices")
	if n := count(r.Body); n != 20 {
		t.Fatalf("page 1 shows %d rows", n)
	}
	r = b.Get("/invoices?page=3").Expect(t, 200, "Page 3 of 3", `rel="prev"`)
	if n := count(r.Body); n != 5 {
		t.Fatalf("page 3 shows %d rows", n)
	}
	b.Get("/invoices?page=abc").Expect(t, 200, "Page 1 of 3")
	b.Get("/invoices?page=99").Expect(t, 200, "Page 3 of 3")
	// The pager keeps the filter.
	r = b.Get("/invoices?year=2026&state=unpaid").Expect(t, 200, "Page 1 of 3")
	if !strings.Contains(r.Body, "page=2&amp;state=unpaid&amp;year=2026") {
		t.Fatalf("next link drops the filter:\n%s", r.Body)
	}
	// Newest first: P045 (2026-07-17) on page 1, P001 on page 3.
	b.Get("/invoices").Expect(t, 200, ">P045<").Lacks(t, ">P001<")
	b.Get("/invoices?page=3").Expect(t, 200, ">P001<")
}

func TestBalance(t *testing.T) {
	f := newFixture(t)
	inv := f.invoice(t, f.alice, "2026001", "2026-10-01", "2026-10-15", 100000, "CZK", "") // 1,210.00 with VAT
	f.payment(t, f.alice, "p1", "2026-10-05", 21000, "bank", inv)
	f.payment(t, f.alice, "p2", "2026-10-06", 9000, "cash", 0)
	f.payment(t, f.bob, "p3", "2026-10-06", 500000, "bank", 0) // another client's money never counts
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	// 300.00 paid (cash included) − 1,210.00 invoiced.
	for _, p := range []string{"/invoices", "/invoices/payments"} {
		b.Get(p).Expect(t, 200, `id="balance-h"`, "You owe CZK\u00a0910.00", "CZK\u00a0−910.00")
	}
	// Hiding cash payments from the list does not change the balance.
	f.env.Set("ci_display_cash_payments", "0")
	b.Get("/invoices").Expect(t, 200, "You owe CZK\u00a0910.00")
	f.env.Set("ci_display_balance", "0")
	for _, p := range []string{"/invoices", "/invoices/payments"} {
		b.Get(p).Expect(t, 200).Lacks(t, `id="balance-h"`, "You owe")
	}
	f.env.Set("ci_display_balance", "1")
	f.payment(t, f.alice, "p4", "2026-10-20", 100000, "card", 0)
	b.Get("/invoices").Expect(t, 200, "Credit of CZK\u00a090.00 in your favour")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/invoices").Expect(t, 200, "Přeplatek 90,00\u00a0Kč ve váš prospěch", "Saldo")
	f.payment(t, f.alice, "p4", "2026-10-20", 91000, "card", 0) // same external id: updated, not added
	b.Get("/invoices").Expect(t, 200, "Vyrovnáno")
	// Bob sees only his own credit.
	bob := f.env.Browser().LoginAs(f.bob)
	bob.Header.Set("Accept-Language", "en")
	bob.Get("/invoices").Expect(t, 200, "Credit of CZK\u00a05,000.00").Lacks(t, "2026001")
}

func TestMoneyRendering(t *testing.T) {
	cases := []struct {
		lang     string
		minor    int64
		currency string
		want     string
	}{
		{"en", 123450, "CZK", "CZK\u00a01,234.50"},
		{"cs", 123450, "CZK", "1\u00a0234,50\u00a0Kč"},
		{"en", 1234, "EUR", "EUR\u00a012.34"},
		{"cs", 1234, "EUR", "12,34\u00a0EUR"},
		{"cs", -91000, "CZK", "−910,00\u00a0Kč"},
		{"en", 100000000, "CZK", "CZK\u00a01,000,000.00"},
	}
	for _, c := range cases {
		if got := web.FormatMoney(c.lang, c.minor, c.currency); got != c.want {
			t.Errorf("FormatMoney(%s, %d, %s) = %q, want %q", c.lang, c.minor, c.currency, got, c.want)
		}
	}
	// And on the page, in both languages.
	f := newFixture(t)
	f.invoice(t, f.alice, "2026001", "2026-10-01", "2026-10-15", 102025, "CZK", "")
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	b.Get("/invoices").Expect(t, 200, "CZK\u00a01,020.25", "CZK\u00a01,234.50", "Due date")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/invoices").Expect(t, 200, "1\u00a0020,25\u00a0Kč", "1\u00a0234,50\u00a0Kč", "Datum splatnosti", "1. 10. 2026")
}

// The rows are written in Go, not by html/template: every value must still be
// escaped, and both links must lead to the invoice.
func TestInvoiceListEscapesRows(t *testing.T) {
	f := newFixture(t)
	id := f.invoice(t, f.alice, `<b>"7'&`, "2026-10-01", "2026-10-15", 10000, "CZK", "")
	r := f.env.Browser().LoginAs(f.alice).Get("/invoices").Expect(t, 200,
		fmt.Sprintf(`<a href="/invoices/%d">&lt;b&gt;&#34;7&#39;&amp;</a>`, id),
		fmt.Sprintf(`<a href="/invoices/%d/pdf" download>`, id),
		`<span class="muted"> &lt;b&gt;&#34;7&#39;&amp;</span>`)
	r.Lacks(t, `<b>"7`)
}
