package notify

import (
	"testing"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

// A client's latest notifications come from an index in the list's order on both
// databases (migration 0003): on PostgreSQL the generic plan a prepared statement
// settles on, not only the plan for this data.
func TestRecentPlanDoesNotSort(t *testing.T) {
	env := testkit.New(t, New)
	dbtest.NoSort(t, env.Deps.DB, sqlRecent, env.AddClient("7001", 0), 20)
}
