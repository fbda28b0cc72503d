package requests

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// staffRequestData is one request in the console: the request, its client, its
// history (everything) and, for staff who may change it, the staff to assign.
type staffRequestData struct {
	Request   Request
	Client    *core.Client
	Events    []Event
	Assigned  map[int64]bool
	Assignees []Assignee
	Staff     []core.Staff
	States    []string
	CanWrite  bool
}

// showStaffRequest renders GET /admin/requests/:id.
func (m *Module) showStaffRequest(c *fiber.Ctx) error { return m.renderStaffRequest(c, nil, nil) }

func (m *Module) renderStaffRequest(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	r, err := requestByID(c, m, id)
	if err != nil {
		return err
	}
	d := staffRequestData{Request: r, States: States, CanWrite: console.Can(m.d.Web, c, perm.RequestsWrite), Assigned: map[int64]bool{}}
	if cl, err := core.ClientByID(ctx, m.d.DB.R, r.ClientID); err == nil {
		d.Client = &cl
	}
	if d.Events, err = Events(ctx, m.d.DB.R, id, false); err != nil {
		return err
	}
	if d.Assignees, err = Assignees(ctx, m.d.DB.R, id); err != nil {
		return err
	}
	for _, a := range d.Assignees {
		d.Assigned[a.ID] = true
	}
	if d.CanWrite {
		if d.Staff, err = console.AssignableStaff(ctx, m.d.DB.R); err != nil {
			return err
		}
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffRequest, titleStaffRequest, d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffRequest, titleStaffRequest, d)
}

// requestByID loads any request (staff); a missing one is 404.
func requestByID(c *fiber.Ctx, m *Module, id int64) (Request, error) {
	r, err := scanRequest(m.d.DB.R.QueryRowContext(c.UserContext(), `SELECT `+requestCols+` FROM support_requests WHERE id = ?`, id))
	if errors.Is(err, core.ErrNotFound) {
		return r, fiber.ErrNotFound
	}
	return r, err
}

// updateErrorKeys translate Update's refusals.
var updateErrorKeys = map[error]string{
	ErrState: "requests.staff.err_state", ErrReply: "requests.staff.err_reply",
	ErrAssignee: "requests.staff.err_assignee", ErrNoChange: "requests.staff.err_nothing",
}

// saveStaffRequest handles POST /admin/requests/:id: state, assignees and a reply in
// one change (Update); a refused change re-renders the form with the field's error.
func (m *Module) saveStaffRequest(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ch := Change{State: c.FormValue("state"), Reply: c.FormValue("reply"), Assignees: []int64{}}
	for _, v := range c.Request().PostArgs().PeekMulti("assignee") {
		sid, ok := core.ParseID(string(v))
		if !ok {
			return m.renderStaffRequest(c, map[string]string{"assignees": "requests.staff.err_assignee"}, map[string]string{"reply": ch.Reply})
		}
		ch.Assignees = append(ch.Assignees, sid)
	}
	s := m.d.Web.Staff(c)
	author := s.Name
	if strings.TrimSpace(author) == "" {
		author = s.Login
	}
	ctx, now := c.UserContext(), m.d.Now()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, detail, _, err := UpdateAndMail(ctx, tx, m.d, id, ch, author)
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, now, "request.update", r.ClientID, detail)
	})
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return m.renderStaffRequest(c, map[string]string{fe.Field: updateErrorKeys[fe.Err]}, map[string]string{"reply": ch.Reply})
	}
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "requests.staff.saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffRequests+"/"+strconv.FormatInt(id, 10)))
}
