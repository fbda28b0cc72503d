package helpdesk

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/app"
)

type demoItem struct {
	ext, typ, dir, author, body string
	ago                         time.Duration
}

var demoTickets = []struct {
	ext, dept, subject, state string
	ago                       time.Duration
	items                     []demoItem
}{
	{"demo-ticket-1", "demo-dept-tech", "Internet drops every evening", StateWaiting, 6 * 24 * time.Hour, []demoItem{
		{"demo-item-1", TypeEmail, DirIn, "Jana Nováková", "Hello,\nsince Monday my connection drops every evening around 8 pm for a few minutes.\nJana", 6 * 24 * time.Hour},
		{"demo-item-2", TypeNote, DirOut, "Tomáš (NOC)", "Sector AP-12 overloaded in the evening; planned upgrade on Friday.", 6*24*time.Hour - 2*time.Hour},
		{"demo-item-3", TypePhone, DirIn, "Jana Nováková", "Client called, connection dropped again, wants an update.", 5 * 24 * time.Hour},
		{"demo-item-4", TypeEmail, DirOut, "Support team", "Dear Ms Nováková,\nwe found an overloaded access point in your area and will upgrade it on Friday.\nPlease let us know whether the drops stop afterwards.", 4 * 24 * time.Hour},
		{"demo-item-5", TypeSMS, DirOut, "Support team", "NetWave: the access point in your area was upgraded today. Please tell us if the drops continue.", 2 * 24 * time.Hour},
	}},
	{"demo-ticket-2", "demo-dept-tech", "Router installation", StateClosed, 40 * 24 * time.Hour, []demoItem{
		{"demo-item-6", TypeEmail, DirIn, "Jana Nováková", "Could a technician install the new Wi-Fi router?", 40 * 24 * time.Hour},
		{"demo-item-7", TypeInPerson, DirOut, "Petr (technician)", "Router installed and configured at the client's flat.", 37 * 24 * time.Hour},
	}},
	{"demo-ticket-3", "demo-dept-billing", "Invoice address change", StateOpen, 24 * time.Hour, []demoItem{
		{"demo-item-8", TypeEmail, DirIn, "Jana Nováková", "Please send future invoices to Korunní 5, Praha 2.", 24 * time.Hour},
		{"demo-item-9", TypeSMS, DirIn, "Jana Nováková", "I have also sent the new address by e-mail. Thanks, Jana", 20 * time.Hour},
	}},
}

// seed adds the demo departments and client 1001's tickets with every item type; it
// is idempotent (rows are keyed by external id).
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	depts := map[string]int64{}
	for _, d := range []Department{
		{ExternalID: "demo-dept-tech", Name: "Technical support", PortalRequests: true},
		{ExternalID: "demo-dept-billing", Name: "Billing"},
	} {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM helpdesk_departments WHERE external_id = ?`, d.ExternalID).Scan(&id)
		if err == sql.ErrNoRows {
			id, err = SaveDepartment(ctx, tx, d, env.Now)
		}
		if err != nil {
			return err
		}
		depts[d.ExternalID] = id
	}
	client, ok := env.ClientIDs[app.DemoClientNumber]
	if !ok {
		return nil
	}
	for _, t := range demoTickets {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM helpdesk_tickets WHERE external_id = ?`, t.ext).Scan(&id)
		if err == nil {
			continue // already seeded; staff may have changed it since
		}
		if err != sql.ErrNoRows {
			return err
		}
		created := env.Now.Add(-t.ago)
		id, err = SaveTicket(ctx, tx, Ticket{ExternalID: t.ext, ClientID: client, DepartmentID: depts[t.dept],
			Subject: t.subject, State: t.state, CreatedAt: created}, created)
		if err != nil {
			return err
		}
		for _, it := range t.items {
			if _, err := AddItem(ctx, tx, Item{ExternalID: it.ext, TicketID: id, Type: it.typ, Direction: it.dir,
				Author: it.author, Body: it.body, CreatedAt: env.Now.Add(-it.ago)}, env.Now); err != nil {
				return err
			}
		}
	}
	return nil
}
