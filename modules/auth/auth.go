// Package auth is the portal's front door: login by client number or username with a
// per-account lockout, the login form other websites may post (/sign/), logout,
// forgotten-password links, one-time passwords from staff, and password changes.
//
// Security decisions (see docs/modules/auth.md and /work/shared/SECURITY.md):
//   - every login runs argon2id once, against password.Dummy when the name is unknown,
//     the client may not log in by that name, or the account is locked, so timing
//     does not tell them apart;
//   - failures are counted per account (number and username feed one counter) and per
//     folded unknown name, so that the "locked" message appears for any name after N
//     failures and reveals nothing about which names exist;
//   - links carry 32 random bytes, stored as SHA-256, single use, killed by any
//     password change or a newer link.
package auth

import (
	"context"
	"database/sql"
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
)

// Paths.
const (
	pathLogin  = "/login"
	pathSign   = "/sign/"
	pathLogout = "/logout"
	pathForgot = "/password/forgot"
	pathReset  = "/password/reset"
	pathChange = "/password"
	pathNew    = "/password/new"
	// pathFactor is the second-factor step of a login (and pathFactor+"/enrol");
	// pathSecurity the client's own page of second factors.
	pathFactor   = "/login/factor"
	pathSecurity = "/security"
	// pathSessions lists the live sessions (portal and, below /admin, console);
	// pathSessionEnd ends one or all others.
	pathSessions   = "/account/sessions"
	pathSessionEnd = "/account/sessions/end"
)

// Templates.
const (
	tplLogin        = "auth/login"
	tplForgot       = "auth/forgot"
	tplForgotSent   = "auth/forgot_sent"
	tplReset        = "auth/reset"
	tplResetInvalid = "auth/reset_invalid"
	tplResetDone    = "auth/reset_done"
	tplChange       = "auth/change"
	tplNew          = "auth/new"
	tplDisabled     = "auth/disabled"
	tplSessions     = "auth/sessions"
)

// Mail template purposes this module registers.
const (
	PurposeLink    = "password_link"
	PurposeChanged = "password_changed"
)

// Rate limits per client address (IPv6 per /64). They never feed the per-account
// lockout, so nobody can lock an account by exhausting them.
const (
	loginRate    = 20 // POST /login and /sign/ per minute
	linkRate     = 5  // password-link requests per 10 minutes
	passwordRate = 10 // password forms (change, new, reset) per minute
	// mailCap is how many password links one client gets per mailCapWindow, however
	// many addresses ask for them.
	mailCap       = 3
	mailCapWindow = 15 * time.Minute
	// resetStateTTL is how long an opened link's form stays usable (within the
	// link's own expiry).
	resetStateTTL = 30 * time.Minute
	resetCookie   = "pwreset"
	// maxName and maxPassword bound what a login reads; longer input is simply wrong.
	maxName     = 200
	maxPassword = 4096
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the auth module.
type Module struct {
	d    app.Deps
	flow *factor.Flow // the second-factor step and account page
}

// New returns the module; it does no work.
func New(d app.Deps) app.Module {
	m := &Module{d: d}
	m.flow = m.newFlow()
	if d.Hooks != nil {
		// The self sign-up stores the password its visitor chose.
		d.Hooks.SetPassword = func(ctx context.Context, tx *sql.Tx, clientID int64, hash string, now time.Time) error {
			return SavePassword(ctx, tx, clientID, hash, false, time.Time{}, now)
		}
		// Factor rows have no foreign key (two audiences share the tables).
		d.Hooks.ClientDeleting = append(d.Hooks.ClientDeleting, func(ctx context.Context, tx *sql.Tx, id int64) error {
			_, err := factor.Reset(ctx, tx, factor.Key{Kind: factor.KindClient, ID: id})
			return err
		})
	}
	return m
}

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name: "auth",
		Area: app.Public,
		Menu: []web.MenuItem{{Key: "auth.menu.password", Path: pathChange, Order: 95, When: m.isOwner},
			{Key: "factor.menu", Path: pathSecurity, Order: 96, When: m.isOwner}},
		Seed:       seed,
		Commands:   commands(),
		StaffPages: m.staffPages(),
		Methods:    append(m.methods(), m.factorMethods()...),
		Card:       []app.CardSection{m.staffCard()},
		Export:     exportClient,

		MailDefaults: func(t *mail.Templates) { registerMailDefaults(t); registerFactorMails(t) },
	}.Embed(files)
}

// Mount registers the routes and the CSRF exemption of the cross-origin login form.
func (m *Module) Mount(r fiber.Router) {
	w := m.d.Web
	w.ExemptCSRF(pathSign, m.crossOriginAllowed)
	w.SessionStarted = m.sessionStarted

	loginLimit := w.RateLimit("auth-login", loginRate, time.Minute)
	linkLimit := w.RateLimit("auth-link", linkRate, 10*time.Minute)
	pwLimit := w.RateLimit("auth-password", passwordRate, time.Minute)
	// The holder's password, second factors and sessions are theirs alone: an invited
	// person (modules/people) has their own login page there and gets 403 here.
	requireClient := w.RequireClient(pathNew, pathLogout)
	client := func(c *fiber.Ctx) error {
		if s := w.Session(c); s != nil && !s.IsOwner() {
			return fiber.ErrForbidden
		}
		return requireClient(c)
	}

	r.Get(pathLogin, m.showLogin)
	r.Post(pathLogin, loginLimit, m.submitLogin)
	r.Get(pathSign, func(c *fiber.Ctx) error { return w.Redirect(c, pathLogin) })
	r.Post(pathSign, loginLimit, m.submitLogin)
	r.Post(pathLogout, m.submitLogout)
	r.Get(pathForgot, m.forgotGate, m.showForgot)
	r.Post(pathForgot, m.forgotGate, linkLimit, m.submitForgot)
	r.Get(pathReset, m.showReset)
	r.Post(pathReset, pwLimit, m.submitReset)
	r.Get(pathChange, client, m.showChange)
	r.Post(pathChange, client, pwLimit, m.submitChange)
	r.Get(pathNew, client, m.showNew)
	r.Post(pathNew, client, pwLimit, m.submitNew)

	// Second factors: the step shares the login's rate limit; wrong codes also count
	// toward the account's lockout (internal/factor).
	m.flow.MountStep(r, "", loginLimit)
	r.Get(pathSecurity, client, m.flow.ShowManage)
	r.Post(pathSecurity+"/totp", client, m.flow.BeginManage)
	r.Post(pathSecurity+"/totp/confirm", client, pwLimit, m.flow.ConfirmManage)
	r.Post(pathSecurity+"/recovery", client, m.flow.RegenerateManage)
	r.Post(pathSecurity+"/totp/remove", client, pwLimit, m.flow.RemoveManage)
	r.Post(pathSecurity+"/passkeys/new", client, m.flow.NewPasskey)
	r.Post(pathSecurity+"/passkeys", client, pwLimit, m.flow.AddPasskey)
	r.Post(pathSecurity+"/passkeys/:pk/delete", client, m.flow.RemovePasskeyPage)
	r.Get(pathSessions, client, m.showClientSessions)
	r.Post(pathSessionEnd, client, m.submitClientSessionEnd)
}

// isOwner shows the holder's menu entries (password, second factors) to the account
// holder only, not to an invited person.
func (m *Module) isOwner(c *fiber.Ctx) bool { return m.d.Web.Session(c).IsOwner() }

// Demo2FAClientNumber is the demo client with a second factor (username
// Demo2FAUsername, the demo password, factor.DemoTOTPSecret and its recovery codes),
// so that the login step can be tried; client 1001 keeps a password alone.
const (
	Demo2FAClientNumber = "1005"
	Demo2FAUsername     = "demo2fa"
)

// seed gives demo client 1001 its demo password, and client 1005 the same password, the
// username demo2fa and the demo second factor, unless they have a password already.
// The demo password is below the policy on purpose (easy to type) and so bypasses it.
func seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if err := seedPassword(ctx, tx, env, app.DemoClientNumber); err != nil {
		return err
	}
	id, ok := env.ClientIDs[Demo2FAClientNumber]
	if !ok {
		return nil
	}
	if err := seedPassword(ctx, tx, env, Demo2FAClientNumber); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE clients SET username = ? WHERE id = ? AND COALESCE(username, '') = ''
		AND NOT EXISTS (SELECT 1 FROM clients WHERE username = ?)`, Demo2FAUsername, id, Demo2FAUsername); err != nil {
		return err
	}
	return factor.SeedDemo(ctx, tx, factor.Key{Kind: factor.KindClient, ID: id}, env.Now)
}

func seedPassword(ctx context.Context, tx *sql.Tx, env app.SeedEnv, number string) error {
	id, ok := env.ClientIDs[number]
	if !ok {
		return nil
	}
	if _, err := credentialFor(ctx, tx, id); err == nil {
		return nil
	}
	h, err := password.Hash(app.DemoClientPassword)
	if err != nil {
		return err
	}
	return SavePassword(ctx, tx, id, h, false, time.Time{}, env.Now)
}
