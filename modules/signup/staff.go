package signup

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaff, perm.SignupsRead, m.showSignups), "signup.staff.menu", 46),
		console.Post(pathApprove, perm.SignupsWrite, m.approveSignup),
		console.Post(pathReject, perm.SignupsWrite, m.rejectSignup),
	}
}

type staffData struct {
	Signups  []Signup
	State    string
	States   []string
	CanWrite bool
	// Failed is the sign-up whose rejection was refused (its form shows the error).
	Failed int64
}

// showSignups lists the sign-ups, newest first, optionally of one state.
func (m *Module) showSignups(c *fiber.Ctx) error {
	return m.renderSignups(c, 0, nil)
}

func (m *Module) renderSignups(c *fiber.Ctx, failed int64, errs map[string]string) error {
	state := c.Query("state")
	if state != "" && !slices.Contains(States, state) {
		state = ""
	}
	list, err := List(c.UserContext(), m.d.DB.R, Filter{State: state})
	if err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "signup.staff.title", staffData{Signups: list, State: state, States: States,
		CanWrite: console.Can(m.d.Web, c, perm.SignupsWrite), Failed: failed})
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplStaff, p)
}

// staffKeys are the console's messages of the service's errors.
var staffKeys = map[error]string{ErrReason: "signup.staff.err_reason", ErrNotPending: "signup.staff.err_not_pending"}

// decideSignup runs a decision for the console: audited with the staff member and
// their address, field errors shown on the list (422).
func (m *Module) decideSignup(c *fiber.Ctx, action, flash string, run func(tx *sql.Tx, id int64) (Signup, error)) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		s, err := run(tx, id)
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), action, s.ClientID, fmt.Sprintf("sign-up %d: %s %s", s.ID, s.State, s.Reason))
	})
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		return m.renderSignups(c, id, map[string]string{fe.Field: staffKeys[fe.Err]})
	}
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	m.kickMail()
	m.d.Web.AddFlash(c, "ok", flash)
	return m.d.Web.Redirect(c, console.Path(pathStaff))
}

func (m *Module) approveSignup(c *fiber.Ctx) error {
	actor := console.Actor(m.d.Web, c)
	return m.decideSignup(c, "signups.approve", "signup.staff.flash_approve", func(tx *sql.Tx, id int64) (Signup, error) {
		return m.Approve(c.UserContext(), tx, id, actor, m.d.Now())
	})
}

func (m *Module) rejectSignup(c *fiber.Ctx) error {
	actor, reason := console.Actor(m.d.Web, c), c.FormValue("reason")
	return m.decideSignup(c, "signups.reject", "signup.staff.flash_reject", func(tx *sql.Tx, id int64) (Signup, error) {
		return m.Reject(c.UserContext(), tx, id, reason, actor, m.d.Now())
	})
}
