package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// sections renders the card sections the staff member's role may read: those beside
// the contact data, and those below it.
func (m *Module) sections(c *fiber.Ctx, cl core.Client, errs map[string]string) (beside, below []template.HTML, err error) {
	s := m.d.Web.Staff(c)
	for _, sec := range m.d.Declared.Card() {
		if s == nil || !perm.Allows(s.Role, sec.Action) {
			continue
		}
		h, err := sec.Render(c, cl, errs)
		if err != nil {
			return nil, nil, err
		}
		if sec.Beside {
			beside = append(beside, h)
		} else {
			below = append(below, h)
		}
	}
	return beside, below, nil
}
