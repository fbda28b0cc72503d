package api

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/settings"
)

// fileError answers a /jsonrpc/file request that failed.
func fileError(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"code": status, "message": msg}})
}

// fileCredentials reads the credentials of a file request: the X-Session-Id header,
// HTTP Basic (login and password), or SID / login+password fields of a POSTed form.
// Never the query string and never a cookie.
func fileCredentials(c *fiber.Ctx) (string, *credentials) {
	if sid := c.Get("X-Session-Id"); sid != "" {
		return sid, nil
	}
	if h, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Basic "); ok {
		if b, err := base64.StdEncoding.DecodeString(h); err == nil {
			if l, p, ok := strings.Cut(string(b), ":"); ok {
				return "", &credentials{Login: l, Password: p}
			}
		}
	}
	if sid := formValue(c, "SID"); sid != "" {
		return sid, nil
	}
	if l := formValue(c, "login"); l != "" {
		return "", &credentials{Login: l, Password: formValue(c, "password")}
	}
	return "", nil
}

// formValue reads key from the body of a POSTed form (URL-encoded or multipart), or
// "" when the request is not one.
func formValue(c *fiber.Ctx, key string) string {
	if c.Method() != fiber.MethodPost {
		return ""
	}
	switch mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt {
	case fiber.MIMEApplicationForm:
		return string(c.Request().PostArgs().Peek(key))
	case fiber.MIMEMultipartForm:
		if f, err := c.MultipartForm(); err == nil && len(f.Value[key]) > 0 {
			return f.Value[key][0]
		}
	}
	return ""
}

// fileParam reads a parameter of a file request (type, id, external_id): from the
// form body of a POSTed form, where a download may carry its credentials too, else
// from the query string. An upload's body is the file, so it has only the query.
func fileParam(c *fiber.Ctx, key string) string {
	if v := formValue(c, key); v != "" {
		return v
	}
	return c.Query(key)
}

// serveFile handles GET|POST /jsonrpc/file: downloads (GET, or POST with a form) and
// uploads (POST with the file as the body). A failure inside the portal is answered
// by fileFailure, without its text.
func (m *Module) serveFile(c *fiber.Ctx) error {
	err := m.fileRequest(c)
	var fe *fiber.Error
	if err != nil && !errors.As(err, &fe) {
		return m.fileFailure(c, err)
	}
	return err
}

// fileFailure answers a file request that failed inside the portal: 503 when storage
// cannot take writes (disk full, read-only; try again later), 500 otherwise. The cause
// is logged with the request id and never sent: it can name server paths.
func (m *Module) fileFailure(c *fiber.Ctx, err error) error {
	m.d.Log.Error("api.serveFile", "path", c.Path(), "request_id", c.Locals("requestid"), "err", err)
	if db.Unwritable(err) {
		c.Set(fiber.HeaderRetryAfter, "120")
		return fileError(c, fiber.StatusServiceUnavailable,
			"the portal cannot store data now (storage full or read-only); nothing was changed; try again later")
	}
	return fileError(c, fiber.StatusInternalServerError, "internal error; nothing was changed")
}

// storeFailure answers an upload its store function refused: the file's size, or a
// message of the store's own checks; anything from storage goes to fileFailure.
func (m *Module) storeFailure(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, errUnreadable):
		return fileError(c, fiber.StatusBadRequest, errUnreadable.Error())
	case errors.Is(err, blob.ErrTooLarge):
		return fileError(c, fiber.StatusRequestEntityTooLarge, "file larger than "+strconv.Itoa(maxUpload>>20)+" MB")
	case errors.Is(err, blob.ErrEmpty):
		return fileError(c, fiber.StatusBadRequest, "empty body: send the file as the request body")
	case db.Internal(err) || db.Unwritable(err):
		return m.fileFailure(c, err)
	}
	return fileError(c, fiber.StatusBadRequest, err.Error())
}

// fileRequest does serveFile's work; errors it returns unanswered are internal.
func (m *Module) fileRequest(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx := c.UserContext()
	ip := m.d.Web.ClientIP(c)
	if res, err := m.ipLim.Get(ctx, "ip:"+web.RateKey(ip)); err != nil || res.Reached {
		return fileError(c, fiber.StatusTooManyRequests, "too many requests from this address")
	}
	// Nothing of an upload's body is read before its sender is authenticated: the
	// body limit admitted its size from the headers, and uploadFile streams it.
	upload := isUpload(c)
	if upload && c.Request().Header.ContentLength() > maxUpload {
		return fileError(c, fiber.StatusRequestEntityTooLarge, "file larger than "+strconv.Itoa(maxUpload>>20)+" MB")
	}
	sid, auth := fileCredentials(c)
	staff, _, aerr := m.authenticate(ctx, &batchState{ip: ip}, sid, auth)
	if aerr != nil {
		status := fiber.StatusUnauthorized
		if aerr.Code == codeRateLimited {
			status = fiber.StatusTooManyRequests
		}
		return fileError(c, status, aerr.Message)
	}
	if settings.PortalSuspended.Get(m.d.Settings) {
		return fileError(c, fiber.StatusServiceUnavailable, "the portal is suspended")
	}
	need := Read
	if upload {
		need = Write
	}
	if !need.allows(staff.Role) {
		return fileError(c, fiber.StatusForbidden, "role "+staff.Role+" may not "+map[bool]string{true: "upload", false: "download"}[upload])
	}
	if res, err := m.staffLim.Get(ctx, "staff:"+strconv.FormatInt(staff.ID, 10)); err != nil || res.Reached {
		return fileError(c, fiber.StatusTooManyRequests, "too many calls for this account")
	}
	cl := &Call{m: m, Ctx: ctx, Staff: *staff, IP: ip, Now: m.d.Now(), Q: m.d.DB.R}
	id, _ := strconv.ParseInt(fileParam(c, "id"), 10, 64)
	ext := fileParam(c, "external_id")
	if id < 0 || (id == 0 && ext == "") {
		return fileError(c, fiber.StatusBadRequest, "id or external_id is required")
	}
	kind := fileParam(c, "type")
	if upload {
		return m.uploadFile(c, cl, kind, id, ext)
	}
	switch kind {
	case "invoice":
		inv, err := cl.invoice(InvoiceRef{ID: id, ExternalID: ext})
		if err != nil {
			return appFileError(c, err)
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
		pdf, err := invoices.GeneratePDF(ctx, m.d.DB.R, m.d.Web.Catalog, inv.ClientID, inv.ID, settings.DefaultLanguage.Get(m.d.Settings), cl.Now)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/pdf")
		c.Set(fiber.HeaderContentDisposition, blob.ContentDisposition(name))
		return c.Send(pdf)
	case "document":
		d, err := cl.document(DocumentRef{ID: id, ExternalID: ext})
		if err != nil {
			return appFileError(c, err)
		}
		f, err := blob.Open(m.d.DataDir, documents.StoreDir, d.StoredPath)
		if err != nil {
			return fileError(c, fiber.StatusNotFound, "the document's file is missing")
		}
		return blob.Send(c, f, d.ContentType, d.DownloadName())
	case "file":
		var fl files.File
		var err error
		if id != 0 {
			fl, err = files.FileByID(ctx, m.d.DB.R, id)
		} else {
			fl, err = files.FileByExternalID(ctx, m.d.DB.R, ext)
		}
		if err != nil {
			return appFileError(c, asApp(err, "file", id))
		}
		f, err := blob.Open(m.d.DataDir, files.StoreDir, fl.StoredPath)
		if err != nil {
			return fileError(c, fiber.StatusNotFound, "the file is missing")
		}
		return blob.Send(c, f, fl.ContentType, fl.DownloadName())
	}
	return fileError(c, fiber.StatusBadRequest, "type must be invoice, document or file")
}

func appFileError(c *fiber.Ctx, err error) error {
	var ae *AppError
	if errors.As(err, &ae) {
		return fileError(c, fiber.StatusNotFound, ae.Message)
	}
	return err
}

// uploadFile stores the request body as an invoice's PDF, a client document or a
// provider file. The body goes from the connection straight to a file on disk.
func (m *Module) uploadFile(c *fiber.Ctx, cl *Call, kind string, id int64, ext string) error {
	// The first bytes tell an empty body and, for invoices, a PDF; they are put back
	// in front of the rest.
	body := sentBody{uploadBody(c)}
	head := make([]byte, 5)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fileError(c, fiber.StatusBadRequest, errUnreadable.Error())
	}
	head = head[:n]
	if n == 0 {
		return fileError(c, fiber.StatusBadRequest, "empty body: send the file as the request body")
	}
	content := io.MultiReader(bytes.NewReader(head), body)
	switch kind {
	case "invoice":
		if !bytes.HasPrefix(head, []byte("%PDF-")) {
			return fileError(c, fiber.StatusUnsupportedMediaType, "an invoice upload must be a PDF")
		}
		inv, err := cl.invoice(InvoiceRef{ID: id, ExternalID: ext})
		if err != nil {
			return appFileError(c, err)
		}
		name, _, _, err := blob.StoreUpload(filepath.Join(m.d.DataDir, "invoices", "api"), content, maxUpload)
		if err != nil {
			return m.storeFailure(c, err)
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
			return err
		}
		if inv.PDFPath != "" && inv.PDFPath != rel && strings.HasPrefix(inv.PDFPath, "api/") {
			// The replaced upload of ours is garbage now; PDFs placed by an import stay.
			if p, err := invoices.PDFFile(m.d.DataDir, inv.PDFPath); err == nil {
				os.Remove(p)
			}
		}
		return c.JSON(fiber.Map{"code": true, "id": inv.ID})
	case "document":
		clientID, err := cl.clientID(queryInt(c, "client_id"), c.Query("client_external_id"))
		if err != nil {
			return appFileError(c, err)
		}
		if ext == "" {
			return fileError(c, fiber.StatusBadRequest, "external_id is required for a document upload")
		}
		docKind := c.Query("kind", documents.KindOther)
		if !documents.ValidKind(docKind) {
			return fileError(c, fiber.StatusBadRequest, "kind must be contract, annex or other")
		}
		title := strings.TrimSpace(c.Query("title"))
		if title == "" {
			return fileError(c, fiber.StatusBadRequest, "title is required")
		}
		doc := documents.Document{ExternalID: ext, ClientID: clientID, Title: title, Kind: docKind, Date: parseDay(c.Query("date")),
			FileName: blob.SafeName(c.Query("file_name"), ""), Visible: c.Query("visible", "1") != "0"}
		if doc.Date.IsZero() {
			doc.Date = cl.Now
		}
		newID, err := documents.AddDocumentFrom(cl.Ctx, m.d, doc, content)
		if err != nil {
			return m.storeFailure(c, err)
		}
		if err := m.auditFile(cl, "api.file.document", clientID, "document external_id="+ext); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"code": true, "id": newID})
	case "file":
		return m.uploadProviderFile(c, cl, ext, content)
	}
	return fileError(c, fiber.StatusBadRequest, "uploads: type must be invoice, document or file")
}

// auditFile writes the audit entry of an upload whose store function committed its own
// transaction.
func (m *Module) auditFile(cl *Call, action string, clientID int64, detail string) error {
	return m.d.DB.Tx(cl.Ctx, func(tx *sql.Tx) error {
		return core.Audit(cl.Ctx, tx, core.AuditEntry{At: cl.Now, Actor: cl.Actor(), Action: action, ClientID: clientID,
			Detail: detail, IP: cl.IP})
	})
}

func queryInt(c *fiber.Ctx, k string) int64 {
	n, _ := strconv.ParseInt(c.Query(k), 10, 64)
	return n
}
