package testkit

import (
	"context"
	"errors"
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
)

// migrated keeps, per set of modules, the database file of a portal booted once: a
// test's fresh data directory starts from a copy of it. Running every migration costs
// about a third of a boot, and the suite boots a portal hundreds of times (far more
// under the race detector). The copy is what Boot leaves on an empty directory, so the
// boot that follows finds every migration applied and goes on exactly as on a new
// installation's second start.
var migrated struct {
	mu    sync.Mutex
	files map[string][]byte // module names → portal.db
}

// startMigrated writes the migrated database into dir unless dir has one already (a
// restart test boots twice on the same directory).
func startMigrated(t testing.TB, dir string, ctors []app.Constructor) error {
	target := filepath.Join(dir, "portal.db")
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	names := make([]string, len(ctors))
	for i, ctor := range ctors {
		names[i] = ctor(app.Deps{}).Info().Name
	}
	key := strings.Join(names, ",")
	migrated.mu.Lock()
	defer migrated.mu.Unlock()
	if migrated.files == nil {
		migrated.files = map[string][]byte{}
	}
	file, ok := migrated.files[key]
	if !ok {
		var err error
		if file, err = bootOnce(t.TempDir(), ctors); err != nil {
			return err
		}
		migrated.files[key] = file
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return os.WriteFile(target, file, 0o600)
}

// bootOnce boots a portal on an empty directory, closes it (which checkpoints the
// write-ahead log into the file) and returns the database file.
func bootOnce(dir string, ctors []app.Constructor) ([]byte, error) {
	cfg := app.Config{DataDir: dir}
	if err := cfg.ValidateAndSetDefaults(); err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) }
	e, err := app.Boot(context.Background(), cfg, log, clock, ctors)
	if err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "portal.db-wal")); err == nil {
		return nil, errors.New("testkit: the write-ahead log outlived the database's close")
	}
	return os.ReadFile(filepath.Join(dir, "portal.db"))
}
