package settings

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the settings tables' migration source.
func Migrations() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Name: "settings", FS: sub}
}

type snapshot struct {
	rev    int64
	global map[string]string
	group  map[int64]map[string]string
	brand  map[int64]map[string]string // PerBrand values by brand id
	memo   sync.Map                    // Memo's values, computed at this revision
}

// get is the value of key: the invoice group's own, else the brand's own, else the
// global one, else def.
func (s *snapshot) get(key string, group, brand int64, def string) string {
	if group != 0 {
		if v, ok := s.group[group][key]; ok {
			return v
		}
	}
	if brand != 0 {
		if v, ok := s.brand[brand][key]; ok {
			return v
		}
	}
	if v, ok := s.global[key]; ok {
		return v
	}
	return def
}

// Store reads and writes setting values. Reads come from an immutable snapshot behind
// an atomic pointer; writes go to the database and replace the snapshot.
type Store struct {
	db  *db.DB
	cur atomic.Pointer[snapshot]
	mu  sync.Mutex // serialises reloads
	now func() time.Time
	// root and brand make a brand's view (see Brand): reads overlay the brand's
	// values; everything else goes to root.
	root  *Store
	brand int64
}

// Brand returns the view of the settings a brand's pages and mails read: a PerBrand
// setting with a value of the brand's own gives it, every other one the global value.
// Brand 0 is the store itself. A view is cheap (no copy); writes through it change
// the global values, as through the store.
func (s *Store) Brand(id int64) *Store {
	r := s.base()
	if id == 0 {
		return r
	}
	return &Store{db: r.db, now: r.now, root: r, brand: id}
}

// BrandID is the brand of a view (0 for the store itself).
func (s *Store) BrandID() int64 { return s.brand }

func (s *Store) base() *Store {
	if s.root != nil {
		return s.root
	}
	return s
}

// NewStore loads the current values. The settings migrations must have run.
func NewStore(ctx context.Context, d *db.DB) (*Store, error) {
	s := &Store{db: d, now: time.Now}
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) snap() *snapshot { return s.base().cur.Load() }

func (s *Store) reload(ctx context.Context) error {
	s = s.base()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := &snapshot{global: map[string]string{}, group: map[int64]map[string]string{}, brand: map[int64]map[string]string{}}
	// Read the revision and the values in one read transaction so they match.
	tx, err := s.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT rev FROM settings_revision WHERE id = 1`).Scan(&n.rev); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT key, group_id, value FROM settings`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		var g int64
		if err := rows.Scan(&k, &g, &v); err != nil {
			return err
		}
		if g == 0 {
			n.global[k] = v
			continue
		}
		if n.group[g] == nil {
			n.group[g] = map[string]string{}
		}
		n.group[g][k] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := loadBrandValues(ctx, tx, n); err != nil {
		return err
	}
	s.cur.Store(n)
	return nil
}

// Sync reloads the snapshot when another writer (another request, or `portal settings
// set` in another process) changed a value. It costs one indexed read, so the app calls
// it at the start of every request and a changed setting applies to the next request.
func (s *Store) Sync(ctx context.Context) error {
	var rev int64
	if err := s.db.R.QueryRowContext(ctx, `SELECT rev FROM settings_revision WHERE id = 1`).Scan(&rev); err != nil {
		return err
	}
	return s.SyncTo(ctx, rev)
}

// SyncTo is Sync for a caller that has already read settings_revision.rev (the client
// session query reads it along, saving a query on every client page).
func (s *Store) SyncTo(ctx context.Context, rev int64) error {
	if rev == s.snap().rev {
		return nil
	}
	return s.reload(ctx)
}

// Value returns the stored or default value of a key for a group (0 = global), and
// whether it was explicitly stored at that level.
func (s *Store) Value(d *Def, group int64) (string, bool) {
	sn := s.snap()
	if group != 0 {
		v, ok := sn.group[group][d.Key]
		if ok {
			return v, true
		}
		return sn.get(d.Key, 0, 0, d.Default), false
	}
	v, ok := sn.global[d.Key]
	if !ok {
		return d.Default, false
	}
	return v, true
}

// ErrUnknown is returned for a key that is not in the registry.
var ErrUnknown = errors.New("unknown setting")

// ErrNotPerGroup is returned when a group value is set for a global-only setting.
var ErrNotPerGroup = errors.New("this setting cannot differ per invoice group")

// Set validates and stores a value typed by a person (or a program) on behalf of actor,
// records the change in the audit table and makes it visible at once.
func (s *Store) Set(ctx context.Context, key string, group int64, value, actor string) error {
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return s.SetTx(ctx, tx, key, group, value, actor) }); err != nil {
		return err
	}
	return s.reload(ctx)
}

// SetTx is Set inside the caller's transaction. The snapshot is refreshed by the next
// Sync (the app syncs on every request), or at once when Set is used.
func (s *Store) SetTx(ctx context.Context, tx *sql.Tx, key string, group int64, value, actor string) error {
	d, ok := Lookup(key)
	if !ok {
		return fmt.Errorf("%s: %w", key, ErrUnknown)
	}
	if group != 0 && !d.PerGroup {
		return &ValidationError{Key: d.Key, Rule: ErrNotPerGroup.Error()}
	}
	v := d.Normalize(value)
	if err := d.Validate(v); err != nil {
		return err
	}
	var old sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ? AND group_id = ?`, d.Key, group).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	now := s.now().UTC().Format(time.RFC3339)
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, group_id, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key, group_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		d.Key, group, v, now); err != nil {
		return err
	}
	return s.audit(ctx, tx, d, group, 0, old, sql.NullString{String: v, Valid: true}, actor, now)
}

// Reset removes a stored value, so the default (or, for a group, the global value)
// applies again.
func (s *Store) Reset(ctx context.Context, key string, group int64, actor string) error {
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return s.ResetTx(ctx, tx, key, group, actor) }); err != nil {
		return err
	}
	return s.reload(ctx)
}

// ResetTx is Reset inside the caller's transaction; like SetTx, the snapshot follows
// at the next Sync.
func (s *Store) ResetTx(ctx context.Context, tx *sql.Tx, key string, group int64, actor string) error {
	d, ok := Lookup(key)
	if !ok {
		return fmt.Errorf("%s: %w", key, ErrUnknown)
	}
	var old sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ? AND group_id = ?`, d.Key, group).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ? AND group_id = ?`, d.Key, group); err != nil {
		return err
	}
	return s.audit(ctx, tx, d, group, 0, old, sql.NullString{}, actor, s.now().UTC().Format(time.RFC3339))
}

func (s *Store) audit(ctx context.Context, tx *sql.Tx, d *Def, group, brand int64, old, new sql.NullString, actor, now string) error {
	if d.Secret {
		// Secrets never reach the audit table; only the fact that they changed.
		mask := func(v sql.NullString) sql.NullString {
			if v.Valid {
				return sql.NullString{String: "••••••", Valid: true}
			}
			return v
		}
		old, new = mask(old), mask(new)
	} else if d.Mask != nil {
		old.String, new.String = d.Mask(old.String), d.Mask(new.String)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings_audit (key, group_id, brand_id, old_value, new_value, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.Key, group, brand, old, new, actor, now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE settings_revision SET rev = rev + 1 WHERE id = 1`)
	return err
}

// AuditEntry is one recorded change.
type AuditEntry struct {
	Key      string
	Group    int64
	Old, New *string
	Actor    string
	At       time.Time
}

// Audit lists recorded changes, newest first; key may be empty for all.
func (s *Store) Audit(ctx context.Context, key string, limit int) ([]AuditEntry, error) {
	return core.List(ctx, s.db.R, scanAudit, `SELECT key, group_id, old_value, new_value, actor, at FROM settings_audit
		WHERE (? = '' OR key = ?) ORDER BY id DESC LIMIT ?`, key, key, limit)
}

func scanAudit(row core.Row) (AuditEntry, error) {
	var e AuditEntry
	var old, new sql.NullString
	var at string
	if err := row.Scan(&e.Key, &e.Group, &old, &new, &e.Actor, &at); err != nil {
		return e, err
	}
	if old.Valid {
		e.Old = &old.String
	}
	if new.Valid {
		e.New = &new.String
	}
	e.At, _ = time.Parse(time.RFC3339, at)
	return e, nil
}

// Display returns a value as it may be shown: secrets are masked, and so are the
// parts a Mask hides.
func (d *Def) Display(v string) string {
	if d.Secret && v != "" {
		return "••••••"
	}
	if d.Mask != nil {
		return d.Mask(v)
	}
	return v
}
