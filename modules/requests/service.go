package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	if err := addEvent(ctx, tx, id, now, "", EventState, state); err != nil {
		return Request{}, err
	}
	return RequestForClient(ctx, tx, clientID, id)
}

// MaxReply is the most runes a staff reply may hold.
const MaxReply = 10000

// Errors of Update, each inside a *core.FieldError naming the field.
var (
	ErrState    = errors.New("must be new, in_progress, done or rejected")
	ErrReply    = errors.New("must be text of at most 10000 characters without control characters")
	ErrAssignee = errors.New("must be active staff members")
	ErrNoChange = errors.New("changes nothing: choose another state, assignees or write a reply")
)

// Change is what staff change on a request at once.
type Change struct {
	State     string  // the new state; "" keeps it
	Reply     string  // a reply the client sees on the request page; "" adds none
	Assignees []int64 // the new assignees; nil keeps them
}

// Update is the one service function of a staff change to a request: it validates the
// change and applies it with its history lines in tx, and returns the request as it is
// now and what changed (the audit detail; the caller writes the entry in tx, as it
// knows the actor). author is the staff name the client sees beside a reply. A change
// that changes nothing is refused (ErrNoChange); an unknown request is core.ErrNotFound.
func Update(ctx context.Context, tx *sql.Tx, id int64, ch Change, author string, now time.Time) (Request, string, error) {
	if ch.State != "" && !slices.Contains(States, ch.State) {
		return Request{}, "", &core.FieldError{Field: "state", Err: ErrState}
	}
	reply, err := core.Text(ch.Reply)
	if err != nil || utf8.RuneCountInString(reply) > MaxReply {
		return Request{}, "", &core.FieldError{Field: "reply", Err: ErrReply}
	}
	reply = strings.TrimSpace(reply)
	var clientID int64
	if err := tx.QueryRowContext(ctx, `SELECT client_id FROM support_requests WHERE id = ?`, id).Scan(&clientID); errors.Is(err, sql.ErrNoRows) {
		return Request{}, "", core.ErrNotFound
	} else if err != nil {
		return Request{}, "", err
	}
	old, err := RequestForClient(ctx, tx, clientID, id)
	if err != nil {
		return Request{}, "", err
	}
	var did []string
	if ch.Assignees != nil {
		changed, err := reassign(ctx, tx, id, ch.Assignees, author, now)
		if err != nil {
			return Request{}, "", err
		}
		if changed {
			did = append(did, "assignees")
		}
	}
	if ch.State != "" && ch.State != old.State {
		if err := SetRequestState(ctx, tx, id, ch.State, now); err != nil {
			return Request{}, "", err
		}
		if err := addEvent(ctx, tx, id, now, author, EventState, ch.State); err != nil {
			return Request{}, "", err
		}
		did = append(did, "state "+ch.State)
	}
	if reply != "" {
		if err := addEvent(ctx, tx, id, now, author, EventReply, reply); err != nil {
			return Request{}, "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE support_requests SET updated_at = ? WHERE id = ?`, core.Now(now), id); err != nil {
			return Request{}, "", err
		}
		did = append(did, "reply")
	}
	if len(did) == 0 {
		return Request{}, "", &core.FieldError{Field: "reply", Err: ErrNoChange}
	}
	r, err := RequestForClient(ctx, tx, clientID, id)
	return r, fmt.Sprintf("request %d: %s", id, strings.Join(did, ", ")), err
}

// reassign replaces the assignees when they differ, with a history line; every id
// must be an active staff member.
func reassign(ctx context.Context, tx *sql.Tx, id int64, ids []int64, author string, now time.Time) (bool, error) {
	want := map[int64]bool{}
	for _, sid := range ids {
		s, err := core.StaffByID(ctx, tx, sid)
		if errors.Is(err, core.ErrNotFound) || (err == nil && !s.Active) {
			return false, &core.FieldError{Field: "assignees", Err: ErrAssignee}
		} else if err != nil {
			return false, err
		}
		want[sid] = true
	}
	cur, err := Assignees(ctx, tx, id)
	if err != nil {
		return false, err
	}
	same := len(cur) == len(want)
	for _, a := range cur {
		same = same && want[a.ID]
	}
	if same {
		return false, nil
	}
	names, err := setAssignees(ctx, tx, id, slices.Collect(maps.Keys(want)))
	if err != nil {
		return false, err
	}
	return true, addEvent(ctx, tx, id, now, author, EventAssign, strings.Join(names, ", "))
}
