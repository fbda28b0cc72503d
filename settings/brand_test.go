package settings

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// TestBrandOverlay: a brand's view gives the brand's own value of a PerBrand setting
// over the global one, a group's value over both, and the global value for settings
// the brand has not set or that are not per brand; memoised values stay apart.
func TestBrandOverlay(t *testing.T) {
	s, d := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	tx := func(fn func(tx *sql.Tx) error) {
		t.Helper()
		if err := d.Tx(ctx, fn); err != nil {
			t.Fatal(err)
		}
		if err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, ContactText.Key, 0, "<p>global</p>", "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, ContactText.Key, 7, "<p>group 7</p>", "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, PortalName.Key, 0, "NetWave", "t"); err != nil {
		t.Fatal(err)
	}
	tx(func(tx *sql.Tx) error {
		if err := s.SetBrandTx(ctx, tx, ContactText.Key, 2, "<p>brand 2</p>", "t"); err != nil {
			return err
		}
		return s.SetBrandTx(ctx, tx, PortalName.Key, 2, "FiberNet", "t")
	})
	b2 := s.Brand(2)
	for _, c := range []struct{ got, want string }{
		{PortalName.Get(s), "NetWave"},
		{PortalName.Get(b2), "FiberNet"},
		{PortalName.Get(s.Brand(3)), "NetWave"}, // a brand without its own value
		{ContactText.For(b2, 0), "<p>brand 2</p>"},
		{ContactText.For(b2, 7), "<p>group 7</p>"}, // group > brand > global
		{ContactText.For(s, 0), "<p>global</p>"},
		{ContactText.For(s, 7), "<p>group 7</p>"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if s.Brand(0) != s || b2.BrandID() != 2 {
		t.Fatal("Brand(0) must be the store itself")
	}
	// Not per brand: refused, nothing stored.
	err := d.Tx(ctx, func(tx *sql.Tx) error { return s.SetBrandTx(ctx, tx, SMSPerMonth.Key, 2, "5", "t") })
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("a global-only setting per brand: %v", err)
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error { return s.SetBrandTx(ctx, tx, PortalURL.Key, 2, "javascript:alert(1)", "t") })
	if !errors.As(err, &ve) {
		t.Fatalf("an invalid brand value: %v", err)
	}
	// Memo keeps brands apart.
	name := func(st *Store) string {
		v, _ := Memo(st, "t:name", func() (string, error) { return PortalName.Get(st), nil })
		return v
	}
	if name(s) != "NetWave" || name(b2) != "FiberNet" {
		t.Fatal("memo mixes brands")
	}
	// Reset: the global value applies again; the change is audited with the brand.
	tx(func(tx *sql.Tx) error { return s.ResetBrandTx(ctx, tx, PortalName.Key, 2, "t") })
	if PortalName.Get(b2) != "NetWave" || name(b2) != "NetWave" {
		t.Fatal("reset brand value still applies")
	}
	var n int
	if err := d.R.QueryRow(`SELECT COUNT(*) FROM settings_audit WHERE brand_id = 2`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("brand changes audited: %d, %v", n, err)
	}
	tx(func(tx *sql.Tx) error { return s.DeleteBrandTx(ctx, tx, 2) })
	if ContactText.For(b2, 0) != "<p>global</p>" {
		t.Fatal("a deleted brand's values remain")
	}
}
