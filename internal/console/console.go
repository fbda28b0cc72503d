// Package console holds what a feature module needs to write a staff console page:
// the console's URL prefix, the permission check of the logged-in staff member, and
// the audit entry of a staff action. The console itself (modules/admin) mounts the
// pages modules declare and checks each page's action before its handler runs.
package console

import (
	"context"
	"database/sql"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// Prefix is where the console lives; declared page paths are below it.
const Prefix = "/admin"

// Path is the full URL path of a console page ("/files" → "/admin/files").
func Path(p string) string { return Prefix + p }

// Can reports whether the logged-in staff member may do act (templates use it to
// show or hide forms; the console has already checked the page's own action).
func Can(w *web.Web, c *fiber.Ctx, act perm.Action) bool {
	s := w.Staff(c)
	return s != nil && perm.Allows(s.Role, act)
}

// Actor is the audit actor of the logged-in staff member.
func Actor(w *web.Web, c *fiber.Ctx) string {
	if s := w.Staff(c); s != nil {
		return "staff:" + s.Login
	}
	return "anonymous"
}

// Audit records a staff action in the caller's transaction, so the entry exists
// exactly when the action committed.
func Audit(ctx context.Context, w *web.Web, c *fiber.Ctx, q core.Querier, at time.Time, action string, clientID int64, detail string) error {
	return core.Audit(ctx, q, core.AuditEntry{At: at, Actor: Actor(w, c), Action: action, ClientID: clientID,
		Detail: detail, IP: w.ClientIP(c)})
}

// AuditNow records a staff action in its own transaction, for actions whose service
// function commits by itself.
func AuditNow(ctx context.Context, d *db.DB, w *web.Web, c *fiber.Ctx, at time.Time, action string, clientID int64, detail string) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return Audit(ctx, w, c, tx, at, action, clientID, detail) })
}

// ParseDay reads YYYY-MM-DD as local midnight; an end day is included (until the
// next midnight). Empty means no limit.
func ParseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return t, err
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
