package requests

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/core"
)

// staffRow is one line of the console's request list.
type staffRow struct {
	Request
	ClientNumber string
	Assignees    []Assignee
}

// staffListData is the console's request list.
type staffListData struct {
	State  string
	States []string
	Mine   bool
	Rows   []staffRow
}

// showStaffRequests renders GET /admin/requests?state=&mine=1: every request (or those
// assigned to the staff member), newest first, with state and assignees.
func (m *Module) showStaffRequests(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d := staffListData{State: c.Query("state"), States: States, Mine: c.Query("mine") == "1"}
	if !slices.Contains(States, d.State) {
		d.State = ""
	}
	f := Filter{State: d.State}
	if d.Mine {
		if s := m.d.Web.Staff(c); s != nil {
			f.StaffID = s.ID
		}
	}
	list, err := ListRequests(ctx, m.d.DB.R, f)
	if err != nil {
		return err
	}
	for _, r := range list {
		row := staffRow{Request: r}
		if cl, err := core.ClientByID(ctx, m.d.DB.R, r.ClientID); err == nil {
			row.ClientNumber = cl.Number
		}
		if row.Assignees, err = Assignees(ctx, m.d.DB.R, r.ID); err != nil {
			return err
		}
		d.Rows = append(d.Rows, row)
	}
	return m.d.Web.Show(c, tplStaffRequests, titleStaffList, d)
}
