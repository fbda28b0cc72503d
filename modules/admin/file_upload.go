package admin

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/files"
)

// uploadFile handles the multipart POST /admin/files: title, description, groups
// (none = every client) and the file. The stored name is random; the name the
// browser sent is only kept, sanitised, as the download name, so "../../x" or a
// name with control characters can never reach the file system. Larger than
// blob.MaxUploadBytes is refused and leaves nothing behind.
func (m *Module) uploadFile(c *fiber.Ctx) error {
	ctx := c.UserContext()
	title, badTitle := web.FormLine(c.FormValue("title"))
	desc, badDesc := web.FormText(formText(c.FormValue("description")))
	form := map[string]string{"title": title, "description": strings.TrimSpace(desc)}
	errs := map[string]string{}
	switch {
	case badTitle != "":
		errs["title"] = badTitle
	case form["title"] == "":
		errs["title"] = "form.required"
	case len([]rune(form["title"])) > 200:
		errs["title"] = "form.too_long"
	}
	switch {
	case badDesc != "":
		errs["description"] = badDesc
	case len([]rune(form["description"])) > 2000:
		errs["description"] = "form.too_long"
	}
	f := files.File{Title: form["title"], Description: form["description"]}
	if mf, err := c.MultipartForm(); err == nil {
		for _, s := range mf.Value["groups"] {
			id, err := strconv.ParseInt(s, 10, 64)
			if err == nil {
				_, err = core.GroupByID(ctx, m.d.DB.R, id)
			}
			if err != nil {
				errs["groups"] = "admin.files.err_group"
				break
			}
			f.Groups = append(f.Groups, id)
		}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		errs["file"] = "form.required"
	} else if fh.Size > blob.MaxUploadBytes {
		errs["file"] = "admin.files.err_size"
	}
	if len(errs) > 0 {
		return m.renderFiles(c, errs, form)
	}
	// Characters Windows forbids in names are replaced too, so the download name
	// works on every client system.
	f.FileName = blob.SafeName(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"<>:*?|`, r) {
			return '_'
		}
		return r
	}, filepath.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))), "")
	r, err := fh.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	id, err := files.AddFileFrom(ctx, m.d, f, r)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return m.renderFiles(c, map[string]string{"file": "admin.files.err_size"}, form)
	case errors.Is(err, blob.ErrEmpty):
		return m.renderFiles(c, map[string]string{"file": "admin.files.err_empty"}, form)
	case err != nil:
		return err
	}
	if err := m.auditNow(c, "file.upload", 0, "file "+strconv.FormatInt(id, 10)+": "+oneLine(f.Title, 100)); err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.files.uploaded")
	return m.d.Web.Redirect(c, prefix+pathFiles)
}

// deleteFile handles POST /admin/files/:id/delete: the row goes in a transaction, the
// stored file after the commit.
func (m *Module) deleteFile(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var stored string
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if stored, err = files.DeleteFile(ctx, tx, id); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "file.delete", 0, "file "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	if err := blob.Remove(m.d.DataDir, files.StoreDir, stored); err != nil {
		m.d.Log.Warn("admin.deleteFile: stored file not removed", "file", id, "err", err)
	}
	m.d.Web.AddFlash(c, "ok", "admin.files.deleted")
	return m.d.Web.Redirect(c, prefix+pathFiles)
}
