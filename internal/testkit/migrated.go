package testkit

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/db/pgcluster"
)

// migrated keeps, per set of modules, the database file of a portal booted once: a
// test's fresh data directory starts from a copy of it. Running every migration costs
// about a third of a boot, and the suite boots a portal hundreds of times (far more
// under the race detector). The copy is what Boot leaves on an empty directory, so the
// boot that follows finds every migration applied and goes on exactly as on a new
// installation's second start.
//
// On PostgreSQL (dbtest.Postgres) the same cache holds a migrated template database
// per set of modules, and a test's database is a copy of it (CREATE DATABASE ...
// TEMPLATE), dropped when the test ends. The copy's URL is kept in the data directory
// (dbtest.URLFile), so a restart test's second boot finds the same database.
var migrated struct {
	mu        sync.Mutex
	files     map[string]*migratedEntry // module names → portal.db
	templates map[string]*migratedEntry // module names → template database (PostgreSQL)
}

// migratedEntry is one set of modules' migrated database, made once; tests of other
// module sets (TestLeaveModuleOut boots twenty) migrate theirs at the same time.
type migratedEntry struct {
	once sync.Once
	file []byte // SQLite
	tpl  string // PostgreSQL
	err  error
}

// entry returns the entry of key in m, creating it.
func entry(m *map[string]*migratedEntry, key string) *migratedEntry {
	migrated.mu.Lock()
	defer migrated.mu.Unlock()
	if *m == nil {
		*m = map[string]*migratedEntry{}
	}
	e := (*m)[key]
	if e == nil {
		e = &migratedEntry{}
		(*m)[key] = e
	}
	return e
}

// startMigrated puts the migrated database into dir unless dir has one already (a
// restart test boots twice on the same directory), and returns the database to boot
// on ("" for the SQLite file in dir).
func startMigrated(t testing.TB, dir string, ctors []app.Constructor) (string, error) {
	if dbtest.Postgres() {
		return startMigratedPostgres(t, dir, ctors)
	}
	target := filepath.Join(dir, "portal.db")
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	e := entry(&migrated.files, moduleKey(ctors))
	e.once.Do(func() {
		tmp := t.TempDir()
		if e.err = bootOnce(tmp, "", ctors); e.err == nil {
			e.file, e.err = os.ReadFile(filepath.Join(tmp, "portal.db"))
		}
	})
	if e.err != nil {
		return "", e.err
	}
	file := e.file
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	return "", os.WriteFile(target, file, 0o600)
}

func moduleKey(ctors []app.Constructor) string {
	names := make([]string, len(ctors))
	for i, ctor := range ctors {
		names[i] = ctor(app.Deps{}).Info().Name
	}
	return strings.Join(names, ",")
}

// startMigratedPostgres is startMigrated on PostgreSQL.
func startMigratedPostgres(t testing.TB, dir string, ctors []app.Constructor) (string, error) {
	if u, err := os.ReadFile(filepath.Join(dir, dbtest.URLFile)); err == nil {
		return string(u), nil
	}
	c, err := pgcluster.Shared()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	e := entry(&migrated.templates, moduleKey(ctors))
	e.once.Do(func() { e.tpl, e.err = sharedTemplate(ctx, t, c, ctors) })
	if e.err != nil {
		return "", e.err
	}
	tpl := e.tpl
	name := pgcluster.NewName("t")
	if err := c.Create(ctx, name, tpl); err != nil {
		return "", err
	}
	t.Cleanup(func() { c.Drop(context.Background(), name) })
	u := c.DatabaseURL(name)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	return u, os.WriteFile(filepath.Join(dir, dbtest.URLFile), []byte(u), 0o600)
}

// sharedTemplate returns the migrated template database for ctors on cluster c,
// shared by every test process on it (make test-postgres runs all packages on one
// cluster): its name is a digest of the migrations, so a changed migration gets a new
// one. A process migrates its own copy and publishes it by renaming it to that name;
// when another process got there first, it drops its copy and uses theirs.
func sharedTemplate(ctx context.Context, t testing.TB, c *pgcluster.Cluster, ctors []app.Constructor) (string, error) {
	h := sha256.New()
	for _, src := range app.MigrationSources(ctors) {
		err := fs.WalkDir(src.FS, ".", func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := fs.ReadFile(src.FS, path)
			fmt.Fprintf(h, "%s/%s %d\n", src.Name, path, len(b))
			h.Write(b)
			return err
		})
		if err != nil {
			return "", err
		}
	}
	name := fmt.Sprintf("tpl_%x", h.Sum(nil)[:12])
	if c.Exists(ctx, name) {
		return name, nil
	}
	mine := pgcluster.NewName("tplw")
	if err := c.Create(ctx, mine, ""); err != nil {
		return "", err
	}
	if err := bootOnce(t.TempDir(), c.DatabaseURL(mine), ctors); err != nil {
		c.Drop(ctx, mine)
		return "", err
	}
	if err := c.Rename(ctx, mine, name); err != nil {
		c.Drop(ctx, mine)
		if c.Exists(ctx, name) {
			return name, nil
		}
		return "", err
	}
	return name, nil
}

// bootOnce boots a portal on an empty directory (and database) and closes it,
// which on SQLite checkpoints the write-ahead log into the file.
func bootOnce(dir, database string, ctors []app.Constructor) error {
	cfg := app.Config{DataDir: dir, Database: database}
	if err := cfg.ValidateAndSetDefaults(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) }
	e, err := app.Boot(context.Background(), cfg, log, clock, ctors)
	if err != nil {
		return err
	}
	if err := e.Close(); err != nil {
		return err
	}
	if database != "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "portal.db-wal")); err == nil {
		return errors.New("testkit: the write-ahead log outlived the database's close")
	}
	return nil
}
