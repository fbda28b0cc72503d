package services

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/ispportal/portal/settings"
)

func TestMigrationsIncludeTraffic(t *testing.T) {
	names, err := fs.Glob(Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, " ") != "0001_services.sql 0002_ids_never_reused.sql 0101_traffic.sql 0102_clustered.sql" {
		t.Fatalf("migrations %v", names)
	}
	// And the app really ran them: the traffic tables exist.
	f := newFixture(t)
	var n int
	if err := f.env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM traffic_5m`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Clustered by service and time, so that a graph reads neighbouring pages.
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

// TestTranslationsComplete: every services.* key used in code or templates exists in
// both catalogs, and the catalogs hold the same keys.
func TestTranslationsComplete(t *testing.T) {
	used := map[string]bool{}
	keyRE := regexp.MustCompile(`"(services\.[a-z_.]+[a-z_])"`)
	dynRE := regexp.MustCompile(`printf "(services\.[a-z_.]+)%s"`)
	expand := map[string][]string{
		"services.kind.":       Kinds,
		"services.state.":      {StateActive, StateSuspended, StateTerminated},
		"services.fup.limit_":  {FUPDay, FUPWeek, FUPMonth},
		"services.fup.period_": {FUPDay, FUPWeek, FUPMonth},
		"services.period.":     {"day", "week", "month", "year"},
	}
	files, _ := filepath.Glob("*.go")
	tpls, _ := filepath.Glob("templates/*.html")
	for _, name := range append(files, tpls...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
		for _, m := range dynRE.FindAllStringSubmatch(string(b), -1) {
			vals, ok := expand[m[1]]
			if !ok {
				t.Fatalf("%s: dynamic key %q: add it to this test", name, m[1])
			}
			for _, v := range vals {
				used[m[1]+v] = true
			}
		}
	}
	// Keys built in Go code from a prefix.
	for _, k := range Kinds {
		used["services.kind."+k] = true
	}
	catalogs := map[string]map[string]any{}
	for _, lang := range []string{"en", "cs"} {
		m := map[string]any{}
		if _, err := toml.DecodeFile("locales/"+lang+".toml", &m); err != nil {
			t.Fatal(err)
		}
		catalogs[lang] = m
		for k := range used {
			if _, ok := m[k]; !ok {
				t.Errorf("%s.toml lacks %q", lang, k)
			}
		}
	}
	for k := range catalogs["en"] {
		if _, ok := catalogs["cs"][k]; !ok {
			t.Errorf("cs.toml lacks %q (in en.toml)", k)
		}
	}
	if len(used) < 40 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
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
