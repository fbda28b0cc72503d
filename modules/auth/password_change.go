package auth

import (
	"database/sql"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
)

// showChange renders the password tab: current password, new one twice.
func (m *Module) showChange(c *fiber.Ctx) error {
	return m.d.Web.Show(c, tplChange, "auth.change.title", m.pwData())
}

// submitChange changes the password of the logged-in client. The current password is
// checked like a login (a wrong one counts towards the lockout, so a stolen session
// cannot guess it), every other session of the client ends, and this one continues
// under a new session id.
func (m *Module) submitChange(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w := m.d.Web
	cl := w.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	now := m.d.Now()
	a, err := lockout.Login(lockout.KindClient, m.d.Settings).Begin(ctx, m.d.DB.R, lockout.Account(cl.ID), now)
	if err != nil {
		return err
	}
	cred, err := credentialFor(ctx, m.d.DB.R, cl.ID)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return err
	}
	current := c.FormValue("current")
	if len(current) > maxPassword {
		current = current[:maxPassword]
	}
	if !a.Verify(current, cred.Hash) {
		key := "auth.error.current"
		err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := a.Fail(ctx, tx); err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number, Action: "password.change_fail",
				ClientID: cl.ID, IP: w.ClientIP(c)})
		})
		if err != nil {
			return err
		}
		if a.Locked() {
			key = "auth.error.locked"
		}
		return w.FormError(c, tplChange, "auth.change.title", m.pwData(), map[string]string{"current": key}, nil)
	}
	pw := c.FormValue("password")
	errs := m.checkNew(*cl, pw, c.FormValue("password2"))
	if errs == nil && pw == current {
		errs = map[string]string{"password": "auth.error.same"}
	}
	if errs != nil {
		return w.FormError(c, tplChange, "auth.change.title", m.pwData(), errs, nil)
	}
	newHash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := SavePassword(ctx, tx, cl.ID, newHash, false, time.Time{}, now); err != nil {
			return err
		}
		// Every session ends, this one too (it is replaced below with a new id),
		// unless the client unticked "log out everywhere else" on the form; a post
		// without the form's choice (an old form, a script) ends them all.
		changed := PasswordChanged
		if c.FormValue("others_offered") == "1" && c.FormValue("logout_others") != "1" {
			changed = keepingSessions
		}
		if err := changed(ctx, tx, cl.ID, "", now); err != nil {
			return err
		}
		if err := notifyChanged(ctx, tx, m.d, *cl); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number, Action: "password.change",
			ClientID: cl.ID, IP: w.ClientIP(c)})
	})
	if err != nil {
		return err
	}
	if m.d.KickMail != nil {
		m.d.KickMail()
	}
	// A new session id after the re-authentication (ASVS 5 7.2.4), so an id read
	// before the change is worthless. The CSRF token follows the new id.
	if err := w.StartSession(c, web.Session{Kind: web.KindClient, ClientID: cl.ID}); err != nil {
		return err
	}
	w.AddFlash(c, "ok", "auth.change.done")
	return w.Redirect(c, pathChange)
}
