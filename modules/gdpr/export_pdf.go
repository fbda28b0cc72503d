package gdpr

import (
	"io"

	"github.com/ispportal/portal/internal/pdffont"
)

// WritePDF writes the export as a readable PDF: a heading per section and, for each
// row, its columns as "label  value" lines. Labels come from the modules' locales
// (T is the catalog bound to the reader's language); pdffont prints Czech letters.
func WritePDF(w io.Writer, e Export, t func(key string, args ...any) string) error {
	pdf := pdffont.NewA4(t("gdpr.export.title")+" – "+e.Client.Name, t("gdpr.export.client_no")+" "+e.Client.Number, e.GeneratedAt)
	font := pdf.Family
	pdf.SetFont(font, "", 18)
	pdf.SetTextColor(20, 20, 20)
	pdf.CellFormat(0, 10, t("gdpr.export.title"), "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdfRow(pdf, t("gdpr.export.client_no"), e.Client.Number)
	pdfRow(pdf, t("gdpr.export.generated"), e.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	for _, s := range e.Sections {
		key := s.Module + ".export." + s.Name
		pdf.Ln(4)
		if pdf.GetY() > 250 {
			pdf.AddPage()
		}
		pdf.SetFont(font, "", 14)
		pdf.MultiCell(0, 8, label(t, key, s.Name), "", "L", false)
		pdf.SetFont(font, "", 10)
		if len(s.Rows) == 0 {
			pdf.SetTextColor(85, 90, 96)
			pdf.MultiCell(0, 6, t("gdpr.export.empty"), "", "L", false)
			pdf.SetTextColor(20, 20, 20)
		}
		for i, r := range s.Rows {
			if i > 0 {
				pdf.SetDrawColor(200, 200, 200)
				pdf.Line(18, pdf.GetY()+1, 192, pdf.GetY()+1)
				pdf.Ln(2)
			}
			for j, col := range s.Columns {
				if r[j] != "" {
					pdfRow(pdf, label(t, key+"."+col, col), r[j])
				}
			}
		}
	}
	return pdf.Output(w)
}

// label translates key, or gives fallback where the locale lacks it (T returns the
// key itself then).
func label(t func(key string, args ...any) string, key, fallback string) string {
	if s := t(key); s != key && s != "" {
		return s
	}
	return fallback
}

// pdfRow prints "label  value" with the value wrapping in its column.
func pdfRow(pdf *pdffont.Doc, l, value string) { pdf.LabelRow(18, 50, 5.5, l, value) }
