package invoices

import (
	"strings"
	"testing"
)

func TestRowsHTMLEscapesEveryValue(t *testing.T) {
	rows := []invoiceRow{{ID: 42, Number: `1<2`, Currency: `"C"`, IssuedText: "a&b", DueText: "<d>",
		AmountText: "'1'", AmountVATText: "2>", BadgeClass: `x" onclick="y`, StateText: "<s>"}}
	out := string(rowsHTML(rows, "/isp portal", `PDF <i>`))
	for _, want := range []string{
		`<a href="/isp%20portal/invoices/42">1&lt;2</a>`, `<td>a&amp;b</td>`, `<td>&lt;d&gt;</td>`,
		`<td class="num">&#39;1&#39;</td>`, `<td class="num">2&gt;</td>`, `<td>&#34;C&#34;</td>`,
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
