// Package traffic stores per-service traffic counters, rolls them up into
// 5-minute, hourly and daily buckets, answers usage queries (graphs, FUP)
// and renders server-side SVG graphs.
//
// Input is cumulative byte counters as a router or SNMP poller reports
// them. Ingest turns consecutive counters into deltas and adds each delta
// to the 5-minute, hour and day bucket of the interval's end in the same
// transaction, so reads never aggregate raw data over long ranges.
package traffic

import (
	"embed"
	"io/fs"
	"time"

	"github.com/ispportal/portal/internal/db"
)

// MigrationsName is the namespace under which Migrations are recorded.
const MigrationsName = "traffic"

//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations holds the package's NNNN_name.sql files at its root, ready for
// db.Migrate(ctx, d, db.Source{Name: MigrationsName, FS: traffic.Migrations}).
var Migrations = mustSub(migrationsFS, "migrations")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		// Only reachable if the embed pattern above is edited wrongly.
		panic("traffic: " + err.Error())
	}
	return sub
}

// Default retention and sanity limits, used when Config leaves them zero.
const (
	DefaultFineRetention = 35 * 24 * time.Hour
	DefaultHourRetention = 400 * 24 * time.Hour
	// DefaultMaxBitsPerSecond is the sanity cap: a delta implying a higher
	// sustained rate over its interval is treated as a counter glitch.
	DefaultMaxBitsPerSecond = 10_000_000_000
)

// Bucket widths in seconds.
const (
	fineStep = 300
	hourStep = 3600
)

// Config tunes a Store. The zero value is usable.
type Config struct {
	// Location decides where a "day" starts for daily rollups and graph
	// labels. It must not change once data exists, because day buckets are
	// keyed by local midnight. Default: time.Local.
	Location *time.Location
	// MaxBitsPerSecond rejects deltas above this sustained rate.
	MaxBitsPerSecond uint64
	// HourRetention is how long hourly rollups are kept by Prune.
	HourRetention time.Duration
	// DayRetention is how long daily rollups are kept; 0 keeps them forever.
	DayRetention time.Duration
}

// Store reads and writes traffic data. Writes use the single writer
// connection, reads use the read pool.
type Store struct {
	d   *db.DB
	loc *time.Location
	// maxBytesPerSec is MaxBitsPerSecond/8, compared against deltas.
	maxBytesPerSec uint64
	hourRetention  time.Duration
	dayRetention   time.Duration
	cache          seriesCache
}

// New returns a Store on a migrated database.
func New(d *db.DB, cfg Config) *Store {
	s := &Store{d: d, loc: cfg.Location, hourRetention: cfg.HourRetention, dayRetention: cfg.DayRetention}
	if s.loc == nil {
		s.loc = time.Local
	}
	bits := cfg.MaxBitsPerSecond
	if bits == 0 {
		bits = DefaultMaxBitsPerSecond
	}
	s.maxBytesPerSec = bits / 8
	if s.hourRetention <= 0 {
		s.hourRetention = DefaultHourRetention
	}
	return s
}

// Location returns the time zone used for day buckets and labels.
func (s *Store) Location() *time.Location { return s.loc }

// Sample is one reading of a service's cumulative counters: bytes since the
// counter started, as a router reports them.
type Sample struct {
	ServiceID int64
	At        time.Time
	Down, Up  uint64
}
