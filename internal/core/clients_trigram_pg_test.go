package core_test

import (
	"context"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

// TestSearchClientsTrigramOnPostgres: on PostgreSQL, among 100,000 clients, the
// staff's client search walks the clients in number order for a text every client
// contains and asks the trigram index (migration 0011) for a text one client
// contains, every time, on one connection that is told to use generic plans: the
// query passes db.PlanEach, so the server plans it for each text instead of using one
// plan for both (a prepared statement's generic plan asks the index for every text,
// 0.4 s for a common one). The index's own scan counter tells which plan ran.
func TestSearchClientsTrigramOnPostgres(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("PostgreSQL's trigram index; SQLite's (FTS5) is TestSearchClientsIndexed's")
	}
	env := testkit.New(t)
	ctx := context.Background()
	if _, err := env.Deps.DB.W.ExecContext(ctx, `INSERT INTO clients (number, name, email, phone, created_at, updated_at)
		SELECT 'N' || g, 'Client ' || md5(g::text), 'c' || g || '@example.net', '+420 601 ' || g, '2026-11-02T10:00:00Z', '2026-11-02T10:00:00Z'
		FROM generate_series(100000, 199999) g`); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Deps.DB.W.ExecContext(ctx, `ANALYZE clients`); err != nil {
		t.Fatal(err)
	}
	r := env.Deps.DB.R
	conn, err := r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// scans reads the index's scan counter once the searching connection has reported
	// its own (an idle backend may otherwise hold them for ten seconds).
	scans := func() int64 {
		t.Helper()
		for _, q := range []string{`SELECT pg_stat_force_next_flush()`, `SELECT 1`} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		if err := r.QueryRowContext(ctx, `SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'clients_search_trgm'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// As if the server had settled on generic plans for every prepared statement.
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	const runs = 8
	before := scans()
	for range runs {
		list, err := core.SearchClients(ctx, conn, core.ClientFilter{Query: "example.net", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 50 || list[0].Number != "N100000" {
			t.Fatalf("a text every client contains: %d clients", len(list))
		}
	}
	if n := scans() - before; n != 0 {
		t.Errorf("the index was asked %d times in %d searches for a text every client contains", n, runs)
	}
	before = scans()
	for i := range runs {
		var name string
		number := "N" + string(rune('1')) + "1" + string(rune('0'+i)) + "000"
		if err := r.QueryRowContext(ctx, `SELECT name FROM clients WHERE number = ?`, number).Scan(&name); err != nil {
			t.Fatal(err)
		}
		list, err := core.SearchClients(ctx, conn, core.ClientFilter{Query: name[12:22], Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Number != number {
			t.Fatalf("%q (%s's) found %d clients", name[12:22], number, len(list))
		}
	}
	if n := scans() - before; n < runs {
		t.Errorf("the index was asked %d times in %d searches for a text one client contains", n, runs)
	}
}
