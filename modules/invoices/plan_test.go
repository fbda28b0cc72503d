package invoices_test

import (
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/modules/invoices"
)

// A client's invoices and payments, whole or a page, filtered or not, come from an
// index in the lists' order on both databases (migration 0002): on PostgreSQL the
// generic plan a prepared statement settles on, not only the plan for this data.
func TestListPlansDoNotSort(t *testing.T) {
	f := newFixture(t)
	d := f.env.Deps.DB
	today := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for _, filter := range []invoices.Filter{
		{},
		{Limit: 20, Offset: 40},
		{Year: 2026, Limit: 20},
		{State: invoices.StateOverdue, Today: today, Limit: 20},
	} {
		query, args := invoices.ListInvoicesQuery(f.alice, filter)
		dbtest.NoSort(t, d, query, args...)
	}
	for _, filter := range []invoices.PaymentFilter{{}, {Limit: 20, HideCash: true}} {
		dbtest.NoSort(t, d, invoices.ListPaymentsQuery(filter), f.alice)
	}
}
