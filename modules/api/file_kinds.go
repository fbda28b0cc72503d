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
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/settings"
)

// ownFileKinds are the file types still served here until their modules declare them.
func (m *Module) ownFileKinds() []app.FileKind {
	return []app.FileKind{
		{Name: "invoice", Read: perm.InvoicesRead, Write: perm.InvoicesWrite, Download: m.downloadInvoice, Upload: m.uploadInvoice},
		{Name: "document", Read: perm.DocumentsRead, Write: perm.DocumentsWrite, Download: m.downloadDocument, Upload: m.uploadDocument},
		{Name: "file", Read: perm.FilesRead, Write: perm.FilesWrite, Download: m.downloadFile, Upload: m.uploadProviderFile},
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

func (m *Module) downloadDocument(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef) error {
	d, err := document(cl, DocumentRef{ID: ref.ID, ExternalID: ref.ExternalID})
	if err != nil {
		return err
	}
	f, err := blob.Open(m.d.DataDir, documents.StoreDir, d.StoredPath)
	if err != nil {
		return fileError(c, fiber.StatusNotFound, "the document's file is missing")
	}
	return blob.Send(c, f, d.ContentType, d.DownloadName())
}

func (m *Module) downloadFile(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef) error {
	var fl files.File
	var err error
	if ref.ID != 0 {
		fl, err = files.FileByID(cl.Ctx, m.d.DB.R, ref.ID)
	} else {
		fl, err = files.FileByExternalID(cl.Ctx, m.d.DB.R, ref.ExternalID)
	}
	if err != nil {
		return rpc.AsApp(err, "file", ref.ID)
	}
	f, err := blob.Open(m.d.DataDir, files.StoreDir, fl.StoredPath)
	if err != nil {
		return fileError(c, fiber.StatusNotFound, "the file is missing")
	}
	return blob.Send(c, f, fl.ContentType, fl.DownloadName())
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

// uploadDocument stores the body as a client document with the query's data.
func (m *Module) uploadDocument(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef, content io.Reader) (int64, error) {
	clientID, err := clientID(cl, queryInt(c, "client_id"), c.Query("client_external_id"))
	if err != nil {
		return 0, err
	}
	ext := ref.ExternalID
	if ext == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "external_id is required for a document upload"}
	}
	docKind := c.Query("kind", documents.KindOther)
	if !documents.ValidKind(docKind) {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "kind must be contract, annex or other"}
	}
	title := strings.TrimSpace(c.Query("title"))
	if title == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "title is required"}
	}
	doc := documents.Document{ExternalID: ext, ClientID: clientID, Title: title, Kind: docKind, Date: parseDay(c.Query("date")),
		FileName: blob.SafeName(c.Query("file_name"), ""), Visible: c.Query("visible", "1") != "0"}
	if doc.Date.IsZero() {
		doc.Date = cl.Now
	}
	newID, err := documents.AddDocumentFrom(cl.Ctx, m.d, doc, content)
	if err != nil {
		return 0, err
	}
	return newID, m.auditFile(cl, "api.file.document", clientID, "document external_id="+ext)
}
