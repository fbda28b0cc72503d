// Package pdffont gives generated PDFs (invoices, configuration sheets) a Unicode
// font, so Czech letters print correctly.
//
// fpdf's built-in fonts know only Windows-1252, which lacks ě, č, ř, ů and more. The
// portal does not ship a font file of its own: it uses DejaVu Sans from the
// system (Debian's fonts-dejavu-core, which the Makefile installs; PORTAL_PDF_FONT_DIR
// points elsewhere). Where no such font exists, documents are still produced with the
// built-in Helvetica and text reduced to ASCII (diacritics dropped), and a warning is
// logged once.
package pdffont

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// Doc is an fpdf document whose text methods pass every string through the font's
// translation, so callers write Unicode text and never think about the font. Only
// the methods defined here translate (CellFormat, MultiCell, SplitText); fpdf's
// other text methods (Cell, Write, Text, GetStringWidth) are promoted untranslated,
// so give one a wrapper here before the first caller uses it.
type Doc struct {
	*fpdf.Fpdf
	// Family is the font family to pass to SetFont; "B" is available as a style.
	Family string
	tr     func(string) string
}

type fonts struct{ regular, bold []byte }

var (
	once   sync.Once
	loaded *fonts
)

// searchDirs are where Linux distributions put DejaVu.
var searchDirs = []string{"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu",
	"/usr/share/fonts/dejavu-sans-fonts", "/usr/local/share/fonts"}

func load() *fonts {
	once.Do(func() {
		dirs := searchDirs
		if d := os.Getenv("PORTAL_PDF_FONT_DIR"); d != "" {
			dirs = append([]string{d}, dirs...)
		}
		for _, d := range dirs {
			r, err1 := os.ReadFile(filepath.Join(d, "DejaVuSans.ttf"))
			b, err2 := os.ReadFile(filepath.Join(d, "DejaVuSans-Bold.ttf"))
			if err1 == nil && err2 == nil {
				loaded = &fonts{regular: r, bold: b}
				return
			}
		}
		slog.Warn("pdffont: DejaVu Sans not found; PDFs will drop diacritics (install fonts-dejavu-core or set PORTAL_PDF_FONT_DIR)")
	})
	return loaded
}

// New starts a document like fpdf.New(orientation, unit, size, "").
func New(orientation, unit, size string) *Doc {
	p := fpdf.New(orientation, unit, size, "")
	d := &Doc{Fpdf: p}
	if f := load(); f != nil {
		p.AddUTF8FontFromBytes("dejavu", "", f.regular)
		p.AddUTF8FontFromBytes("dejavu", "B", f.bold)
		d.Family, d.tr = "dejavu", func(s string) string { return s }
	} else {
		d.Family, d.tr = "Helvetica", ASCII
	}
	return d
}

// ASCII drops diacritics (č → c) and replaces what remains outside ASCII with "?",
// keeping the text readable in the built-in font.
func ASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\u00a0' || r == '\u202f':
			b.WriteByte(' ')
		case r == '–' || r == '—' || r == '−':
			b.WriteByte('-')
		case r < 128:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// CellFormat is fpdf's CellFormat with the text translated for the font.
func (d *Doc) CellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	d.Fpdf.CellFormat(w, h, d.tr(txt), border, ln, align, fill, link, linkStr)
}

// MultiCell is fpdf's MultiCell with the text translated for the font.
func (d *Doc) MultiCell(w, h float64, txt, border, align string, fill bool) {
	d.Fpdf.MultiCell(w, h, d.tr(txt), border, align, fill)
}

// SplitText splits text as it will be printed into lines of at most w.
func (d *Doc) SplitText(txt string, w float64) []string { return d.Fpdf.SplitText(d.tr(txt), w) }

// LabelRow prints "label  value" at the left margin left, the label in a column of
// labelW and the value wrapping beside it, lines h high. A row that would cross the
// page's end starts on the next page whole: left to the automatic page break, the
// label broke to one page and its value, written from the row's old height, to the
// one after.
func (d *Doc) LabelRow(left, labelW, h float64, label, value string) {
	pageW, pageH := d.GetPageSize()
	_, _, right, _ := d.GetMargins()
	_, bottom := d.GetAutoPageBreak()
	lines := max(len(d.SplitText(label, labelW)), len(d.SplitText(value, pageW-left-right-labelW)), 1)
	if d.GetY()+float64(lines)*h > pageH-bottom {
		d.AddPage()
	}
	y := d.GetY()
	d.SetTextColor(85, 90, 96)
	d.MultiCell(labelW, h, label, "", "L", false)
	yLabel := d.GetY()
	d.SetXY(left+labelW, y)
	d.SetTextColor(20, 20, 20)
	d.MultiCell(0, h, value, "", "L", false)
	if yLabel > d.GetY() {
		d.SetY(yLabel)
	}
}

// NewA4 starts the portal's A4 document: 18 mm margins, title and dates set, and a
// footer of footer and the page number on every page; the first page is added.
func NewA4(title, footer string, at time.Time) *Doc {
	pdf := New("P", "mm", "A4")
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetTitle(title, true)
	pdf.SetCreator("ISP client portal", true)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(pdf.Family, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s · %d", footer, pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	return pdf
}
