package admin

import (
	"context"

	"github.com/ispportal/portal/internal/core"
)

// clientNumbers returns the client numbers of these client ids, read in one query
// (the callers pass at most a page of ids); an id missing from the map is a client deleted since.
// It serves lists whose store cannot join the clients table: the mail outbox knows
// nothing of clients (internal/mail migrates and tests without them). The other
// staff lists join in their own query.
func clientNumbers(ctx context.Context, q core.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	marks, args := core.InList(ids)
	rows, err := q.QueryContext(ctx, `SELECT id, number FROM clients WHERE id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			return nil, err
		}
		out[id] = number
	}
	return out, rows.Err()
}
