package helpdesk_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
)

func TestHelpdeskConsole(t *testing.T) {
	t.Parallel()
	// info: the client card lists its messages.
	env := testkit.New(t, helpdesk.New, info.New, admin.New)
	env.Set("system_mail", "portal@example.cz")
	env.Set("system_mail_name", "Portal")
	cid := env.AddClient("7001", 0)
	var tid int64
	env.Tx(func(tx *sql.Tx) error {
		ctx := context.Background()
		dep, err := helpdesk.SaveDepartment(ctx, tx, helpdesk.Department{Name: "Support"}, env.Clock.Now())
		if err != nil {
			return err
		}
		tid, err = helpdesk.SaveTicket(ctx, tx, helpdesk.Ticket{ClientID: cid, DepartmentID: dep, Subject: "No internet", State: helpdesk.StateOpen}, env.Clock.Now())
		if err != nil {
			return err
		}
		_, err = helpdesk.AddItem(ctx, tx, helpdesk.Item{TicketID: tid, Type: helpdesk.TypeEmail, Direction: helpdesk.DirIn, Body: "<b>help</b>", Author: "Client"}, env.Clock.Now())
		return err
	})
	sup := env.StaffBrowser(core.RoleSupport)
	sup.Get("/admin/tickets").Expect(t, 200, "No internet", "Support").Lacks(t, `action="/admin/departments"`)
	page := "/admin/tickets/" + strconv.FormatInt(tid, 10)
	sup.Get(page).Expect(t, 200, "&lt;b&gt;help&lt;/b&gt;")
	sup.Post(page+"/reply", url.Values{"body": {"  "}}).Expect(t, 422, "This field is required.")
	sup.Post(page+"/reply", url.Values{"body": {"We are on it."}}).Expect(t, 303)
	sup.Get(page).Expect(t, 200, "We are on it.", "will be e-mailed to the client")
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE client_id = ?`, cid).Scan(&n)
	if n != 1 || env.AuditCount("ticket.reply", "staff:support1") != 1 {
		t.Fatalf("reply mailed %d times; must be mailed and audited once", n)
	}
	sup.Get("/admin/clients/"+strconv.FormatInt(cid, 10)).Expect(t, 200, "No internet")
	sup.Get("/admin/tickets/99999").Expect(t, 404)
	sup.Post("/admin/departments", url.Values{"name": {"Sales"}}).Expect(t, 403)

	boss := env.StaffBrowserAs("boss", core.RoleAdmin)
	boss.Get("/admin/tickets").Expect(t, 200, `action="/admin/departments"`)
	boss.Post("/admin/departments", url.Values{"name": {""}}).Expect(t, 422, "This field is required.")
	boss.Post("/admin/departments", url.Values{"name": {"Portal desk"}, "portal": {"1"}}).Expect(t, 303)
	dep, err := helpdesk.PortalDepartment(context.Background(), env.Deps.DB.R)
	if err != nil || dep.Name != "Portal desk" {
		t.Fatalf("portal department %+v %v", dep, err)
	}
	// The subscriber's Helpdesk tab follows the flag.
	env.Browser().LoginAs(cid).Get("/helpdesk").Expect(t, 200, "No internet")
}
