package invoices

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ispportal/portal/internal/core"
	"golang.org/x/text/unicode/norm"
)

// PaymentPayload is the text of an invoice's payment QR code: the Czech "QR Platba"
// (SPAYD 1.0) string for CZK, the EPC SEPA credit transfer QR for EUR. ok is false
// when no QR code can be made (other currencies, or the supplier has no IBAN).
func PaymentPayload(inv Invoice, supplier core.InvoiceGroup) (payload string, ok bool) {
	iban := strings.ToUpper(strings.ReplaceAll(supplier.IBAN, " ", ""))
	if iban == "" {
		return "", false
	}
	amount := fmt.Sprintf("%d.%02d", inv.AmountVAT/100, inv.AmountVAT%100)
	if inv.AmountVAT < 0 {
		return "", false
	}
	switch inv.Currency {
	case "CZK":
		// SPAYD: key:value pairs joined by '*'; a '*' inside a value would split it, so
		// values are reduced to plain ASCII without it (banking apps differ on UTF-8).
		parts := []string{"SPD", "1.0", "ACC:" + iban, "AM:" + amount, "CC:CZK"}
		if inv.VariableSymbol != "" {
			parts = append(parts, "X-VS:"+inv.VariableSymbol)
		}
		if !inv.Due.IsZero() {
			parts = append(parts, "DT:"+inv.Due.Format("20060102"))
		}
		parts = append(parts, "MSG:"+clip(spaydText("Faktura "+inv.Number), 60))
		return strings.Join(parts, "*"), true
	case "EUR":
		// EPC069-12 version 002: BIC optional, UTF-8 (character set 1), ECC level M.
		ref := "Invoice " + inv.Number
		if inv.VariableSymbol != "" {
			ref += " VS " + inv.VariableSymbol
		}
		lines := []string{"BCD", "002", "1", "SCT", strings.ToUpper(strings.TrimSpace(supplier.BIC)),
			clip(core.OneLine(supplierName(supplier)), 70), iban, "EUR" + amount, "", "", clip(core.OneLine(ref), 140)}
		return strings.Join(lines, "\n"), true
	}
	return "", false
}

func supplierName(g core.InvoiceGroup) string {
	if g.SupplierName != "" {
		return g.SupplierName
	}
	return g.Name
}

// spaydText drops diacritics and anything outside printable ASCII, and the '*'
// separator.
func spaydText(s string) string {
	var b strings.Builder
	for _, r := range ascii(s) {
		if r >= 0x20 && r < 0x7f && r != '*' {
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// ascii removes combining marks after decomposition: "Žluťoučký" becomes "Zlutoucky".
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
