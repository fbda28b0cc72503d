package auth

import (
	"database/sql"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

var (
	errLinkGone = errors.New("auth: link used or expired")
	errDisabled = errors.New("auth: client deactivated")
)

// showReset opens a password link. With ?token= it swaps the token for a short
// server-side state (cookie) and redirects to the same path without the token, so the
// token leaves the address bar, history and any Referer. Opening does not spend the
// link (mail scanners open links); setting the password does.
func (m *Module) showReset(c *fiber.Ctx) error {
	ctx := c.UserContext()
	now := m.d.Now()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if tok := c.Query("token"); tok != "" || c.Context().QueryArgs().Has("token") {
		t, ok := liveToken{}, false
		if len(tok) <= 100 {
			t, ok = tokenByHash(ctx, m.d.DB.R, web.HashToken(tok), now)
		}
		if !ok {
			return m.showResetInvalid(c)
		}
		if cl, off, err := m.inactiveClient(c, t.ClientID); err != nil || off {
			if err != nil {
				return err
			}
			return m.showDisabled(c, cl)
		}
		state := web.NewToken()
		exp := now.Add(resetStateTTL)
		if t.ExpiresAt.Before(exp) {
			exp = t.ExpiresAt
		}
		err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			// Opened links of the past are worthless: keep the table small.
			if _, err := tx.ExecContext(ctx, `DELETE FROM password_reset_states WHERE expires_at < ?`, core.Now(now)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO password_reset_states (state_hash, token_hash, expires_at) VALUES (?, ?, ?)`,
				web.HashToken(state), t.Hash, core.Now(exp))
			return err
		})
		if err != nil {
			return err
		}
		m.setResetCookie(c, state)
		return m.d.Web.Redirect(c, pathReset)
	}
	t, ok := tokenByState(ctx, m.d.DB.R, web.HashToken(c.Cookies(resetCookie)), now)
	if !ok {
		return m.showResetInvalid(c)
	}
	if cl, off, err := m.inactiveClient(c, t.ClientID); err != nil || off {
		if err != nil {
			return err
		}
		return m.showDisabled(c, cl)
	}
	return m.d.Web.Show(c, tplReset, "auth.reset.title", m.pwData())
}

// inactiveClient loads a link's client and reports whether they are deactivated: a
// link is as good as the right password, so its holder is told that their access is
// disabled, and it sets no password.
func (m *Module) inactiveClient(c *fiber.Ctx, id int64) (core.Client, bool, error) {
	cl, err := core.ClientByID(c.UserContext(), m.d.DB.R, id)
	return cl, err == nil && !cl.Active, err
}

func (m *Module) setResetCookie(c *fiber.Ctx, v string) {
	ck := &fiber.Cookie{Name: resetCookie, Value: v, Path: pathReset, HTTPOnly: true, Secure: m.d.Web.IsHTTPS(c),
		SameSite: fiber.CookieSameSiteLaxMode}
	if v == "" {
		ck.MaxAge, ck.Expires = -1, time.Unix(1, 0)
	}
	c.Cookie(ck)
}

// showResetInvalid explains that the link is used, replaced or expired and offers a
// new one.
func (m *Module) showResetInvalid(c *fiber.Ctx) error {
	p := m.d.Web.NewPage(c, "auth.reset.invalid_title", struct{ Forgot bool }{m.mailConfigured()})
	p.Status = fiber.StatusGone
	return m.d.Web.Render(c, tplResetInvalid, p)
}

// submitReset sets the new password from an opened link: policy, typed twice, then in
// one transaction the link is spent (exactly one request can), the password stored,
// every other link killed, every session of the client ended, the lockout cleared and
// a "password changed" mail queued. No automatic login: the client logs in anew.
func (m *Module) submitReset(c *fiber.Ctx) error {
	ctx := c.UserContext()
	now := m.d.Now()
	c.Set(fiber.HeaderCacheControl, "no-store")
	t, ok := tokenByState(ctx, m.d.DB.R, web.HashToken(c.Cookies(resetCookie)), now)
	if !ok {
		return m.showResetInvalid(c)
	}
	cl, err := core.ClientByID(ctx, m.d.DB.R, t.ClientID)
	if err != nil {
		return err
	}
	if !cl.Active {
		return m.showDisabled(c, cl)
	}
	pw := c.FormValue("password")
	if errs := m.checkNew(cl, pw, c.FormValue("password2")); errs != nil {
		return m.d.Web.FormError(c, tplReset, "auth.reset.title", m.pwData(), errs, nil)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	ip := m.d.Web.ClientIP(c)
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		won, err := useToken(ctx, tx, t.Hash, now)
		if err != nil {
			return err
		}
		if !won {
			return errLinkGone
		}
		// Again in the transaction: a deactivation while the hash ran counts.
		if off, err := isInactive(ctx, tx, cl.ID); err != nil || off {
			if err == nil {
				err = errDisabled
			}
			return err
		}
		if err := SavePassword(ctx, tx, cl.ID, hash, false, time.Time{}, now); err != nil {
			return err
		}
		if err := PasswordChanged(ctx, tx, cl.ID, "", now); err != nil {
			return err
		}
		if err := notifyChanged(ctx, tx, m.d, cl); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number, Action: "password.reset", ClientID: cl.ID, IP: ip})
	})
	if errors.Is(err, errLinkGone) {
		return m.showResetInvalid(c)
	}
	if errors.Is(err, errDisabled) {
		return m.showDisabled(c, cl)
	}
	if err != nil {
		return err
	}
	if m.d.KickMail != nil {
		m.d.KickMail()
	}
	m.d.Log.Info("auth.reset: password set", "client_id", cl.ID, "ip", ip)
	m.setResetCookie(c, "")
	if s := m.d.Web.Session(c); s != nil && s.ClientID == cl.ID {
		m.d.Web.EndSession(c, web.KindClient)
	}
	return m.d.Web.Show(c, tplResetDone, "auth.reset.title", nil)
}

// pwData is the data of the forms that set a new password.
type pwData struct {
	MinLength int
}

func (m *Module) pwData() pwData {
	return pwData{MinLength: settings.PasswordMinLength.Get(m.d.Settings)}
}

// checkNew applies the policy and the confirmation to a new password and returns the
// form errors, or nil.
func (m *Module) checkNew(cl core.Client, pw, pw2 string) map[string]string {
	errs := map[string]string{}
	min := settings.PasswordMinLength.Get(m.d.Settings)
	if err := password.Check(pw, min, cl.Number, cl.Username, cl.Email); err != nil {
		errs["password"] = policyKey(err)
	} else if pw != pw2 {
		errs["password2"] = "auth.error.mismatch"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// policyKey is the translation key of a policy error.
func policyKey(err error) string {
	switch {
	case errors.Is(err, password.ErrTooShort):
		return "auth.error.too_short"
	case errors.Is(err, password.ErrTooLong):
		return "auth.error.too_long"
	case errors.Is(err, password.ErrCommon):
		return "auth.error.common"
	case errors.Is(err, password.ErrPersonal):
		return "auth.error.personal"
	default:
		return "auth.error.invalid_text"
	}
}
