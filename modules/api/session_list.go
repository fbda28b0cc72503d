package api

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// sessionRef is how many hex digits of a session's token hash name it on the staff
// member's sessions page (as web.SessionRow.Ref does for console sessions).
const sessionRef = 16

// listSessions answers app.Hooks.APISessions.List: the staff member's live API
// sessions, the latest used first.
func (m *Module) listSessions(ctx context.Context, staffID int64) ([]web.SessionRow, error) {
	now := core.Now(m.d.Now())
	rows, err := m.d.DB.R.QueryContext(ctx, `SELECT token_hash, user_agent, ip, created_at, last_used FROM api_sessions
		WHERE staff_id = ? AND expires_at > ? AND hard_expires_at > ? ORDER BY last_used DESC, id DESC`, staffID, now, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []web.SessionRow
	for rows.Next() {
		var h, ua, created, used string
		var r web.SessionRow
		if err := rows.Scan(&h, &ua, &r.IP, &created, &used); err != nil {
			return nil, err
		}
		r.Ref, r.Device = h[:sessionRef], web.Device(ua)
		r.CreatedAt, r.LastSeen = core.ParseTime(created), core.ParseTime(used)
		out = append(out, r)
	}
	return out, rows.Err()
}

// endSessions answers app.Hooks.APISessions.End: it deletes the staff member's API
// session ref (every one of theirs when ref is ""), never another account's.
func endSessions(ctx context.Context, tx *sql.Tx, staffID int64, ref string) (int64, error) {
	q, args := `DELETE FROM api_sessions WHERE staff_id = ?`, []any{staffID}
	if ref != "" {
		if len(ref) != sessionRef || strings.Trim(ref, "0123456789abcdef") != "" {
			return 0, nil
		}
		q += ` AND substr(token_hash, 1, ?) = ?`
		args = append(args, sessionRef, ref)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
