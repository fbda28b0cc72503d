package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Request states.
const (
	StateNew        = "new"
	StateInProgress = "in_progress"
	StateDone       = "done"
	StateRejected   = "rejected"
)

// States lists the valid states in their natural order.
var States = []string{StateNew, StateInProgress, StateDone, StateRejected}

// Categories is the fixed list a client chooses from.
var Categories = []string{"technical", "service_change", "invoicing", "other"}

// Request is one support request.
type Request struct {
	ID         int64
	ExternalID string
	ClientID   int64
	Subject    string
	Category   string
	Body       string
	State      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Lines splits the text into lines for display (the page has no inline styles).
func (r Request) Lines() []string { return strings.Split(r.Body, "\n") }

// ErrInvalid wraps every reason a request is refused by the store.
var ErrInvalid = errors.New("invalid request")

// SaveRequest inserts a request (ID 0) or updates one and returns its id. A request
// whose ExternalID exists is updated, so the billing system can resync.
func SaveRequest(ctx context.Context, tx *sql.Tx, r Request, now time.Time) (int64, error) {
	if r.State == "" {
		r.State = StateNew
	}
	var err error
	if r.Subject, err = core.Line(r.Subject); err != nil {
		return 0, fmt.Errorf("%w: subject %v", ErrInvalid, err)
	}
	if r.Body, err = core.Text(r.Body); err != nil {
		return 0, fmt.Errorf("%w: text %v", ErrInvalid, err)
	}
	if !slices.Contains(States, r.State) || !slices.Contains(Categories, r.Category) || r.ClientID <= 0 ||
		strings.TrimSpace(r.Subject) == "" || strings.TrimSpace(r.Body) == "" {
		return 0, fmt.Errorf("%w: needs a client, subject, text, known category and state", ErrInvalid)
	}
	if r.ID == 0 && r.ExternalID != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM support_requests WHERE external_id = ?`, r.ExternalID).Scan(&r.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	var ext any
	if r.ExternalID != "" {
		ext = r.ExternalID
	}
	at := core.Now(now)
	if r.ID == 0 {
		id, err := core.InsertID(ctx, tx, `INSERT INTO support_requests (external_id, client_id, subject, category, body, state,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ext, r.ClientID, r.Subject, r.Category, r.Body, r.State, at, at)
		if err != nil {
			return 0, err
		}
		return id, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE support_requests SET external_id = ?, client_id = ?, subject = ?, category = ?,
		body = ?, state = ?, updated_at = ? WHERE id = ?`, ext, r.ClientID, r.Subject, r.Category, r.Body, r.State, at, r.ID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, core.ErrNotFound
	}
	return r.ID, nil
}

// SetRequestState changes a request's state.
func SetRequestState(ctx context.Context, tx *sql.Tx, id int64, state string, now time.Time) error {
	if !slices.Contains(States, state) {
		return fmt.Errorf("%w: state must be one of %s", ErrInvalid, strings.Join(States, ", "))
	}
	res, err := tx.ExecContext(ctx, `UPDATE support_requests SET state = ?, updated_at = ? WHERE id = ?`, state, core.Now(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// Filter narrows ListRequests; zero values match everything.
type Filter struct {
	ClientID int64
	State    string
	StaffID  int64 // only requests assigned to this staff member
	Limit    int
}

const requestCols = `id, COALESCE(external_id, ''), client_id, subject, category, body, state, created_at, updated_at`

func scanRequest(row interface{ Scan(...any) error }) (Request, error) {
	var r Request
	var created, updated string
	err := row.Scan(&r.ID, &r.ExternalID, &r.ClientID, &r.Subject, &r.Category, &r.Body, &r.State, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, core.ErrNotFound
	}
	r.CreatedAt, r.UpdatedAt = core.ParseTime(created), core.ParseTime(updated)
	return r, err
}

// ListRequests lists requests newest first.
func ListRequests(ctx context.Context, q core.Querier, f Filter) ([]Request, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	// Conditions only when set (core.Where): the client card reads the client's index.
	var w core.Where
	if f.ClientID != 0 {
		w.And("client_id = ?", f.ClientID)
	}
	if f.State != "" {
		w.And("state = ?", f.State)
	}
	if f.StaffID != 0 {
		w.And("id IN (SELECT request_id FROM support_request_assignees WHERE staff_id = ?)", f.StaffID)
	}
	return core.List(ctx, q, scanRequest, `SELECT `+requestCols+` FROM support_requests`+w.SQL()+
		` ORDER BY id DESC LIMIT ?`, w.Args(f.Limit)...)
}

// RequestForClient loads one request of the client; another client's is ErrNotFound.
func RequestForClient(ctx context.Context, q core.Querier, clientID, id int64) (Request, error) {
	return scanRequest(q.QueryRowContext(ctx, `SELECT `+requestCols+` FROM support_requests WHERE id = ? AND client_id = ?`, id, clientID))
}
