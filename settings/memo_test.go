package settings

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// A memoised value is built once per revision, and built again in every process after
// a setting or an invoice group changes (the group through the revision trigger).
func TestMemoFollowsTheRevision(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	server, d := newStore(t, path)
	cli, _ := newStore(t, path)
	ctx := context.Background()
	builds := 0
	name := func() string {
		v, err := Memo(server, "test.name", func() (string, error) {
			builds++
			var n string
			err := d.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(name), '') FROM invoice_groups`).Scan(&n)
			return PortalName.Get(server) + "/" + n, err
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := name() + name(); got != "//" || builds != 1 {
		t.Fatalf("got %q after %d builds, want one build of \"/\"", got, builds)
	}
	if err := cli.Set(ctx, "ci_portal_name", 0, "NetWave", "cli"); err != nil {
		t.Fatal(err)
	}
	if err := server.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "NetWave/" || builds != 2 {
		t.Fatalf("after a setting: got %q after %d builds", got, builds)
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := core.SaveGroup(ctx, tx, core.InvoiceGroup{Name: "North"}, "2026-12-03T00:00:00Z")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "NetWave/" {
		t.Fatalf("before Sync the request's revision holds: got %q", got)
	}
	if err := server.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "NetWave/North" || builds != 3 {
		t.Fatalf("after an invoice group: got %q after %d builds", got, builds)
	}
}
