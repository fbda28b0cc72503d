package admin

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// requireStaff lets a request through only with a staff session of an active console
// account, except the login form. Without one, a GET goes to the login form and
// anything else gets 401.
func (m *Module) requireStaff(c *fiber.Ctx) error {
	p := strings.TrimSuffix(strings.TrimPrefix(c.Path(), prefix), "/")
	if p == pathLogin || p == pathFactor || strings.HasPrefix(p, pathFactor+"/") {
		return c.Next()
	}
	s := m.d.Web.Staff(c)
	if s == nil {
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return m.d.Web.Redirect(c, prefix+pathLogin)
		}
		return fiber.NewError(fiber.StatusUnauthorized, "staff login required")
	}
	if !perm.Allows(s.Role, perm.ConsoleUse) {
		// An API account has a password for the billing system's calls, not the console.
		return fiber.NewError(fiber.StatusForbidden, "no console access")
	}
	return c.Next()
}

// allow checks the role against the route's action in the permission table (the
// same table the API asks). A refusal answers 403 and is audited, so that probing
// for administrator pages shows up in the log.
func (m *Module) allow(act perm.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s := m.d.Web.Staff(c)
		if s != nil && perm.Allows(s.Role, act) {
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
func (m *Module) actor(c *fiber.Ctx) string { return console.Actor(m.d.Web, c) }

// audit records a staff action in the caller's transaction, so the entry exists
// exactly when the action committed.
func (m *Module) audit(ctx context.Context, c *fiber.Ctx, q core.Querier, action string, clientID int64, detail string) error {
	return console.Audit(ctx, m.d.Web, c, q, m.d.Now(), action, clientID, detail)
}

// auditNow records an action in its own transaction, for actions whose store
// function commits by itself.
func (m *Module) auditNow(c *fiber.Ctx, action string, clientID int64, detail string) error {
	return console.AuditNow(c.UserContext(), m.d.DB, m.d.Web, c, m.d.Now(), action, clientID, detail)
}

// can tells templates whether to show the forms of an action.
func (m *Module) can(c *fiber.Ctx, act perm.Action) bool { return console.Can(m.d.Web, c, act) }
