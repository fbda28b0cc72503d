package admin_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
)

func TestHelpdeskConsole(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
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
	sup := staffBrowser(t, env, core.RoleSupport)
	sup.Get("/admin/tickets").Expect(t, 200, "No internet", "Support").Lacks(t, `action="/admin/departments"`)
	page := "/admin/tickets/" + itoa(tid)
	sup.Get(page).Expect(t, 200, "&lt;b&gt;help&lt;/b&gt;")
	sup.Post(page+"/reply", url.Values{"body": {"  "}}).Expect(t, 422, "This field is required.")
	sup.Post(page+"/reply", url.Values{"body": {"We are on it."}}).Expect(t, 303)
	sup.Get(page).Expect(t, 200, "We are on it.", "will be e-mailed to the client")
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE client_id = ?`, cid).Scan(&n)
	if n != 1 || auditCount(t, env, "ticket.reply", "staff:support1") != 1 {
		t.Fatalf("reply mailed %d times; must be mailed and audited once", n)
	}
	sup.Get("/admin/clients/"+itoa(cid)).Expect(t, 200, "No internet")
	sup.Get("/admin/tickets/99999").Expect(t, 404)
	sup.Post("/admin/departments", url.Values{"name": {"Sales"}}).Expect(t, 403)

	boss := adminBrowser(t, env, "boss")
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

func TestCustomButtons(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/buttons").Expect(t, 200, "New button")
	b.Post("/admin/buttons", url.Values{"label_en": {""}, "url": {"javascript:alert(1)"}, "order": {"5000"}, "active": {"0", "1"}}).
		Expect(t, 422, "This field is required.", "Must be an absolute http", "from 0 to 1000", `value="javascript:alert(1)"`)
	if list, _ := buttons.ListButtons(context.Background(), env.Deps.DB.R, false); len(list) != 0 {
		t.Fatal("a refused button was stored")
	}
	b.Post("/admin/buttons", url.Values{"label_en": {"Speed test"}, "label_cs": {"Test rychlosti"}, "url": {"https://speed.example.cz/"},
		"order": {"10"}, "new_tab": {"0", "1"}, "active": {"0", "1"}}).Expect(t, 303)
	client := env.Browser().LoginAs(cid)
	client.Get("/info").Expect(t, 200, "Speed test", "https://speed.example.cz/")
	list, _ := buttons.ListButtons(context.Background(), env.Deps.DB.R, false)
	if len(list) != 1 || !list[0].NewTab {
		t.Fatalf("stored %+v", list)
	}
	b.Get("/admin/buttons?edit="+itoa(list[0].ID)).Expect(t, 200, `value="Speed test"`)
	b.Get("/admin/buttons?edit=999").Expect(t, 404)
	b.Post("/admin/buttons", url.Values{"id": {itoa(list[0].ID)}, "label_en": {"Speed test"}, "url": {"https://speed.example.cz/"},
		"order": {"10"}, "active": {"0"}}).Expect(t, 303)
	client.Get("/info").Expect(t, 200).Lacks(t, "Speed test")
	b.Post("/admin/buttons/"+itoa(list[0].ID)+"/delete", nil).Expect(t, 303)
	b.Post("/admin/buttons/"+itoa(list[0].ID)+"/delete", nil).Expect(t, 404)
	if auditCount(t, env, "button.", "staff:boss") != 3 {
		t.Fatal("buttons not audited")
	}
}

func TestConsentDocuments(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/consents").Expect(t, 200, "New consent document")
	b.Post("/admin/consents", url.Values{"title": {""}, "text": {""}, "purposes": {"Marketing\nmarketing"}}).
		Expect(t, 422, "This field is required.", "none listed twice")
	b.Post("/admin/consents", url.Values{"title": {"Newsletter"}, "text": {"<p>We send news</p><script>x()</script>"}, "purposes": {"E-mail\nSMS"}}).Expect(t, 303)
	list, _ := gdpr.ListDocuments(context.Background(), env.Deps.DB.R)
	if len(list) != 1 || len(list[0].Purposes) != 2 || list[0].Version != 1 {
		t.Fatalf("stored %+v", list)
	}
	r := b.Get("/admin/consents").Expect(t, 200, "Newsletter", "We send news", "E-mail")
	if strings.Contains(r.Body, "<script>x()") {
		t.Fatal("consent text not sanitised")
	}
	id := itoa(list[0].ID)
	b.Post("/admin/consents/"+id+"/version", url.Values{"text": {""}}).Expect(t, 422, "This field is required.")
	b.Post("/admin/consents/"+id+"/version", url.Values{"text": {"<p>Version two</p>"}}).Expect(t, 303)
	b.Get("/admin/consents").Expect(t, 200, "Version 2 was published", "v2")
	b.Post("/admin/consents/"+id+"/active", url.Values{"active": {"0"}}).Expect(t, 303)
	b.Get("/admin/consents").Expect(t, 200, "Retired")
	b.Post("/admin/consents/999/version", url.Values{"text": {"x"}}).Expect(t, 404)
	if auditCount(t, env, "consent.", "staff:boss") != 3 {
		t.Fatal("consent changes not audited")
	}
}

func TestContactOverview(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g1 := env.AddGroup("Residential")
	g2 := env.AddGroup("Business")
	env.Set("ci_contact_text", "<p>Call us</p>")
	if err := env.Deps.Settings.Set(context.Background(), "ci_contact_text", g2, "<p>Business desk</p><script>x()</script>", "test"); err != nil {
		t.Fatal(err)
	}
	b := adminBrowser(t, env, "boss")
	r := b.Get("/admin/contact").Expect(t, 200, "Call us", "Business desk", "uses the default text", "group="+itoa(g1), "group="+itoa(g2))
	if strings.Contains(r.Body, "<script>x()") {
		t.Fatal("contact text not sanitised")
	}
}
