package blob

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ispportal/portal/internal/core"
)

// DeleteRow deletes row id of table, a table of stored files with a stored_path
// column, and its file's content, and returns that path for the caller to Remove a
// file an older version kept on disk after the commit (a rollback then keeps row and
// file both). A missing row is core.ErrNotFound.
func DeleteRow(ctx context.Context, tx *sql.Tx, table string, id int64) (string, error) {
	var p string
	err := tx.QueryRowContext(ctx, `SELECT stored_path FROM `+table+` WHERE id = ?`, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", core.ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if _, err = tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id); err != nil {
		return "", err
	}
	return p, Forget(ctx, tx, p)
}
