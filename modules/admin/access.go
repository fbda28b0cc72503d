package admin

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// area is what a route is about; roles are granted areas.
type area int

const (
	areaAny      area = iota // every console user (home page)
	areaClients              // client search, card, password actions, view as client
	areaMessages             // messages to clients
	areaTickets              // helpdesk replies
	areaAdmin                // settings, tools, audit, staff, files, templates, other content
)

// mayRead reports whether a role may open pages of an area. Read-only staff see
// everything (secrets stay masked for everybody); support staff only their areas.
func mayRead(role string, a area) bool {
	switch role {
	case core.RoleAdmin, core.RoleReadOnly:
		return true
	case core.RoleSupport:
		return a != areaAdmin
	}
	return false
}

// mayWrite reports whether a role may change things in an area.
func mayWrite(role string, a area) bool {
	switch role {
	case core.RoleAdmin:
		return true
	case core.RoleSupport:
		return a != areaAdmin
	}
	return false
}

// requireStaff lets a request through only with a staff session of an active console
// account, except the login form. Without one, a GET goes to the login form and
// anything else gets 401.
func (m *Module) requireStaff(c *fiber.Ctx) error {
	p := strings.TrimSuffix(strings.TrimPrefix(c.Path(), prefix), "/")
	if p == pathLogin {
		return c.Next()
	}
	s := m.d.Web.Staff(c)
	if s == nil {
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return m.d.Web.Redirect(c, prefix+pathLogin)
		}
		return fiber.NewError(fiber.StatusUnauthorized, "staff login required")
	}
	if s.Role == core.RoleAPI || !mayRead(s.Role, areaAny) {
		// An API account has a password for the billing system's calls, not the console.
		return fiber.NewError(fiber.StatusForbidden, "no console access")
	}
	return c.Next()
}

// allow checks the role against the route's area: reading needs mayRead, anything but
// GET/HEAD needs mayWrite. A refusal answers 403 and is audited, so that probing for
// administrator pages shows up in the log.
func (m *Module) allow(a area) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s := m.d.Web.Staff(c)
		write := c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead
		ok := s != nil && mayRead(s.Role, a) && (!write || mayWrite(s.Role, a))
		if ok {
			return c.Next()
		}
		if s != nil {
			ctx := c.UserContext()
			err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
				return m.audit(ctx, c, tx, "access.denied", 0, c.Method()+" "+c.Path())
			})
			if err != nil {
				return err
			}
			m.d.Log.Warn("admin.allow: access denied", "staff", s.Login, "role", s.Role, "method", c.Method(), "path", c.Path())
		}
		return fiber.NewError(fiber.StatusForbidden, "not allowed for this role")
	}
}

// actor is the audit actor of the logged-in staff member.
func (m *Module) actor(c *fiber.Ctx) string {
	if s := m.d.Web.Staff(c); s != nil {
		return "staff:" + s.Login
	}
	return "anonymous"
}

// audit records a staff action in the caller's transaction, so the entry exists
// exactly when the action committed.
func (m *Module) audit(ctx context.Context, c *fiber.Ctx, q core.Querier, action string, clientID int64, detail string) error {
	return core.Audit(ctx, q, core.AuditEntry{At: m.d.Now(), Actor: m.actor(c), Action: action, ClientID: clientID,
		Detail: detail, IP: m.d.Web.ClientIP(c)})
}

// auditNow records an action in its own transaction, for actions whose store
// function commits by itself.
func (m *Module) auditNow(c *fiber.Ctx, action string, clientID int64, detail string) error {
	ctx := c.UserContext()
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error { return m.audit(ctx, c, tx, action, clientID, detail) })
}

// canWrite tells templates whether to show the forms of an area.
func (m *Module) canWrite(c *fiber.Ctx, a area) bool {
	s := m.d.Web.Staff(c)
	return s != nil && mayWrite(s.Role, a)
}
