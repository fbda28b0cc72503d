package invoices

import (
	"context"
	"errors"
	"io/fs"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
)

// downloadInvoicePDF sends the PDF the billing system supplied, streamed from disk, or
// else one generated from the invoice data. A supplied PDF that is missing on disk (or
// whose stored path is unsafe) is not replaced by a generated one, since the supplied
// document is the legal one: the client gets a clear page (404: the file is not there,
// and retrying will not help) and staff get an error in the log.
func (m *Module) downloadInvoicePDF(c *fiber.Ctx) error {
	inv, err := m.loadInvoice(c)
	if err != nil {
		return err
	}
	name := "invoice-" + fileSafe(inv.Number) + ".pdf"
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if inv.PDFPath == "" {
		pdf, err := GeneratePDF(c.UserContext(), m.d.DB.R, m.d.Web.Catalog, inv.ClientID, inv.ID, m.d.Web.Lang(c), m.today())
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/pdf")
		return c.Send(pdf)
	}
	f, err := m.openPDF(c.UserContext(), inv.PDFPath)
	if err != nil {
		m.d.Log.Error("invoices.downloadInvoicePDF: supplied PDF not readable", "invoice_id", inv.ID,
			"number", inv.Number, "client_id", inv.ClientID, "path", inv.PDFPath, "err", err)
		c.Response().Header.Del(fiber.HeaderContentDisposition)
		page := m.d.Web.NewPage(c, "invoices.pdf_missing_title", showData{Invoice: inv})
		page.Status = fiber.StatusNotFound
		return m.d.Web.Render(c, tplPDFMissing, page)
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	// fasthttp closes the file once the body has been sent.
	return c.SendStream(f, int(f.Size()))
}

// openPDF opens an invoice's supplied PDF: from the database (uploaded through the
// API), or from data/invoices (placed there by an import).
func (m *Module) openPDF(ctx context.Context, rel string) (blob.File, error) {
	if f, err := blob.OpenStored(ctx, m.d.DB, pdfBlobDir+"/"+rel); !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	path, err := PDFFile(m.d.DataDir, rel)
	if err != nil {
		return nil, err
	}
	return blob.OpenFile(path)
}

// pdfBlobDir is where PDFs uploaded through the API are spooled, under the data
// directory, and the prefix of their names in the database.
const pdfBlobDir = "invoices"

// fileSafe keeps letters, digits, dot, dash and underscore of an invoice number, for
// file names on disk and in Content-Disposition.
func fileSafe(s string) string {
	out := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	out = strings.Trim(out, ".")
	if out == "" {
		out = "invoice"
	}
	return out
}
