package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrNotPerBrand is returned when a brand value is set for a setting the registry
// does not mark PerBrand.
var ErrNotPerBrand = errors.New("this setting cannot differ per brand")

// PerBrandDefs lists the settings a brand may give its own value, in registry order.
func PerBrandDefs() []*Def {
	var out []*Def
	for _, d := range All() {
		if d.PerBrand {
			out = append(out, d)
		}
	}
	return out
}

// BrandValue returns a brand's own value of a setting and whether it has one.
func (s *Store) BrandValue(d *Def, brand int64) (string, bool) {
	v, ok := s.snap().brand[brand][d.Key]
	return v, ok
}

// SetBrandTx validates and stores a brand's own value of a PerBrand setting in the
// caller's transaction, audited like any setting (with the brand's id). The snapshot
// follows at the next Sync.
func (s *Store) SetBrandTx(ctx context.Context, tx *sql.Tx, key string, brand int64, value, actor string) error {
	d, ok := Lookup(key)
	if !ok {
		return fmt.Errorf("%s: %w", key, ErrUnknown)
	}
	if !d.PerBrand || brand <= 0 {
		return &ValidationError{Key: d.Key, Rule: ErrNotPerBrand.Error()}
	}
	v := d.Normalize(value)
	if err := d.Validate(v); err != nil {
		return err
	}
	var old sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings_brand WHERE key = ? AND brand_id = ?`, d.Key, brand).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if old.Valid && old.String == v {
		return nil
	}
	now := s.now().UTC().Format(time.RFC3339)
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings_brand (key, brand_id, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key, brand_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		d.Key, brand, v, now); err != nil {
		return err
	}
	return s.audit(ctx, tx, d, 0, brand, old, sql.NullString{String: v, Valid: true}, actor, now)
}

// ResetBrandTx removes a brand's own value, so the global one applies on its domains.
func (s *Store) ResetBrandTx(ctx context.Context, tx *sql.Tx, key string, brand int64, actor string) error {
	d, ok := Lookup(key)
	if !ok {
		return fmt.Errorf("%s: %w", key, ErrUnknown)
	}
	var old sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings_brand WHERE key = ? AND brand_id = ?`, d.Key, brand).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings_brand WHERE key = ? AND brand_id = ?`, d.Key, brand); err != nil {
		return err
	}
	return s.audit(ctx, tx, d, 0, brand, old, sql.NullString{}, actor, s.now().UTC().Format(time.RFC3339))
}

// DeleteBrandTx removes every value of a brand (the brand is deleted) and moves the
// revision.
func (s *Store) DeleteBrandTx(ctx context.Context, tx *sql.Tx, brand int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings_brand WHERE brand_id = ?`, brand); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE settings_revision SET rev = rev + 1 WHERE id = 1`)
	return err
}

func loadBrandValues(ctx context.Context, tx *sql.Tx, n *snapshot) error {
	rows, err := tx.QueryContext(ctx, `SELECT key, brand_id, value FROM settings_brand`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		var b int64
		if err := rows.Scan(&k, &b, &v); err != nil {
			return err
		}
		if n.brand[b] == nil {
			n.brand[b] = map[string]string{}
		}
		n.brand[b][k] = v
	}
	return rows.Err()
}
