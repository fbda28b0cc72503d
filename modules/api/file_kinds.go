package api

import (
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/settings"
)

// ownFileKinds are the file types still served here until their modules declare them.
func (m *Module) ownFileKinds() []app.FileKind {
	return []app.FileKind{
		{Name: "invoice", Read: perm.InvoicesRead, Write: perm.InvoicesWrite, Download: m.downloadInvoice, Upload: m.uploadInvoice},
	}
}

func (m *Module) downloadInvoice(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef) error {
	inv, err := invoice(cl, InvoiceRef{ID: ref.ID, ExternalID: ref.ExternalID})
	if err != nil {
		return err
	}
	name := "invoice-" + blob.SafeName(inv.Number, "invoice") + ".pdf"
	if inv.PDFPath != "" {
		p, err := invoices.PDFFile(m.d.DataDir, inv.PDFPath)
		if err != nil {
			return fileError(c, fiber.StatusNotFound, "the invoice's PDF file is missing")
		}
		f, err := os.Open(p)
		if err != nil {
			return fileError(c, fiber.StatusNotFound, "the invoice's PDF file is missing")
		}
		return blob.Send(c, f, "application/pdf", name)
	}
	pdf, err := invoices.GeneratePDF(cl.Ctx, m.d.DB.R, m.d.Web.Catalog, inv.ClientID, inv.ID, settings.DefaultLanguage.Get(m.d.Settings), cl.Now)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, blob.ContentDisposition(name))
	return c.Send(pdf)
}

// uploadInvoice stores the body as an invoice's PDF; a replaced upload of ours is
// removed once the new one is attached.
func (m *Module) uploadInvoice(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef, content io.Reader) (int64, error) {
	head := make([]byte, 5)
	n, _ := io.ReadFull(content, head)
	if !strings.HasPrefix(string(head[:n]), "%PDF-") {
		return 0, &app.FileError{Status: fiber.StatusUnsupportedMediaType, Message: "an invoice upload must be a PDF"}
	}
	content = io.MultiReader(strings.NewReader(string(head[:n])), content)
	inv, err := invoice(cl, InvoiceRef{ID: ref.ID, ExternalID: ref.ExternalID})
	if err != nil {
		return 0, err
	}
	name, _, _, err := blob.StoreUpload(filepath.Join(m.d.DataDir, "invoices", "api"), content, maxUpload)
	if err != nil {
		return 0, err
	}
	rel := "api/" + name
	err = m.d.DB.Tx(cl.Ctx, func(tx *sql.Tx) error {
		if err := invoices.AttachPDF(cl.Ctx, tx, inv.ID, rel); err != nil {
			return err
		}
		return core.Audit(cl.Ctx, tx, core.AuditEntry{At: cl.Now, Actor: cl.Actor(), Action: "api.file.invoice", ClientID: inv.ClientID,
			Detail: "pdf attached to invoice " + inv.Number, IP: cl.IP})
	})
	if err != nil {
		os.Remove(filepath.Join(m.d.DataDir, "invoices", "api", name))
		return 0, err
	}
	if inv.PDFPath != "" && inv.PDFPath != rel && strings.HasPrefix(inv.PDFPath, "api/") {
		// The replaced upload of ours is garbage now; PDFs placed by an import stay.
		if p, err := invoices.PDFFile(m.d.DataDir, inv.PDFPath); err == nil {
			os.Remove(p)
		}
	}
	return inv.ID, nil
}
