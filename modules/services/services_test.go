package services

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/settings"
)

func TestMigrationsIncludeTraffic(t *testing.T) {
	names, err := fs.Glob(Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, " ") != "0001_services.sql 0002_ids_never_reused.sql 0003_services_client_name.sql 0004_services_search.postgres.sql 0004_services_search.sql 0101_traffic.sql 0102_clustered.postgres.sql 0102_clustered.sql" {
		t.Fatalf("migrations %v", names)
	}
	// And the app really ran them: the traffic tables exist.
	f := newFixture(t)
	var n int
	if err := f.env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM traffic_5m`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Clustered by service and time, so that a graph reads neighbouring pages (on
	// SQLite; PostgreSQL keeps heaps and reads a graph through the primary key).
	if f.env.Deps.DB.Dialect == db.Postgres {
		return
	}
	for _, table := range []string{"traffic_counters", "traffic_5m", "traffic_hour", "traffic_day"} {
		var ddl string
		if err := f.env.Deps.DB.R.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&ddl); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if !strings.HasSuffix(ddl, "WITHOUT ROWID") {
			t.Errorf("%s is not clustered: %s", table, ddl)
		}
	}
}

func TestPruneWorker(t *testing.T) {
	f := newFixture(t)
	now := f.env.Clock.Now()
	f.ingest(t, steady(f.netIP, now.Add(-50*24*time.Hour), 12, 1000))
	f.env.Set(settings.TrafficRetentionDays.Key, "10")
	pruneFirst = time.Millisecond
	defer func() { pruneFirst = time.Minute }()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { New(f.env.Deps).Info().Worker(ctx); close(done) }()
	deadline := time.Now().Add(2 * time.Second)
	for {
		var n int
		if err := f.env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM traffic_5m WHERE service_id = ?`, f.netIP).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker did not prune: %d rows left", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}
