package factor

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Templates of the shared pages (templates/factor/*.html); keys factor.*.
const (
	tplStep   = "factor/step"
	tplEnrol  = "factor/enrol"
	tplCodes  = "factor/codes"
	tplManage = "factor/manage"
)

// Audit actions the Flow reports through its Audit hook (the caller prefixes them
// for its audience, e.g. "staff.").
const (
	ActLoginOK      = "login.factor"      // a second factor finished a login (detail: totp or recovery)
	ActLoginFail    = "login.factor.fail" // a wrong code
	ActLoginLock    = "login.factor.lock" // the wrong code that locked the account
	ActEnrol        = "mfa.enrol"         // TOTP enrolled (at login or from the account page)
	ActRecoveryNew  = "mfa.recovery.new"  // recovery codes (re)generated
	ActRecoveryUsed = "mfa.recovery.used"
	ActRemove       = "mfa.totp.remove" // the owner removed the authenticator app
)

// Methods of a finished second factor, for the audit detail.
const (
	MethodTOTP     = "totp"
	MethodRecovery = "recovery"
	MethodPasskey  = "passkey"
	MethodEnrol    = "enrolment" // a required factor enrolled at login
	MethodNone     = "none"      // the policy asked none when the step was opened
)

// Flow is the second-factor step of one audience's login and its account pages: the
// subscriber portal and the staff console each build one with their paths and
// hooks, so that both run the same code.
type Flow struct {
	Kind     string // KindClient or KindStaff
	Web      *web.Web
	DB       *db.DB
	Settings *settings.Store
	Now      func() time.Time

	Path   string // the login step ("/login/factor"); its enrolment is Path+"/enrol"
	Login  string // the login page, where a lost or expired step goes back
	Manage string // the account's page of second factors ("/security")
	Cookie string // the pending login's cookie

	// Label names the account in the authenticator app ("1001", "admin").
	Label func(ctx context.Context, id int64) (string, error)
	// Current is the logged-in account of a request to the Manage pages.
	Current func(c *fiber.Ctx) (int64, bool)
	// Finish starts the session of a login whose second factor is done, after the
	// transaction, and returns where to go next.
	Finish func(c *fiber.Ctx, p Pending) (string, error)
	// Audit writes an audit entry in tx (action is one of the Act* constants).
	Audit func(ctx context.Context, tx *sql.Tx, c *fiber.Ctx, id int64, action, detail string) error
	// RecoveryUsed queues the "a recovery code was used" mail in tx (nil: none).
	RecoveryUsed func(ctx context.Context, tx *sql.Tx, id int64, left int) error
}

// Policy is the current ci_second_factor.
func (f *Flow) Policy() string { return settings.SecondFactor.Get(f.Settings) }

func (f *Flow) issuer() string {
	if n := settings.SystemMailName.Get(f.Settings); n != "" {
		return n
	}
	return "Client portal"
}

// Needed reports whether a login of account id that proved its password must pass
// the second-factor step: it has a factor, or the policy requires one.
func (f *Flow) Needed(ctx context.Context, q Querier, id int64) (bool, error) {
	pol := f.Policy()
	if !Offered(pol) {
		return false, nil
	}
	if Required(pol, f.Kind) {
		return true, nil
	}
	st, err := StatusOf(ctx, q, Key{f.Kind, id})
	return st.Enrolled(), err
}

// Start records the pending login of account id (restricted: a one-time-password
// login), sets its cookie and sends the browser to the step.
func (f *Flow) Start(c *fiber.Ctx, id int64, restricted bool) error {
	var tok string
	err := f.DB.Tx(c.UserContext(), func(tx *sql.Tx) (err error) {
		tok, err = StartPending(c.UserContext(), tx, Key{f.Kind, id}, restricted, f.Now())
		return err
	})
	if err != nil {
		return err
	}
	f.setCookie(c, tok)
	return f.Web.Redirect(c, f.Path)
}

func (f *Flow) setCookie(c *fiber.Ctx, v string) {
	ck := &fiber.Cookie{Name: f.Cookie, Value: v, Path: f.Web.BasePath + f.Path, HTTPOnly: true, Secure: f.Web.IsHTTPS(c),
		SameSite: fiber.CookieSameSiteStrictMode, Expires: f.Now().Add(PendingTTL)}
	if v == "" {
		ck.MaxAge, ck.Expires = -1, time.Unix(1, 0)
	}
	c.Cookie(ck)
}

// pending reads the request's pending login.
func (f *Flow) pending(c *fiber.Ctx) (Pending, bool, error) {
	return PendingFor(c.UserContext(), f.DB.R, f.Kind, c.Cookies(f.Cookie), f.Now())
}

// stepData is what the step and enrolment pages show.
type stepData struct {
	Action  string // where the form posts
	Error   string // a page-level error key
	Minutes int    // of a lock
	Secret  string
	QR      template.URL
	Login   string // "back to login"
	Login2  bool   // the enrolment is part of a login (not the account page)
	Next    string // the codes page's "continue"
	Codes   []string
	Kind    string
	Manage  string
	Status  Status
	Offered bool
	Require bool
	// Passkeys.
	PasskeyOK bool
	Passkeys  []Passkey
	Mode      string // "create" or "get"
	Options   string // the WebAuthn options, JSON
	Token     string // the ceremony
	Submit    string // the passkey button's key
	Intro     string
	Name      string // of a passkey being registered
	Script    string
}

// Show is GET Path: the code form, or the enrolment when a factor is required and
// none is enrolled.
func (f *Flow) Show(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	p, ok, err := f.pending(c)
	if err != nil || !ok {
		if err == nil {
			err = f.Web.Redirect(c, f.Login)
		}
		return err
	}
	st, err := StatusOf(c.UserContext(), f.DB.R, p.Key)
	if err != nil {
		return err
	}
	switch {
	case st.Enrolled():
		d := stepData{Action: f.Path, Login: f.Login}
		if err := f.offerPasskey(c, p.Key, st, &d); err != nil {
			return err
		}
		return f.Web.Show(c, tplStep, "factor.step.title", d)
	case Required(f.Policy(), f.Kind):
		return f.showEnrol(c, p.Key.ID, f.Path+"/enrol", true, "", fiber.StatusOK)
	}
	// Reset by staff (or the policy changed) while the step was open: nothing to ask.
	return f.finish(c, p, MethodNone, "")
}

// showEnrol shows the enrolment of account id (a new unconfirmed secret unless one
// is in progress), with a field error when errKey is set.
func (f *Flow) showEnrol(c *fiber.Ctx, id int64, action string, atLogin bool, errKey string, status int) error {
	ctx := c.UserContext()
	k := Key{f.Kind, id}
	label, err := f.Label(ctx, id)
	if err != nil {
		return err
	}
	var e Enrolment
	secret, err := PendingSecret(ctx, f.DB.R, k)
	switch {
	case err == nil && errKey != "":
		e, err = EnrolmentOf(secret, f.issuer(), label)
	case err == nil || errors.Is(err, ErrNoEnrol):
		err = f.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
			e, err = BeginTOTP(ctx, tx, k, f.issuer(), label, f.Now())
			return err
		})
	}
	if err != nil {
		return err
	}
	pg := f.Web.NewPage(c, "factor.enrol.title", stepData{Action: action, Secret: e.Secret, QR: template.URL(e.QR), Login: f.Login,
		Login2: atLogin, Manage: f.Manage})
	if errKey != "" {
		pg.Errors = map[string]string{"code": errKey}
	}
	pg.Status = status
	return f.Web.Render(c, tplEnrol, pg)
}

// Submit is POST Path: one code (TOTP or recovery) under the account's lockout.
func (f *Flow) Submit(c *fiber.Ctx) error {
	return f.attempt(c, false)
}

// SubmitEnrol is POST Path+"/enrol": the confirming code of a required enrolment at
// login, under the same lockout; it shows the new recovery codes once.
func (f *Flow) SubmitEnrol(c *fiber.Ctx) error {
	return f.attempt(c, true)
}

// attempt runs one code of a pending login: the lockout Guard of the password (Begin,
// then Succeed or Fail in the transaction), the check, and the spending of the
// pending login, so that exactly one request finishes it.
func (f *Flow) attempt(c *fiber.Ctx, enrol bool) error {
	ctx := c.UserContext()
	c.Set(fiber.HeaderCacheControl, "no-store")
	p, ok, err := f.pending(c)
	if err != nil || !ok {
		if err == nil {
			err = f.Web.Redirect(c, f.Login)
		}
		return err
	}
	now := f.Now()
	a, err := lockout.Login(f.Kind, f.Settings).Begin(ctx, f.DB.R, lockout.Account(p.Key.ID), now)
	if err != nil {
		return err
	}
	code := c.FormValue("code")
	method, won := MethodTOTP, false
	var codes []string
	if len(code) > 64 {
		code = ""
	}
	err = f.DB.Tx(ctx, func(tx *sql.Tx) error {
		ok := false
		if !a.Locked() {
			var err error
			switch {
			case !enrol && c.FormValue("ceremony") != "":
				method = MethodPasskey
				if _, err = FinishAssertion(ctx, tx, f.Web.SettingsOf(c), p.Key, c.FormValue("ceremony"), c.FormValue("response"), now); err == nil {
					ok = true
				} else if errors.Is(err, ErrPasskey) || errors.Is(err, ErrNoRP) {
					err = nil
				}
			case enrol:
				method = MethodEnrol
				if err = ConfirmTOTP(ctx, tx, p.Key, code, now); err == nil {
					ok = true
				} else if errors.Is(err, ErrBadCode) || errors.Is(err, ErrNoEnrol) {
					err = nil
				}
			case LooksLikeRecovery(code):
				method = MethodRecovery
				ok, err = UseRecoveryCode(ctx, tx, p.Key, code, now)
			default:
				ok, err = CheckTOTP(ctx, tx, p.Key, code, now)
			}
			if err != nil {
				return err
			}
		}
		if ok {
			var err error
			if ok, err = a.Succeed(ctx, tx); err != nil {
				return err
			}
		}
		if !ok {
			act, err := a.Failed(ctx, tx, ActLoginFail, ActLoginLock)
			if err != nil {
				return err
			}
			return f.Audit(ctx, tx, c, p.Key.ID, act, method)
		}
		if won, err = FinishPending(ctx, tx, p); err != nil || !won {
			return err
		}
		if enrol {
			if codes, err = NewRecoveryCodes(ctx, tx, p.Key); err != nil {
				return err
			}
			if err := f.Audit(ctx, tx, c, p.Key.ID, ActEnrol, "at login"); err != nil {
				return err
			}
		}
		if method == MethodRecovery {
			if err := f.recoveryUsed(ctx, tx, c, p.Key); err != nil {
				return err
			}
		}
		return f.Audit(ctx, tx, c, p.Key.ID, ActLoginOK, method)
	})
	if err != nil {
		return err
	}
	if !won {
		if enrol && !a.Locked() {
			return f.showEnrol(c, p.Key.ID, f.Path+"/enrol", true, "factor.error.code", fiber.StatusUnprocessableEntity)
		}
		d := stepData{Action: f.Path, Login: f.Login, Error: "factor.error.code"}
		if a.Locked() {
			d.Error, d.Minutes = "factor.error.locked", a.Minutes()
		} else {
			// The step again offers every factor the account has: a wrong code (or a
			// refused passkey) spent the page's ceremony, so a new one is begun.
			st, err := StatusOf(ctx, f.DB.R, p.Key)
			if err != nil {
				return err
			}
			if err := f.offerPasskey(c, p.Key, st, &d); err != nil {
				return err
			}
		}
		pg := f.Web.NewPage(c, "factor.step.title", d)
		pg.Errors, pg.Status = map[string]string{"code": "factor.error.code"}, fiber.StatusUnprocessableEntity
		if a.Locked() {
			pg.Errors["code"] = "factor.error.locked_short"
		}
		return f.Web.Render(c, tplStep, pg)
	}
	f.setCookie(c, "")
	next, err := f.Finish(c, p)
	if err != nil || !enrol {
		if err == nil {
			err = f.Web.Redirect(c, next)
		}
		return err
	}
	return f.showCodes(c, codes, next)
}

// finish ends a pending login that has nothing to ask (the factor was reset meanwhile).
func (f *Flow) finish(c *fiber.Ctx, p Pending, method, detail string) error {
	ctx := c.UserContext()
	var won bool
	err := f.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if won, err = FinishPending(ctx, tx, p); err != nil || !won {
			return err
		}
		return f.Audit(ctx, tx, c, p.Key.ID, ActLoginOK, method+detail)
	})
	if err != nil || !won {
		if err == nil {
			err = f.Web.Redirect(c, f.Login)
		}
		return err
	}
	f.setCookie(c, "")
	next, err := f.Finish(c, p)
	if err != nil {
		return err
	}
	return f.Web.Redirect(c, next)
}

// recoveryUsed audits a spent recovery code and queues its mail.
func (f *Flow) recoveryUsed(ctx context.Context, tx *sql.Tx, c *fiber.Ctx, k Key) error {
	st, err := StatusOf(ctx, tx, k)
	if err != nil {
		return err
	}
	if f.RecoveryUsed != nil {
		if err := f.RecoveryUsed(ctx, tx, k.ID, st.RecoveryLeft); err != nil {
			return err
		}
	}
	return f.Audit(ctx, tx, c, k.ID, ActRecoveryUsed, "")
}

// showCodes shows new recovery codes, once.
func (f *Flow) showCodes(c *fiber.Ctx, codes []string, next string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.Web.Show(c, tplCodes, "factor.codes.title", stepData{Codes: codes, Next: next})
}

// ShowManage is GET Manage: what the account has, and the forms to enrol TOTP and
// to regenerate recovery codes.
func (f *Flow) ShowManage(c *fiber.Ctx) error {
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	st, err := StatusOf(c.UserContext(), f.DB.R, Key{f.Kind, id})
	if err != nil {
		return err
	}
	return f.showManage(c, id, st, nil, nil)
}

// showManage renders the account's page, with a form error of the passkey name.
func (f *Flow) showManage(c *fiber.Ctx, id int64, st Status, errs, form map[string]string) error {
	pol := f.Policy()
	d := stepData{Manage: f.Manage, Status: st, Offered: Offered(pol), Require: Required(pol, f.Kind), Kind: f.Kind,
		PasskeyOK: PasskeysAvailable(f.Web.SettingsOf(c))}
	var err error
	if d.Passkeys, err = PasskeysOf(c.UserContext(), f.DB.R, Key{f.Kind, id}, RPID(f.Web.SettingsOf(c))); err != nil {
		return err
	}
	if errs != nil {
		return f.Web.FormError(c, tplManage, "factor.manage.title", d, errs, form)
	}
	return f.Web.Show(c, tplManage, "factor.manage.title", d)
}

// BeginManage is POST Manage+"/totp": a new enrolment from the account page.
func (f *Flow) BeginManage(c *fiber.Ctx) error {
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	if !Offered(f.Policy()) {
		return f.Web.Redirect(c, f.Manage)
	}
	st, err := StatusOf(c.UserContext(), f.DB.R, Key{f.Kind, id})
	if err != nil || st.TOTP {
		if err == nil {
			err = f.Web.Redirect(c, f.Manage)
		}
		return err
	}
	return f.showEnrol(c, id, f.Manage+"/totp/confirm", false, "", fiber.StatusOK)
}

// ConfirmManage is POST Manage+"/totp/confirm": the confirming code; the account
// gets recovery codes unless it has some left.
func (f *Flow) ConfirmManage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	var codes []string
	err = f.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := ConfirmTOTP(ctx, tx, k, c.FormValue("code"), f.Now()); err != nil {
			return err
		}
		var err error
		if codes, err = f.firstCodes(ctx, tx, c, k); err != nil {
			return err
		}
		return f.Audit(ctx, tx, c, id, ActEnrol, "")
	})
	switch {
	case errors.Is(err, ErrBadCode):
		return f.showEnrol(c, id, f.Manage+"/totp/confirm", false, "factor.error.code", fiber.StatusUnprocessableEntity)
	case errors.Is(err, ErrNoEnrol):
		return f.Web.Redirect(c, f.Manage)
	case err != nil:
		return err
	}
	if codes == nil {
		f.Web.AddFlash(c, "ok", "factor.manage.enrolled")
		return f.Web.Redirect(c, f.Manage)
	}
	return f.showCodes(c, codes, f.Manage)
}

// RegenerateManage is POST Manage+"/recovery": ten new codes, the old ones die.
func (f *Flow) RegenerateManage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	var codes []string
	err = f.DB.Tx(ctx, func(tx *sql.Tx) error {
		st, err := StatusOf(ctx, tx, k)
		if err != nil || !st.Enrolled() {
			return err
		}
		if codes, err = NewRecoveryCodes(ctx, tx, k); err != nil {
			return err
		}
		return f.Audit(ctx, tx, c, id, ActRecoveryNew, "")
	})
	if err != nil || codes == nil {
		if err == nil {
			err = f.Web.Redirect(c, f.Manage)
		}
		return err
	}
	return f.showCodes(c, codes, f.Manage)
}

// RemoveManage is POST Manage+"/totp/remove": the owner removes the authenticator app
// with a current code from it (a stolen session alone cannot).
func (f *Flow) RemoveManage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := f.current(c)
	if err != nil {
		return err
	}
	id := k.ID
	err = f.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := RemoveTOTP(ctx, tx, k, c.FormValue("code"), f.Now()); err != nil {
			return err
		}
		return f.Audit(ctx, tx, c, id, ActRemove, "")
	})
	if errors.Is(err, ErrBadCode) {
		st, err := StatusOf(ctx, f.DB.R, k)
		if err != nil {
			return err
		}
		return f.showManage(c, id, st, map[string]string{"code": "factor.error.code"}, nil)
	}
	if err != nil {
		return err
	}
	f.Web.AddFlash(c, "ok", "factor.manage.removed")
	return f.Web.Redirect(c, f.Manage)
}

// firstCodes gives k recovery codes (audited) when it has none left, and returns them
// to be shown once; nil when it still has some.
func (f *Flow) firstCodes(ctx context.Context, tx *sql.Tx, c *fiber.Ctx, k Key) ([]string, error) {
	st, err := StatusOf(ctx, tx, k)
	if err != nil || st.RecoveryLeft > 0 {
		return nil, err
	}
	codes, err := NewRecoveryCodes(ctx, tx, k)
	if err != nil {
		return nil, err
	}
	return codes, f.Audit(ctx, tx, c, k.ID, ActRecoveryNew, "")
}

// current is the logged-in account of a Manage request; 401 without one.
func (f *Flow) current(c *fiber.Ctx) (Key, error) {
	id, ok := f.Current(c)
	if !ok {
		return Key{}, fiber.ErrUnauthorized
	}
	return Key{f.Kind, id}, nil
}
