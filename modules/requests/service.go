package requests

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// SetState moves request id to state and returns the request as it is now; the API
// and the CLI both change states through it. An unknown request is core.ErrNotFound,
// a state outside States an ErrInvalid. The caller writes the audit entry in tx (it
// knows the actor); the returned request names the client it concerns.
func SetState(ctx context.Context, tx *sql.Tx, id int64, state string, now time.Time) (Request, error) {
	var clientID int64
	err := tx.QueryRowContext(ctx, `SELECT client_id FROM support_requests WHERE id = ?`, id).Scan(&clientID)
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, core.ErrNotFound
	}
	if err != nil {
		return Request{}, err
	}
	if err := SetRequestState(ctx, tx, id, state, now); err != nil {
		return Request{}, err
	}
	return RequestForClient(ctx, tx, clientID, id)
}
