package requests_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/requests"
)

// As the seed says, the helpdesk's entry replaces the request one when a department
// takes portal requests; earlier requests keep their pages.
func TestMenuGivesWayToHelpdesk(t *testing.T) {
	env := testkit.New(t, requests.New, helpdesk.New)
	a := env.AddClient("2101", 0)
	env.Set("ci_auth_requests_enable", "1")
	b := env.Browser().LoginAs(a)
	b.Get("/requests").Expect(t, 200, `href="/requests"`)

	env.Tx(func(tx *sql.Tx) error {
		_, err := helpdesk.SaveDepartment(context.Background(), tx, helpdesk.Department{Name: "Support", PortalRequests: true}, env.Clock.Now())
		return err
	})
	env.Clock.Advance(3 * time.Second) // the helpdesk caches its answer for 2 s
	r := b.Get("/requests").Expect(t, 200, `href="/helpdesk"`)
	r.Lacks(t, `<a href="/requests"`)
}
