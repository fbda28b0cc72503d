package payments

import (
	"testing"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/invoices"
)

// The console's lists of attempts, saved methods and automatic charges of every client
// (the Online payments page), and of one client's attempts (the client card), come
// from indexes in their order on both databases (migration 0006), not from a sort of
// the table. (One client's saved method and charges are a row or a few a month.)
func TestStaffListPlansDoNotSort(t *testing.T) {
	env := testkit.New(t, invoices.New, New)
	for _, l := range []staffList{staffAttempts, staffMandates, staffCharges} {
		query, args := l.query(0, 200)
		dbtest.NoSort(t, env.Deps.DB, query, args...)
	}
	query, args := staffAttempts.query(env.AddClient("3001", 0), 200)
	dbtest.NoSort(t, env.Deps.DB, query, args...)
}
