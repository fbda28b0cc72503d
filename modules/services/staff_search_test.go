package services

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// TestStaffServicesSearchIndexed: on SQLite the console's services search looks a
// text up in the trigram indexes of services and clients (migrations services 0004,
// core 0010) and shows exactly what walking every service shows, after services were
// added, renamed and deleted; the indexes are really asked.
func TestStaffServicesSearchIndexed(t *testing.T) {
	dbtest.SkipSQLiteOnly(t, "the trigram indexes are SQLite's (FTS5); PostgreSQL searches with LIKE alone")
	f, env := staffFixture(t)
	ctx := context.Background()
	env.Tx(func(tx *sql.Tx) error {
		s, err := ServiceByID(ctx, tx, f.tv)
		if err != nil {
			return err
		}
		s.Name, s.Address = "Televize ložnice", "Horní 5, Brno"
		if _, err := SaveService(ctx, tx, s, env.Clock.Now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM services WHERE id = ?`, f.voip)
		return err
	})
	if _, err := env.Deps.DB.W.ExecContext(ctx, `INSERT INTO services_search (services_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("the index does not match the services: %v", err)
	}
	m := &Module{d: env.Deps}
	list := func(text string, indexed bool) []int64 {
		t.Helper()
		query, args := staffServicesQuery, []any{"", "", "%" + core.LikeEscape(text) + "%", "", "", "", "", staffListLimit}
		for i := 3; i < 7; i++ {
			args[i] = args[2]
		}
		if indexed {
			var err error
			if query, args, err = m.staffServicesSearch(ctx, text, ""); err != nil {
				t.Fatal(err)
			}
			if query != staffServicesFound {
				t.Fatalf("%q: the search walked", text)
			}
		}
		ids, err := core.List(ctx, env.Deps.DB.R, func(r core.Row) (int64, error) {
			var number, name string
			s, err := scanService(r, &number, &name)
			return s.ID, err
		}, query, args...)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return ids
	}
	cases := map[string][]int64{
		"ložnice":      {f.tv},
		"obývák":       nil, // renamed
		"pevná linka":  nil, // deleted
		"horní 5":      {f.tv},
		"192.0.2.4":    {f.netIP},
		"5002":         {f.other},                                // the client's number
		"Client 5001":  {f.netIP, f.netDHCP, f.terminated, f.tv}, // the client's name; ordered by service name
		"ŽIŽKOV":       nil,                                      // LIKE folds ASCII only; the index's few more are checked with it
		"nic takového": nil,
	}
	for text, want := range cases {
		got, walked := list(text, true), list(text, false)
		slices.Sort(want)
		gotSorted, walkedSorted := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(walked))
		if !slices.Equal(got, walked) || !slices.Equal(gotSorted, want) || !slices.Equal(walkedSorted, want) {
			t.Errorf("%q: indexed %v, walked %v, want %v (any order)", text, got, walked, want)
		}
	}
	// Text the index cannot take (a NUL, bytes that are not UTF-8) is walked, with the
	// same answer as before the index: none.
	for _, text := range []string{"Tele\x00vize", "\xff\xfe\xfd"} {
		query, _, err := m.staffServicesSearch(ctx, text, "")
		if err != nil || query != staffServicesQuery {
			t.Errorf("%q: %v, walked %v", text, err, query == staffServicesQuery)
		}
		if got := list(text, false); got != nil {
			t.Errorf("%q found %v", text, got)
		}
	}
	env.StaffBrowser(core.RoleSupport).Get("/admin/services?q=Tele%00vize").Expect(t, 200)

	// A service the index has forgotten is not found through it.
	if _, err := env.Deps.DB.W.ExecContext(ctx, `INSERT INTO services_search (services_search, rowid, name, ip_address, address)
		VALUES ('delete', ?, 'Televize ložnice', '', 'Horní 5, Brno')`, f.tv); err != nil {
		t.Fatal(err)
	}
	if got := list("ložnice", true); got != nil {
		t.Errorf("with the entry removed the index still found %v", got)
	}
}
