package auth

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// sessionsData is the session list of a subscriber or staff member: one template,
// rendered in the portal or the console layout.
type sessionsData struct {
	Rows   []web.SessionRow
	Action string // where the end forms post
	// API are a staff member's sessions of the management API (APIShown: the API is
	// mounted and this is the console's page).
	API      []web.SessionRow
	APIShown bool
}

// owner is whose sessions a request lists and ends: a client's (portal) or a staff
// member's (console), with the asking session's id hash.
type owner struct {
	kind     string
	id       int64
	current  string
	clientID int64 // for the audit entry
	actor    string
	action   string // the list's path
}

// clientOwner is the logged-in subscriber as a session owner.
func (m *Module) clientOwner(c *fiber.Ctx) (owner, bool) {
	s, cl := m.d.Web.Session(c), m.d.Web.Client(c)
	if s == nil || cl == nil {
		return owner{}, false
	}
	return owner{kind: web.KindClient, id: cl.ID, current: s.IDHash, clientID: cl.ID,
		actor: "client:" + cl.Number, action: pathSessions}, true
}

// staffOwner is the logged-in staff member as a session owner.
func (m *Module) staffOwner(c *fiber.Ctx) (owner, bool) {
	s := m.d.Web.StaffSession(c)
	if s == nil {
		return owner{}, false
	}
	return owner{kind: web.KindStaff, id: s.StaffID, current: s.IDHash,
		actor: console.Actor(m.d.Web, c), action: console.Path(pathSessions)}, true
}

// showClientSessions renders GET /account/sessions: the subscriber's live sessions.
func (m *Module) showClientSessions(c *fiber.Ctx) error {
	o, ok := m.clientOwner(c)
	return m.showSessions(c, o, ok)
}

// showStaffSessions renders GET /admin/account/sessions: the staff member's console
// sessions.
func (m *Module) showStaffSessions(c *fiber.Ctx) error {
	o, ok := m.staffOwner(c)
	return m.showSessions(c, o, ok)
}

func (m *Module) showSessions(c *fiber.Ctx, o owner, ok bool) error {
	if !ok {
		return fiber.ErrUnauthorized
	}
	rows, err := m.d.Web.ListSessions(c.UserContext(), o.kind, o.id, o.current)
	if err != nil {
		return err
	}
	d := sessionsData{Rows: rows, Action: o.action}
	if api := m.d.Hooks.APISessions; o.kind == web.KindStaff && api.List != nil {
		d.APIShown = true
		if d.API, err = api.List(c.UserContext(), o.id); err != nil {
			return err
		}
	}
	return m.d.Web.Show(c, tplSessions, "auth.sessions.title", d)
}

// submitClientSessionEnd handles POST /account/sessions/end.
func (m *Module) submitClientSessionEnd(c *fiber.Ctx) error {
	o, ok := m.clientOwner(c)
	return m.submitSessionEnd(c, o, ok)
}

// submitStaffSessionEnd handles POST /admin/account/sessions/end.
func (m *Module) submitStaffSessionEnd(c *fiber.Ctx) error {
	o, ok := m.staffOwner(c)
	return m.submitSessionEnd(c, o, ok)
}

// submitSessionEnd ends the session named by the form's "session" (a SessionRow.Ref),
// or with all=1 every session but this one. A ref that is not one of the owner's
// other sessions is 404 and ends nothing.
func (m *Module) submitSessionEnd(c *fiber.Ctx, o owner, ok bool) error {
	if !ok {
		return fiber.ErrUnauthorized
	}
	ref := c.FormValue("session")
	if c.FormValue("all") == "1" {
		ref = ""
	} else if ref == "" {
		return core.ErrNotFound
	}
	end := endSessions
	if c.FormValue("kind") == "api" {
		if o.kind != web.KindStaff || m.d.Hooks.APISessions.End == nil {
			return core.ErrNotFound
		}
		end = endAPISessions
	}
	n, err := end(c.UserContext(), m.d, o, ref, m.d.Web.ClientIP(c))
	if err != nil {
		return err
	}
	if ref != "" && n == 0 {
		return core.ErrNotFound
	}
	key := "auth.sessions.ended"
	switch {
	case ref == "" && c.FormValue("kind") == "api":
		key = "auth.sessions.api_ended_all"
	case ref == "":
		key = "auth.sessions.ended_all"
	}
	m.d.Web.AddFlash(c, "ok", key)
	return m.d.Web.Redirect(c, o.action)
}

// endAPISessions ends a staff member's API session ref (every one when ref is "")
// through the API shell's hook and audits it (staff.api_session.end, .end_all) with
// the number ended, in one transaction.
func endAPISessions(ctx context.Context, d app.Deps, o owner, ref, ip string) (int64, error) {
	var n int64
	err := d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if n, err = d.Hooks.APISessions.End(ctx, tx, o.id, ref); err != nil || n == 0 {
			return err
		}
		action := "staff.api_session.end"
		if ref == "" {
			action = "staff.api_session.end_all"
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: o.actor, Action: action, IP: ip, Detail: fmt.Sprintf("ended=%d", n)})
	})
	return n, err
}

// endSessions is the one service function behind ending sessions: it ends the
// owner's session ref (or every other one when ref is "") and audits it with the
// number ended, in one transaction.
func endSessions(ctx context.Context, d app.Deps, o owner, ref, ip string) (int64, error) {
	var n int64
	err := d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if n, err = web.EndOwnSessions(ctx, tx, o.kind, o.id, ref, o.current); err != nil || n == 0 {
			return err
		}
		action := "session.end"
		if ref == "" {
			action = "session.end_others"
		}
		if o.kind == web.KindStaff {
			action = "staff." + action
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: o.actor, Action: action, ClientID: o.clientID, IP: ip,
			Detail: fmt.Sprintf("ended=%d", n)})
	})
	return n, err
}
