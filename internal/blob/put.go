package blob

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ispportal/portal/internal/db"
)

// Stored is content saved by Put: the path to record in the row, its size and the
// sniffed content type.
type Stored struct {
	Path        string
	Size        int64
	ContentType string
}

// Put stores r under dataDir/sub and calls save in one write transaction to record
// it; save returns the stored path of a row it replaced ("" if none). File and row
// stay consistent: a failed save removes the new file, and the replaced file is
// removed only after the commit. Upload problems come back as UploadError messages.
func Put(ctx context.Context, d *db.DB, dataDir, sub string, r io.Reader, save func(tx *sql.Tx, s Stored) (replaced string, err error)) error {
	name, size, ctype, err := StoreUpload(filepath.Join(dataDir, sub), r, MaxUploadBytes)
	if err != nil {
		return UploadError(err)
	}
	s := Stored{Path: sub + "/" + name, Size: size, ContentType: ctype}
	var old string
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		old, err = save(tx, s)
		return err
	})
	if err != nil {
		Remove(dataDir, sub, s.Path)
		return err
	}
	if old != "" && old != s.Path {
		Remove(dataDir, sub, old)
	}
	return nil
}

// UploadError turns a StoreUpload error into a message for staff. The result still
// matches ErrTooLarge or ErrEmpty with errors.Is; other errors pass unchanged.
func UploadError(err error) error {
	switch {
	case errors.Is(err, ErrTooLarge):
		return &uploadError{msg: fmt.Sprintf("file is larger than the limit of %d MB; compress or split it", MaxUploadBytes>>20), err: err}
	case errors.Is(err, ErrEmpty):
		return &uploadError{msg: "file is empty", err: err}
	}
	return err
}

// uploadError is a message for staff that keeps its cause for errors.Is.
type uploadError struct {
	msg string
	err error
}

func (e *uploadError) Error() string { return e.msg }
func (e *uploadError) Unwrap() error { return e.err }
