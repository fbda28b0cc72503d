// Package helpdesk is the Helpdesk tab of the client portal: the client's tickets from
// every department with their whole conversation, new tickets (to the department
// marked for portal requests) and replies; plus the staff CLI that replies by e-mail
// through the outbox.
package helpdesk

import (
	"context"
	"embed"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
)

// Paths and templates.
const (
	pathList     = "/helpdesk"
	tplList      = "helpdesk/list"
	tplTicket    = "helpdesk/ticket"
	tplNew       = "helpdesk/new"
	titleList    = "helpdesk.title"
	titleNew     = "helpdesk.new_title"
	titleTicket  = "helpdesk.ticket_title"
	activeTTL    = 2 * time.Second
	localsActive = "helpdesk:active"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the helpdesk feature.
type Module struct {
	d app.Deps

	mu        sync.Mutex // guards the cached answer of portalActive
	active    bool
	checkedAt time.Time
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

// gate is on while a department takes portal requests. It asks the database once per
// request (the menu and the route both ask), so a department marked by staff shows the
// tab on the next page load.
func (m *Module) gate(c *fiber.Ctx) bool {
	if v, ok := c.Locals(localsActive).(bool); ok {
		return v
	}
	_, err := PortalDepartment(c.UserContext(), m.d.DB.R)
	on := err == nil
	if err != nil && err != ErrNoPortalDept {
		m.d.Log.Error("helpdesk.Module.gate", "err", err)
	}
	c.Locals(localsActive, on)
	return on
}

// portalActive answers the HelpdeskActive hook (the information page asks it on every
// view); the answer is cached for activeTTL, which is how long a department change
// takes to reach the information page.
func (m *Module) portalActive(ctx context.Context) bool {
	now := m.d.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.checkedAt.IsZero() && now.Sub(m.checkedAt) < activeTTL && now.After(m.checkedAt.Add(-time.Second)) {
		return m.active
	}
	_, err := PortalDepartment(ctx, m.d.DB.R)
	if err != nil && err != ErrNoPortalDept {
		m.d.Log.Error("helpdesk.portalActive", "err", err)
		return m.active
	}
	m.active, m.checkedAt = err == nil, now
	return m.active
}
