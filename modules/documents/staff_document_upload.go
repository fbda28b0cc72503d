package documents

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// maxTitle is the longest document title (SaveDocument's limit is 300 bytes).
const maxTitle = 300

// uploadStaffDocument handles the multipart POST /admin/clients/:id/documents: a
// document for the client (title, kind, date, file, "display in portal"), stored
// with AddDocumentFrom, the function behind the CLI's `documents add` and the API's
// file upload. The stored name is random; the browser's file name is kept only,
// sanitised, as the download name. A refused upload re-renders the card with the
// field errors and stores nothing.
func (m *Module) uploadStaffDocument(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cl, err := m.staffClient(c)
	if err != nil {
		return err
	}
	errs := map[string]string{}
	title, bad := web.FormLine(c.FormValue("title"))
	switch {
	case bad != "":
		errs["doc_title"] = bad
	case title == "":
		errs["doc_title"] = web.KeyRequired
	case len(title) > maxTitle || utf8.RuneCountInString(title) > maxTitle:
		errs["doc_title"] = "form.too_long"
	}
	kind := c.FormValue("kind")
	if !ValidKind(kind) {
		errs["doc_kind"] = "form.invalid"
	}
	date := m.d.Now()
	if v := strings.TrimSpace(c.FormValue("date")); v != "" {
		if date, err = time.ParseInLocation("2006-01-02", v, time.Local); err != nil {
			errs["doc_date"] = "form.invalid"
		}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		errs["doc_file"] = web.KeyRequired
	} else if fh.Size > blob.MaxUploadBytes {
		errs["doc_file"] = "documents.staff.err_size"
	}
	if len(errs) > 0 {
		return m.d.Hooks.ClientCard(c, cl, errs)
	}
	r, err := fh.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	doc := Document{ClientID: cl.ID, Title: title, Kind: kind, Date: date, FileName: blob.UploadName(fh.Filename, ""),
		Visible: lastValue(c, "visible") == "1"}
	id, err := AddDocumentFrom(ctx, m.d, doc, r)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return m.d.Hooks.ClientCard(c, cl, map[string]string{"doc_file": "documents.staff.err_size"})
	case errors.Is(err, blob.ErrEmpty):
		return m.d.Hooks.ClientCard(c, cl, map[string]string{"doc_file": "documents.staff.err_empty"})
	case err != nil:
		return err
	}
	// AddDocumentFrom commits by itself; the audit entry follows once it did.
	err = console.AuditNow(ctx, m.d.DB, m.d.Web, c, m.d.Now(), "document.upload", cl.ID,
		"document "+strconv.FormatInt(id, 10)+" visible="+strconv.FormatBool(doc.Visible)+": "+doc.FileName)
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "documents.staff.uploaded")
	return m.d.Web.Redirect(c, console.Path("/clients/"+strconv.FormatInt(cl.ID, 10)))
}

// downloadStaffDocument handles GET /admin/clients/:id/documents/:doc: any document of
// the client, also one hidden from the portal.
func (m *Module) downloadStaffDocument(c *fiber.Ctx) error {
	doc, err := m.staffDocument(c)
	if err != nil {
		return err
	}
	return blob.Serve(c, m.d.DB, m.d.DataDir, StoreDir, doc.StoredPath, doc.ContentType, doc.DownloadName(), func(err error) error {
		m.d.Log.Error("documents.downloadStaffDocument: stored file unavailable, re-upload it",
			"document", doc.ID, "client", doc.ClientID, "path", doc.StoredPath, "err", err)
		return fiber.ErrNotFound
	})
}

// staffClient loads the client of :id.
func (m *Module) staffClient(c *fiber.Ctx) (core.Client, error) {
	clientID, err := web.IDParam(c, "id")
	if err != nil {
		return core.Client{}, err
	}
	return core.ClientByID(c.UserContext(), m.d.DB.R, clientID)
}

// staffDocument loads :doc of the client :id; another client's document is 404.
func (m *Module) staffDocument(c *fiber.Ctx) (Document, error) {
	cl, err := m.staffClient(c)
	if err != nil {
		return Document{}, err
	}
	docID, err := web.IDParam(c, "doc")
	if err != nil {
		return Document{}, err
	}
	doc, err := DocumentByID(c.UserContext(), m.d.DB.R, docID)
	if err != nil {
		return Document{}, err
	}
	if doc.ClientID != cl.ID {
		return Document{}, fiber.ErrNotFound
	}
	return doc, nil
}

// lastValue returns the last value of a multipart form field: a checkbox after its
// hidden "0" sends both, and the checkbox must win.
func lastValue(c *fiber.Ctx, name string) string {
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		if l := mf.Value[name]; len(l) > 0 {
			return l[len(l)-1]
		}
	}
	return c.FormValue(name)
}
