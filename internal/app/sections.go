package app

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// access says which roles of an account's invited people (web.Roles) may read a
// module's pages and which may change anything there (any method but GET and HEAD).
// The account holder may do everything; staff viewing as the client read only.
type access struct{ read, write []string }

var (
	anyRole   = []string{web.RoleBilling, web.RoleTechnical, web.RoleReadOnly}
	billing   = []string{web.RoleBilling, web.RoleReadOnly}
	technical = []string{web.RoleTechnical, web.RoleReadOnly}
	noRole    = []string(nil)
)

// roleAccess is the one table of what each role of an invited person reaches, by
// module Name. billing: invoices, payments, vouchers; technical: services, traffic,
// usage, rates, tickets, support requests; read-only: sees everything the others see
// and changes nothing. Modules missing here (and gdpr: the account's erasure and
// consents, notify: the account's preferences) are the account holder's alone.
var roleAccess = map[string]access{
	"dashboard": {read: anyRole},
	"info":      {read: anyRole}, // the contact data's changes are the holder's
	"contact":   {read: anyRole, write: []string{web.RoleBilling, web.RoleTechnical}},
	"documents": {read: anyRole},
	"files":     {read: anyRole},
	"invoices":  {read: billing, write: []string{web.RoleBilling}},
	"payments":  {read: billing, write: []string{web.RoleBilling}},
	"vouchers":  {read: billing, write: []string{web.RoleBilling}},
	"services":  {read: technical, write: []string{web.RoleTechnical}},
	"usage":     {read: technical, write: []string{web.RoleTechnical}},
	"rates":     {read: technical, write: noRole},
	"helpdesk":  {read: technical, write: []string{web.RoleTechnical}},
	"requests":  {read: technical, write: []string{web.RoleTechnical}},
	"sms":       {read: technical, write: []string{web.RoleTechnical}},
	// people: every person has their own login page there (password, last login);
	// the module refuses the holder's actions (managing people) itself.
	"people": {read: anyRole, write: anyRole},
}

// RoleMay reports whether an invited person of role may use module name's pages
// with method: true for the account holder (role "").
func RoleMay(role, name, method string) bool {
	if role == "" {
		return true
	}
	a := roleAccess[name]
	if method == fiber.MethodGet || method == fiber.MethodHead {
		return slices.Contains(a.read, role)
	}
	return slices.Contains(a.write, role)
}

// sectionOn is the one place that decides whether a module's section is on for a
// request: staff's Show/Hide override for the logged-in client if they set one, else
// the request's brand (its hidden sections) and the module's Gate. The menu, the home page and the module's routes (404 when off)
// all ask it. The override comes with the client's row, which the session query
// already read: no query of its own.
func (a *App) sectionOn(c *fiber.Ctx, info Info) bool {
	return gateOn(a.deps.Web, c, info.Name, info.Gate)
}

func gateOn(w *web.Web, c *fiber.Ctx, name string, gate func(*fiber.Ctx) bool) bool {
	if on, ok := overrides(w, c)[name]; ok {
		return on
	}
	return w.ShownIn(c, name) && (gate == nil || gate(c))
}

// CardOn says whether a dashboard card shows for the request: its module's section
// is on (override, else the card's own gate) and the invited person's role, if any,
// reads that module.
func CardOn(w *web.Web, c *fiber.Ctx, card DashboardCard) bool {
	if s := w.Session(c); s != nil && !RoleMay(s.Role, card.Module, fiber.MethodGet) {
		return false
	}
	return gateOn(w, c, card.Module, card.Gate)
}

// overrides are the logged-in client's section overrides, parsed once per request
// (the menu asks for every module).
func overrides(w *web.Web, c *fiber.Ctx) map[string]bool {
	const key = "app:sections"
	if m, ok := c.Locals(key).(map[string]bool); ok {
		return m
	}
	var m map[string]bool
	if w.Session(c) != nil {
		if cl := w.Client(c); cl != nil {
			m = core.ParseSections(cl.Sections)
		}
	}
	if m == nil {
		m = map[string]bool{}
	}
	c.Locals(key, m)
	return m
}

// roleAllows says whether the request's invited person (if any) may reach the module
// with the request's method (see roleAccess).
func (a *App) roleAllows(c *fiber.Ctx, info Info, method string) bool {
	s := a.deps.Web.Session(c)
	return s == nil || RoleMay(s.Role, info.Name, method)
}
