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
}

// showStaffRequests renders GET /admin/gdpr/requests?state=: the requests, open
// ones first by default.
func (m *Module) showStaffRequests(c *fiber.Ctx) error {
	state := c.Query("state", ReqOpen)
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
	return m.d.Web.Show(c, tplStaffRequests, "gdpr.staff.requests_title", staffRequestsData{List: list, State: state,
		States: RequestStates, CanWrite: console.Can(m.d.Web, c, perm.PrivacyWrite)})
}

// saveStaffRequest handles POST /admin/gdpr/requests/:id (state=): moves a request
// to a new state, audited.
func (m *Module) saveStaffRequest(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	_, err = SetRequestState(c.UserContext(), m.d, id, c.FormValue("state"), console.Actor(m.d.Web, c), m.d.Web.ClientIP(c))
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return fiber.ErrBadRequest
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "gdpr.staff.request_saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffRequests))
}
