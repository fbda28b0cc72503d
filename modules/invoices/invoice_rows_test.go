package invoices

import (
	"strings"
	"testing"
)

func TestRowsHTMLEscapesEveryValue(t *testing.T) {
	rows := []invoiceRow{{ID: 42, Number: `1<2`, Currency: `"C"`, IssuedText: "a&b", DueText: "<d>",
		AmountText: "'1'", AmountVATText: "2>", BadgeClass: `x" onclick="y`, StateText: "<s>"}}
	// Column names are escaped too (a staff-edited translation could hold anything).
	tr := func(key string) string {
		if key == "invoices.pdf_link" {
			return `PDF <i>`
		}
		return key + `"<`
	}
	out := string(rowsHTML(rows, "/isp portal", tr))
	for _, want := range []string{
		`<a href="/isp%20portal/invoices/42">1&lt;2</a>`, `<td data-label="invoices.issued&#34;&lt;">a&amp;b</td>`,
		`<td data-label="invoices.due&#34;&lt;">&lt;d&gt;</td>`,
		`<td class="num">&#39;1&#39;</td>`,
		`<td data-label="invoices.with_vat&#34;&lt;" class="num">2&gt;</td>`, `<td>&#34;C&#34;</td>`,
		`<span class="badge x&#34; onclick=&#34;y">&lt;s&gt;</span>`,
		`<a href="/isp%20portal/invoices/42/pdf" download>PDF &lt;i&gt;<span class="muted"> 1&lt;2</span></a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("rows lack %s\n%s", want, out)
		}
	}
	if strings.Count(out, "<tr>") != 1 || strings.Count(out, "</tr>") != 1 {
		t.Errorf("one row expected:\n%s", out)
	}
}
