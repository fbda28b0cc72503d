package helpdesk

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// The one limit of each staff-written text, whichever way it arrives (console, API,
// CLI); the API's validate tags say the same.
const (
	MaxBody           = 100000 // runes of a staff reply
	MaxDepartmentName = 200    // runes of a department name
)

// ErrTooLong refuses a text over its limit.
var ErrTooLong = errors.New("helpdesk: text too long")

// StaffReply stores a staff reply to ticket ticketID and queues its mail (see
// ReplyAsStaff); externalID, when given, is the caller's id of the reply item. The body
// must hold text and at most MaxBody runes: *core.FieldError "body" with ErrEmpty or
// ErrTooLong otherwise.
func StaffReply(ctx context.Context, tx *sql.Tx, d app.Deps, ticketID int64, author, body, externalID string) (ReplyResult, error) {
	if strings.TrimSpace(body) == "" {
		return ReplyResult{}, &core.FieldError{Field: "body", Err: ErrEmpty}
	}
	if utf8.RuneCountInString(body) > MaxBody {
		return ReplyResult{}, &core.FieldError{Field: "body", Err: ErrTooLong}
	}
	res, err := ReplyAsStaff(ctx, tx, d, ticketID, author, body)
	if err != nil || externalID == "" {
		return res, err
	}
	// The item is ours within this transaction, so it gets the caller's id before
	// anything commits.
	_, err = tx.ExecContext(ctx, `UPDATE helpdesk_items SET external_id = ? WHERE id = ?`, externalID, res.ItemID)
	return res, err
}

// SaveDepartmentChecked saves a department (SaveDepartment) after checking its name:
// *core.FieldError "name" with ErrEmpty or ErrTooLong.
func SaveDepartmentChecked(ctx context.Context, tx *sql.Tx, dep Department, now time.Time) (int64, error) {
	dep.Name = strings.TrimSpace(dep.Name)
	if dep.Name == "" {
		return 0, &core.FieldError{Field: "name", Err: ErrEmpty}
	}
	if utf8.RuneCountInString(dep.Name) > MaxDepartmentName {
		return 0, &core.FieldError{Field: "name", Err: ErrTooLong}
	}
	return SaveDepartment(ctx, tx, dep, now)
}

// ItemTicket finds the item with this external id: its id and its ticket's, both 0
// when there is none.
func ItemTicket(ctx context.Context, q core.Querier, ext string) (itemID, ticketID int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, ticket_id FROM helpdesk_items WHERE external_id = ?`, ext).Scan(&itemID, &ticketID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return itemID, ticketID, err
}

// TicketIDByExternal finds a ticket's id by external id (core.ErrNotFound).
func TicketIDByExternal(ctx context.Context, q core.Querier, ext string) (int64, error) {
	return idByExternal(ctx, q, `SELECT id FROM helpdesk_tickets WHERE external_id = ?`, ext)
}

// DepartmentIDByExternal finds a department's id by external id (core.ErrNotFound).
func DepartmentIDByExternal(ctx context.Context, q core.Querier, ext string) (int64, error) {
	return idByExternal(ctx, q, `SELECT id FROM helpdesk_departments WHERE external_id = ?`, ext)
}

// DepartmentExists reports whether a department has this id.
func DepartmentExists(ctx context.Context, q core.Querier, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM helpdesk_departments WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

func idByExternal(ctx context.Context, q core.Querier, query, ext string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query, strings.TrimSpace(ext)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.ErrNotFound
	}
	return id, err
}
