package blob

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// testDB opens (creating) the database of dir with the blob table.
func testDB(t *testing.T, dir string) *db.DB {
	t.Helper()
	d, err := db.Open(dbtest.Target(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := db.Migrate(context.Background(), d, Migrations()); err != nil {
		t.Fatal(err)
	}
	return d
}

func readAll(t *testing.T, d *db.DB, dataDir, stored string) []byte {
	t.Helper()
	f, err := Open(context.Background(), d, dataDir, "docs", stored)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != f.Size() {
		t.Fatalf("read %d bytes, Size says %d", len(b), f.Size())
	}
	return b
}

// An upload lives in the database: an instance with another data directory on the
// same database reads it, nothing stays on disk, a replaced file and a deleted row's
// file are gone with the transaction that replaced or deleted them.
func TestFilesLiveInTheDatabase(t *testing.T) {
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	a := testDB(t, dirA)
	target := a.Path
	if a.URL != "" {
		target = a.URL
	}
	b, err := db.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := a.W.Exec(`CREATE TABLE docs (id BIGINT PRIMARY KEY, stored_path TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), (2*chunkSize+1000)/16) // three chunks
	var first Stored
	err = Put(ctx, a, dirA, "docs", bytes.NewReader(big), func(tx *sql.Tx, s Stored) (string, error) {
		first = s
		_, err := tx.Exec(`INSERT INTO docs (id, stored_path) VALUES (1, ?)`, s.Path)
		return "", err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, b, dirB, first.Path); !bytes.Equal(got, big) {
		t.Fatalf("instance B read %d bytes, want the %d uploaded", len(got), len(big))
	}
	if left, _ := os.ReadDir(filepath.Join(dirA, "docs")); len(left) != 0 {
		t.Fatalf("spool files left on disk: %v", left)
	}

	// A failed save keeps nothing.
	boom := errors.New("boom")
	if err := Put(ctx, a, dirA, "docs", bytes.NewReader([]byte("x")), func(*sql.Tx, Stored) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("Put = %v", err)
	}
	var chunks int
	a.R.QueryRow(`SELECT COUNT(*) FROM blob_chunks`).Scan(&chunks)
	if chunks != 3 {
		t.Fatalf("%d chunks stored, want the first file's 3", chunks)
	}

	// Replacing drops the old content with the same transaction.
	var second Stored
	err = Put(ctx, a, dirA, "docs", bytes.NewReader([]byte("new")), func(tx *sql.Tx, s Stored) (string, error) {
		second = s
		_, err := tx.Exec(`UPDATE docs SET stored_path = ? WHERE id = 1`, s.Path)
		return first.Path, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, b, dirB, "docs", first.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("replaced file still readable: %v", err)
	}
	if got := readAll(t, b, dirB, second.Path); string(got) != "new" {
		t.Fatalf("replacement reads %q", got)
	}
	err = a.Tx(ctx, func(tx *sql.Tx) error {
		_, err := DeleteRow(ctx, tx, "docs", 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, b, dirB, "docs", second.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deleted row's file still readable: %v", err)
	}
}

// A file an older version stored on disk is still served from there.
func TestOpenReadsOlderFilesFromDisk(t *testing.T) {
	dir := t.TempDir()
	d := testDB(t, dir)
	name, _, _, err := StoreUpload(filepath.Join(dir, "docs"), bytes.NewReader([]byte("old")), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, d, dir, "docs/"+name); string(got) != "old" {
		t.Fatalf("read %q", got)
	}
}
