package auth

import (
	"database/sql"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
)

// showNew renders the forced password change after a one-time-password login.
func (m *Module) showNew(c *fiber.Ctx) error {
	if !m.d.Web.Session(c).Restricted {
		return m.d.Web.Redirect(c, pathChange)
	}
	return m.d.Web.Show(c, tplNew, "auth.new.title", m.pwData())
}

// submitNew sets the client's own password in place of the one-time password, which
// it must differ from. The restricted session is replaced by a new full one (new id),
// and every other session and link of the client dies.
func (m *Module) submitNew(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w := m.d.Web
	s, cl := w.Session(c), w.Client(c)
	if !s.Restricted {
		return w.Redirect(c, pathChange)
	}
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	pw := c.FormValue("password")
	errs := m.checkNew(*cl, pw, c.FormValue("password2"))
	if errs == nil {
		// The one-time password was seen by staff (and maybe written down): reusing it
		// as the real password would defeat the point.
		if cred, err := credentialFor(ctx, m.d.DB.R, cl.ID); err == nil && password.Verify(pw, cred.Hash) {
			errs = map[string]string{"password": "auth.error.same_otp"}
		}
	}
	if errs != nil {
		return w.FormError(c, tplNew, "auth.new.title", m.pwData(), errs, nil)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	now := m.d.Now()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := SavePassword(ctx, tx, cl.ID, hash, false, time.Time{}, now); err != nil {
			return err
		}
		if err := PasswordChanged(ctx, tx, cl.ID, s.IDHash, now); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number, Action: "password.change",
			ClientID: cl.ID, IP: w.ClientIP(c), Detail: "after one-time password"})
	})
	if err != nil {
		return err
	}
	// A new session id for the upgraded session (StartSession deletes the old one).
	if err := w.StartSession(c, web.Session{Kind: web.KindClient, ClientID: cl.ID}); err != nil {
		return err
	}
	w.AddFlash(c, "ok", "auth.change.done")
	return w.Redirect(c, "/")
}
