package files

import (
	"database/sql"
	"errors"
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

// FileList is the return of files.list.
type FileList struct {
	Files []FileOut `json:"files"`
}

// FileFields are a provider file's data; its content goes through /jsonrpc/file.
type FileFields struct {
	ExternalID              string   `json:"external_id" validate:"required,max=64" doc:"the file's id, as used in its upload"`
	Title                   string   `json:"title" validate:"required,max=300"`
	Description             string   `json:"description" validate:"max=4000" text:"multiline"`
	InvoiceGroupIDs         []int64  `json:"invoice_group_ids" validate:"max=100,dive,gt=0" doc:"only clients of these invoice groups see the file..."`
	InvoiceGroupExternalIDs []string `json:"invoice_group_external_ids" validate:"max=100,dive,required,max=64" doc:"...or of these (by external id); both empty: every client"`
}

// FileDeleteParams name the file files.delete removes.
type FileDeleteParams struct {
	ID int64 `json:"id" validate:"required,gt=0"`
}

// methods are the API's files.* methods, at their places in the reference.
func (m *Module) methods() []*rpc.Method {
	return append(rpc.Ordered(380, m.listMethod(), m.deleteMethod()), rpc.Ordered(450, m.addMethod())...)
}

func (m *Module) listMethod() *rpc.Method {
	return rpc.Def("files.list", perm.FilesRead, "Lists the provider's files (price lists, terms) with the invoice groups they are restricted to.",
		struct{}{}, FileList{[]FileOut{{ID: 3, Title: "Price list 2026", FileName: "pricelist-2026.pdf", Size: 80211,
			ContentType: "application/pdf", Groups: []int64{}}}},
		func(c *rpc.Call, _ *struct{}) (FileList, error) {
			list, err := ListFiles(c.Ctx, c.Q)
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
		})
}

func (m *Module) deleteMethod() *rpc.Method {
	return rpc.Def("files.delete", perm.FilesWrite, "Deletes a provider file. Deleting one already gone succeeds with deleted false.",
		FileDeleteParams{3}, rpc.Deleted{Deleted: true},
		func(c *rpc.Call, p *FileDeleteParams) (rpc.Deleted, error) {
			stored, err := DeleteFile(c.Ctx, c.Tx, p.ID)
			if errors.Is(err, core.ErrNotFound) {
				c.Message("file already absent")
				return rpc.Deleted{}, nil
			}
			if err != nil {
				return rpc.Deleted{}, err
			}
			c.AfterCommit = func() { blob.Remove(m.d.DataDir, StoreDir, stored) }
			c.Audit(0, "file %d deleted", p.ID)
			return rpc.Deleted{Deleted: true}, nil
		})
}

func (m *Module) addMethod() *rpc.Method {
	return rpc.Def("files.add", perm.FilesWrite, "Sets the title, description and invoice-group restriction of a provider file (idempotent on external_id). "+
		"The content is uploaded first, over plain HTTP: POST /jsonrpc/file?type=file&external_id=X&title=T with the file as the "+
		"body (which also creates the file); this call then changes its data without sending the content again.",
		FileFields{ExternalID: "PRICES-2026", Title: "Price list 2026", Description: "Valid from 1 January 2026.",
			InvoiceGroupExternalIDs: []string{"residential"}}, rpc.Saved{ID: 3},
		func(c *rpc.Call, p *FileFields) (rpc.Saved, error) {
			f, err := FileByExternalID(c.Ctx, c.Q, p.ExternalID)
			if errors.Is(err, core.ErrNotFound) {
				return rpc.Saved{}, &rpc.AppError{Kind: "not_found", Field: "external_id", Message: "no file with external_id " + p.ExternalID +
					"; upload its content first: POST /jsonrpc/file?type=file&external_id=" + p.ExternalID + "&title=..."}
			}
			if err != nil {
				return rpc.Saved{}, err
			}
			groups, field, err := groupsOf(c, p.InvoiceGroupIDs, p.InvoiceGroupExternalIDs)
			if err != nil {
				return rpc.Saved{}, rpc.InvalidErr(field, err)
			}
			f.Title, f.Description, f.Groups = p.Title, p.Description, groups
			if err := Check(&f); err != nil {
				return rpc.Saved{}, fieldInvalid(err)
			}
			if _, err := SaveFile(c.Ctx, c.Tx, f, c.Now); err != nil {
				return rpc.Saved{}, rpc.InvalidErr("", err)
			}
			c.Audit(0, "file %d external_id=%s groups=%d", f.ID, p.ExternalID, len(groups))
			return rpc.Saved{ID: f.ID}, nil
		})
}

// fieldInvalid turns a refused text into the invalid error naming its param.
func fieldInvalid(err error) error {
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return rpc.Invalid(fe.Field, fe.Error())
	}
	return err
}

// groupsOf resolves invoice groups given by id or external id; on failure it names
// the field.
func groupsOf(c *rpc.Call, ids []int64, exts []string) ([]int64, string, error) {
	var out []int64
	for _, id := range ids {
		if _, err := core.GroupByID(c.Ctx, c.Q, id); err != nil {
			if errors.Is(err, core.ErrNotFound) {
				return nil, "invoice_group_ids", errors.New("no invoice group " + strconv.FormatInt(id, 10))
			}
			return nil, "", err
		}
		out = append(out, id)
	}
	for _, ext := range exts {
		id, err := rpc.GroupID(c, ext)
		if err != nil {
			if errors.Is(err, core.ErrNotFound) {
				return nil, "invoice_group_external_ids", errors.New("no invoice group with external_id " + ext)
			}
			return nil, "", err
		}
		out = append(out, id)
	}
	return out, "", nil
}

// fileKind is type=file of the API's file endpoint: a provider file's content.
func (m *Module) fileKind() app.FileKind {
	return app.FileKind{Name: "file", Read: perm.FilesRead, Write: perm.FilesWrite, Download: m.downloadAPIFile, Upload: m.uploadAPIFile}
}

func (m *Module) downloadAPIFile(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef) error {
	var fl File
	var err error
	if ref.ID != 0 {
		fl, err = FileByID(cl.Ctx, m.d.DB.R, ref.ID)
	} else {
		fl, err = FileByExternalID(cl.Ctx, m.d.DB.R, ref.ExternalID)
	}
	if err != nil {
		return rpc.AsApp(err, "file", ref.ID)
	}
	f, err := blob.Open(cl.Ctx, m.d.DB, m.d.DataDir, StoreDir, fl.StoredPath)
	if err != nil {
		return &app.FileError{Status: fiber.StatusNotFound, Message: "the file is missing"}
	}
	return blob.Send(c, f, fl.ContentType, fl.DownloadName())
}

// uploadAPIFile stores the body as a provider file: created with title (required
// then), description and group restriction from the query, or replacing the content
// of the file with this external id, whose data not given in the query stay as they
// are.
func (m *Module) uploadAPIFile(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef, content io.Reader) (int64, error) {
	ext := ref.ExternalID
	if ext == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "external_id is required for a file upload"}
	}
	f := File{ExternalID: ext}
	if old, err := FileByExternalID(cl.Ctx, m.d.DB.R, ext); err == nil {
		if f, err = FileByID(cl.Ctx, m.d.DB.R, old.ID); err != nil {
			return 0, err
		}
		f.ID = 0 // Publish finds it by external id
	} else if !errors.Is(err, core.ErrNotFound) {
		return 0, err
	}
	args := c.Context().QueryArgs()
	if args.Has("title") {
		f.Title = c.Query("title")
	}
	if args.Has("description") {
		f.Description = c.Query("description")
	}
	if err := Check(&f); err != nil {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: err.Error()}
	}
	if args.Has("file_name") || f.FileName == "" {
		f.FileName = blob.SafeName(c.Query("file_name"), "")
	}
	if args.Has("invoice_group_ids") || args.Has("invoice_group_external_ids") {
		var ids []int64
		for _, s := range splitList(c.Query("invoice_group_ids")) {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "invoice_group_ids: " + strconv.Quote(s) + " is not an id"}
			}
			ids = append(ids, id)
		}
		groups, field, err := groupsOf(cl, ids, splitList(c.Query("invoice_group_external_ids")))
		if err != nil {
			if field == "" {
				return 0, err
			}
			return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: field + ": " + err.Error()}
		}
		f.Groups = groups
	}
	return Publish(cl.Ctx, m.d, f, content, func(tx *sql.Tx, _ int64) error {
		return core.Audit(cl.Ctx, tx, core.AuditEntry{At: cl.Now, Actor: cl.Actor(), Action: "api.file.file",
			Detail: "file external_id=" + ext, IP: cl.IP})
	})
}

// splitList splits a comma-separated query value, dropping empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
