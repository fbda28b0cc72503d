package buttons

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// staffField is a text input of the button form and its label key.
type staffField struct{ Name, Label string }

// buttonsData is the custom buttons page.
type buttonsData struct {
	Buttons  []Button
	CanWrite bool
	Editing  int64
	Fields   []staffField // the text inputs of the form, in order
}

var staffFields = []staffField{{"label_en", "buttons.staff.label_en"}, {"label_cs", "buttons.staff.label_cs"},
	{"url", "buttons.staff.url"}, {"order", "buttons.staff.order"}}

// showButtons renders GET /admin/buttons[?edit=ID]: the custom menu buttons and the
// form for a new one (or the one being edited).
func (m *Module) showButtons(c *fiber.Ctx) error {
	form := map[string]string{"order": "100", "active": "1"}
	var editing int64
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil && id > 0 {
		list, err := ListButtons(c.UserContext(), m.d.DB.R, false)
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
	list, err := ListButtons(c.UserContext(), m.d.DB.R, false)
	if err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "buttons.staff.title", buttonsData{Buttons: list, CanWrite: console.Can(m.d.Web, c, perm.ButtonsWrite),
		Editing: editing, Fields: staffFields})
	p.Form = form
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplStaffButtons, p)
}
