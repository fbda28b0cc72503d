package people

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// listData is the holder's page of the account's people.
type listData struct {
	People []Person
	Roles  []string
}

// errKey is the translation key of a service error shown on a form.
func errKey(err error) string {
	for _, e := range []struct {
		err error
		key string
	}{{ErrEmail, "people.error.email"}, {ErrRole, "people.error.role"}, {ErrDuplicate, "people.error.duplicate"},
		{ErrTooMany, "people.error.too_many"}, {ErrLogin, "people.error.login"}, {ErrLoginTaken, "people.error.login_taken"},
		{ErrOwner, "people.error.owner"}, {ErrNoSender, "people.error.no_sender"}, {ErrNoBaseURL, "people.error.no_sender"},
		{ErrInactive, "people.error.inactive"}, {ErrCurrent, "people.error.current"}, {ErrMismatch, "people.error.mismatch"},
		{password.ErrTooShort, "people.error.too_short"}, {password.ErrTooLong, "people.error.too_long"},
		{password.ErrCommon, "people.error.common"}, {password.ErrPersonal, "people.error.personal"},
		{password.ErrInvalidText, "people.error.invalid_text"}} {
		if errors.Is(err, e.err) {
			return e.key
		}
	}
	return ""
}

// formErrors turns a service error into form errors (field → key), or returns the
// error itself when it is no user's mistake.
func formErrors(err error, general string) (map[string]string, error) {
	key := errKey(err)
	if key == "" {
		return nil, err
	}
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return map[string]string{fe.Field: key}, nil
	}
	return map[string]string{general: key}, nil
}

func (m *Module) listData(c *fiber.Ctx) (listData, error) {
	ps, err := List(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	return listData{People: ps, Roles: web.Roles}, err
}

// showList renders the holder's people page: the people, their roles and last
// logins, and the invitation form.
func (m *Module) showList(c *fiber.Ctx) error {
	d, err := m.listData(c)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "people.title", d)
}

// rerender shows the people page again with a refused action's errors.
func (m *Module) rerender(c *fiber.Ctx, err error, form map[string]string) error {
	errs, err := formErrors(err, "email")
	if err != nil {
		return err
	}
	d, err := m.listData(c)
	if err != nil {
		return err
	}
	return m.d.Web.FormError(c, tplList, "people.title", d, errs, form)
}

// actor is the audit actor of the holder's actions.
func (m *Module) actor(c *fiber.Ctx) string { return "client:" + m.d.Web.Client(c).Number }

// submitInvite invites a person by e-mail with a role.
func (m *Module) submitInvite(c *fiber.Ctx) error {
	w := m.d.Web
	email, role := c.FormValue("email"), c.FormValue("role")
	_, err := Invite(c.UserContext(), m.d, w.ClientID(c), email, role, m.actor(c), w.ClientIP(c))
	if err != nil {
		return m.rerender(c, err, map[string]string{"email": email, "role": role})
	}
	w.AddFlash(c, "ok", "people.flash.invited", strings.TrimSpace(email))
	return w.Redirect(c, prefix)
}

// personAction runs a holder's change of one person and returns to the list.
func (m *Module) personAction(c *fiber.Ctx, do func(id int64) error, flash string) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		if errors.Is(err, core.ErrNotFound) {
			return fiber.ErrNotFound
		}
		return m.rerender(c, err, nil)
	}
	m.d.Web.AddFlash(c, "ok", flash)
	return m.d.Web.Redirect(c, prefix)
}

func (m *Module) submitRole(c *fiber.Ctx) error {
	w := m.d.Web
	return m.personAction(c, func(id int64) error {
		return Apply(c.UserContext(), m.d, w.ClientID(c), id, SetRole(c.FormValue("role")), "person.role", m.actor(c), w.ClientIP(c))
	}, "people.flash.saved")
}

func (m *Module) submitActive(c *fiber.Ctx) error {
	w := m.d.Web
	return m.personAction(c, func(id int64) error {
		on := c.FormValue("active") == "1"
		return Apply(c.UserContext(), m.d, w.ClientID(c), id, SetActive(on), ActiveAction(on), m.actor(c), w.ClientIP(c))
	}, "people.flash.saved")
}

func (m *Module) submitRemove(c *fiber.Ctx) error {
	w := m.d.Web
	return m.personAction(c, func(id int64) error {
		return Apply(c.UserContext(), m.d, w.ClientID(c), id, Remove, "person.remove", m.actor(c), w.ClientIP(c))
	}, "people.flash.removed")
}

// acceptData is the invitation form: the account and the address invited.
type acceptData struct {
	Email     string
	Role      string
	MinLength int
}

// inviteCookie carries an opened invitation's token from the link to the form, so
// that the token leaves the address bar (and the history) at once: the link answers
// with a 303 to the token-less address. The cookie is scoped to that address.
const inviteCookie = "invite"

func (m *Module) setInviteCookie(c *fiber.Ctx, tok string, expires time.Time) {
	ck := &fiber.Cookie{Name: inviteCookie, Value: tok, Path: m.d.Web.BasePath + pathAccept, HTTPOnly: true,
		Secure: m.d.Web.IsHTTPS(c), SameSite: fiber.CookieSameSiteLaxMode, Expires: expires}
	if tok == "" {
		ck.MaxAge = -1
	}
	c.Cookie(ck)
}

// showAccept shows the form of an invitation link (or why it does not work).
func (m *Module) showAccept(c *fiber.Ctx) error {
	// Never cached: the same address shows the form or, once the link is spent, the
	// 410 page (which browsers may otherwise cache heuristically).
	c.Set(fiber.HeaderCacheControl, "no-store")
	if tok := c.Query("token"); tok != "" {
		if len(tok) <= 100 {
			m.setInviteCookie(c, tok, m.d.Now().Add(30*time.Minute))
		}
		return m.d.Web.Redirect(c, pathAccept)
	}
	tok := c.Cookies(inviteCookie)
	p, err := Invitation(c.UserContext(), m.d, tok)
	if errors.Is(err, ErrInvite) {
		return m.invalid(c)
	}
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplAccept, "people.accept.title", acceptData{Email: p.Email, Role: p.Role,
		MinLength: settings.PasswordMinLength.Get(m.d.Settings)})
}

func (m *Module) invalid(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	p := m.d.Web.NewPage(c, "people.accept.invalid_title", nil)
	p.Status = fiber.StatusGone
	return m.d.Web.Render(c, tplAcceptInvalid, p)
}

// submitAccept sets the invited person's login name and password. No automatic
// login: the person logs in with what they chose, like after a password reset.
func (m *Module) submitAccept(c *fiber.Ctx) error {
	tok := c.Cookies(inviteCookie)
	login := c.FormValue("login")
	p, err := Accept(c.UserContext(), m.d, tok, login, c.FormValue("password"), c.FormValue("password2"), m.d.Web.ClientIP(c))
	if errors.Is(err, ErrInvite) {
		return m.invalid(c)
	}
	if err != nil {
		errs, err2 := formErrors(err, "login")
		if err2 != nil {
			return err2
		}
		inv, ierr := Invitation(c.UserContext(), m.d, tok)
		if ierr != nil {
			return m.invalid(c)
		}
		return m.d.Web.FormError(c, tplAccept, "people.accept.title", acceptData{Email: inv.Email, Role: inv.Role,
			MinLength: settings.PasswordMinLength.Get(m.d.Settings)}, errs, map[string]string{"login": login})
	}
	m.setInviteCookie(c, "", time.Time{})
	return m.d.Web.Show(c, tplAcceptDone, "people.accept.title", p)
}

// meData is a person's own page: their login and role, and the password form.
type meData struct {
	Person    Person
	MinLength int
}

// showMe renders the logged-in person's own page; the holder has auth's pages.
func (m *Module) showMe(c *fiber.Ctx) error {
	s := m.d.Web.Session(c)
	if s.IsOwner() {
		return m.d.Web.Redirect(c, "/password")
	}
	return m.renderMe(c, nil)
}

func (m *Module) renderMe(c *fiber.Ctx, errs map[string]string) error {
	s := m.d.Web.Session(c)
	p, err := byID(c.UserContext(), m.d.DB.R, s.ClientID, s.PersonID)
	if err != nil {
		return err
	}
	d := meData{Person: p, MinLength: settings.PasswordMinLength.Get(m.d.Settings)}
	if errs != nil {
		return m.d.Web.FormError(c, tplMe, "people.me.title", d, errs, nil)
	}
	return m.d.Web.Show(c, tplMe, "people.me.title", d)
}

// submitMe changes the logged-in person's own password (a read-only person too).
func (m *Module) submitMe(c *fiber.Ctx) error {
	w := m.d.Web
	s := w.Session(c)
	if s.IsOwner() {
		return fiber.ErrForbidden
	}
	err := ChangePassword(c.UserContext(), m.d, s.ClientID, s.PersonID, c.FormValue("current"), c.FormValue("password"),
		c.FormValue("password2"), s.IDHash, "client:"+w.Client(c).Number, w.ClientIP(c))
	if err != nil {
		errs, err := formErrors(err, "current")
		if err != nil {
			return err
		}
		return m.renderMe(c, errs)
	}
	w.AddFlash(c, "ok", "people.flash.password")
	return w.Redirect(c, pathMe)
}
