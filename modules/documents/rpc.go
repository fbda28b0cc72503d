package documents

import (
	"database/sql"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// DocumentOut is a client document (contract, annex) as the API returns it; its file
// is uploaded and downloaded through /jsonrpc/file.
type DocumentOut struct {
	ID          int64  `json:"id"`
	ExternalID  string `json:"external_id"`
	ClientID    int64  `json:"client_id"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	Date        string `json:"date"`
	FileName    string `json:"file_name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	Visible     bool   `json:"visible" doc:"shown to the client in the portal"`
}

// DocumentRef names a client document.
type DocumentRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0"`
	ExternalID string `json:"external_id" validate:"max=64"`
}

// DocumentVisibleParams show or hide a document in the portal.
type DocumentVisibleParams struct {
	DocumentRef
	Visible bool `json:"visible"`
}

// DocumentList is the return of documents.list.
type DocumentList struct {
	Documents []DocumentOut `json:"documents"`
}

func documentOut(d Document) DocumentOut {
	return DocumentOut{ID: d.ID, ExternalID: d.ExternalID, ClientID: d.ClientID, Title: d.Title, Kind: d.Kind, Date: rpc.Day(d.Date),
		FileName: d.DownloadName(), Size: d.Size, ContentType: d.ContentType, Visible: d.Visible}
}

var exDocumentOut = DocumentOut{ID: 9, ExternalID: "DOC-551", ClientID: 42, Title: "Service contract", Kind: "contract", Date: "2026-01-15",
	FileName: "contract-551.pdf", Size: 182311, ContentType: "application/pdf", Visible: true}

// methods are the API's documents.* methods, at their place in the reference.
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(350,
		rpc.Def("documents.list", perm.DocumentsRead, "Lists a client's documents (also those hidden from the portal), newest first.",
			rpc.ClientOnly{ClientExternalID: "CRM-000123"}, DocumentList{[]DocumentOut{exDocumentOut}},
			func(c *rpc.Call, p *rpc.ClientOnly) (DocumentList, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return DocumentList{}, err
				}
				list, err := ListDocuments(c.Ctx, c.Q, cl.ID, false)
				out := DocumentList{Documents: make([]DocumentOut, 0, len(list))}
				for _, d := range list {
					out.Documents = append(out.Documents, documentOut(d))
				}
				return out, err
			}),
		rpc.Def("documents.setVisible", perm.DocumentsWrite, "Shows a document to the client in the portal, or hides it.",
			DocumentVisibleParams{DocumentRef: DocumentRef{ExternalID: "DOC-551"}, Visible: true}, exDocumentOut,
			func(c *rpc.Call, p *DocumentVisibleParams) (DocumentOut, error) {
				d, err := documentOf(c, p.DocumentRef)
				if err != nil {
					return DocumentOut{}, err
				}
				if err := SetDocumentVisible(c.Ctx, c.Tx, d.ID, p.Visible); err != nil {
					return DocumentOut{}, err
				}
				d.Visible = p.Visible
				c.Audit(d.ClientID, "document %d visible=%t", d.ID, p.Visible)
				return documentOut(d), nil
			}),
		rpc.Def("documents.delete", perm.DocumentsWrite, "Deletes a client document and its file. Deleting one already gone succeeds with deleted false.",
			DocumentRef{ExternalID: "DOC-551"}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *DocumentRef) (rpc.Deleted, error) {
				d, err := documentOf(c, *p)
				if _, nf := err.(*rpc.AppError); nf {
					c.Message("document already absent")
					return rpc.Deleted{}, nil
				}
				if err != nil {
					return rpc.Deleted{}, err
				}
				stored, err := DeleteDocument(c.Ctx, c.Tx, d.ID)
				if err != nil {
					return rpc.Deleted{}, err
				}
				// The file goes only once the row is gone for good.
				c.AfterCommit = func() { blob.Remove(m.d.DataDir, StoreDir, stored) }
				c.Audit(d.ClientID, "document %d external_id=%s deleted", d.ID, d.ExternalID)
				return rpc.Deleted{Deleted: true}, nil
			}),
	)
}

func documentOf(c *rpc.Call, ref DocumentRef) (Document, error) {
	if ref.ID != 0 {
		d, err := DocumentByID(c.Ctx, c.Q, ref.ID)
		return d, rpc.AsApp(err, "document", ref.ID)
	}
	d, err := DocumentByExternalID(c.Ctx, c.Q, ref.ExternalID)
	return d, rpc.AsApp(err, "document with external_id", ref.ExternalID)
}

// fileKind is type=document of the API's file endpoint: a client document's file.
func (m *Module) fileKind() app.FileKind {
	return app.FileKind{Name: "document", Read: perm.DocumentsRead, Write: perm.DocumentsWrite, Download: m.downloadAPIDocument,
		Upload: m.uploadAPIDocument}
}

func (m *Module) downloadAPIDocument(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef) error {
	d, err := documentOf(cl, DocumentRef{ID: ref.ID, ExternalID: ref.ExternalID})
	if err != nil {
		return err
	}
	f, err := blob.Open(cl.Ctx, m.d.DB, m.d.DataDir, StoreDir, d.StoredPath)
	if err != nil {
		return &app.FileError{Status: fiber.StatusNotFound, Message: "the document's file is missing"}
	}
	return blob.Send(c, f, d.ContentType, d.DownloadName())
}

// uploadAPIDocument stores the body as a client document with the query's data.
func (m *Module) uploadAPIDocument(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef, content io.Reader) (int64, error) {
	qid, _ := strconv.ParseInt(c.Query("client_id"), 10, 64)
	clientID, err := rpc.ClientID(cl, qid, c.Query("client_external_id"))
	if err != nil {
		return 0, err
	}
	ext := ref.ExternalID
	if ext == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "external_id is required for a document upload"}
	}
	docKind := c.Query("kind", KindOther)
	if !ValidKind(docKind) {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "kind must be contract, annex or other"}
	}
	title := strings.TrimSpace(c.Query("title"))
	if title == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "title is required"}
	}
	doc := Document{ExternalID: ext, ClientID: clientID, Title: title, Kind: docKind, Date: rpc.ParseDay(c.Query("date")),
		FileName: blob.SafeName(c.Query("file_name"), ""), Visible: c.Query("visible", "1") != "0"}
	if doc.Date.IsZero() {
		doc.Date = cl.Now
	}
	newID, err := AddDocumentFrom(cl.Ctx, m.d, doc, content)
	if err != nil {
		return 0, err
	}
	// AddDocumentFrom commits by itself; the audit entry follows once it did.
	return newID, m.d.DB.Tx(cl.Ctx, func(tx *sql.Tx) error {
		return core.Audit(cl.Ctx, tx, core.AuditEntry{At: cl.Now, Actor: cl.Actor(), Action: "api.file.document", ClientID: clientID,
			Detail: "document external_id=" + ext, IP: cl.IP})
	})
}
