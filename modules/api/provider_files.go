package api

import (
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
	"github.com/ispportal/portal/modules/files"
)

// FileFields are a provider file's data; its content goes through /jsonrpc/file.
type FileFields struct {
	ExternalID              string   `json:"external_id" validate:"required,max=64" doc:"the file's id, as used in its upload"`
	Title                   string   `json:"title" validate:"required,max=300"`
	Description             string   `json:"description" validate:"max=4000" text:"multiline"`
	InvoiceGroupIDs         []int64  `json:"invoice_group_ids" validate:"max=100,dive,gt=0" doc:"only clients of these invoice groups see the file..."`
	InvoiceGroupExternalIDs []string `json:"invoice_group_external_ids" validate:"max=100,dive,required,max=64" doc:"...or of these (by external id); both empty: every client"`
}

func (m *Module) fileMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("files.add", perm.FilesWrite, "Sets the title, description and invoice-group restriction of a provider file (idempotent on external_id). "+
			"The content is uploaded first, over plain HTTP: POST /jsonrpc/file?type=file&external_id=X&title=T with the file as the "+
			"body (which also creates the file); this call then changes its data without sending the content again.",
			FileFields{ExternalID: "PRICES-2026", Title: "Price list 2026", Description: "Valid from 1 January 2026.",
				InvoiceGroupExternalIDs: []string{"residential"}}, Saved{ID: 3},
			func(c *rpc.Call, p *FileFields) (Saved, error) {
				f, err := files.FileByExternalID(c.Ctx, c.Q, p.ExternalID)
				if errors.Is(err, core.ErrNotFound) {
					return Saved{}, &rpc.AppError{Kind: "not_found", Field: "external_id", Message: "no file with external_id " + p.ExternalID +
						"; upload its content first: POST /jsonrpc/file?type=file&external_id=" + p.ExternalID + "&title=..."}
				}
				if err != nil {
					return Saved{}, err
				}
				groups, field, err := fileGroups(c, p.InvoiceGroupIDs, p.InvoiceGroupExternalIDs)
				if err != nil {
					return Saved{}, rpc.InvalidErr(field, err)
				}
				f.Title, f.Description, f.Groups = p.Title, p.Description, groups
				if _, err := files.SaveFile(c.Ctx, c.Tx, f, c.Now); err != nil {
					return Saved{}, rpc.InvalidErr("", err)
				}
				c.Audit(0, "file %d external_id=%s groups=%d", f.ID, p.ExternalID, len(groups))
				return Saved{ID: f.ID}, nil
			}),
	}
}

// fileGroups resolves invoice groups given by id or external id; on failure it names
// the field.
func fileGroups(c *rpc.Call, ids []int64, exts []string) ([]int64, string, error) {
	var out []int64
	for _, id := range ids {
		if _, err := core.GroupByID(c.Ctx, c.Q, id); err != nil {
			if errors.Is(err, core.ErrNotFound) {
				return nil, "invoice_group_ids", errors.New("no invoice group " + itoa64(id))
			}
			return nil, "", err
		}
		out = append(out, id)
	}
	for _, ext := range exts {
		id, err := groupID(c, ext)
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

// uploadProviderFile stores the body as a provider file: created with title
// (required then), description and group restriction from the query, or replacing
// the content of the file with this external id, whose data not given in the query
// stay as they are.
func (m *Module) uploadProviderFile(c *fiber.Ctx, cl *rpc.Call, ref app.FileRef, content io.Reader) (int64, error) {
	ext := ref.ExternalID
	if ext == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "external_id is required for a file upload"}
	}
	f := files.File{ExternalID: ext}
	if old, err := files.FileByExternalID(cl.Ctx, m.d.DB.R, ext); err == nil {
		if f, err = files.FileByID(cl.Ctx, m.d.DB.R, old.ID); err != nil {
			return 0, err
		}
		f.ID = 0 // AddFileFrom finds it by external id
	} else if !errors.Is(err, core.ErrNotFound) {
		return 0, err
	}
	args := c.Context().QueryArgs()
	if args.Has("title") {
		f.Title = strings.TrimSpace(c.Query("title"))
	}
	if f.Title == "" {
		return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: "title is required"}
	}
	if args.Has("description") {
		f.Description = c.Query("description")
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
		groups, field, err := fileGroups(cl, ids, splitList(c.Query("invoice_group_external_ids")))
		if err != nil {
			if field == "" {
				return 0, err
			}
			return 0, &app.FileError{Status: fiber.StatusBadRequest, Message: field + ": " + err.Error()}
		}
		f.Groups = groups
	}
	id, err := files.AddFileFrom(cl.Ctx, m.d, f, content)
	if err != nil {
		return 0, err
	}
	return id, m.auditFile(cl, "api.file.file", 0, "file external_id="+ext)
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
