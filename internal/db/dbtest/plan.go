package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
)

// Plan returns the plan the database runs query with args by: on SQLite EXPLAIN QUERY
// PLAN; on PostgreSQL the generic plan of the prepared statement (the plan a prepared
// statement settles on after five executions when its estimated cost is no worse,
// made without the parameters' values), with sorting priced out (enable_sort off).
// A test's tables are nearly empty, and on them sorting a row or two is the cheapest
// plan whatever the indexes; priced out, a sort stays in the plan only where no index
// gives the order, which is what a list over a large table needs. One line per node.
func Plan(t testing.TB, d *db.DB, query string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := d.R.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows *sql.Rows
	if d.Dialect == db.Postgres {
		for _, set := range []string{`plan_cache_mode = force_generic_plan`, `enable_sort = off`} {
			if _, err := conn.ExecContext(ctx, `SET `+set); err != nil {
				t.Fatal(err)
			}
		}
		defer conn.ExecContext(ctx, `RESET ALL`)
		if _, err := conn.ExecContext(ctx, `PREPARE plan_under_test AS `+db.Rewrite(query)); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, `DEALLOCATE plan_under_test`)
		// EXECUTE takes literals; quoted, each is coerced to the type PREPARE gave its
		// parameter. A generic plan does not depend on them.
		vals := make([]string, len(args))
		for i, a := range args {
			if tm, ok := a.(time.Time); ok {
				a = tm.UTC().Format(time.RFC3339Nano)
			}
			vals[i] = "'" + strings.ReplaceAll(fmt.Sprint(a), "'", "''") + "'"
		}
		exec := `EXPLAIN EXECUTE plan_under_test`
		if len(vals) > 0 {
			exec += `(` + strings.Join(vals, ", ") + `)` // PostgreSQL refuses empty parentheses
		}
		rows, err = conn.QueryContext(ctx, exec)
	} else {
		rows, err = conn.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		// The node's text is the last column on both databases.
		fmt.Fprintln(&b, *vals[len(vals)-1].(*any))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// NoSort fails t when the plan of query (see Plan) sorts its rows: a list paged from
// an index in its order reads a page's rows, one that sorts reads every matching row
// first (all of a client's, for a client's list).
func NoSort(t testing.TB, d *db.DB, query string, args ...any) {
	t.Helper()
	plan := Plan(t, d, query, args...)
	if strings.Contains(plan, "Sort") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("the plan sorts the rows:\n%s\nquery: %s", plan, query)
	}
}
