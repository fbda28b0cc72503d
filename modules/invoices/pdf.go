package invoices

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/pdffont"
	"github.com/ispportal/portal/internal/web"
)

// PDFInput is everything a generated invoice PDF shows.
type PDFInput struct {
	Invoice  Invoice // with Items
	Client   core.Client
	Supplier core.InvoiceGroup
	Lang     string
	Today    time.Time
	// T translates the PDF's labels ("invoices.pdf_title") into Lang.
	T func(key string, args ...any) string
}

// GeneratePDF builds the PDF of one of a client's invoices from the stored data, with
// the supplier details of the client's invoice group. The staff console and the API
// call it as the portal does; cat gives the labels in lang.
func GeneratePDF(ctx context.Context, q core.Querier, cat *web.Catalog, clientID, invoiceID int64, lang string, today time.Time) ([]byte, error) {
	inv, err := InvoiceForClient(ctx, q, clientID, invoiceID)
	if err != nil {
		return nil, err
	}
	cl, err := core.ClientByID(ctx, q, clientID)
	if err != nil {
		return nil, err
	}
	var g core.InvoiceGroup
	if cl.InvoiceGroupID != 0 {
		if g, err = core.GroupByID(ctx, q, cl.InvoiceGroupID); err != nil && err != core.ErrNotFound {
			return nil, err
		}
	}
	key := pdfKey(inv, cl, g, lang, today)
	if pdf, ok := generated.get(key); ok {
		return pdf, nil
	}
	var buf bytes.Buffer
	err = RenderPDF(&buf, PDFInput{Invoice: inv, Client: cl, Supplier: g, Lang: lang, Today: today,
		T: func(key string, args ...any) string { return cat.T(lang, key, args...) }})
	if err != nil {
		return nil, err
	}
	generated.put(key, buf.Bytes())
	return buf.Bytes(), nil
}

// RenderPDF writes an A4 invoice: supplier and customer, dates and payment details,
// items, VAT summary, totals and, for an unpaid invoice, the payment QR code.
func RenderPDF(w io.Writer, in PDFInput) error {
	inv, t := in.Invoice, in.T
	if inv.Taxable.IsZero() {
		inv.Taxable = inv.Issued
	}
	money := func(v int64) string { return web.FormatMoney(in.Lang, v, inv.Currency) }
	date := func(d time.Time) string {
		if d.IsZero() {
			return "–"
		}
		if in.Lang == "cs" {
			return fmt.Sprintf("%d. %d. %d", d.Day(), d.Month(), d.Year())
		}
		return d.Format("2006-01-02")
	}

	// pdffont gives the document a Unicode font (Czech letters), falling back to ASCII.
	p := pdffont.New("P", "mm", "A4")
	pdfFont := p.Family
	p.SetTitle(t("invoices.pdf_title")+" "+inv.Number, true)
	p.SetCreator("ISP portal", true)
	p.SetMargins(15, 15, 15)
	p.SetAutoPageBreak(true, 15)
	p.AddPage()

	p.SetFont(pdfFont, "", 18)
	p.CellFormat(0, 10, t("invoices.pdf_title")+" "+inv.Number, "", 1, "L", false, 0, "")
	p.Ln(2)

	// Supplier and customer side by side.
	y := p.GetY()
	block := func(x float64, title string, lines []string) float64 {
		p.SetXY(x, y)
		p.SetFont(pdfFont, "", 9)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(85, 5, title, "", 2, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.SetFont(pdfFont, "", 10)
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				p.SetX(x)
				p.MultiCell(85, 5, l, "", "L", false)
			}
		}
		return p.GetY()
	}
	g := in.Supplier
	sup := []string{supplierName(g), g.Street, strings.TrimSpace(g.Postcode + " " + g.City), g.Country}
	if g.RegistrationNo != "" {
		sup = append(sup, t("invoices.pdf_reg_no")+": "+g.RegistrationNo)
	}
	if g.VATNo != "" {
		sup = append(sup, t("invoices.pdf_vat_no")+": "+g.VATNo)
	}
	sup = append(sup, g.Phone, g.Email, g.Web)
	cl := in.Client
	name := cl.Name
	if cl.Company != "" {
		name = cl.Company
	}
	street, city, pc, country := cl.InvStreet, cl.InvCity, cl.InvPostcode, cl.InvCountry
	if street == "" && city == "" {
		street, city, pc, country = cl.Street, cl.City, cl.Postcode, cl.Country
	}
	cus := []string{name, street, strings.TrimSpace(pc + " " + city), country}
	if cl.RegistrationNo != "" {
		cus = append(cus, t("invoices.pdf_reg_no")+": "+cl.RegistrationNo)
	}
	if cl.VATNo != "" {
		cus = append(cus, t("invoices.pdf_vat_no")+": "+cl.VATNo)
	}
	cus = append(cus, t("invoices.pdf_client_no")+": "+cl.Number)
	y1 := block(15, t("invoices.pdf_supplier"), sup)
	y2 := block(110, t("invoices.pdf_customer"), cus)
	p.SetXY(15, max(y1, y2)+4)

	// Dates and payment details as label/value pairs.
	pairs := [][2]string{
		{t("invoices.issued"), date(inv.Issued)},
		{t("invoices.taxable"), date(inv.Taxable)},
		{t("invoices.due"), date(inv.Due)},
		{t("invoices.variable_symbol"), inv.VariableSymbol},
		{t("invoices.bank_account"), g.BankAccount},
		{t("invoices.iban"), g.IBAN},
		{t("invoices.bic"), g.BIC},
	}
	p.SetFont(pdfFont, "", 10)
	for _, kv := range pairs {
		if kv[1] == "" {
			continue
		}
		p.SetTextColor(90, 90, 90)
		p.CellFormat(55, 5.5, kv[0], "", 0, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.CellFormat(0, 5.5, kv[1], "", 1, "L", false, 0, "")
	}
	p.Ln(4)

	// Items.
	cols := []float64{56, 16, 26, 18, 22, 20, 22}
	head := []string{t("invoices.item"), t("invoices.quantity"), t("invoices.unit_price"), t("invoices.vat_rate"),
		t("invoices.without_vat"), t("invoices.vat"), t("invoices.with_vat")}
	p.SetFont(pdfFont, "", 8)
	p.SetFillColor(235, 235, 235)
	for i, h := range head {
		align := "R"
		if i == 0 {
			align = "L"
		}
		p.CellFormat(cols[i], 7, h, "B", 0, align, true, 0, "")
	}
	p.Ln(-1)
	for _, it := range inv.Items {
		lines := p.SplitText(it.Description, cols[0]-2)
		if len(lines) == 0 {
			lines = []string{""}
		}
		h := 5.0 * float64(len(lines))
		if p.GetY()+h > 280 {
			p.AddPage()
		}
		x0, y0 := p.GetXY()
		p.MultiCell(cols[0], 5, strings.Join(lines, "\n"), "", "L", false)
		p.SetXY(x0+cols[0], y0)
		vals := []string{FormatQuantity(in.Lang, it.Quantity), money(it.UnitPrice), fmt.Sprintf("%d %%", it.VATRate),
			money(it.Base()), money(it.VAT()), money(it.Base() + it.VAT())}
		for i, v := range vals {
			p.CellFormat(cols[i+1], 5, v, "", 0, "R", false, 0, "")
		}
		p.SetXY(x0, y0+h)
		p.Line(15, p.GetY(), 195, p.GetY())
	}
	p.Ln(4)

	// VAT summary and totals.
	p.SetFont(pdfFont, "", 9)
	p.CellFormat(0, 6, t("invoices.vat_summary"), "", 1, "L", false, 0, "")
	p.SetFont(pdfFont, "", 8)
	p.CellFormat(30, 6, t("invoices.vat_rate"), "B", 0, "L", true, 0, "")
	p.CellFormat(40, 6, t("invoices.without_vat"), "B", 0, "R", true, 0, "")
	p.CellFormat(40, 6, t("invoices.vat"), "B", 0, "R", true, 0, "")
	p.CellFormat(40, 6, t("invoices.with_vat"), "B", 1, "R", true, 0, "")
	p.SetFont(pdfFont, "", 9)
	for _, v := range VATSummary(inv.Items) {
		p.CellFormat(30, 5, fmt.Sprintf("%d %%", v.Rate), "", 0, "L", false, 0, "")
		p.CellFormat(40, 5, money(v.Base), "", 0, "R", false, 0, "")
		p.CellFormat(40, 5, money(v.VAT), "", 0, "R", false, 0, "")
		p.CellFormat(40, 5, money(v.Base+v.VAT), "", 1, "R", false, 0, "")
	}
	p.Ln(3)
	p.SetFont(pdfFont, "", 10)
	p.CellFormat(120, 6, t("invoices.without_vat"), "", 0, "R", false, 0, "")
	p.CellFormat(60, 6, money(inv.Amount), "", 1, "R", false, 0, "")
	p.CellFormat(120, 6, t("invoices.vat"), "", 0, "R", false, 0, "")
	p.CellFormat(60, 6, money(inv.AmountVAT-inv.Amount), "", 1, "R", false, 0, "")
	p.SetFont(pdfFont, "", 13)
	p.CellFormat(120, 8, t("invoices.to_pay"), "", 0, "R", false, 0, "")
	p.CellFormat(60, 8, money(inv.AmountVAT), "", 1, "R", false, 0, "")
	p.Ln(4)

	p.SetFont(pdfFont, "", 10)
	if inv.Paid {
		p.CellFormat(0, 6, t("invoices.paid_on")+": "+date(inv.PaidOn), "", 1, "L", false, 0, "")
	} else if payload, ok := PaymentPayload(inv, g); ok {
		png, err := QRPNG(payload)
		if err != nil {
			return err
		}
		if p.GetY()+50 > 280 {
			p.AddPage()
		}
		p.CellFormat(0, 6, t("invoices.qr_title"), "", 1, "L", false, 0, "")
		opt := fpdf.ImageOptions{ImageType: "PNG"}
		p.RegisterImageOptionsReader("qr", opt, bytes.NewReader(png))
		p.ImageOptions("qr", 15, p.GetY(), 40, 40, true, opt, 0, "")
	}
	return p.Output(w)
}
