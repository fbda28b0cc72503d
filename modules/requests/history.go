package requests

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Kinds of history events; the client sees EventState and EventReply.
const (
	EventCreated = "created"
	EventState   = "state"
	EventReply   = "reply"
	EventAssign  = "assign"
)

// EventKinds lists the kinds of history events.
var EventKinds = []string{EventCreated, EventState, EventReply, EventAssign}

// Event is one line of a request's history.
type Event struct {
	ID     int64
	At     time.Time
	Author string // the staff member's name; the client's for EventCreated
	Kind   string
	Body   string // the reply, the new state, or the assignees' names
}

// Lines splits the body for display.
func (e Event) Lines() []string { return strings.Split(e.Body, "\n") }

// ForClient reports whether the client sees the event on the request page.
func (e Event) ForClient() bool { return e.Kind == EventState || e.Kind == EventReply }

func addEvent(ctx context.Context, tx *sql.Tx, requestID int64, at time.Time, author, kind, body string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO support_request_events (request_id, at, author, kind, body) VALUES (?, ?, ?, ?, ?)`,
		requestID, core.Now(at), author, kind, body)
	return err
}

// Events lists a request's history, oldest first; clientOnly keeps what the client sees.
func Events(ctx context.Context, q core.Querier, requestID int64, clientOnly bool) ([]Event, error) {
	query := `SELECT id, at, author, kind, body FROM support_request_events WHERE request_id = ?`
	if clientOnly {
		query += ` AND kind IN ('state', 'reply')`
	}
	return core.List(ctx, q, func(row core.Row) (Event, error) {
		var e Event
		var at string
		err := row.Scan(&e.ID, &at, &e.Author, &e.Kind, &e.Body)
		e.At = core.ParseTime(at)
		return e, err
	}, query+` ORDER BY id`, requestID)
}

// Assignee is a staff member a request is assigned to.
type Assignee struct {
	ID   int64
	Name string
}

// Assignees lists the staff a request is assigned to, by name.
func Assignees(ctx context.Context, q core.Querier, requestID int64) ([]Assignee, error) {
	return core.List(ctx, q, func(row core.Row) (Assignee, error) {
		var a Assignee
		return a, row.Scan(&a.ID, &a.Name)
	}, `SELECT s.id, CASE WHEN s.name = '' THEN s.login ELSE s.name END FROM support_request_assignees x
		JOIN staff s ON s.id = x.staff_id WHERE x.request_id = ? ORDER BY 2`, requestID)
}

// setAssignees replaces the request's assignees with ids and returns their names.
func setAssignees(ctx context.Context, tx *sql.Tx, requestID int64, ids []int64) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM support_request_assignees WHERE request_id = ?`, requestID); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO support_request_assignees (request_id, staff_id) VALUES (?, ?)
			ON CONFLICT (request_id, staff_id) DO NOTHING`,
			requestID, id); err != nil {
			return nil, err
		}
	}
	list, err := Assignees(ctx, tx, requestID)
	names := make([]string, 0, len(list))
	for _, a := range list {
		names = append(names, a.Name)
	}
	return names, err
}

// FlaggedStaff lists the active staff with both "send tasks via e-mail" and "send
// portal requests" on: they get every new request by e-mail and are its assignees.
func FlaggedStaff(ctx context.Context, q core.Querier) ([]core.Staff, error) {
	all, err := core.StaffList(ctx, q)
	var out []core.Staff
	for _, s := range all {
		if s.Active && s.SendTasksEmail && s.SendPortalRequests {
			out = append(out, s)
		}
	}
	return out, err
}

// assignNew assigns a new request to the flagged staff and records its creation.
func assignNew(ctx context.Context, tx *sql.Tx, requestID int64, clientName string, now time.Time) error {
	staff, err := FlaggedStaff(ctx, tx)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(staff))
	for _, s := range staff {
		ids = append(ids, s.ID)
	}
	names, err := setAssignees(ctx, tx, requestID, ids)
	if err != nil {
		return err
	}
	if err := addEvent(ctx, tx, requestID, now, clientName, EventCreated, ""); err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	return addEvent(ctx, tx, requestID, now, "", EventAssign, strings.Join(names, ", "))
}
