package auth

import (
	"database/sql"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// submitLogin handles POST /login and the cross-origin form's POST /sign/, which sends
// username/password/send/_do instead of our login/password.
func (m *Module) submitLogin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	name := c.FormValue("login")
	if name == "" {
		name = c.FormValue("username")
	}
	pw := c.FormValue("password")
	form := map[string]string{"login": name}
	if strings.TrimSpace(name) == "" || pw == "" {
		errs := map[string]string{}
		if strings.TrimSpace(name) == "" {
			errs["login"] = "auth.error.required"
		}
		if pw == "" {
			errs["password"] = "auth.error.required"
		}
		return m.d.Web.FormError(c, tplLogin, "auth.login.title", m.loginData(), errs, form)
	}
	if len(pw) > maxPassword {
		// Still hash (a prefix), so an overlong password costs the same time.
		pw = pw[:maxPassword]
		name = "\x00overlong" // can never match an account: counted as a failure
	}

	acc, err := resolveLogin(ctx, m.d.DB.R, name)
	if err != nil {
		return err
	}
	if acc.client != nil && !m.d.Web.BrandAdmits(c, *acc.client) {
		// A client of another brand is, on this brand's domain, a wrong password:
		// the same answer, the same hashing and the same counting.
		acc.canLogin = false
	}
	if acc, err = m.resolvePerson(ctx, m.d.DB.R, acc, name); err != nil {
		return err
	}
	now := m.d.Now()
	a, err := lockout.Login(lockout.KindClient, m.d.Settings).Begin(ctx, m.d.DB.R, acc.principal, now)
	if err != nil {
		return err
	}
	var cred Credential
	if acc.person != nil && acc.canLogin && !a.Locked() {
		cred = Credential{ClientID: acc.client.ID, Hash: acc.person.Hash}
	} else if acc.client != nil && acc.canLogin && !a.Locked() {
		if cred, err = credentialFor(ctx, m.d.DB.R, acc.client.ID); err != nil && !errors.Is(err, core.ErrNotFound) {
			return err
		}
	}
	// Exactly one argon2id run on every path: unknown, wrong, locked and right alike.
	ok := a.Verify(pw, cred.Hash)
	if ok && cred.MustChange && !cred.usableOTP(now) {
		ok = false // a spent or expired one-time password is just a wrong password
	}
	var rehash string
	if ok && password.NeedsRehash(cred.Hash) {
		if rehash, err = password.Hash(pw); err != nil {
			return err
		}
	}

	// A right password of an account with a second factor (or one that the policy
	// requires) leads to the second-factor step instead of a session; its lockout
	// counter is kept until the step is passed.
	// Invited people have no second factors of their own (the holder's stay theirs).
	second := false
	if ok && acc.person == nil {
		if second, err = m.flow.Needed(ctx, m.d.DB.R, acc.client.ID); err != nil {
			return err
		}
	}
	ip := m.d.Web.ClientIP(c)
	actor, clientID := "anonymous", int64(0)
	if acc.client != nil {
		actor, clientID = "client:"+acc.client.Number, acc.client.ID
		if acc.person != nil {
			actor += "/" + acc.person.Login
		}
	}
	outcome := "ok"
	disabled := false
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if ok {
			// The lock is decided here, in the transaction that counts failures, so a
			// right password that lost a race against parallel failures gets exactly
			// the answer those failures get.
			var err error
			if ok, err = a.Pass(ctx, tx, second); err != nil {
				return err
			}
		}
		if ok {
			// A deactivated client proved the password but may not log in: no session,
			// and a one-time password stays unspent for after a reactivation. Read
			// again here, so that a deactivation during the hash counts.
			var err error
			if disabled, err = isInactive(ctx, tx, acc.client.ID); err != nil || disabled {
				if err == nil {
					ok, outcome = false, "disabled"
					err = core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "login.disabled", ClientID: clientID, IP: ip,
						Detail: "via " + c.Path()})
				}
				return err
			}
			if cred.MustChange {
				won, err := markOTPUsed(ctx, tx, cred.ClientID, now)
				if err != nil {
					return err
				}
				if !won {
					ok = false // a parallel login spent it first
				}
			}
			if ok && acc.person != nil {
				if err := m.d.Hooks.People.LoggedIn(ctx, tx, acc.person.ID, rehash); err != nil {
					return err
				}
			} else if ok && rehash != "" {
				if err := updateHash(ctx, tx, cred.ClientID, cred.Hash, rehash); err != nil {
					return err
				}
			}
		}
		if !ok {
			action, err := a.Failed(ctx, tx, "login.fail", "login.lock")
			if err != nil {
				return err
			}
			outcome = "fail"
			if a.Locked() {
				outcome = "locked"
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: action, ClientID: clientID, IP: ip,
				Detail: "via " + c.Path()})
		}
		detail := "via " + c.Path()
		if second {
			detail += "; second factor next"
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "login.ok", ClientID: clientID, IP: ip,
			Detail: detail})
	})
	if err != nil {
		return err
	}
	// Never the typed name or password: only the account and the outcome.
	m.d.Log.Info("auth.submitLogin", "outcome", outcome, "client_id", clientID, "ip", ip, "path", c.Path())
	if disabled {
		return m.showDisabled(c, *acc.client)
	}
	if !ok {
		data := m.loginData()
		data.Error = "auth.login.failed"
		if a.Locked() {
			data.Error = "auth.login.locked"
			data.Minutes = a.Minutes()
		}
		// Anyone who typed a number while some client has a username gets the hint,
		// whatever the number: it depends on nothing about the account.
		if looksLikeNumber(name) {
			if data.Hint, err = usernamesExist(ctx, m.d.DB.R); err != nil {
				return err
			}
		}
		return m.d.Web.FormError(c, tplLogin, "auth.login.title", data, map[string]string{"password": data.Error}, form)
	}
	if second {
		return m.flow.Start(c, acc.client.ID, cred.MustChange)
	}
	sess := web.Session{Kind: web.KindClient, ClientID: acc.client.ID, Restricted: cred.MustChange}
	if p := acc.person; p != nil {
		sess.PersonID, sess.Person, sess.Role = p.ID, p.Login, p.Role
	}
	if err := m.d.Web.StartSession(c, sess); err != nil {
		return err
	}
	if cred.MustChange {
		return m.d.Web.Redirect(c, pathNew)
	}
	return m.d.Web.Redirect(c, "/")
}

// crossOriginAllowed is the CSRF exemption of POST /sign/: only with
// ci_login_form_allow_cross_origin on, and only when the Origin (or, if the browser
// sent none, the Referer's origin) is exactly one of ci_login_form_origins. Anything
// else goes through the normal token check, which a foreign form cannot pass.
func (m *Module) crossOriginAllowed(c *fiber.Ctx) bool {
	if !settings.AllowCrossOriginLogin.Get(m.d.Settings) {
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		ref, err := url.Parse(c.Get(fiber.HeaderReferer))
		if err != nil || ref.Scheme == "" || ref.Host == "" {
			return false
		}
		origin = ref.Scheme + "://" + ref.Host
	}
	return originAllowed(origin, settings.LoginFormOrigins.Get(m.d.Settings))
}

// originAllowed compares an origin with a list separated by spaces or commas,
// exactly except for case and a trailing slash in the list.
func originAllowed(origin, list string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	for _, o := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == ';' }) {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}
