package sms

import (
	"testing"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

// A client's messages come from an index in the list's order on both databases
// (migration 0003), however many the client has sent: on PostgreSQL the generic plan
// a prepared statement settles on, not only the plan for this data.
func TestListPlanDoesNotSort(t *testing.T) {
	env := testkit.New(t, New)
	dbtest.NoSort(t, env.Deps.DB, sqlListMessages, env.AddClient("5001", 0), 50)
}

// The console's queue, of every status or one, comes from the primary key or the index
// on (status, id) (migration 0004) in its order, not from a sort of every message.
func TestQueuePlanDoesNotSort(t *testing.T) {
	env := testkit.New(t, New)
	for _, status := range []string{"", "failed"} {
		query, args := listQueueQuery(status, 200)
		dbtest.NoSort(t, env.Deps.DB, query, args...)
	}
}
