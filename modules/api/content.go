package api

import (
	"errors"
	"time"

	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/info"
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

// ClientOnly names a client.
type ClientOnly struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
}

// FileOut is a provider file (price list, terms) as the API returns it.
type FileOut struct {
	ID          int64   `json:"id"`
	ExternalID  string  `json:"external_id"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	FileName    string  `json:"file_name"`
	Size        int64   `json:"size"`
	ContentType string  `json:"content_type"`
	Groups      []int64 `json:"invoice_group_ids" doc:"empty: every client sees it"`
}

// MessageFields are a portal message as the billing system sends it.
type MessageFields struct {
	ExternalID       string `json:"external_id" validate:"required,max=64"`
	Kind             string `json:"kind" validate:"required,oneof=private global group" doc:"private: one client; group: an invoice group; global: everybody"`
	ClientID         int64  `json:"client_id" validate:"gte=0" doc:"private messages: the client by portal id..."`
	ClientExternalID string `json:"client_external_id" validate:"max=64" doc:"...or by external id"`
	GroupID          int64  `json:"invoice_group_id" validate:"gte=0" doc:"group messages"`
	Title            string `json:"title" validate:"required,max=200"`
	Body             string `json:"body" validate:"required,max=100000" text:"multiline" doc:"HTML; sanitised when shown"`
	ValidFrom        string `json:"valid_from" validate:"omitempty,datetime=2006-01-02"`
	ValidUntil       string `json:"valid_until" validate:"omitempty,datetime=2006-01-02" doc:"exclusive"`
}

// MessageOut is a portal message as the API returns it.
type MessageOut struct {
	ID int64 `json:"id"`
	MessageFields
}

// ConsentOut is a client's consent state for one GDPR consent document.
type ConsentOut struct {
	DocumentID         int64     `json:"document_id"`
	DocumentExternalID string    `json:"document_external_id"`
	Title              string    `json:"title"`
	Status             string    `json:"status" doc:"none, given or withdrawn"`
	Version            int       `json:"version"`
	Purposes           []string  `json:"purposes"`
	At                 time.Time `json:"at"`
}

// Lists returned by the methods below.
type (
	DocumentList struct {
		Documents []DocumentOut `json:"documents"`
	}
	FileList struct {
		Files []FileOut `json:"files"`
	}
	MessageList struct {
		Messages []MessageOut `json:"messages"`
	}
	ConsentList struct {
		Consents []ConsentOut `json:"consents"`
	}
)

func documentOut(d documents.Document) DocumentOut {
	return DocumentOut{ID: d.ID, ExternalID: d.ExternalID, ClientID: d.ClientID, Title: d.Title, Kind: d.Kind, Date: day(d.Date),
		FileName: d.DownloadName(), Size: d.Size, ContentType: d.ContentType, Visible: d.Visible}
}

func messageOut(m info.Message) MessageOut {
	return MessageOut{ID: m.ID, MessageFields: MessageFields{ExternalID: m.ExternalID, Kind: m.Kind, ClientID: m.ClientID, GroupID: m.GroupID,
		Title: m.Title, Body: m.Body, ValidFrom: day(m.ValidFrom), ValidUntil: day(m.ValidUntil)}}
}

var exDocumentOut = DocumentOut{ID: 9, ExternalID: "DOC-551", ClientID: 42, Title: "Service contract", Kind: "contract", Date: "2026-01-15",
	FileName: "contract-551.pdf", Size: 182311, ContentType: "application/pdf", Visible: true}

var exMessage = MessageFields{ExternalID: "MSG-2026-11", Kind: "global", Title: "Planned maintenance",
	Body: "<p>On 20 November between 2:00 and 4:00 the network will be unavailable.</p>", ValidFrom: "2026-11-10", ValidUntil: "2026-11-21"}

func (m *Module) contentMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("documents.list", perm.DocumentsRead, "Lists a client's documents (also those hidden from the portal), newest first.",
			ClientOnly{ClientExternalID: "CRM-000123"}, DocumentList{[]DocumentOut{exDocumentOut}},
			func(c *rpc.Call, p *ClientOnly) (DocumentList, error) {
				cl, err := client(c, ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return DocumentList{}, err
				}
				list, err := documents.ListDocuments(c.Ctx, c.Q, cl.ID, false)
				out := DocumentList{Documents: make([]DocumentOut, 0, len(list))}
				for _, d := range list {
					out.Documents = append(out.Documents, documentOut(d))
				}
				return out, err
			}),
		rpc.Def("documents.setVisible", perm.DocumentsWrite, "Shows a document to the client in the portal, or hides it.",
			DocumentVisibleParams{DocumentRef: DocumentRef{ExternalID: "DOC-551"}, Visible: true}, exDocumentOut,
			func(c *rpc.Call, p *DocumentVisibleParams) (DocumentOut, error) {
				d, err := document(c, p.DocumentRef)
				if err != nil {
					return DocumentOut{}, err
				}
				if err := documents.SetDocumentVisible(c.Ctx, c.Tx, d.ID, p.Visible); err != nil {
					return DocumentOut{}, err
				}
				d.Visible = p.Visible
				c.Audit(d.ClientID, "document %d visible=%t", d.ID, p.Visible)
				return documentOut(d), nil
			}),
		rpc.Def("documents.delete", perm.DocumentsWrite, "Deletes a client document and its file. Deleting one already gone succeeds with deleted false.",
			DocumentRef{ExternalID: "DOC-551"}, Deleted{true},
			func(c *rpc.Call, p *DocumentRef) (Deleted, error) {
				d, err := document(c, *p)
				if _, nf := err.(*rpc.AppError); nf {
					c.Message("document already absent")
					return Deleted{}, nil
				}
				if err != nil {
					return Deleted{}, err
				}
				stored, err := documents.DeleteDocument(c.Ctx, c.Tx, d.ID)
				if err != nil {
					return Deleted{}, err
				}
				// The file goes only once the row is gone for good.
				c.AfterCommit = func() { blob.Remove(m.d.DataDir, documents.StoreDir, stored) }
				c.Audit(d.ClientID, "document %d external_id=%s deleted", d.ID, d.ExternalID)
				return Deleted{true}, nil
			}),
		rpc.Def("files.list", perm.FilesRead, "Lists the provider's files (price lists, terms) with the invoice groups they are restricted to.",
			struct{}{}, FileList{[]FileOut{{ID: 3, Title: "Price list 2026", FileName: "pricelist-2026.pdf", Size: 80211,
				ContentType: "application/pdf", Groups: []int64{}}}},
			func(c *rpc.Call, _ *struct{}) (FileList, error) {
				list, err := files.ListFiles(c.Ctx, c.Q)
				out := FileList{Files: make([]FileOut, 0, len(list))}
				for _, f := range list {
					g := f.Groups
					if g == nil {
						g = []int64{}
					}
					out.Files = append(out.Files, FileOut{ID: f.ID, ExternalID: f.ExternalID, Title: f.Title, Description: f.Description,
						FileName: f.DownloadName(), Size: f.Size, ContentType: f.ContentType, Groups: g})
				}
				return out, err
			}),
		rpc.Def("files.delete", perm.FilesWrite, "Deletes a provider file. Deleting one already gone succeeds with deleted false.",
			struct {
				ID int64 `json:"id" validate:"required,gt=0"`
			}{3}, Deleted{true},
			func(c *rpc.Call, p *struct {
				ID int64 `json:"id" validate:"required,gt=0"`
			}) (Deleted, error) {
				stored, err := files.DeleteFile(c.Ctx, c.Tx, p.ID)
				if errors.Is(err, core.ErrNotFound) {
					c.Message("file already absent")
					return Deleted{}, nil
				}
				if err != nil {
					return Deleted{}, err
				}
				c.AfterCommit = func() { blob.Remove(m.d.DataDir, files.StoreDir, stored) }
				c.Audit(0, "file %d deleted", p.ID)
				return Deleted{true}, nil
			}),
		rpc.Def("messages.list", perm.MessagesRead, "Lists every portal message (private, group and global).", struct{}{},
			MessageList{[]MessageOut{{ID: 4, MessageFields: exMessage}}},
			func(c *rpc.Call, _ *struct{}) (MessageList, error) {
				list, err := info.ListMessages(c.Ctx, c.Q)
				out := MessageList{Messages: make([]MessageOut, 0, len(list))}
				for _, m := range list {
					out.Messages = append(out.Messages, messageOut(m))
				}
				return out, err
			}),
		rpc.Def("messages.add", perm.MessagesWrite, "Creates a portal message, or updates the message with this external_id (idempotent).",
			exMessage, Saved{ID: 4, Created: true},
			func(c *rpc.Call, p *MessageFields) (Saved, error) {
				m := info.Message{ExternalID: p.ExternalID, Kind: p.Kind, GroupID: p.GroupID, Title: p.Title, Body: p.Body,
					ValidFrom: parseDay(p.ValidFrom), ValidUntil: parseDay(p.ValidUntil)}
				if p.Kind == info.KindPrivate {
					id, err := clientID(c, p.ClientID, p.ClientExternalID)
					if err != nil {
						return Saved{}, err
					}
					m.ClientID = id
				}
				if p.Kind == info.KindGroup {
					if _, err := core.GroupByID(c.Ctx, c.Q, p.GroupID); err != nil {
						return Saved{}, rpc.Invalid("invoice_group_id", "no invoice group "+itoa64(p.GroupID))
					}
				}
				_, err := idByExternal(c.Ctx, c.Q, "info_messages", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return Saved{}, err
				}
				if err := m.Validate(); err != nil {
					return Saved{}, rpc.Invalid("", err.Error())
				}
				id, err := info.SaveMessage(c.Ctx, c.Tx, m, c.Now)
				if err != nil {
					return Saved{}, err
				}
				c.Audit(m.ClientID, "message external_id=%s kind=%s created=%t", p.ExternalID, p.Kind, created)
				return Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("messages.delete", perm.MessagesWrite, "Deletes a portal message by external id. Deleting one already gone succeeds with deleted false.",
			struct {
				ExternalID string `json:"external_id" validate:"required,max=64"`
			}{"MSG-2026-11"}, Deleted{true},
			func(c *rpc.Call, p *struct {
				ExternalID string `json:"external_id" validate:"required,max=64"`
			}) (Deleted, error) {
				id, err := idByExternal(c.Ctx, c.Q, "info_messages", p.ExternalID)
				if errors.Is(err, core.ErrNotFound) {
					c.Message("message already absent")
					return Deleted{}, nil
				}
				if err != nil {
					return Deleted{}, err
				}
				if err := info.DeleteMessage(c.Ctx, c.Tx, id); err != nil {
					return Deleted{}, err
				}
				c.Audit(0, "message external_id=%s deleted", p.ExternalID)
				return Deleted{true}, nil
			}),
		rpc.Def("gdpr.consentState", perm.ConsentsRead, "Returns a client's current consent state for every GDPR consent document.",
			ClientOnly{ClientExternalID: "CRM-000123"},
			ConsentList{[]ConsentOut{{DocumentID: 1, DocumentExternalID: "GDPR-MARKETING", Title: "Marketing consent", Status: "given",
				Version: 2, Purposes: []string{"newsletter"}, At: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)}}},
			func(c *rpc.Call, p *ClientOnly) (ConsentList, error) {
				cl, err := client(c, ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return ConsentList{}, err
				}
				list, err := gdpr.ConsentState(c.Ctx, c.Q, cl.ID)
				out := ConsentList{Consents: make([]ConsentOut, 0, len(list))}
				for _, s := range list {
					ps := s.Purposes
					if ps == nil {
						ps = []string{}
					}
					out.Consents = append(out.Consents, ConsentOut{DocumentID: s.Document.ID, DocumentExternalID: s.Document.ExternalID,
						Title: s.Document.Title, Status: s.Status, Version: s.Version, Purposes: ps, At: s.At.UTC()})
				}
				return out, err
			}),
	}
}

func document(c *rpc.Call, ref DocumentRef) (documents.Document, error) {
	if ref.ID != 0 {
		d, err := documents.DocumentByID(c.Ctx, c.Q, ref.ID)
		return d, rpc.AsApp(err, "document", ref.ID)
	}
	d, err := documents.DocumentByExternalID(c.Ctx, c.Q, ref.ExternalID)
	return d, rpc.AsApp(err, "document with external_id", ref.ExternalID)
}
