package traffic

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// TestClusteredMigrationKeepsRows: a database written with the first schema keeps
// every row when its tables are rebuilt clustered.
func TestClusteredMigrationKeepsRows(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(dbtest.Target(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	first, err := fs.ReadFile(Migrations, "0001_traffic.sql")
	if err != nil {
		t.Fatal(err)
	}
	src := Source()
	old := db.Source{Name: src.Name, FS: fstest.MapFS{"0001_traffic.sql": {Data: first}}}
	if err := db.Migrate(ctx, d, old); err != nil {
		t.Fatal(err)
	}
	tables := []string{"traffic_counters", "traffic_5m", "traffic_hour", "traffic_day"}
	for i, table := range tables {
		for s := int64(1); s <= 3; s++ {
			for b := int64(0); b < 5; b++ {
				if _, err := d.W.Exec(`INSERT INTO `+table+` VALUES (?, ?, ?, ?)`, s, 300*b, int64(i)*1000+s*10+b, b); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := db.Migrate(ctx, d, src); err != nil {
		t.Fatal(err)
	}
	for i, table := range tables {
		var n, sum int64
		if err := d.R.QueryRow(`SELECT COUNT(*), SUM(down) FROM `+table).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		// 3 services × 5 rows; down = i*1000 + s*10 + b summed over s and b.
		if want := int64(15*i*1000 + 5*10*(1+2+3) + 3*(0+1+2+3+4)); n != 15 || sum != want {
			t.Errorf("%s: %d rows, sum %d; want 15 rows, sum %d", table, n, sum, want)
		}
	}
}
