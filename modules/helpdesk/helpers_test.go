package helpdesk

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
)

type fixture struct {
	env        *testkit.Env
	c1, c2     int64
	b1, b2     *testkit.Browser
	tech, bill int64
}

// newFixture boots the portal with a portal department (tech) and another (billing).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, New)
	f := &fixture{env: env, c1: env.AddClient("6001", 0), c2: env.AddClient("6002", 0)}
	env.Tx(func(tx *sql.Tx) error {
		var err error
		if f.tech, err = SaveDepartment(context.Background(), tx, Department{Name: "Technical support", PortalRequests: true}, env.Clock.Now()); err != nil {
			return err
		}
		f.bill, err = SaveDepartment(context.Background(), tx, Department{Name: "Billing"}, env.Clock.Now())
		return err
	})
	f.b1 = env.Browser().LoginAs(f.c1)
	f.b2 = env.Browser().LoginAs(f.c2)
	return f
}

// ticket creates a ticket with items, advancing the clock a minute per item.
func (f *fixture) ticket(t *testing.T, client, dept int64, subject, state string, items ...Item) int64 {
	t.Helper()
	var id int64
	f.env.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = SaveTicket(context.Background(), tx, Ticket{ClientID: client, DepartmentID: dept, Subject: subject, State: state}, f.env.Clock.Now())
		if err != nil {
			return err
		}
		for _, it := range items {
			it.TicketID = id
			f.env.Clock.Advance(time.Minute)
			if _, err := AddItem(context.Background(), tx, it, f.env.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	return id
}
