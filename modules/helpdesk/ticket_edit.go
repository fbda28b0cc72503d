package helpdesk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/core"
)

// Errors of EditTicket and LogItem, each inside a *core.FieldError naming the field.
var (
	ErrNoDepartment = errors.New("helpdesk: no such department")
	ErrNoClient     = errors.New("helpdesk: no client with this number")
	ErrNoStaff      = errors.New("helpdesk: not an active staff member")
	ErrNoChange     = errors.New("helpdesk: the change changes nothing")
	ErrLogType      = errors.New("helpdesk: log a note, a phone call or an in-person visit")
)

// TicketEdit is a staff change to a ticket: state, department, client and assignee.
type TicketEdit struct {
	State        string
	DepartmentID int64
	ClientNumber string // the client's number; "" leaves the ticket without a client
	StaffID      int64  // the staff member it is assigned to; 0: nobody
}

// EditTicket applies a staff change to ticket id in tx and returns the ticket as it is
// now and what changed (the audit detail; the caller writes the entry). An unknown
// state, department, client number or staff member is a *core.FieldError naming the
// field; a change that changes nothing is ErrNoChange on "state".
func EditTicket(ctx context.Context, tx *sql.Tx, id int64, e TicketEdit, now time.Time) (Ticket, string, error) {
	old, err := TicketByID(ctx, tx, id)
	if err != nil {
		return Ticket{}, "", err
	}
	if !ValidState(e.State) {
		return Ticket{}, "", &core.FieldError{Field: "state", Err: ErrBadState}
	}
	if ok, err := DepartmentExists(ctx, tx, e.DepartmentID); err != nil {
		return Ticket{}, "", err
	} else if !ok {
		return Ticket{}, "", &core.FieldError{Field: "department", Err: ErrNoDepartment}
	}
	var clientID int64
	if num, err := core.Line(e.ClientNumber); err != nil {
		return Ticket{}, "", &core.FieldError{Field: "client", Err: ErrNoClient}
	} else if num != "" {
		cl, err := core.ClientByNumber(ctx, tx, num)
		if errors.Is(err, core.ErrNotFound) {
			return Ticket{}, "", &core.FieldError{Field: "client", Err: ErrNoClient}
		} else if err != nil {
			return Ticket{}, "", err
		}
		clientID = cl.ID
	}
	if e.StaffID != 0 {
		s, err := core.StaffByID(ctx, tx, e.StaffID)
		if errors.Is(err, core.ErrNotFound) || (err == nil && (!s.Active || s.Role == core.RoleAPI)) {
			return Ticket{}, "", &core.FieldError{Field: "staff", Err: ErrNoStaff}
		} else if err != nil {
			return Ticket{}, "", err
		}
	}
	var did []string
	if e.State != old.State {
		did = append(did, "state "+e.State)
	}
	if e.DepartmentID != old.DepartmentID {
		did = append(did, fmt.Sprintf("department %d", e.DepartmentID))
	}
	if clientID != old.ClientID {
		did = append(did, fmt.Sprintf("client %d", clientID))
	}
	if e.StaffID != old.StaffID {
		did = append(did, fmt.Sprintf("staff %d", e.StaffID))
	}
	if len(did) == 0 {
		return Ticket{}, "", &core.FieldError{Field: "state", Err: ErrNoChange}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE helpdesk_tickets SET state = ?, department_id = ?, client_id = ?, staff_id = ?,
		updated_at = ? WHERE id = ?`, e.State, e.DepartmentID, core.Null(clientID), core.Null(e.StaffID), core.Now(now), id); err != nil {
		return Ticket{}, "", err
	}
	t, err := TicketByID(ctx, tx, id)
	return t, fmt.Sprintf("ticket %d: %s", id, strings.Join(did, ", ")), err
}

// LogItem records on ticket id what happened outside e-mail: an internal note (never
// shown to the client), a phone call or an in-person visit (shown to the client
// without contents), with its direction (in: the client called or came; out: staff
// did). A note needs text; every text holds at most MaxBody runes.
func LogItem(ctx context.Context, tx *sql.Tx, id int64, typ, dir, author, body string, now time.Time) (int64, error) {
	switch typ {
	case TypeNote:
		dir = DirOut
	case TypePhone, TypeInPerson:
		if dir != DirIn && dir != DirOut {
			return 0, &core.FieldError{Field: "direction", Err: ErrBadItem}
		}
	default:
		return 0, &core.FieldError{Field: "type", Err: ErrLogType}
	}
	body, err := core.Text(body)
	if err != nil {
		return 0, &core.FieldError{Field: "body", Err: err}
	}
	body = strings.TrimSpace(body)
	if typ == TypeNote && body == "" {
		return 0, &core.FieldError{Field: "body", Err: ErrEmpty}
	}
	if utf8.RuneCountInString(body) > MaxBody {
		return 0, &core.FieldError{Field: "body", Err: ErrTooLong}
	}
	if _, err := TicketByID(ctx, tx, id); err != nil {
		return 0, err
	}
	return AddItem(ctx, tx, Item{TicketID: id, Type: typ, Direction: dir, Body: body, Author: author}, now)
}
