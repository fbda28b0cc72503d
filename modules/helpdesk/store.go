package helpdesk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Ticket states.
const (
	StateOpen    = "open"
	StateWaiting = "waiting"
	StateClosed  = "closed"
)

// Item types and directions.
const (
	TypeEmail    = "email"
	TypeSMS      = "sms"
	TypeInPerson = "in_person"
	TypePhone    = "phone"
	TypeNote     = "note" // internal: never shown to the client
	DirIn        = "in"   // from the client
	DirOut       = "out"  // from staff
)

// Errors of the store functions.
var (
	ErrBadState     = errors.New("helpdesk: state must be open, waiting or closed")
	ErrBadItem      = errors.New("helpdesk: item type must be email, sms, in_person, phone or note and direction in or out")
	ErrNoPortalDept = errors.New("helpdesk: no department takes portal requests")
	ErrClosed       = errors.New("helpdesk: ticket is closed")
	ErrEmpty        = errors.New("helpdesk: empty text")
)

// Department is a helpdesk department.
type Department struct {
	ID         int64
	ExternalID string
	Name       string
	// PortalRequests marks the department that takes tickets created in the portal.
	PortalRequests bool
}

// Ticket is one helpdesk ticket.
type Ticket struct {
	ID             int64
	ExternalID     string
	ClientID       int64  // 0 while no client is assigned
	ClientNumber   string // filled by reads: the client's number, "" without a client
	DepartmentID   int64
	DepartmentName string // filled by reads
	StaffID        int64  // the staff member it is assigned to, 0: nobody
	StaffName      string // filled by reads
	Subject        string
	State          string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Item is one entry of a ticket's conversation.
type Item struct {
	ID         int64
	ExternalID string
	TicketID   int64
	Type       string
	Direction  string
	Body       string
	Author     string // the client's or the staff member's name
	CreatedAt  time.Time
}

// ValidState reports whether s is a ticket state.
func ValidState(s string) bool { return s == StateOpen || s == StateWaiting || s == StateClosed }

func validItem(it Item) bool {
	switch it.Type {
	case TypeEmail, TypeSMS, TypeInPerson, TypePhone, TypeNote:
	default:
		return false
	}
	return it.Direction == DirIn || it.Direction == DirOut
}

// SaveDepartment inserts a department, or updates the one with the same ID or (when
// given) external id, and returns its id.
func SaveDepartment(ctx context.Context, tx *sql.Tx, d Department, now time.Time) (int64, error) {
	name, err := core.Required(d.Name)
	if err != nil {
		return 0, fmt.Errorf("helpdesk: department name %w", err)
	}
	if d.ID == 0 && d.ExternalID != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM helpdesk_departments WHERE external_id = ?`, d.ExternalID).Scan(&d.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	if d.ID != 0 {
		res, err := tx.ExecContext(ctx, `UPDATE helpdesk_departments SET name = ?, portal_requests = ? WHERE id = ?`,
			name, d.PortalRequests, d.ID)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
		return d.ID, nil
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO helpdesk_departments (external_id, name, portal_requests, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, core.Null(d.ExternalID), name, d.PortalRequests, core.Now(now))
	if err != nil {
		return 0, fmt.Errorf("helpdesk.SaveDepartment: %w", err)
	}
	return id, nil
}

// ListDepartments returns every department by name.
func ListDepartments(ctx context.Context, q core.Querier) ([]Department, error) {
	return core.List(ctx, q, scanDepartment, `SELECT id, COALESCE(external_id, ''), name, portal_requests
		FROM helpdesk_departments ORDER BY lower(name), id`)
}

func scanDepartment(row core.Row) (Department, error) {
	var d Department
	err := row.Scan(&d.ID, &d.ExternalID, &d.Name, &d.PortalRequests)
	return d, err
}

// PortalDepartment returns the department that takes portal requests (the oldest one
// when staff marked several), or ErrNoPortalDept.
func PortalDepartment(ctx context.Context, q core.Querier) (Department, error) {
	var d Department
	err := q.QueryRowContext(ctx, `SELECT id, COALESCE(external_id, ''), name, portal_requests
		FROM helpdesk_departments WHERE portal_requests = 1 ORDER BY id LIMIT 1`).
		Scan(&d.ID, &d.ExternalID, &d.Name, &d.PortalRequests)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNoPortalDept
	}
	return d, err
}

// SaveTicket inserts a ticket, or updates the one with the same ID or external id, and
// returns its id. An empty state means open.
func SaveTicket(ctx context.Context, tx *sql.Tx, t Ticket, now time.Time) (int64, error) {
	if t.State == "" {
		t.State = StateOpen
	}
	if !ValidState(t.State) {
		return 0, ErrBadState
	}
	// One line, whoever sends it: the subject goes into the header of every mailed
	// reply, which cannot hold a line break.
	subject, err := core.Required(t.Subject)
	if err != nil {
		return 0, fmt.Errorf("helpdesk: ticket subject %w", err)
	}
	t.Subject = subject
	if t.ID == 0 && t.ExternalID != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM helpdesk_tickets WHERE external_id = ?`, t.ExternalID).Scan(&t.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	ts := core.Now(now)
	if t.ID != 0 {
		res, err := tx.ExecContext(ctx, `UPDATE helpdesk_tickets SET client_id = ?, department_id = ?, subject = ?, state = ?,
			updated_at = ? WHERE id = ?`, core.Null(t.ClientID), t.DepartmentID, t.Subject, t.State, ts, t.ID)
		if err != nil {
			return 0, fmt.Errorf("helpdesk.SaveTicket: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
		return t.ID, nil
	}
	created := ts
	if !t.CreatedAt.IsZero() {
		created = core.Now(t.CreatedAt)
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO helpdesk_tickets (external_id, client_id, department_id, subject, state,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		core.Null(t.ExternalID), core.Null(t.ClientID), t.DepartmentID, t.Subject, t.State, created, ts)
	if err != nil {
		return 0, fmt.Errorf("helpdesk.SaveTicket: %w", err)
	}
	return id, nil
}

// SetTicketState changes a ticket's state.
func SetTicketState(ctx context.Context, tx *sql.Tx, id int64, state string, now time.Time) error {
	if !ValidState(state) {
		return ErrBadState
	}
	res, err := tx.ExecContext(ctx, `UPDATE helpdesk_tickets SET state = ?, updated_at = ? WHERE id = ?`, state, core.Now(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

const ticketCols = `t.id, COALESCE(t.external_id, ''), COALESCE(t.client_id, 0), COALESCE(c.number, ''), t.department_id,
	d.name, COALESCE(t.staff_id, 0), COALESCE(NULLIF(s.name, ''), s.login, ''), t.subject, t.state, t.created_at, t.updated_at`

const ticketFrom = ` FROM helpdesk_tickets t JOIN helpdesk_departments d ON d.id = t.department_id
	LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN staff s ON s.id = t.staff_id`

func scanTicket(row interface{ Scan(...any) error }) (Ticket, error) {
	var t Ticket
	var created, updated string
	err := row.Scan(&t.ID, &t.ExternalID, &t.ClientID, &t.ClientNumber, &t.DepartmentID, &t.DepartmentName, &t.StaffID, &t.StaffName, &t.Subject, &t.State,
		&created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return t, core.ErrNotFound
	}
	t.CreatedAt, t.UpdatedAt = core.ParseTime(created), core.ParseTime(updated)
	return t, err
}

// TicketByID loads any ticket (staff use).
func TicketByID(ctx context.Context, q core.Querier, id int64) (Ticket, error) {
	return scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE t.id = ?`, id))
}

// ClientTicket loads a ticket of the client; another client's ticket gives
// core.ErrNotFound.
func ClientTicket(ctx context.Context, q core.Querier, clientID, id int64) (Ticket, error) {
	return scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE t.id = ? AND t.client_id = ?`, id, clientID))
}

// TicketFilter selects tickets; zero fields select everything.
type TicketFilter struct {
	ClientID int64
	State    string
	Limit    int // default 200
}

// ListTickets returns tickets of every department, most recently changed first.
func ListTickets(ctx context.Context, q core.Querier, f TicketFilter) ([]Ticket, error) {
	query, args := listTicketsQuery(f)
	return core.List(ctx, q, scanTicket, query, args...)
}

// listTicketsQuery pages a client's tickets by the index on (client_id, updated_at, id)
// (migration 0004), so neither database sorts them.
func listTicketsQuery(f TicketFilter) (string, []any) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ClientID != 0 {
		where, args = append(where, "t.client_id = ?"), append(args, f.ClientID)
	}
	if f.State != "" {
		where, args = append(where, "t.state = ?"), append(args, f.State)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	return `SELECT ` + ticketCols + ticketFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY t.updated_at DESC, t.id DESC LIMIT ?`, append(args, f.Limit)
}

// AddItem appends an item to a ticket and marks the ticket changed. An item whose
// external id is already stored is not added again (its id is returned), so the
// billing system can resend.
func AddItem(ctx context.Context, tx *sql.Tx, it Item, now time.Time) (int64, error) {
	if !validItem(it) {
		return 0, ErrBadItem
	}
	var err error
	if it.Author, err = core.Line(it.Author); err != nil {
		return 0, fmt.Errorf("helpdesk: author %w", err)
	}
	if it.Body, err = core.Text(it.Body); err != nil {
		return 0, fmt.Errorf("helpdesk: body %w", err)
	}
	if it.ExternalID != "" {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM helpdesk_items WHERE external_id = ?`, it.ExternalID).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	created := now
	if !it.CreatedAt.IsZero() {
		created = it.CreatedAt
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO helpdesk_items (external_id, ticket_id, type, direction, body, author, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, core.Null(it.ExternalID), it.TicketID, it.Type, it.Direction, it.Body, it.Author, core.Now(created))
	if err != nil {
		return 0, fmt.Errorf("helpdesk.AddItem: %w", err)
	}
	at := core.Now(created)
	_, err = tx.ExecContext(ctx, `UPDATE helpdesk_tickets SET updated_at = CASE WHEN updated_at > ? THEN updated_at ELSE ? END WHERE id = ?`,
		at, at, it.TicketID)
	return id, err
}

// ListItems returns a ticket's conversation in time order; internal notes only when
// withNotes is set (never for the client).
func ListItems(ctx context.Context, q core.Querier, ticketID int64, withNotes bool) ([]Item, error) {
	query := `SELECT id, COALESCE(external_id, ''), ticket_id, type, direction, body, author, created_at
		FROM helpdesk_items WHERE ticket_id = ?`
	if !withNotes {
		query += ` AND type <> 'note'`
	}
	return core.List(ctx, q, scanItem, query+` ORDER BY created_at, id`, ticketID)
}

func scanItem(row core.Row) (Item, error) {
	var it Item
	var created string
	err := row.Scan(&it.ID, &it.ExternalID, &it.TicketID, &it.Type, &it.Direction, &it.Body, &it.Author, &created)
	it.CreatedAt = core.ParseTime(created)
	return it, err
}
