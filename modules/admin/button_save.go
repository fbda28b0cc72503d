package admin

import (
	"database/sql"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/modules/buttons"
)

// saveButton handles POST /admin/buttons: a new button (id empty) or a changed one.
// Each field is checked with the buttons module's own rules, so the errors stand
// beside their fields and nothing is stored unless all pass.
func (m *Module) saveButton(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{}
	for _, k := range []string{"id", "label_en", "label_cs", "url", "order"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	nt, _ := lastValue(c, "new_tab")
	ac, _ := lastValue(c, "active")
	form["new_tab"], form["active"] = nt, ac
	b := buttons.Button{LabelEN: form["label_en"], LabelCS: form["label_cs"], URL: form["url"], NewTab: nt == "1", Active: ac == "1"}
	errs := map[string]string{}
	if form["id"] != "" && form["id"] != "0" {
		id, err := strconv.ParseInt(form["id"], 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		b.ID = id
	}
	order, err := strconv.Atoi(form["order"])
	if err != nil || order < 0 || order > 1000 {
		errs["order"] = "admin.buttons.err_order"
	}
	b.SortOrder = order
	if b.LabelEN == "" {
		errs["label_en"] = "form.required"
	} else if (buttons.Button{LabelEN: b.LabelEN, URL: "https://x.example"}).Validate() != nil {
		errs["label_en"] = "admin.buttons.err_label"
	}
	if (buttons.Button{LabelEN: "x", LabelCS: b.LabelCS, URL: "https://x.example"}).Validate() != nil {
		errs["label_cs"] = "admin.buttons.err_label"
	}
	if buttons.CheckURL(b.URL) != nil {
		errs["url"] = "admin.buttons.err_url"
	}
	if len(errs) > 0 {
		return m.renderButtons(c, errs, form, b.ID)
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := buttons.SaveButton(ctx, tx, b, m.d.Now())
		if err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "button.save", 0, "button "+strconv.FormatInt(id, 10)+": "+b.LabelEN+" "+b.URL)
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, prefix+pathButtons)
}

// deleteButton handles POST /admin/buttons/:id/delete.
func (m *Module) deleteButton(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := buttons.DeleteButton(ctx, tx, id); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "button.delete", 0, "button "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.buttons.deleted")
	return m.d.Web.Redirect(c, prefix+pathButtons)
}
