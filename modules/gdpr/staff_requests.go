package gdpr

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// Console paths of the privacy requests and the card's export, below /admin.
const (
	pathStaffRequests = "/gdpr/requests"
	pathStaffRequest  = "/gdpr/requests/:id"
	pathStaffExport   = "/clients/:id/gdpr-export"
	tplStaffRequests  = "gdpr/staff_requests"
)

// staffRequestsData is the console list of privacy requests.
type staffRequestsData struct {
	List     []Request
	State    string // the filter
	States   []string
	CanWrite bool
	// Failed is the request whose form was refused: its row shows Error (a translation
	// key) and keeps the state and answer typed.
	Failed            int64
	Error             string
	TypedState, Typed string
}

// showStaffRequests renders GET /admin/gdpr/requests?state=: the requests, open
// ones first by default.
func (m *Module) showStaffRequests(c *fiber.Ctx) error {
	return m.renderStaffRequests(c, staffRequestsData{})
}

// renderStaffRequests lists the requests of the ?state= filter with data's form state.
func (m *Module) renderStaffRequests(c *fiber.Ctx, data staffRequestsData) error {
	state := c.Query("state", ReqOpen)
	if data.Failed != 0 {
		state = "all" // the refused form's row, whatever its state
	}
	if state != "all" && !contains(RequestStates, state) {
		state = ReqOpen
	}
	f := RequestFilter{State: state}
	if state == "all" {
		f.State = ""
	}
	list, err := ListRequests(c.UserContext(), m.d.DB.R, f)
	if err != nil {
		return err
	}
	data.List, data.State, data.States = list, state, RequestStates
	data.CanWrite = console.Can(m.d.Web, c, perm.PrivacyWrite)
	return m.d.Web.Show(c, tplStaffRequests, "gdpr.staff.requests_title", data)
}

// staffReplyErrors are the form messages of SetRequestState's field errors.
var staffReplyErrors = map[error]string{
	ErrRequestState:  "gdpr.request.error_state",
	ErrReplyRequired: "gdpr.staff.error_reply_required",
	ErrReplyLong:     "gdpr.staff.error_reply_long",
}

// saveStaffRequest handles POST /admin/gdpr/requests/:id (state=, reply=): moves a
// request to a new state with the answer to the client, audited. A refused form is
// shown again (422) with the message on its row and what was typed.
func (m *Module) saveStaffRequest(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	state, reply := c.FormValue("state"), c.FormValue("reply")
	_, err = SetRequestState(c.UserContext(), m.d, id, state, reply, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c))
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return m.renderStaffRequests(c, staffRequestsData{Failed: id, Error: staffReplyErrors[fe.Err], TypedState: state, Typed: reply})
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "gdpr.staff.request_saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffRequests))
}
