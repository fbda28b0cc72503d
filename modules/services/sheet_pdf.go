package services

import (
	"fmt"
	"io"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/pdffont"
	"github.com/ispportal/portal/internal/web"
)

// SheetInput is what a configuration sheet shows.
type SheetInput struct {
	Client   core.Client
	Services []Service // with Params loaded
	Lang     string
	// T translates a key into Lang (web.Catalog.T bound to the language).
	T   func(key string, args ...any) string
	Now time.Time
}

// WriteSheet writes a client's configuration sheet as PDF: every service with its
// tariff, addresses and parameters. For an Internet service configured through
// DHCP the IP address is replaced with "Via DHCP", as on the Services page. The
// staff console can call it for the client card.
func WriteSheet(w io.Writer, in SheetInput) error {
	t := in.T
	// pdffont gives the sheet a Unicode font (č, ř, ů), falling back to ASCII.
	pdf := pdffont.New("P", "mm", "A4")
	font := pdf.Family
	pdf.SetCreationDate(in.Now)
	pdf.SetModificationDate(in.Now)
	pdf.SetTitle(t("services.sheet.title")+" – "+in.Client.Name, true)
	pdf.SetCreator("ISP client portal", true)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s %s · %d", t("services.sheet.client_no"), in.Client.Number, pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont(font, "", 18)
	pdf.SetTextColor(125, 11, 20)
	pdf.CellFormat(0, 10, t("services.sheet.title"), "", 1, "L", false, 0, "")
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont(font, "", 10)
	row(pdf, t("services.sheet.client"), in.Client.Name)
	row(pdf, t("services.sheet.client_no"), in.Client.Number)
	if addr := joinNonEmpty(", ", in.Client.Street, joinNonEmpty(" ", in.Client.Postcode, in.Client.City)); addr != "" {
		row(pdf, t("services.sheet.client_address"), addr)
	}
	row(pdf, t("services.sheet.generated"), dateFor(in.Lang, in.Now))
	pdf.Ln(4)

	if len(in.Services) == 0 {
		pdf.MultiCell(0, 6, t("services.none"), "", "L", false)
	}
	for _, s := range in.Services {
		if pdf.GetY() > 240 {
			pdf.AddPage()
		}
		pdf.SetDrawColor(179, 18, 31)
		pdf.SetLineWidth(0.5)
		pdf.Line(18, pdf.GetY(), 192, pdf.GetY())
		pdf.Ln(2)
		pdf.SetFont(font, "", 13)
		pdf.MultiCell(0, 7, s.Name, "", "L", false)
		pdf.SetFont(font, "", 10)
		row(pdf, t("services.field.kind"), t("services.kind."+s.Kind))
		row(pdf, t("services.field.tariff"), s.Tariff.Name)
		row(pdf, t("services.field.price"), web.FormatMoney(in.Lang, s.Price(), s.Tariff.Currency)+" "+t("services.per_month"))
		if sp := speed(s.Tariff.DownKbit, s.Tariff.UpKbit, in.Lang); sp != "" {
			row(pdf, t("services.field.speed"), sp)
		}
		row(pdf, t("services.field.state"), t("services.state."+s.State))
		if !s.Activated().IsZero() {
			row(pdf, t("services.field.activated"), dateFor(in.Lang, s.Activated()))
		}
		if s.Address != "" {
			row(pdf, t("services.field.address"), s.Address)
		}
		if s.IsInternet() {
			ip := s.IP
			switch {
			case s.DHCP:
				ip = t("services.via_dhcp")
			case ip == "":
				ip = "–"
			}
			row(pdf, t("services.field.ip"), ip)
			if s.MAC != "" {
				row(pdf, t("services.field.mac"), s.MAC)
			}
		}
		for _, p := range s.Params {
			row(pdf, p.Name, p.Value)
		}
		pdf.Ln(3)
	}
	return pdf.Output(w)
}

// row prints "label  value" with the value wrapping in its column. A row that would
// cross the page's end starts on the next page whole: left to the automatic page break,
// the label broke to one page and its value, written from the row's old height, to the
// one after.
func row(pdf *pdffont.Doc, label, value string) {
	const labelW, lineH = 55, 6.0
	pageW, pageH := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	_, bottom := pdf.GetAutoPageBreak()
	lines := max(len(pdf.SplitText(label, labelW)), len(pdf.SplitText(value, pageW-left-right-labelW)), 1)
	if pdf.GetY()+float64(lines)*lineH > pageH-bottom {
		pdf.AddPage()
	}
	y := pdf.GetY()
	pdf.SetTextColor(85, 90, 96)
	pdf.MultiCell(labelW, 6, label, "", "L", false)
	yLabel := pdf.GetY()
	pdf.SetXY(18+labelW, y)
	pdf.SetTextColor(20, 20, 20)
	pdf.MultiCell(0, 6, value, "", "L", false)
	if yLabel > pdf.GetY() {
		pdf.SetY(yLabel)
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// dateFor formats a date as the pages do (web.Page.Date).
func dateFor(lang string, t time.Time) string {
	if lang == "cs" {
		return fmt.Sprintf("%d. %d. %d", t.Day(), t.Month(), t.Year())
	}
	return t.Format("2006-01-02")
}
