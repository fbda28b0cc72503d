// Package helpdesk is the Helpdesk tab of the client portal: the client's tickets from
// every department with their whole conversation, new tickets (to the department
// marked for portal requests) and replies; plus the staff CLI that replies by e-mail
// through the outbox.
package helpdesk

import (
	"context"
	"embed"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	pathList    = "/helpdesk"
	tplList     = "helpdesk/list"
	tplTicket   = "helpdesk/ticket"
	tplNew      = "helpdesk/new"
	titleList   = "helpdesk.title"
	titleNew    = "helpdesk.new_title"
	titleTicket = "helpdesk.ticket_title"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the helpdesk feature.
type Module struct {
	d app.Deps
}

// New returns the module and answers the HelpdeskActive hook; it does no work.
func New(d app.Deps) app.Module {
	m := &Module{d: d}
	if d.Hooks != nil {
		d.Hooks.HelpdeskActive = m.portalActive
	}
	return m
}

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "helpdesk",
		Prefix:     pathList,
		Area:       app.Client,
		Gate:       m.gate,
		Menu:       []web.MenuItem{{Key: "helpdesk.menu", Path: pathList, Order: 70}},
		Seed:       m.seed,
		Commands:   commands(),
		StaffPages: m.staffPages(),
		Methods:    append(m.methods(), m.editMethods()...),
		Card:       []app.CardSection{m.staffCard()},
		Dashboard:  []app.DashboardCard{m.dashboardCard()},
		Export:     exportClient,
	}.Embed(files)
}

// Mount registers the routes under /helpdesk.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showTicketList)
	r.Get("/new", m.showNewTicketForm)
	r.Post("/new", m.createTicket)
	r.Get("/:id", m.showTicket)
	r.Post("/:id/reply", m.replyToTicket)
}

// gate is on while a department takes portal requests (the menu and the route ask).
func (m *Module) gate(c *fiber.Ctx) bool { return m.portalActive(c.UserContext()) }

// portalActive answers the HelpdeskActive hook and the gate. The answer is memoised
// per settings revision, which every write to the departments moves (migration 0003),
// so a department marked by staff shows the tab on the next page load without the
// database being asked on every page.
func (m *Module) portalActive(ctx context.Context) bool {
	on, err := settings.Memo(m.d.Settings, "helpdesk:portal", func() (bool, error) {
		_, err := PortalDepartment(ctx, m.d.DB.R)
		if errors.Is(err, ErrNoPortalDept) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		m.d.Log.Error("helpdesk.portalActive", "err", err)
	}
	return on
}
