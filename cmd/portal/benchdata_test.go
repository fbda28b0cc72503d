package main

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// schema returns every table, index and trigger of the database in dir, with its SQL.
func schema(t *testing.T, dir string) string {
	t.Helper()
	d, err := db.Open(dbtest.ForDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, err := d.R.Query(`SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, tbl, sql string
		if err := rows.Scan(&typ, &name, &tbl, &sql); err != nil {
			t.Fatal(err)
		}
		b.WriteString(typ + " " + name + " " + tbl + " " + sql + "\n")
	}
	return b.String()
}

// TestBenchDataScaleAndSchema generates the smallest bench data set (issue 25's
// --clients): everything per client scales with it, and the indexes dropped for the
// load are back exactly as the migrations made them.
func TestBenchDataScaleAndSchema(t *testing.T) {
	t.Parallel()
	dbtest.SkipSQLiteOnly(t, "the bench data generator copies SQLite files (bench data on PostgreSQL is copied from them)")
	if code, _, errs := portal(t, "", "--data", t.TempDir(), "bench-data", "--clients", "99"); code == 0 {
		t.Fatalf("--clients 99 accepted: %s", errs)
	}
	migrated, generated := t.TempDir(), t.TempDir()
	if code, _, errs := portal(t, "", "--data", migrated, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	code, out, errs := portal(t, "", "--data", generated, "bench-data", "--clients", "100")
	if code != 0 {
		t.Fatalf("bench-data: %d %s", code, errs)
	}
	if !strings.Contains(out, "100 clients 1001..1100") || !strings.Contains(out, "indexes") {
		t.Errorf("output:\n%s", out)
	}
	if a, b := schema(t, migrated), schema(t, generated); a != b {
		t.Fatalf("bench-data left a different schema than migrate:\n%s\nvs\n%s", a, b)
	}
	n := counts(t, generated)
	for table, want := range map[string]int{"clients": 100, "invoices": 100 * benchMonths,
		"helpdesk_tickets": 100 * benchTicketsPer, "helpdesk_items": 100 * benchTicketsPer * benchItemsPerTkt,
		"usage_records": 99*benchUsagePer + 100*benchHeavyPer} {
		if n[table] != want {
			t.Errorf("%s: %d rows, want %d", table, n[table], want)
		}
	}
	// One Internet service per client, a second for every fifth: 120, each with a
	// day of 5-minute buckets.
	if want := 120 * benchFineHours * 12; n["traffic_5m"] != want {
		t.Errorf("traffic_5m: %d rows, want %d", n["traffic_5m"], want)
	}
}
