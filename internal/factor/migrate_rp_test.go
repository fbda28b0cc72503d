package factor

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/settings"
)

// TestPasskeyRPBackfill: passkeys registered before their host was stored get the
// host of the ci_url stored at the upgrade (port, path, user info cut off, lower case).
func TestPasskeyRPBackfill(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(dbtest.Target(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	old := fstest.MapFS{}
	for _, n := range []string{"0001_factors.sql", "0002_passkeys.sql"} {
		b, err := fs.ReadFile(migrations, "migrations/"+n)
		if err != nil {
			t.Fatal(err)
		}
		old[n] = &fstest.MapFile{Data: b}
	}
	if err := db.Migrate(ctx, d, core.Migrations(), settings.Migrations(), db.Source{Name: "factor", FS: old}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`INSERT INTO settings (key, group_id, value, updated_at) VALUES ('ci_url', 0, 'https://u@Portal.ISP.example:8443/portal/', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`INSERT INTO factor_passkeys (kind, account_id, credential_id, name, credential, created_at) VALUES ('client', 1, ?, 'a', '{}', '')`, []byte{1}); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, d, core.Migrations(), settings.Migrations(), Migrations()); err != nil {
		t.Fatal(err)
	}
	var rp string
	if err := d.R.QueryRow(`SELECT rp_id FROM factor_passkeys`).Scan(&rp); err != nil || rp != "portal.isp.example" {
		t.Fatalf("backfilled rp_id %q (%v)", rp, err)
	}
}
