package factor

import (
	"database/sql"
	_ "embed"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/web"
)

//go:embed assets/passkey.js
var passkeyJS []byte

const tplPasskey = "factor/passkey"

// Audit actions of passkeys.
const (
	ActPasskeyAdd    = "mfa.passkey.add"
	ActPasskeyRemove = "mfa.passkey.remove"
	ActPasskeyLogin  = "login.passkey"      // a passkey alone logged in
	ActPasskeyFail   = "login.passkey.fail" // a passkey login that did not verify
)

// Script is where the passkey script is served: below the step, which needs no
// session in either audience.
func (f *Flow) Script() string { return f.Path + "/passkey.js" }

// ServeScript answers GET Script().
func (f *Flow) ServeScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(passkeyJS)
}

// offerPasskey adds a passkey ceremony for k's second factor to the step page when
// k has a passkey for the host of ci_url now (one registered for another host cannot
// answer here, so none of those is offered).
func (f *Flow) offerPasskey(c *fiber.Ctx, k Key, st Status, d *stepData) error {
	if st.Passkeys == 0 || !PasskeysAvailable(f.Web.SettingsOf(c)) {
		return nil
	}
	ctx := c.UserContext()
	var cer Ceremony
	err := f.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		cer, err = BeginAssertion(ctx, tx, f.Web.SettingsOf(c), k, f.Now())
		return err
	})
	if errors.Is(err, ErrPasskey) {
		return nil // every passkey of k is registered for another host
	}
	if err != nil {
		return err
	}
	d.Mode, d.Options, d.Token, d.Submit, d.Script = "get", cer.Options, cer.Token, "factor.passkey.use", f.Script()
	return nil
}

// NewPasskey is POST Manage+"/passkeys/new": checks the name and shows the
// registration page.
func (f *Flow) NewPasskey(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	if !Offered(f.Policy()) || !PasskeysAvailable(f.Web.SettingsOf(c)) {
		return f.Web.Redirect(c, f.Manage)
	}
	name := strings.TrimSpace(c.FormValue("name"))
	if name == "" || utf8.RuneCountInString(name) > MaxPasskeyName || !utf8.ValidString(name) {
		st, err := StatusOf(ctx, f.DB.R, k)
		if err != nil {
			return err
		}
		return f.showManage(c, id, st, map[string]string{"name": "factor.passkey.name_invalid"}, map[string]string{"name": c.FormValue("name")})
	}
	label, err := f.Label(ctx, id)
	if err != nil {
		return err
	}
	var cer Ceremony
	err = f.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		cer, err = BeginRegistration(ctx, tx, f.Web.SettingsOf(c), k, label, f.Now())
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.Web.Show(c, tplPasskey, "factor.passkey.add_title", stepData{Mode: "create", Options: cer.Options, Token: cer.Token,
		Action: f.Manage + "/passkeys", Submit: "factor.passkey.create", Intro: "factor.passkey.create_intro", Name: name,
		Script: f.Script(), Login: f.Manage})
}

// AddPasskey is POST Manage+"/passkeys": verifies the new passkey and stores it. An
// account without recovery codes gets them now, shown once.
func (f *Flow) AddPasskey(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	var codes []string
	err = f.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := FinishRegistration(ctx, tx, f.Web.SettingsOf(c), k, c.FormValue("ceremony"), c.FormValue("name"), c.FormValue("response"), f.Now()); err != nil {
			return err
		}
		var err error
		if codes, err = f.firstCodes(ctx, tx, c, k); err != nil {
			return err
		}
		return f.Audit(ctx, tx, c, id, ActPasskeyAdd, strings.TrimSpace(c.FormValue("name")))
	})
	switch {
	case errors.Is(err, ErrPasskey) || errors.Is(err, ErrPasskeyName) || errors.Is(err, ErrNoRP):
		f.Web.AddFlash(c, "error", "factor.passkey.failed")
		return f.Web.Redirect(c, f.Manage)
	case err != nil:
		return err
	}
	if codes != nil {
		return f.showCodes(c, codes, f.Manage)
	}
	f.Web.AddFlash(c, "ok", "factor.passkey.added_ok")
	return f.Web.Redirect(c, f.Manage)
}

// RemovePasskeyPage is POST Manage+"/passkeys/:id/delete".
func (f *Flow) RemovePasskeyPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	pk, err := web.IDParam(c, "pk")
	if err != nil {
		return err
	}
	var removed bool
	err = f.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if removed, err = RemovePasskey(ctx, tx, Key{f.Kind, id}, pk); err != nil || !removed {
			return err
		}
		return f.Audit(ctx, tx, c, id, ActPasskeyRemove, "")
	})
	if err != nil {
		return err
	}
	if !removed {
		return fiber.ErrNotFound // another account's passkey, or gone
	}
	f.Web.AddFlash(c, "ok", "factor.passkey.removed")
	return f.Web.Redirect(c, f.Manage)
}

// StartPasskeyLogin is POST Path+"/passkey/start" from the login page: a
// discoverable login of this audience.
func (f *Flow) StartPasskeyLogin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if !Offered(f.Policy()) || !PasskeysAvailable(f.Web.SettingsOf(c)) {
		return f.Web.Redirect(c, f.Login)
	}
	var cer Ceremony
	err := f.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		cer, err = BeginAssertion(ctx, tx, f.Web.SettingsOf(c), Key{f.Kind, 0}, f.Now())
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.Web.Show(c, tplPasskey, "factor.passkey.login_title", stepData{Mode: "get", Options: cer.Options, Token: cer.Token,
		Action: f.Path + "/passkey/login", Submit: "factor.passkey.use", Intro: "factor.passkey.login_intro", Script: f.Script(),
		Login: f.Login})
}

// FinishPasskeyLogin is POST Path+"/passkey/login": a passkey with user verification
// stands for both factors. A locked account is refused like a wrong passkey.
func (f *Flow) FinishPasskeyLogin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if !Offered(f.Policy()) {
		return f.Web.Redirect(c, f.Login)
	}
	now := f.Now()
	var who Key
	ok := false
	err := f.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		who, err = FinishAssertion(ctx, tx, f.Web.SettingsOf(c), Key{f.Kind, 0}, c.FormValue("ceremony"), c.FormValue("response"), now)
		if errors.Is(err, ErrPasskey) || errors.Is(err, ErrNoRP) {
			return nil
		}
		if err != nil {
			return err
		}
		st, err := lockout.Get(ctx, tx, f.Kind, lockout.Account(who.ID), now)
		if err != nil {
			return err
		}
		if st.Locked(now) {
			return f.Audit(ctx, tx, c, who.ID, ActPasskeyFail, "locked")
		}
		ok = true
		return f.Audit(ctx, tx, c, who.ID, ActPasskeyLogin, "")
	})
	if err != nil {
		return err
	}
	if !ok {
		f.Web.AddFlash(c, "error", "factor.passkey.failed")
		return f.Web.Redirect(c, f.Login)
	}
	next, err := f.Finish(c, Pending{Key: who})
	if err != nil {
		return err
	}
	return f.Web.Redirect(c, next)
}

// PasskeyLogin reports whether the login page offers "log in with a passkey".
func (f *Flow) PasskeyLogin() bool { return Offered(f.Policy()) && PasskeysAvailable(f.Settings) }

// PasskeyStart is where the login page's passkey button posts.
func (f *Flow) PasskeyStart() string { return f.Path + "/passkey/start" }

// MountStep registers the login step's routes on r at f.Path (r is the app or the
// console's router; strip is the router's own prefix), limit guarding every POST.
func (f *Flow) MountStep(r fiber.Router, strip string, limit fiber.Handler) {
	p := strings.TrimPrefix(f.Path, strip)
	r.Get(p, f.Show)
	r.Post(p, limit, f.Submit)
	r.Post(p+"/enrol", limit, f.SubmitEnrol)
	r.Get(p+"/passkey.js", f.ServeScript)
	r.Post(p+"/passkey/start", limit, f.StartPasskeyLogin)
	r.Post(p+"/passkey/login", limit, f.FinishPasskeyLogin)
}
