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

// Put stores r under the stored path sub/<new name> and calls save in the same write
// transaction to record it; save returns the stored path of a row it replaced (""
// if none), whose content goes in that transaction too. File and row stay
// consistent: both are written or neither. Upload problems come back as UploadError
// messages.
func Put(ctx context.Context, d *db.DB, dataDir, sub string, r io.Reader, save func(tx *sql.Tx, s Stored) (replaced string, err error)) error {
	var s Stored
	var old string
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if s, err = Save(ctx, tx, dataDir, sub, r); err != nil {
			return err
		}
		if old, err = save(tx, s); err != nil || old == "" || old == s.Path {
			return err
		}
		return Forget(ctx, tx, old)
	})
	if err == nil && old != "" && old != s.Path {
		Remove(dataDir, sub, old) // stored on disk by an older version
	}
	return err
}

// Save stores r in the database under the stored path sub/<new name>, in tx, through
// a spool file under dataDir/sub that it removes. Upload problems come back as
// UploadError messages.
func Save(ctx context.Context, tx *sql.Tx, dataDir, sub string, r io.Reader) (Stored, error) {
	name, size, ctype, err := StoreUpload(filepath.Join(dataDir, sub), r, MaxUploadBytes)
	if err != nil {
		return Stored{}, UploadError(err)
	}
	s := Stored{Path: sub + "/" + name, Size: size, ContentType: ctype}
	defer Remove(dataDir, sub, s.Path)
	return s, Keep(ctx, tx, dataDir, s.Path)
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
