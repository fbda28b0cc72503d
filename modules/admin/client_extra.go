package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// cardData is what a card section template sees: the client, the section's rows,
// and whether the staff member may use the section's form.
type cardData struct {
	Client core.Client
	List   any
	Can    bool
}

// cardSections are the client card's sections the console still renders for other
// modules until they declare their own.
func (m *Module) cardSections() []app.CardSection {
	return []app.CardSection{m.cardMessages()}
}

// sections renders the card sections the staff member's role may read: those beside
// the contact data, and those below it.
func (m *Module) sections(c *fiber.Ctx, cl core.Client, errs map[string]string) (beside, below []template.HTML, err error) {
	s := m.d.Web.Staff(c)
	list := m.d.Declared.Card()
	if m.d.Declared == nil {
		list = m.cardSections()
	}
	for _, sec := range list {
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
