package blob

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ispportal/portal/internal/db"
)

// Files live in the database (table blob_chunks), for every instance to serve: a
// shared disk (NFS) would be one more thing to install and keep consistent, and no
// S3-compatible server is installable here from Debian's archive (no minio package).
// An upload is first spooled to a file under the data directory (StoreUpload: size
// limit and type sniffing without holding it in memory), then copied into the
// database in the transaction that records its row, and the spool file removed.
// Files stored on disk by an older version are still read from there (Open).

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the blob_chunks table's migrations.
func Migrations() db.Source {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	return db.Source{Name: "blob", FS: sub}
}

// chunkSize is the most content one row holds.
const chunkSize = 256 << 10

// Keep copies the spooled file dataDir/stored into the database under the name
// stored, in tx. The caller removes the spool file once tx is done.
func Keep(ctx context.Context, tx *sql.Tx, dataDir, stored string) error {
	f, err := os.Open(filepath.Join(dataDir, filepath.FromSlash(stored)))
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, chunkSize)
	for n := 0; ; n++ {
		k, err := io.ReadFull(f, buf)
		if k > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_chunks (name, n, data) VALUES (?, ?, ?)`, stored, n, buf[:k]); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Forget deletes the stored file name from the database, in tx (nothing if absent).
func Forget(ctx context.Context, tx *sql.Tx, name string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM blob_chunks WHERE name = ?`, name)
	return err
}

// File is a stored file opened for reading.
type File interface {
	io.ReadCloser
	Size() int64
}

// OpenStored opens the file stored in the database under name; fs.ErrNotExist when
// there is none.
func OpenStored(ctx context.Context, d *db.DB, name string) (File, error) {
	var size, chunks int64
	if err := d.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(LENGTH(data)), 0), COUNT(*) FROM blob_chunks WHERE name = ?`, name).
		Scan(&size, &chunks); err != nil {
		return nil, err
	}
	if chunks == 0 {
		return nil, fs.ErrNotExist
	}
	return &dbFile{d: d, name: name, size: size, chunks: chunks}, nil
}

// dbFile reads a stored file one chunk at a time. A download streams after its
// handler returned, so the chunks are read without the request's context.
type dbFile struct {
	d            *db.DB
	name         string
	size, chunks int64
	next         int64
	buf          bytes.Reader
}

func (f *dbFile) Size() int64  { return f.size }
func (f *dbFile) Close() error { return nil }

func (f *dbFile) Read(p []byte) (int, error) {
	for f.buf.Len() == 0 {
		if f.next >= f.chunks {
			return 0, io.EOF
		}
		var data []byte
		if err := f.d.R.QueryRowContext(context.Background(), `SELECT data FROM blob_chunks WHERE name = ? AND n = ?`, f.name, f.next).
			Scan(&data); err != nil {
			return 0, err
		}
		f.next++
		f.buf.Reset(data)
	}
	return f.buf.Read(p)
}

// OpenFile opens a file on disk as a File (a regular file only).
func OpenFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return diskFile{File: f, size: st.Size()}, nil
}

// diskFile is a file stored on disk by an older version.
type diskFile struct {
	*os.File
	size int64
}

func (f diskFile) Size() int64 { return f.size }
