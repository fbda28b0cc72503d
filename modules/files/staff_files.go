package files

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// staffFilesData is the console's provider files page.
type staffFilesData struct {
	Files    []File
	Groups   []core.InvoiceGroup
	Names    map[int64]string
	MaxMB    int
	MaxTitle int
	CanWrite bool
}

// showStaffFiles renders GET /admin/files: the published files and the upload form.
func (m *Module) showStaffFiles(c *fiber.Ctx) error { return m.renderStaffFiles(c, nil, nil) }

func (m *Module) renderStaffFiles(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	list, err := ListFiles(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	d := staffFilesData{Files: list, Groups: groups, Names: map[int64]string{}, MaxMB: blob.MaxUploadBytes >> 20,
		MaxTitle: MaxTitle, CanWrite: console.Can(m.d.Web, c, perm.FilesWrite)}
	for _, g := range groups {
		d.Names[g.ID] = g.Name
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffFiles, "files.staff.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffFiles, "files.staff.title", d)
}

// fieldKey is the form error a refused text shows.
func fieldKey(err error) string {
	switch {
	case errors.Is(err, core.ErrNotBlank):
		return "form.required"
	case errors.Is(err, ErrTooLong):
		return "form.too_long"
	}
	return web.KeyControl
}

// uploadStaffFile handles the multipart POST /admin/files: title, description, groups
// (none = every client) and the file. The stored name is random; the name the
// browser sent is only kept, sanitised, as the download name, so "../../x" or a
// name with control characters can never reach the file system. Larger than
// blob.MaxUploadBytes is refused and leaves nothing behind.
func (m *Module) uploadStaffFile(c *fiber.Ctx) error {
	ctx := c.UserContext()
	// The one rule of Publish, checked here too so that every refused field shows at once.
	title, errTitle := CheckTitle(c.FormValue("title"))
	desc, errDesc := CheckDescription(strings.ReplaceAll(c.FormValue("description"), "\r\n", "\n"))
	form := map[string]string{"title": title, "description": desc}
	errs := map[string]string{}
	for _, err := range []error{errTitle, errDesc} {
		var fe *core.FieldError
		if errors.As(err, &fe) {
			errs[fe.Field] = fieldKey(fe.Err)
		}
	}
	f := File{Title: title, Description: desc}
	if mf, err := c.MultipartForm(); err == nil {
		for _, s := range mf.Value["groups"] {
			id, ok := core.ParseID(s)
			var err error
			if ok {
				_, err = core.GroupByID(ctx, m.d.DB.R, id)
			}
			if !ok || err != nil {
				errs["groups"] = "files.staff.err_group"
				break
			}
			f.Groups = append(f.Groups, id)
		}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		errs["file"] = "form.required"
	} else if fh.Size > blob.MaxUploadBytes {
		errs["file"] = "files.staff.err_size"
	}
	if len(errs) > 0 {
		return m.renderStaffFiles(c, errs, form)
	}
	f.FileName = blob.UploadName(fh.Filename, "")
	r, err := fh.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = Publish(ctx, m.d, f, r, func(tx *sql.Tx, id int64) error {
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "file.upload", 0, "file "+strconv.FormatInt(id, 10)+": "+short(f.Title, 100))
	})
	var fe *core.FieldError
	switch {
	case errors.As(err, &fe):
		return m.renderStaffFiles(c, map[string]string{fe.Field: fieldKey(fe.Err)}, form)
	case errors.Is(err, blob.ErrTooLarge):
		return m.renderStaffFiles(c, map[string]string{"file": "files.staff.err_size"}, form)
	case errors.Is(err, blob.ErrEmpty):
		return m.renderStaffFiles(c, map[string]string{"file": "files.staff.err_empty"}, form)
	case err != nil:
		return err
	}
	m.d.Web.AddFlash(c, "ok", "files.staff.uploaded")
	return m.d.Web.Redirect(c, console.Path(pathStaffFiles))
}

// deleteStaffFile handles POST /admin/files/:id/delete: the row goes in a transaction,
// the stored file after the commit.
func (m *Module) deleteStaffFile(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = Delete(ctx, m.d, id, func(tx *sql.Tx) error {
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "file.delete", 0, "file "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "files.staff.deleted")
	return m.d.Web.Redirect(c, console.Path(pathStaffFiles))
}

// short keeps an audit detail on one line of at most n runes.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
