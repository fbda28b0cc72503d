package services

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// TestStaffServicesOrderAndPlan: the console's services list is ordered by client
// number, then service name and id, whichever order the rows were written in; on
// SQLite that order comes from walking the clients' number index and the
// services_client_name index (migration 0003), with no sort of every service.
func TestStaffServicesOrderAndPlan(t *testing.T) {
	f := newFixture(t)
	env, ctx := f.env, context.Background()
	late := env.AddClient("4999", 0) // a lower number, written last
	env.Tx(func(tx *sql.Tx) error {
		for _, name := range []string{"Zahrada", "Anténa", "Zahrada"} {
			if _, err := SaveService(ctx, tx, Service{ClientID: late, TariffID: f.plain, Name: name}, env.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	args := []any{"", "", "%%", "%%", "%%", "%%", "%%", staffListLimit}
	type row struct {
		number, name string
		id           int64
	}
	list, err := core.List(ctx, env.Deps.DB.R, func(r core.Row) (row, error) {
		var x row
		var clientName string
		s, err := scanService(r, &x.number, &clientName)
		x.name, x.id = s.Name, s.ID
		return x, err
	}, staffServicesQuery, args...)
	if err != nil || len(list) != 9 {
		t.Fatalf("list: %d rows, %v", len(list), err)
	}
	if !slices.IsSortedFunc(list, func(a, b row) int {
		if a.number != b.number {
			return strings.Compare(a.number, b.number)
		}
		if a.name != b.name {
			return strings.Compare(a.name, b.name)
		}
		return int(a.id - b.id)
	}) || list[0].number != "4999" || list[0].name != "Anténa" {
		t.Errorf("not in client number, name, id order: %+v", list)
	}
	if !dbtest.Postgres() {
		dbtest.NoSort(t, env.Deps.DB, staffServicesQuery, args...)
	}
}
