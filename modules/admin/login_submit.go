package admin

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
)

// submitLogin handles POST /admin/login. Unknown logins, disabled and API-only
// accounts, wrong passwords and locked accounts all run argon2id once and get the same
// answer (status, template, message), so the form tells nobody which logins exist.
// Only a lock is reported as such, and unknown names lock too.
func (m *Module) submitLogin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	login := strings.TrimSpace(c.FormValue("login"))
	pw := c.FormValue("password")
	form := map[string]string{"login": login}
	if login == "" || pw == "" {
		errs := map[string]string{}
		if login == "" {
			errs["login"] = "admin.error.required"
		}
		if pw == "" {
			errs["password"] = "admin.error.required"
		}
		return m.d.Web.FormError(c, tplLogin, "admin.login.title", m.loginData(), errs, form)
	}
	if len(pw) > maxPassword || len(login) > maxLogin {
		// Still hash (a prefix), so an overlong input costs the same time.
		pw = pw[:min(len(pw), maxPassword)]
		login = "\x00overlong"
	}

	// An existing account counts its failures under its id (whatever case was typed);
	// any other name under its folded hash, so unknown names lock too.
	principal, actor := lockout.Name(login), "anonymous"
	var staff *core.Staff
	s, err := core.StaffByLogin(ctx, m.d.DB.R, login)
	if err == nil {
		principal, actor = lockout.Account(s.ID), "staff:"+s.Login
		if s.Active && s.Role != core.RoleAPI {
			staff = &s
		}
	} else if !errors.Is(err, core.ErrNotFound) {
		return err
	}
	now := m.d.Now()
	a, err := lockout.Login(lockout.KindStaff, m.d.Settings).Begin(ctx, m.d.DB.R, principal, now)
	if err != nil {
		return err
	}
	hash := ""
	if staff != nil {
		hash = staff.PasswordHash
	}
	// Exactly one argon2id run on every path.
	ok := a.Verify(pw, hash)
	var rehash string
	if ok && password.NeedsRehash(hash) {
		if rehash, err = password.Hash(pw); err != nil {
			return err
		}
	}

	// A right password of an account with a second factor (or one the policy
	// requires) leads to the second-factor step; the lockout counter is kept until then.
	second := false
	if ok {
		if second, err = m.flow.Needed(ctx, m.d.DB.R, staff.ID); err != nil {
			return err
		}
	}
	ip := m.d.Web.ClientIP(c)
	outcome := "ok"
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if ok {
			var err error
			if ok, err = a.Pass(ctx, tx, second); err != nil {
				return err
			}
			if ok && rehash != "" {
				// Only if nobody changed the password meanwhile.
				if _, err := tx.ExecContext(ctx, `UPDATE staff SET password_hash = ? WHERE id = ? AND password_hash = ?`,
					rehash, staff.ID, staff.PasswordHash); err != nil {
					return err
				}
			}
		}
		if !ok {
			action, err := a.Failed(ctx, tx, "staff.login.fail", "staff.login.lock")
			if err != nil {
				return err
			}
			outcome = "fail"
			if a.Locked() {
				outcome = "locked"
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: action, IP: ip})
		}
		detail := ""
		if second {
			detail = "second factor next"
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "staff.login.ok", IP: ip, Detail: detail})
	})
	if err != nil {
		return err
	}
	// Never the typed password, and the typed name only as the matched account.
	m.d.Log.Info("admin.submitLogin", "outcome", outcome, "actor", actor, "ip", ip)
	if !ok {
		data := m.loginData()
		data.Error = "admin.login.failed"
		if a.Locked() {
			data.Error = "admin.login.locked"
			data.Minutes = a.Minutes()
		}
		return m.d.Web.FormError(c, tplLogin, "admin.login.title", data, map[string]string{"password": data.Error}, form)
	}
	if second {
		return m.flow.Start(c, staff.ID, false)
	}
	if err := m.d.Web.StartSession(c, web.Session{Kind: web.KindStaff, StaffID: staff.ID}); err != nil {
		return err
	}
	return m.d.Web.Redirect(c, prefix)
}
