package usage_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/modules/usage"
)

// The Detailed list's first page must come from an index in its order, whatever the
// client's share of the records. PostgreSQL settles a prepared statement on a generic
// plan, made without the parameters' values; with the index on (client_id, at) that
// plan read and sorted every record of the client (0.3 s for a million) to return
// fifty. The test asks for the generic plan outright, and on SQLite for its only plan.
func TestListPlanDoesNotSort(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.now.Add(time.Hour)
	for _, filter := range []usage.Filter{
		{From: to.AddDate(-1, 0, 0), To: to},
		{From: to.AddDate(-1, 0, 0), To: to, ServiceID: f.svcA},
	} {
		query, args := usage.ListQuery(f.c1, filter, usage.Cursor{}, 51)
		plan := explain(t, ctx, f.Deps.DB, query, args)
		if strings.Contains(plan, "Sort") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("filter %+v: the plan sorts the records:\n%s", filter, plan)
		}
	}
}

// explain returns the plan of query with args: on PostgreSQL the generic plan of the
// prepared statement, on SQLite EXPLAIN QUERY PLAN.
func explain(t *testing.T, ctx context.Context, d *db.DB, query string, args []any) string {
	t.Helper()
	conn, err := d.R.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows *sql.Rows
	if d.Dialect == db.Postgres {
		if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, `RESET plan_cache_mode`)
		if _, err := conn.ExecContext(ctx, `PREPARE list_plan AS `+db.Rewrite(query)); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, `DEALLOCATE list_plan`)
		vals := make([]string, len(args))
		for i, a := range args {
			vals[i] = fmt.Sprint(a)
		}
		rows, err = conn.QueryContext(ctx, `EXPLAIN EXECUTE list_plan(`+strings.Join(vals, ", ")+`)`)
	} else {
		rows, err = conn.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, *vals[len(vals)-1].(*any))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
