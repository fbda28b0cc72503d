package sections

import (
	"errors"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// cardRow is one section on the card with its state for the client.
type cardRow struct {
	app.Section
	State string
}

// cardData is the "Portal sections" card section.
type cardData struct {
	Client core.Client
	Rows   []cardRow
	States []string
	Can    bool
}

func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "sections", Order: 6, Action: perm.ClientsRead, Link: "sections.staff.link",
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			st := m.States(cl)
			d := cardData{Client: cl, States: []string{Default, Show, Hide}, Can: console.Can(m.d.Web, c, perm.SectionsWrite)}
			for _, s := range m.d.Declared.Sections() {
				d.Rows = append(d.Rows, cardRow{Section: s, State: st[s.Name]})
			}
			return m.d.Web.Partial(c, "sections/staff_card", d, errs)
		}}
}

func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{console.Post("/clients/:id/sections", perm.SectionsWrite, m.saveSections)}
}

// saveSections handles the card's form: one select per section.
func (m *Module) saveSections(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	cl, err := core.ClientByID(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return err
	}
	changes := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if name, ok := cutPrefix(string(k), "s_"); ok {
			changes[name] = string(v)
		}
	})
	err = m.Apply(c.UserContext(), id, changes, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c))
	var fe *core.FieldError
	if errors.As(err, &fe) && m.d.Hooks.ClientCard != nil {
		key := "sections.error.unknown"
		if errors.Is(err, ErrState) {
			key = "sections.error.state"
		}
		return m.d.Hooks.ClientCard(c, cl, map[string]string{"sections": key})
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "sections.staff.saved")
	return m.d.Web.Redirect(c, console.Path("/clients/"+strconv.FormatInt(id, 10))+"#c-sections")
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}
