package admin

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// Refusals of StoreStaff, each in a *core.FieldError naming the field.
var (
	ErrStaffLogin     = errors.New("use letters, digits and . _ @ - (at most 64, starting with a letter or digit)")
	ErrStaffLoginUsed = errors.New("another staff account has this login")
	ErrStaffRole      = errors.New("must be admin, support, readonly or api")
	ErrStaffEmail     = errors.New("must be an e-mail address")
	ErrStaffTooLong   = errors.New("is too long")
	// ErrLastAdmin refuses a change that would leave no active administrator: nobody
	// could then manage staff or settings from the console.
	ErrLastAdmin = errors.New("is the last active administrator: make another account an administrator first")
)

// generatedPasswordLen is the length of a password the console generates for a staff
// account (56-letter alphabet: about 116 bits).
const generatedPasswordLen = 20

// StoreStaff is the one write of a staff account, behind the console's staff pages and
// the `portal staff` commands: a valid login no other account has, a known role, an
// e-mail address when one is given, and never a change that leaves no active
// administrator. Saving a new password hash, role or active flag ends the account's
// console, view-as and API sessions (triggers on staff do it). Refusals are
// *core.FieldError.
func StoreStaff(ctx context.Context, tx *sql.Tx, s core.Staff, now string) (int64, error) {
	for _, f := range []core.LineField{{Name: "login", Value: &s.Login}, {Name: "name", Value: &s.Name}, {Name: "email", Value: &s.Email}} {
		n, err := core.Line(*f.Value)
		if err != nil {
			return 0, &core.FieldError{Field: f.Name, Err: err}
		}
		*f.Value = n
	}
	switch {
	case !loginRE.MatchString(s.Login):
		return 0, &core.FieldError{Field: "login", Err: ErrStaffLogin}
	case utf8.RuneCountInString(s.Name) > 200:
		return 0, &core.FieldError{Field: "name", Err: ErrStaffTooLong}
	case s.Email != "" && (!isEmail(s.Email) || len(s.Email) > 254):
		return 0, &core.FieldError{Field: "email", Err: ErrStaffEmail}
	case !slices.Contains(core.Roles, s.Role):
		return 0, &core.FieldError{Field: "role", Err: ErrStaffRole}
	}
	if other, err := core.StaffByLogin(ctx, tx, s.Login); err == nil && other.ID != s.ID {
		return 0, &core.FieldError{Field: "login", Err: ErrStaffLoginUsed}
	} else if err != nil && !errors.Is(err, core.ErrNotFound) {
		return 0, err
	}
	if s.ID != 0 {
		old, err := core.StaffByID(ctx, tx, s.ID)
		if err != nil {
			return 0, err
		}
		wasAdmin, isAdmin := old.Active && old.Role == core.RoleAdmin, s.Active && s.Role == core.RoleAdmin
		if wasAdmin && !isAdmin {
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff WHERE role = ? AND active = 1 AND id <> ?`,
				core.RoleAdmin, s.ID).Scan(&others); err != nil {
				return 0, err
			}
			if others == 0 {
				field := "role"
				if !s.Active {
					field = "active"
				}
				return 0, &core.FieldError{Field: field, Err: ErrLastAdmin}
			}
		}
	}
	return core.SaveStaff(ctx, tx, s, now)
}

// staffErrorKeys are the console's messages for StoreStaff's refusals.
var staffErrorKeys = map[error]string{ErrStaffLogin: "admin.staff.err_login", ErrStaffLoginUsed: "admin.staff.err_login_used",
	ErrStaffRole: "form.invalid", ErrStaffEmail: "admin.client.err_email", ErrStaffTooLong: "form.too_long",
	ErrLastAdmin: "admin.staff.err_last_admin", core.ErrNotBlank: web.KeyRequired}

// staffFormData is a staff account's page: its form, lock state and the actions.
type staffFormData struct {
	Staff       core.Staff
	Roles       []string
	Locked      bool
	Failures    int
	CanWrite    bool
	Self        bool   // the account of the staff member looking at it
	NewPassword string // a password just generated, shown once
}

func staffValues(s core.Staff) map[string]string {
	v := map[string]string{"login": s.Login, "name": s.Name, "email": s.Email, "role": s.Role}
	for k, on := range map[string]bool{"send_tasks": s.SendTasksEmail, "send_requests": s.SendPortalRequests, "active": s.Active} {
		if on {
			v[k] = "1"
		}
	}
	return v
}

// staffOf loads the account of :id; /staff/new is a new one.
func (m *Module) staffOf(c *fiber.Ctx) (core.Staff, error) {
	if c.Params("id") == "" {
		return core.Staff{Role: core.RoleSupport, Active: true}, nil
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return core.Staff{}, err
	}
	return core.StaffByID(c.UserContext(), m.d.DB.R, id)
}

// showStaffMember renders GET /admin/staff/:id and /admin/staff/new.
func (m *Module) showStaffMember(c *fiber.Ctx) error {
	s, err := m.staffOf(c)
	if err != nil {
		return err
	}
	return m.renderStaffMember(c, s, staffValues(s), nil, "")
}

func (m *Module) renderStaffMember(c *fiber.Ctx, s core.Staff, form, errs map[string]string, newPassword string) error {
	d := staffFormData{Staff: s, Roles: core.Roles, CanWrite: m.can(c, perm.StaffWrite), NewPassword: newPassword}
	if me := m.d.Web.Staff(c); me != nil {
		d.Self = me.ID == s.ID && s.ID != 0
	}
	if s.ID != 0 {
		st, err := lockout.Get(c.UserContext(), m.d.DB.R, lockout.KindStaff, lockout.Account(s.ID), m.d.Now())
		if err != nil {
			return err
		}
		d.Locked, d.Failures = st.Locked(m.d.Now()), st.Failures
	}
	title := "admin.staff.new"
	if s.ID != 0 {
		title = "admin.staff.edit"
	}
	p := m.d.Web.NewPage(c, title, d)
	p.Form, p.Errors = form, errs
	if len(errs) > 0 {
		p.Status = fiber.StatusUnprocessableEntity
	}
	if newPassword != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return m.d.Web.Render(c, tplStaffMember, p)
}

// saveStaffMember handles POST /admin/staff/new and POST /admin/staff/:id: login
// (new accounts only), name, e-mail, role, the two e-mail flags and the active flag.
// A new account gets a generated password, shown once on the answer page.
func (m *Module) saveStaffMember(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s, err := m.staffOf(c)
	if err != nil {
		return err
	}
	before := s
	form := map[string]string{"login": s.Login, "name": c.FormValue("name"), "email": c.FormValue("email"), "role": c.FormValue("role")}
	if s.ID == 0 {
		form["login"] = c.FormValue("login")
	}
	for _, k := range []string{"send_tasks", "send_requests", "active"} {
		if vs := c.Request().PostArgs().PeekMulti(k); len(vs) > 0 && string(vs[len(vs)-1]) == "1" {
			form[k] = "1"
		}
	}
	s.Login, s.Name, s.Email, s.Role = form["login"], form["name"], form["email"], form["role"]
	s.SendTasksEmail, s.SendPortalRequests, s.Active = form["send_tasks"] == "1", form["send_requests"] == "1", form["active"] == "1"
	var generated string
	if s.ID == 0 {
		generated = password.Generate(generatedPasswordLen)
		if s.PasswordHash, err = password.Hash(generated); err != nil {
			return err
		}
	}
	var id int64
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if id, err = StoreStaff(ctx, tx, s, core.Now(m.d.Now())); err != nil {
			return err
		}
		action, detail := "staff.edit", "login "+s.Login+", role "+s.Role+", active "+strconv.FormatBool(s.Active)+
			", send tasks "+strconv.FormatBool(s.SendTasksEmail)+", send portal requests "+strconv.FormatBool(s.SendPortalRequests)
		if before.ID == 0 {
			action = "staff.add"
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), action, 0, detail)
	})
	var fe *core.FieldError
	if errors.As(err, &fe) {
		key, ok := staffErrorKeys[fe.Err]
		if !ok {
			key = web.KeyControl
		}
		return m.renderStaffMember(c, before, form, map[string]string{fe.Field: key}, "")
	}
	if err != nil {
		return err
	}
	if generated != "" {
		s.ID = id
		return m.renderStaffMember(c, s, staffValues(s), nil, generated)
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, "/admin/staff/"+strconv.FormatInt(id, 10))
}

// resetStaffPassword handles POST /admin/staff/:id/password: a new generated password,
// shown once; the account's console, view-as and API sessions end with the old hash.
func (m *Module) resetStaffPassword(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s, err := m.staffOf(c)
	if err != nil {
		return err
	}
	pw := password.Generate(generatedPasswordLen)
	if s.PasswordHash, err = password.Hash(pw); err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := StoreStaff(ctx, tx, s, core.Now(m.d.Now())); err != nil {
			return err
		}
		// A new password also lifts a lock, as a client's password reset does.
		if err := lockout.Clear(ctx, tx, lockout.KindStaff, lockout.Account(s.ID)); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "staff.password", 0, "login "+s.Login)
	})
	if err != nil {
		return err
	}
	return m.renderStaffMember(c, s, staffValues(s), nil, pw)
}

// unlockStaff handles POST /admin/staff/:id/unlock: the account's failed logins are
// forgotten and a lock ends.
func (m *Module) unlockStaff(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s, err := m.staffOf(c)
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockout.Clear(ctx, tx, lockout.KindStaff, lockout.Account(s.ID)); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "staff.unlock", 0, "login "+s.Login)
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.staff.unlocked")
	return m.d.Web.Redirect(c, "/admin/staff/"+strconv.FormatInt(s.ID, 10))
}
