package buttons

import (
	"database/sql"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/web"
)

// staffErrors are the form's messages for Check's fields ("sort_order" is the
// form's "order").
var staffErrors = map[string][2]string{
	"label_en":   {"label_en", "buttons.staff.err_label"},
	"label_cs":   {"label_cs", "buttons.staff.err_label"},
	"url":        {"url", "buttons.staff.err_url"},
	"sort_order": {"order", "buttons.staff.err_order"},
}

// saveButton handles POST /admin/buttons: a new button (id empty) or a changed one.
// Every field is checked with Check, so the errors stand beside their fields and
// nothing is stored unless all pass.
func (m *Module) saveButton(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{}
	for _, k := range []string{"id", "label_en", "label_cs", "url", "order"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	nt, ac := lastValue(c, "new_tab"), lastValue(c, "active")
	form["new_tab"], form["active"] = nt, ac
	b := Button{LabelEN: form["label_en"], LabelCS: form["label_cs"], URL: form["url"], NewTab: nt == "1", Active: ac == "1"}
	errs := map[string]string{}
	if form["id"] != "" && form["id"] != "0" {
		id, err := strconv.ParseInt(form["id"], 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		b.ID = id
	}
	order, err := strconv.Atoi(form["order"])
	if err != nil {
		errs["order"] = "buttons.staff.err_order"
	}
	b.SortOrder = order
	for _, fe := range Check(b) {
		e := staffErrors[fe.Field]
		if _, set := errs[e[0]]; !set {
			errs[e[0]] = e[1]
		}
	}
	if b.LabelEN == "" {
		errs["label_en"] = "form.required"
	}
	if len(errs) > 0 {
		return m.renderButtons(c, errs, form, b.ID)
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := Save(ctx, tx, b, m.d.Now())
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "button.save", 0,
			"button "+strconv.FormatInt(id, 10)+": "+b.LabelEN+" "+b.URL)
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffButtons))
}

// lastValue returns the last value of a form field: a checkbox after its hidden "0"
// sends both, and the checkbox must win.
func lastValue(c *fiber.Ctx, name string) string {
	if vs := c.Request().PostArgs().PeekMulti(name); len(vs) > 0 {
		return string(vs[len(vs)-1])
	}
	if fh, err := c.MultipartForm(); err == nil && fh != nil && len(fh.Value[name]) > 0 {
		l := fh.Value[name]
		return l[len(l)-1]
	}
	return ""
}

// deleteButton handles POST /admin/buttons/:id/delete.
func (m *Module) deleteButton(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := DeleteButton(ctx, tx, id); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "button.delete", 0, "button "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "buttons.staff.deleted")
	return m.d.Web.Redirect(c, console.Path(pathStaffButtons))
}
