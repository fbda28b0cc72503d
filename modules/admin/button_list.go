package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/buttons"
)

// buttonsData is the custom buttons page.
type buttonsData struct {
	Buttons  []buttons.Button
	CanWrite bool
	Editing  int64
	Fields   []string // the text inputs of the form, in order
}

// showButtons renders GET /admin/buttons[?edit=ID]: the custom menu buttons and the
// form for a new one (or the one being edited).
func (m *Module) showButtons(c *fiber.Ctx) error {
	form := map[string]string{"order": "100", "active": "1"}
	var editing int64
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil && id > 0 {
		list, err := buttons.ListButtons(c.UserContext(), m.d.DB.R, false)
		if err != nil {
			return err
		}
		found := false
		for _, b := range list {
			if b.ID == id {
				found, editing = true, id
				form = map[string]string{"id": strconv.FormatInt(b.ID, 10), "label_en": b.LabelEN, "label_cs": b.LabelCS,
					"url": b.URL, "order": strconv.Itoa(b.SortOrder), "new_tab": boolStr(b.NewTab), "active": boolStr(b.Active)}
			}
		}
		if !found {
			return fiber.ErrNotFound
		}
	}
	return m.renderButtons(c, nil, form, editing)
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (m *Module) renderButtons(c *fiber.Ctx, errs, form map[string]string, editing int64) error {
	list, err := buttons.ListButtons(c.UserContext(), m.d.DB.R, false)
	if err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "admin.buttons.title", buttonsData{Buttons: list, CanWrite: m.can(c, perm.ButtonsWrite), Editing: editing,
		Fields: []string{"label_en", "label_cs", "url", "order"}})
	p.Form = form
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplButtons, p)
}
