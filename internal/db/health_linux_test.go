package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The errors come from the real thing: the kernel's /dev/full, a missing directory,
// SQLite with max_page_count reached or query_only set.
func TestStorageErrorsAndWritable(t *testing.T) {
	ctx := context.Background()
	full := os.WriteFile("/dev/full", []byte("x"), 0)
	if full == nil || !Unwritable(full) || !Internal(full) {
		t.Fatalf("ENOSPC from /dev/full: %v unwritable %t internal %t", full, Unwritable(full), Internal(full))
	}
	missing := os.WriteFile(filepath.Join(t.TempDir(), "no", "such", "dir"), nil, 0o600)
	if Unwritable(missing) || !Internal(missing) {
		t.Fatalf("missing directory: %v unwritable %t internal %t", missing, Unwritable(missing), Internal(missing))
	}
	if refusal := errors.New("document: title is required"); Internal(refusal) || Unwritable(refusal) {
		t.Fatal("a refusal of input counts as internal")
	}

	d := open(t)
	if err := d.Writable(ctx); err != nil {
		t.Fatalf("fresh database: %v", err)
	}
	if d.Dialect == Postgres {
		t.Skip("sqlite-only: max_page_count and query_only are SQLite's; TestPostgresFaults covers PostgreSQL's")
	}
	if _, err := d.W.Exec(`CREATE TABLE t (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int64
	d.W.QueryRow(`PRAGMA page_count`).Scan(&pages)
	d.W.QueryRow(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)).Scan(&pages)
	_, err := d.W.Exec(`INSERT INTO t VALUES (randomblob(20000))`)
	if !Unwritable(err) || !Internal(err) {
		t.Fatalf("insert at max_page_count: %v", err)
	}
	if err := d.Writable(ctx); !errors.Is(err, ErrNoRoom) || !Unwritable(err) {
		t.Fatalf("Writable at max_page_count: %v", err)
	}
	d.W.QueryRow(`PRAGMA max_page_count = 1073741823`).Scan(&pages)
	if err := d.Writable(ctx); err != nil {
		t.Fatalf("cap lifted: %v", err)
	}
	if _, err := d.W.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	if err := d.Writable(ctx); !Unwritable(err) {
		t.Fatalf("Writable on a read-only connection: %v", err)
	}
	d.W.Exec(`PRAGMA query_only = 0`)
	if free, err := freeBytes(t.TempDir()); err != nil || free <= 0 {
		t.Fatalf("freeBytes: %d %v", free, err)
	}
}
