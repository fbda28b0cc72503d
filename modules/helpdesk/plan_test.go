package helpdesk

import (
	"testing"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

// Tickets, a client's or everybody's (the console's list), of every state or of one,
// come from an index in the list's order on both databases (migrations 0004 and
// 0005): on PostgreSQL the generic plan a prepared statement settles on, not only the
// plan for this data.
func TestListPlanDoesNotSort(t *testing.T) {
	env := testkit.New(t, New)
	client := env.AddClient("6001", 0)
	for _, f := range []TicketFilter{{ClientID: client}, {ClientID: client, State: StateClosed}, {}, {State: StateOpen}} {
		query, args := listTicketsQuery(f)
		dbtest.NoSort(t, env.Deps.DB, query, args...)
	}
}
