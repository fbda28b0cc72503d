package usage_test

import (
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/modules/usage"
)

// The Detailed list's first page must come from an index in its order, whatever the
// client's share of the records. PostgreSQL settles a prepared statement on a generic
// plan, made without the parameters' values; with the index on (client_id, at) that
// plan read and sorted every record of the client (0.3 s for a million) to return
// fifty. The test asks for the generic plan outright, and on SQLite for its only plan.
func TestListPlanDoesNotSort(t *testing.T) {
	f := newFixture(t)
	to := f.now.Add(time.Hour)
	for _, filter := range []usage.Filter{
		{From: to.AddDate(-1, 0, 0), To: to},
		{From: to.AddDate(-1, 0, 0), To: to, ServiceID: f.svcA},
	} {
		query, args := usage.ListQuery(f.c1, filter, usage.Cursor{}, 51)
		dbtest.NoSort(t, f.Deps.DB, query, args...)
	}
}
