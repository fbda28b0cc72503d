package info

import (
	"context"

	"github.com/ispportal/portal/internal/core"
)

// DataChanges lists a client's contact data history, newest first. Only the tests
// read the history back; the portal writes it and shows it nowhere yet.
func DataChanges(ctx context.Context, q core.Querier, clientID int64, limit int) ([]DataChange, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := q.QueryContext(ctx, `SELECT id, client_id, field, old_value, new_value, actor, ip, at FROM info_data_changes
		WHERE client_id = ? ORDER BY id DESC LIMIT ?`, clientID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DataChange
	for rows.Next() {
		var dc DataChange
		var at string
		if err := rows.Scan(&dc.ID, &dc.ClientID, &dc.Field, &dc.Old, &dc.New, &dc.Actor, &dc.IP, &at); err != nil {
			return nil, err
		}
		dc.At = core.ParseTime(at)
		out = append(out, dc)
	}
	return out, rows.Err()
}

// ListMessagesQuery is ListMessages' statement, for the test that reads its plan.
var ListMessagesQuery = listMessagesQuery
