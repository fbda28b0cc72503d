package people

import (
	"errors"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// cardPerson is a person on the client card, with their lockout.
type cardPerson struct {
	Person
	Locked bool
}

// cardData is the people section of the client card.
type cardData struct {
	Client core.Client
	People []cardPerson
	Roles  []string
	Can    bool
}

// staffCard is the "People with a login" section of the client card.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "people", Order: 5, Action: perm.PeopleRead, Link: "people.staff.link",
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx := c.UserContext()
			ps, err := List(ctx, m.d.DB.R, cl.ID)
			if err != nil {
				return "", err
			}
			d := cardData{Client: cl, Roles: web.Roles, Can: console.Can(m.d.Web, c, perm.PeopleWrite)}
			now := m.d.Now()
			for _, p := range ps {
				st, err := lockout.Get(ctx, m.d.DB.R, lockout.KindClient, lockout.Person(p.ID), now)
				if err != nil {
					return "", err
				}
				d.People = append(d.People, cardPerson{Person: p, Locked: st.Locked(now)})
			}
			return m.d.Web.Partial(c, "people/staff_card", d, errs)
		}}
}

// staffPages are the card's actions on people.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Post("/clients/:id/people/invite", perm.PeopleWrite, m.staffInvite),
		console.Post("/clients/:id/people/:person/role", perm.PeopleWrite, m.staffChange(func(c *fiber.Ctx) (Change, string) {
			return SetRole(c.FormValue("role")), "person.role"
		})),
		console.Post("/clients/:id/people/:person/active", perm.PeopleWrite, m.staffChange(func(c *fiber.Ctx) (Change, string) {
			on := c.FormValue("active") == "1"
			return SetActive(on), ActiveAction(on)
		})),
		console.Post("/clients/:id/people/:person/remove", perm.PeopleWrite, m.staffChange(func(*fiber.Ctx) (Change, string) {
			return Remove, "person.remove"
		})),
		console.Post("/clients/:id/people/:person/unlock", perm.PeopleWrite, m.staffChange(func(*fiber.Ctx) (Change, string) {
			return Unlock, "person.unlock"
		})),
	}
}

// staffClient loads the client of a card action; a bad or unknown id is 404.
func (m *Module) staffClient(c *fiber.Ctx) (core.Client, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return core.Client{}, err
	}
	return core.ClientByID(c.UserContext(), m.d.DB.R, id)
}

// cardRefused shows the card again with a refused action's error, or returns err.
func (m *Module) cardRefused(c *fiber.Ctx, cl core.Client, err error) error {
	errs, err := formErrors(err, "people")
	if err != nil {
		return err
	}
	if m.d.Hooks == nil || m.d.Hooks.ClientCard == nil {
		return fiber.ErrUnprocessableEntity
	}
	for k, v := range errs {
		delete(errs, k)
		errs["people_"+k] = v
	}
	return m.d.Hooks.ClientCard(c, cl, errs)
}

func clientPath(id int64) string {
	return console.Path("/clients/"+strconv.FormatInt(id, 10)) + "#c-people"
}

// staffInvite invites a person to a client's account on the holder's behalf.
func (m *Module) staffInvite(c *fiber.Ctx) error {
	cl, err := m.staffClient(c)
	if err != nil {
		return err
	}
	actor := console.Actor(m.d.Web, c)
	if _, err := Invite(c.UserContext(), m.d, cl.ID, c.FormValue("email"), c.FormValue("role"), actor, m.d.Web.ClientIP(c)); err != nil {
		return m.cardRefused(c, cl, err)
	}
	m.d.Web.AddFlash(c, "ok", "people.flash.invited", c.FormValue("email"))
	return m.d.Web.Redirect(c, clientPath(cl.ID))
}

// staffChange is a card action on one person.
func (m *Module) staffChange(pick func(c *fiber.Ctx) (Change, string)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cl, err := m.staffClient(c)
		if err != nil {
			return err
		}
		id, err := web.IDParam(c, "person")
		if err != nil {
			return err
		}
		ch, action := pick(c)
		if err := Apply(c.UserContext(), m.d, cl.ID, id, ch, action, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c)); err != nil {
			if errors.Is(err, core.ErrNotFound) {
				return fiber.ErrNotFound
			}
			return m.cardRefused(c, cl, err)
		}
		m.d.Web.AddFlash(c, "ok", "people.flash.saved")
		return m.d.Web.Redirect(c, clientPath(cl.ID))
	}
}
